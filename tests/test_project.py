"""Project files: read, checked all at once, every problem with its line number and fix."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from filmkit.errors import FileFormatError
from filmkit.project import load_project

GOOD = '''
[film]
title = "The In-Between"
authors = ["A. Learner"]
size = "640x360"
fps = 24
seed = 7

[music]
synth = { bpm = 96, seed = 3 }
fade_out = 2.0

[[shot]]
id = "harbour"
prompt = "misty harbour at dawn, lone lighthouse --ar 16:9"
pick = 2
move = "push-in"
seconds = 4
transition = { kind = "crossfade", seconds = 1.0 }

[[shot]]
id = "plate"
asset = "plate.png"
move = "pan-left"
live = { footage = "synthetic", key = "green", position = [0.5, 0.6] }
react = { pulse = "low", glow = "high" }
seconds = 3

[[title]]
text = "The In-Between"
at = 0.5

[credits]
"Edited by" = "A. Learner"
'''


def _write(tmp: Path, text: str) -> Path:
    Image.new("RGB", (64, 36)).save(tmp / "plate.png")
    f = tmp / "film.toml"
    f.write_text(text)
    return f


def test_a_good_project_reads_into_values(tmp_path: Path) -> None:
    p = load_project(_write(tmp_path, GOOD))
    assert p.title == "The In-Between" and p.size == (640, 360) and p.seed == 7
    assert [s.id for s in p.shots] == ["harbour", "plate"]
    assert p.shots[0].pick == 2 and p.shots[0].transition.kind == "crossfade"
    assert p.shots[1].asset == (tmp_path / "plate.png").resolve()
    assert p.shots[1].live is not None and p.shots[1].live.position == (0.5, 0.6)
    assert p.music is not None and p.music.synth_bpm == 96 and p.music.bpm == 96
    assert p.duration == pytest.approx(6.0)  # 4 + 3 − 1 s overlap
    assert p.credits == {"Edited by": "A. Learner"}
    changed = p.with_shot("harbour", seconds=5)
    assert changed.shot("harbour").seconds == 5 and p.shot("harbour").seconds == 4


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = GOOD.replace('size = "640x360"', 'size = "641x360"') \
              .replace('move = "push-in"', 'move = "zoom"') \
              .replace("seconds = 3\n", "secnds = 3\n") \
              .replace('asset = "plate.png"', 'asset = "missing.png"') \
              .replace("--ar 16:9", "--ar 16:9 --chaos 150")
    with pytest.raises(FileFormatError) as info:
        load_project(_write(tmp_path, bad))
    problems = dict((msg.split(" ")[0] + str(line), (line, msg)) for line, msg in info.value.problems)
    text = str(info.value)
    lines = bad.splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, l in enumerate(lines, start=1) if fragment in l)

    expected = {
        line_of('size = "641x360"'): "even numbers",
        line_of('move = "zoom"'): "is not one of push-in",
        line_of("secnds = 3"): "did you mean 'seconds'",
        line_of('asset = "missing.png"'): "does not exist",
        line_of("--chaos 150"): "--chaos must be 0–100",
    }
    got = {line: msg for line, msg in info.value.problems}
    for line, fragment in expected.items():
        assert line in got and fragment in got[line], (line, fragment, text)
    assert f"film.toml:{line_of('secnds = 3')}:" in text
    assert problems  # all reported at once
    assert len(info.value.problems) >= 5


def test_syntax_errors_and_missing_parts(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"film.toml:3: TOML syntax"):
        load_project(_write(tmp_path, '[film]\ntitle = "x"\nfps = = 3\n'))
    with pytest.raises(FileFormatError, match="at least one \\[\\[shot\\]\\]"):
        load_project(_write(tmp_path, '[film]\ntitle = "x"\n'))
    with pytest.raises(FileFormatError, match="exactly one of `prompt"):
        load_project(_write(tmp_path, '[film]\ntitle = "x"\n[[shot]]\nid = "a"\nseconds = 2\n'))
    two = '[film]\ntitle = "x"\n[[shot]]\nid = "a"\nprompt = "sea"\nseconds = 2\n' \
          'transition = { kind = "crossfade", seconds = 3 }\n[[shot]]\nid = "a"\nprompt = "sky"\nseconds = 2\n'
    with pytest.raises(FileFormatError) as info:
        load_project(_write(tmp_path, two))
    assert "used twice" in str(info.value) and "make it shorter" in str(info.value)


def test_an_inline_style_bible_is_checked_and_applied(tmp_path: Path) -> None:
    text = GOOD.replace("[[shot]]", '[style]\nmedium = ["matte painting"]\nparams = { s = 250 }\n\n[[shot]]', 1)
    p = load_project(_write(tmp_path, text))
    styled = str(p.style_bible.apply(p.shots[0].prompt))
    assert "matte painting" in styled and "--s 250" in styled
    bad = GOOD.replace("[[shot]]", '[style]\nmedum = ["ink"]\nparams = { s = 5000 }\n\n[[shot]]', 1)
    with pytest.raises(FileFormatError) as info:
        load_project(_write(tmp_path, bad))
    got = dict(info.value.problems)
    lines = bad.splitlines()
    medum = next(i for i, l in enumerate(lines, start=1) if l.startswith("medum"))
    assert "did you mean 'medium'" in got[medum].lower() and "[style]" in got[medum]
    assert any("stylize" in m and "5000" in m for m in got.values())
    both = text.replace('seed = 7\n', 'seed = 7\nstyle = "plate.png"\n')
    with pytest.raises(FileFormatError, match="not both"):
        load_project(_write(tmp_path, both))


# --- a declared length ([film] length) ------------------------------------------------------------------------
LENGTHY = '''
[film]
title = "Tide"
fps = 12
length = {length}

[[shot]]
id = "sea"
prompt = "grey sea at dawn --ar 16:9"
seconds = 4
transition = {{ kind = "crossfade", seconds = 1.0 }}

[[shot]]
id = "gull"
prompt = "a gull over the pier --ar 16:9"
seconds = 3
'''


@pytest.mark.parametrize("length, seconds", [("6", 6.0), ('"0:06"', 6.0), ("6.05", 6.05), ('"6s"', 6.0)])
def test_a_declared_length_is_kept_when_the_shots_agree(tmp_path: Path, length: str, seconds: float) -> None:
    project = load_project(_write(tmp_path, LENGTHY.format(length=length)))
    assert project.length == seconds and project.duration == 6.0   # 4 + 3 - 1 s of crossfade, within a frame


def test_no_declared_length_is_none(tmp_path: Path) -> None:
    assert load_project(_write(tmp_path, GOOD)).length is None


def test_a_length_that_disagrees_names_both_numbers_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError) as err:
        load_project(_write(tmp_path, LENGTHY.format(length='"0:30"')))
    (line, message), = err.value.problems
    assert line == 5
    assert "length = 30 s, but the shots add up to 6 s" in message
    assert "set `length = 6`" in message and "24 s longer" in message
    # more than one frame (1/12 s) off is too far
    with pytest.raises(FileFormatError, match="length = 6.1 s, but the shots add up to 6 s"):
        load_project(_write(tmp_path, LENGTHY.format(length="6.1")))


@pytest.mark.parametrize("length, message", [('"half a minute"', "minutes:seconds"), ("0", "from 0.5 s"),
                                             ("true", "minutes:seconds")])
def test_a_length_that_cannot_be_read(tmp_path: Path, length: str, message: str) -> None:
    with pytest.raises(FileFormatError, match=message):
        load_project(_write(tmp_path, LENGTHY.format(length=length)))


# --- the starter project (fk.new_project, `filmkit new`) -------------------------------------------------------
def test_the_starter_loads_and_promises_a_small_three_shot_film(tmp_path: Path) -> None:
    import filmkit as fk

    path = fk.new_project(tmp_path / "tide.toml", title='The "Tide"', authors=["A. Learner", "B. Friend"])
    project = load_project(path)
    assert project.title == 'The "Tide"' and project.authors == ("A. Learner", "B. Friend")
    assert len(project.shots) == 3 and project.music is not None and project.titles
    assert project.size == (320, 180) and project.fps == 12
    assert project.length == project.duration == 8.5
    assert project.credits["Written and directed by"] == "A. Learner, B. Friend"
    assert path.read_text().count("#") > 10            # it explains itself
    bigger = load_project(fk.new_project(tmp_path / "big.toml", size=(1280, 720), fps=24, shot_seconds=5))
    assert bigger.size == (1280, 720) and bigger.length == bigger.duration == 14.5


def test_the_starter_never_overwrites(tmp_path: Path) -> None:
    import filmkit as fk
    from filmkit.errors import ProjectError

    mine = tmp_path / "mine.toml"
    mine.write_text("# my film, weeks of work\n")
    with pytest.raises(ProjectError, match="already exists; new_project never overwrites"):
        fk.new_project(mine)
    assert mine.read_text() == "# my film, weeks of work\n"
    with pytest.raises(ProjectError, match="ends in .toml"):
        fk.new_project(tmp_path / "film.txt")
    with pytest.raises(ProjectError, match="even numbers"):
        fk.new_project(tmp_path / "odd.toml", size=(321, 180))


def test_filmkit_new_writes_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from filmkit.cli import main

    path = tmp_path / "cli.toml"
    assert main(["new", str(path), "--title", "Sea", "--author", "A. Learner"]) == 0
    assert load_project(path).title == "Sea"
    assert main(["new", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err


# --- [[cast]]: who appears, and their consent (lesson 12) ----------------------------------------------------------
REAL_LIVE = GOOD.replace('live = { footage = "synthetic", key = "green", position = [0.5, 0.6] }',
                         'live = { footage = "take3.mp4", key = "green" }')
CAST = '''
[[cast]]
name = "Mara Quinn"
role = "The wanderer"
consent = { form = "releases/release-mara-quinn.pdf", covers = ["likeness", "voice"], scope = ["this film", "festival"], date = "2026-11-20" }
shots = ["plate"]

[[cast]]
name = "synthetic performer"
role = "The walker"
consent = "synthetic"
shots = ["harbour"]
'''


def test_the_cast_reads_into_consent_values(tmp_path: Path) -> None:
    (tmp_path / "take3.mp4").write_bytes(b"\0")
    p = load_project(_write(tmp_path, REAL_LIVE + CAST))
    mara, walker = p.cast
    assert (mara.name, mara.role, mara.shots, mara.form) == ("Mara Quinn", "The wanderer", ("plate",),
                                                             "release-mara-quinn.pdf")
    assert mara.covers == ("likeness", "voice") and mara.scope == ("this film", "festival")
    assert walker.is_synthetic and walker.shots == ("harbour",)
    assert load_project(_write(tmp_path, GOOD)).cast == ()  # synthetic footage needs no cast entry


def test_real_live_footage_without_consent_is_refused_naming_the_shot_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / "take3.mp4").write_bytes(b"\0")
    with pytest.raises(FileFormatError) as err:
        load_project(_write(tmp_path, REAL_LIVE))
    (line, message), = err.value.problems
    assert REAL_LIVE.splitlines()[line - 1].startswith("live = ")
    assert "shot 'plate' composites live footage (take3.mp4) of a real person" in message
    assert 'consent = { form = "release-NAME.pdf"' in message and 'footage = "synthetic"' in message
    unsigned = CAST.replace('form = "releases/release-mara-quinn.pdf", ', "")
    no_consent = CAST.replace('consent = { form = "releases/release-mara-quinn.pdf", covers = ["likeness", "voice"], '
                              'scope = ["this film", "festival"], date = "2026-11-20" }\n', "")
    for text, expect in [(unsigned, "cast 'Mara Quinn' has no signed release"),
                         (no_consent, "cast 'Mara Quinn' appears in shots plate with no consent recorded"),
                         (CAST.replace('shots = ["plate"]', 'shots = ["plate", "harbor"]'),
                          "no shot 'harbor' (did you mean 'harbour'?)"),
                         (CAST.replace('"festival"]', '"cinema"]'), "scope 'cinema' is not one of")]:
        with pytest.raises(FileFormatError) as err:
            load_project(_write(tmp_path, REAL_LIVE + text))
        assert any(expect in m for _, m in err.value.problems), (expect, err.value.problems)
