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
