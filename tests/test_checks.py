"""filmkit.checks: each check passes on good media and fails, with the promised sentence, on bad media.

Clips are measured from decoded frames, so the tests write real (tiny) videos and also lie in their file names
and labels to show the checks do not trust them.
"""
from __future__ import annotations

from pathlib import Path

import filmkit as fk
import numpy as np
import pytest
from filmkit import checks
from filmkit.clip import Clip
from filmkit.errors import FilmkitError
from PIL import Image

W, H = 160, 90


def _scene() -> np.ndarray:
    return np.asarray(fk.sample_frame("night street", size=(480, 270)))


def moving_clip(kind: str, *, seconds: float = 1.0, fps: float = 24, size: tuple[int, int] = (W, H)) -> Clip:
    """A camera move over a painted frame: crop a window that grows, shrinks or slides."""
    base = Image.fromarray(_scene())
    n = max(1, round(seconds * fps))

    def frame(i: int) -> np.ndarray:
        t = i / max(n - 1, 1)
        z = {"push-in": 1 + 0.3 * t, "pull-out": 1.3 - 0.3 * t}.get(kind, 1.0)
        cx = {"pan-left": 260 - 40 * t, "pan-right": 220 + 40 * t}.get(kind, 240.0)
        cy = {"tilt-up": 150 - 30 * t, "tilt-down": 120 + 30 * t}.get(kind, 135.0)
        w, h = 320 / z, 180 / z
        box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        return np.asarray(base.crop(box).resize(size, Image.Resampling.BILINEAR))

    return Clip(frame_fn=frame, fps=fps, n_frames=n, size=size, label=kind)


# --- clips -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["static", "push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down"])
def test_motion_is_measured_from_the_frames(kind: str) -> None:
    assert checks.measure_clip(moving_clip(kind)).motion == kind


def test_expect_clip_passes_on_a_decoded_push_in(tmp_path: Path) -> None:
    asset = moving_clip("push-in", seconds=2, fps=12).save(tmp_path / "shot.mp4")
    facts = checks.expect_clip(asset, seconds=2, fps=12, size=(W, H), motion="push-in")
    assert facts.n_frames == 24 and facts.zoom > 1.2


def test_a_short_clip_fails_with_the_promised_sentence(tmp_path: Path) -> None:
    # the file name and the label both claim five seconds; the frames say 4.2
    asset = Clip.solid((40, 40, 40), seconds=4.2, fps=10, size=(64, 36)).with_label("5s").save(tmp_path / "5s.mp4")
    with pytest.raises(AssertionError, match=r"^Your clip is 4\.2 s long; the shot needs 5 s"):
        checks.expect_clip(asset, seconds=5)
    with pytest.raises(AssertionError, match=r"Your clip is 4\.2 s long"):
        checks.expect_clip(str(asset.path), seconds=5)


def test_wrong_fps_size_and_motion_each_say_what_to_change() -> None:
    clip = moving_clip("pan-left", seconds=1, fps=12)
    with pytest.raises(AssertionError, match="runs at 12 fps; the shot needs 24 fps"):
        checks.expect_clip(clip, fps=24)
    with pytest.raises(AssertionError, match=r"is 160×90; the shot needs 640×360"):
        checks.expect_clip(clip, size=(640, 360))
    with pytest.raises(AssertionError, match="shows a pan-left .*the shot needs a push-in"):
        checks.expect_clip(clip, motion="push-in")
    with pytest.raises(AssertionError, match="shows no camera move"):
        checks.expect_clip(moving_clip("static"), motion="pull-out")


def test_expect_clip_rejects_a_still_and_a_missing_file(tmp_path: Path) -> None:
    still = fk.Asset.from_file(_save_png(tmp_path / "still.png", fk.sample_frame("dusk")))
    with pytest.raises(AssertionError, match="not a clip"):
        checks.expect_clip(still, seconds=1)
    with pytest.raises(AssertionError, match="There is no video at"):
        checks.expect_clip(tmp_path / "nothing.mp4", seconds=1)
    with pytest.raises(ValueError, match="unknown motion 'zoom'"):
        checks.expect_clip(moving_clip("static"), motion="zoom")


# --- images ---------------------------------------------------------------------------------------------------------
def _save_png(path: Path, im: Image.Image) -> Path:
    im.save(path)
    return path


def test_expect_image_reads_pixels_not_names(tmp_path: Path) -> None:
    # a 320×180 picture saved under a name that claims scope
    p = _save_png(tmp_path / "scope_2.39.png", fk.sample_frame("dusk"))
    assert checks.expect_image(p, aspect="16:9").size == (320, 180)
    with pytest.raises(AssertionError, match=r"is 320×180 \(1\.78:1\); the shot needs 2\.39:1\. .*--ar 12:5"):
        checks.expect_image(p, aspect="2.39:1")
    with pytest.raises(AssertionError, match="the shot needs 640×360"):
        checks.expect_image(p, size=(640, 360))
    with pytest.raises(AssertionError, match="at least 1280×720"):
        checks.expect_image(p, min_size=(1280, 720))
    with pytest.raises(AssertionError, match="is None"):
        checks.expect_image(None)


def test_expect_palette_close() -> None:
    frame = fk.sample_frame("dusk")
    assert checks.expect_palette_close(frame, fk.palette(frame, n=5).hex, max_distance=3)
    with pytest.raises(AssertionError, match=r"The colour #00ff00 is not in your frame: .*ΔE \d+\.\d away"):
        checks.expect_palette_close(frame, ["#00ff00"])


def test_expect_subject_on_thirds() -> None:
    assert checks.expect_subject_on_thirds(fk.sample_frame("desert noon"))
    centred = np.zeros((90, 160, 3), np.uint8)
    centred[40:50, 75:85] = 255
    with pytest.raises(AssertionError, match=r"sits at \(0\.50, 0\.50\)"):
        checks.expect_subject_on_thirds(centred)


# --- prompts -----------------------------------------------------------------------------------------------------------
def test_expect_prompt_passes_and_returns_the_prompt() -> None:
    p = checks.expect_prompt("lighthouse at dusk, wide shot --ar 12:5 --seed 7 --v 6.1", version="6.1",
                             requires=["ar", "seed"], values={"ar": "12:5", "seed": 7}, contains=["lighthouse"])
    assert p.params["aspect"] == "12:5"


@pytest.mark.parametrize("prompt, kw, message", [
    ("neon alley --ar 16x9 --v 6", {}, r"not valid:\n  - --ar must look like W:H"),
    ("neon alley --ar 16:9", {"requires": ["seed"]}, r"needs --seed; it has --ar"),
    ("neon alley --ar 16:9 --seed 3", {"values": {"seed": "7"}}, r"has --seed 3; the brief needs --seed 7"),
    ("neon alley --ar 16:9", {"contains": ["rain"]}, r"does not mention 'rain'"),
    ("   ", {}, r"Your prompt is empty"),
    ("harbour --cw 50 --v 7", {"version": "7"}, r"not valid for version 7"),
])
def test_expect_prompt_failures_teach(prompt: str, kw: dict, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        checks.expect_prompt(prompt, **kw)


# --- curves and beats ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ease, shape", [("linear", "linear"), ("ease_in_cubic", "ease-in"),
                                         ("ease_out_cubic", "ease-out"), ("ease_in_out_cubic", "ease-in-out")])
def test_expect_curve_recognises_easing_shapes(ease: str, shape: str) -> None:
    from filmkit.curves import keyframes

    zoom = keyframes({0: 1.0, 2: 1.3}, ease=ease)
    y = checks.expect_curve(zoom, start=1.0, end=1.3, shape=shape, fps=24)
    assert len(y) == 49 and y[0] == 1.0
    others = {"linear", "ease-in", "ease-out", "ease-in-out"} - {shape}
    for other in others:
        with pytest.raises(AssertionError, match=f"the shot needs an? {'linear move' if other == 'linear' else other}"):
            checks.expect_curve(zoom, shape=other)


def test_expect_curve_start_end_hold_and_plain_functions() -> None:
    with pytest.raises(AssertionError, match="starts at 0.5; the shot needs 1"):
        checks.expect_curve([0.5, 0.8, 1.2], start=1)
    with pytest.raises(AssertionError, match="ends at 1.2; the shot needs 1.5"):
        checks.expect_curve([1.0, 1.1, 1.2], end=1.5)
    with pytest.raises(AssertionError, match="needs it to hold still"):
        checks.expect_curve([1.0, 1.0, 1.1], shape="hold")
    with pytest.raises(AssertionError, match="needs it falling"):
        checks.expect_curve(lambda t: 1 + t, duration=1, shape="falling")
    with pytest.raises(AssertionError, match="turns back on itself"):
        checks.expect_curve([0, 1, 0.2, 1.5], shape="linear")


def test_expect_beats_aligned() -> None:
    beats = np.arange(0, 4, 0.5)
    assert checks.expect_beats_aligned([0.51, 2.0, 3.49], beats) == [0.01, 0.0, -0.01]
    with pytest.raises(AssertionError, match=r"cut at 1\.85 s is 0\.15 s early for the beat at 2\.00 s.*or 1\.50 s"):
        checks.expect_beats_aligned([1.0, 1.85], beats)
    with pytest.raises(AssertionError, match="no beats"):
        checks.expect_beats_aligned([1.0], [])


@pytest.mark.parametrize("amount", [0.2, 0.4])
@pytest.mark.parametrize("direction", ["left", "right"])
def test_large_pans_are_measured_the_right_way(amount: float, direction: str) -> None:
    """A fast pan slides the picture several pixels between samples; it must not read as the opposite pan
    or as a zoom (it did before registration was seeded with phase correlation)."""
    import cv2

    rng = np.random.default_rng(3)
    still = cv2.resize(rng.integers(0, 255, (36, 64, 3), dtype=np.uint8), (640, 360),
                       interpolation=cv2.INTER_CUBIC)
    clip = fk.pan(still, direction=direction, amount=amount, seconds=2, fps=12, size=(320, 180))
    assert checks.measure_clip(clip).motion == f"pan-{direction}"


# --- expect_film: a rendered film against its project file ------------------------------------------------------
FILM = '''
[film]
title = "Tide"
authors = ["A. Learner", "B. Friend"]
size = "160x90"
fps = 12
seed = 2
length = 4

[music]
synth = { bpm = 120, seed = 1 }

[[shot]]
id = "harbour"
prompt = "misty harbour at dawn, lone lighthouse --ar 16:9"
move = "push-in"
seconds = 1.5
transition = { kind = "crossfade", seconds = 0.5 }

[[shot]]
id = "gull"
prompt = "a gull over the pier, grey sky --ar 16:9"
move = "pan-right"
seconds = 1.5

[[shot]]
id = "sea"
prompt = "grey sea at dusk, violet haze --ar 16:9"
move = "pull-out"
seconds = 1.5

[credits]
"Written and directed by" = "A. Learner, B. Friend"
'''


@pytest.fixture(scope="module")
def rendered_film(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """One small film (160×90, 12 fps, 4 s + credits), rendered once for every expect_film test."""
    from filmkit.render import render_project
    from filmkit.settings import config

    root = tmp_path_factory.mktemp("film")
    project = root / "tide.toml"
    project.write_text(FILM)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FILMKIT_WORKSPACE", str(root / "ws"))
        mp.setenv("FILMKIT_PROVIDER", "previz")
        config.reload()
        result = render_project(project, out=root / "out")
    config._stack.clear()
    return project, result


def _copy_of(result: object, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(Path(result.film.path).parent, tmp_path / "copy")) / "film.mp4"


def _ffmpeg(*args: str) -> None:
    import subprocess

    from filmkit._ffmpeg import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def test_expect_film_passes_a_rendered_film(rendered_film: tuple[Path, object]) -> None:
    project, result = rendered_film
    facts = checks.expect_film(result, project, min_shots=3)
    assert facts.size == (160, 90) and facts.fps == 12 and facts.shots == 3
    assert facts.cut == 4 and facts.tail == 5 and abs(facts.seconds - 9) <= 1 / 12
    assert facts.codecs == "h264/yuv420p + aac" and facts.credentials in ("Valid", "Trusted")
    assert facts.authors == ("A. Learner", "B. Friend")
    assert "filmkit previz — previz-1" in facts.tools
    assert "9.00 s = 4 s cut + 5 s credits" in repr(facts)
    # the same film, from its path and with what it must measure spelt out
    assert checks.expect_film(result.film.path, length=4, size=(160, 90), fps=12).cut == 4


def test_expect_film_wrong_length_and_size_name_the_numbers(rendered_film: tuple[Path, object]) -> None:
    import dataclasses

    from filmkit.project import load_project

    project, result = rendered_film
    longer = dataclasses.replace(load_project(project), length=7.0)
    with pytest.raises(AssertionError, match=r"Your film is 9\.00 s long; it should be 12 s: the declared length of "
                                             r"7 s plus 5 s of end credits .* -3\.00 s off"):
        checks.expect_film(result, longer)
    with pytest.raises(AssertionError, match=r"Your film is 160×90; the project declares 320×180\. "
                                             r'Set size = "320x180"'):
        checks.expect_film(result, project, size=(320, 180))
    with pytest.raises(AssertionError, match=r"runs at 12 fps; the project declares 24 fps"):
        checks.expect_film(result, project, fps=24)
    with pytest.raises(AssertionError, match=r"has 3 shots; the brief needs at least 4"):
        checks.expect_film(result, project, min_shots=4)


def test_expect_film_missing_credits_fail(rendered_film: tuple[Path, object], tmp_path: Path) -> None:
    project, result = rendered_film
    film = _copy_of(result, tmp_path)
    (film.parent / "credits.txt").unlink()
    with pytest.raises(AssertionError, match=r"no credits file \(credits.txt\) beside the film"):
        checks.expect_film(film, project)
    # a film whose credits roll was covered in black: same length, size and codecs, but no lettering at the end
    covered = tmp_path / "covered" / "film.mp4"
    covered.parent.mkdir()
    for name in ("credits.txt", "manifest.json", "storyboard.png", "contact_sheet.png"):
        (covered.parent / name).write_bytes((Path(result.film.path).parent / name).read_bytes())
    _ffmpeg("-i", str(result.film.path), "-vf", "drawbox=c=black:t=fill:enable='gte(t,4)'", "-c:v", "libx264",
            "-pix_fmt", "yuv420p", "-c:a", "copy", str(covered))
    with pytest.raises(AssertionError, match=r"The last 5 s of your film should roll the end credits, but only 0 of "
                                             r"its last 60 frames show any lettering"):
        checks.expect_film(covered, project)
    # re-encoding drops the content credentials
    copied = tmp_path / "covered" / "recopied.mp4"
    _ffmpeg("-i", str(result.film.path), "-c", "copy", str(copied))
    with pytest.raises(AssertionError, match="carries no readable content credentials"):
        checks.expect_film(copied, project)


def test_expect_film_credits_must_name_people_tools_and_disclose(rendered_film: tuple[Path, object],
                                                                 tmp_path: Path) -> None:
    import dataclasses
    import json

    from filmkit.project import load_project

    project, result = rendered_film
    film = _copy_of(result, tmp_path)
    with pytest.raises(AssertionError, match=r"The credits do not name C\. Third, an author of the film"):
        checks.expect_film(film, dataclasses.replace(load_project(project), authors=("A. Learner", "C. Third")))
    credits = film.parent / "credits.txt"
    text = credits.read_text()
    # a disclosure that leaves out the provider that rendered the images
    lines = [ln.replace("by filmkit previz,", "by a renderer,") if ln.startswith("AI disclosure") else ln
             for ln in text.splitlines()]
    credits.write_text("\n".join(lines))
    with pytest.raises(AssertionError, match=r"The AI disclosure does not mention filmkit previz, which made 12 of"):
        checks.expect_film(film, project)
    credits.write_text("\n".join(ln for ln in text.splitlines() if not ln.startswith("AI disclosure")))
    with pytest.raises(AssertionError, match="The credits carry no AI disclosure"):
        checks.expect_film(film, project)
    # a Runway clip in the manifest that neither the credits nor the disclosure name
    credits.write_text(text)
    manifest = json.loads((film.parent / "manifest.json").read_text())
    extra = json.loads(json.dumps(manifest["assets"][0]))
    extra["provenance"].update(provider="runway", model="gen4_turbo")
    manifest["assets"].append(extra)
    manifest["tools"].append({"provider": "runway", "model": "gen4_turbo", "image": 0, "video": 1, "audio": 0,
                              "credits": 25})
    (film.parent / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(AssertionError, match=r"The credits do not name Runway \(gen4_turbo\), which made 1 video"):
        checks.expect_film(film, project)


# --- lesson 12: expect_disclosure ----------------------------------------------------------------------------------
def _manifest_for_disclosure(tmp_path: Path) -> fk.Manifest:
    def asset(name: str, provider: str, model: str, kind: str = "image") -> fk.Asset:
        return fk.Asset(path=tmp_path / name, kind=kind, id=name.split(".")[0],
                        provenance=fk.Provenance(provider=provider, model=model))

    return fk.Manifest.from_assets(
        "Salt", [asset("a.png", "previz", "previz-1"), asset("b.mp4", "runway", "gen4_turbo", "video"),
                 asset("c.mp4", "filmkit", "composite", "video")], authors=["A. Learner", "B. Friend"],
        cast=[fk.Consent("Mara Quinn", shots=("walk",), form="release-mq.pdf"),
              fk.Consent.synthetic(shots=("dunes",))])


def test_expect_disclosure_passes_the_kit_s_own_words(tmp_path: Path) -> None:
    m = _manifest_for_disclosure(tmp_path)
    assert checks.expect_disclosure(fk.disclosure(m), m) == (
        "filmkit previz", "Runway", "A. Learner", "B. Friend", "Mara Quinn")
    assert "gen4_turbo" in checks.expect_disclosure(fk.credits_text(m), m, models=True)


def test_expect_disclosure_names_what_is_missing(tmp_path: Path) -> None:
    m = _manifest_for_disclosure(tmp_path)
    good = fk.credits_text(m)
    for text, expect in [
            (good.replace("Runway", "a video tool"), "does not name Runway, which made 1 video"),
            (good.replace("gen4_turbo", "its video model"), "does not name the model 'gen4_turbo'"),
            (good.replace("B. Friend", "friends"), "does not name the author 'B. Friend'"),
            (good.replace("consent", "okay"), "that Mara Quinn appears in walk with their written consent"),
            (good.replace("synthetic", "made-up"), "performer in dunes is synthetic"),
            (good + " https://dnznrvs05pmza.cloudfront.net/x.mp4?_jwt=abc", "signed download link"),
            (good + " key_" + "a" * 64, "API key"),
            ("", "empty")]:
        with pytest.raises(AssertionError, match=expect):
            checks.expect_disclosure(text, m, models=True)
    with pytest.raises(AssertionError, match="Pass the film's manifest"):
        checks.expect_disclosure(good, {"assets": []})


# --- lesson 10: cuts and the soundtrack of an edit, measured from the rendered file -------------------------------
def _edit(music_fade_out: float | None = 3.0) -> fk.Timeline:
    """Four shots (two with camera moves), cuts at 2 s and 3.5 s, a 1 s dissolve from 5 s, music at 120 BPM."""
    grain = np.asarray(Image.fromarray(np.random.default_rng(1).integers(0, 255, (9, 16, 3), dtype=np.uint8))
                       .resize((W, H), Image.Resampling.BICUBIC))
    tl = (fk.Timeline(fps=12, size=(W, H)).add(_scene(), seconds=2, move="push_in")
          .add(grain, seconds=1.5).add(grain[::-1], seconds=2.5, move="pan").add(fk.crossfade(1.0))
          .add(_scene()[::-1], seconds=3).title("TIDE", at=0.2, seconds=1.5))
    if music_fade_out is not None:
        tl.music(fk.synth_music(10.0, bpm=120, seed=2)[0], fade_in=0.5, fade_out=music_fade_out)
    return tl


def test_detect_cuts_finds_hard_cuts_in_the_rendered_file_and_ignores_moves_titles_and_dissolves(
        tmp_path: Path) -> None:
    tl = _edit()
    assert tl.cut_times == [2.0, 3.5, 5.0]                       # the last is the start of the dissolve
    film = tl.render(tmp_path / "lying_name_no_cuts.mp4", progress=False)
    assert fk.detect_cuts(film) == [2.0, 3.5] == fk.detect_cuts(tl.to_clip())
    assert fk.detect_cuts(moving_clip("pan-right", seconds=1, fps=12)) == []
    offsets = checks.expect_beats_aligned(fk.detect_cuts(film), beats=np.arange(0, 8, 0.5))
    assert offsets == [0.0, 0.0]
    with pytest.raises(FilmkitError, match="no video at"):
        fk.detect_cuts(tmp_path / "missing.mp4")


def test_expect_soundtrack_hears_the_fade_out_in_the_rendered_file(tmp_path: Path) -> None:
    faded = _edit(3.0).render(tmp_path / "faded.mp4", progress=False)
    facts = checks.expect_soundtrack(faded, seconds=8.0, fade_out=True)
    assert facts.tail_db < facts.level_db - 30 and facts.end_db < facts.level_db - 10
    hard = _edit(0.0).render(tmp_path / "hard_stop.mp4", progress=False)
    checks.expect_soundtrack(hard, seconds=8.0)                       # sound is there, and long enough
    with pytest.raises(AssertionError, match="fade out to near-silence. Fade the music out over 2 s"):
        checks.expect_soundtrack(hard, fade_out=True)
    with pytest.raises(AssertionError, match="the edit needs 30 s"):
        checks.expect_soundtrack(faded, seconds=30)
    silent = _edit(None).render(tmp_path / "silent.mp4", progress=False)
    with pytest.raises(AssertionError, match="has no audio stream"):
        checks.expect_soundtrack(silent)
    with pytest.raises(AssertionError, match="has no sound"):
        checks.measure_sound(_edit(None).to_clip())


# --- lesson 11: continuity ------------------------------------------------------------------------------------
def _sequence_with_planted_problems() -> dict[str, np.ndarray]:
    dawn = np.asarray(fk.sample_frame("desert noon", size=(96, 54)))
    warm = np.clip(dawn * np.array([1.2, 1.0, 0.75]), 0, 255).astype(np.uint8)
    return {"a": dawn, "b": dawn, "warm": warm, "c": dawn, "d": dawn}


def test_expect_continuity_checks_exactly_the_flagged_shots() -> None:
    report = fk.continuity_report(_sequence_with_planted_problems(), seconds=[3, 2.5, 3, 8, 3.5])
    found = checks.expect_continuity(report, flags={"drift": ["warm"], "long": "c"})
    assert found["drift"] == ["warm"] and found["long"] == ["c"]
    with pytest.raises(AssertionError, match="should flag 'b' for drift"):
        checks.expect_continuity(report, flags={"drift": ["warm", "b"]})
    with pytest.raises(AssertionError, match="flags 'c' for long, which should pass: Shot 'c' lasts 8.0 s"):
        checks.expect_continuity(report, flags={"long": []})
    with pytest.raises(AssertionError, match="should be clean of drift, but it flags: drift in 'warm': Regrade"):
        checks.expect_continuity(report, clean=["drift"])
    with pytest.raises(AssertionError, match="no finding kind 'colour'"):
        checks.expect_continuity(report, clean=["colour"])
    with pytest.raises(AssertionError, match="Expected a continuity report"):
        checks.expect_continuity({"drift": ["warm"]}, clean=True)


def test_expect_continuity_passes_once_the_fixes_are_applied() -> None:
    shots = _sequence_with_planted_problems()
    report = fk.continuity_report(shots, seconds=[3, 2.5, 3, 8, 3.5])
    fixed = report.with_shot("warm", fk.match_colour(shots["warm"], shots["a"])).with_shot("c", seconds=4.5)
    assert checks.expect_continuity(fixed, clean=True) == {}
    intended = fk.continuity_report(shots, seconds=[3, 2.5, 3, 4, 3.5], intended=["warm"])
    assert checks.expect_continuity(intended, clean=True) == {}


def test_expect_playable_reads_codecs_and_box_order_from_the_file(tmp_path: Path) -> None:
    import subprocess

    from filmkit._ffmpeg import ffmpeg_exe

    film = _edit().render(tmp_path / "edit.mp4", progress=False)
    assert checks.expect_playable(film) == "h264/yuv420p 160×90 + aac, faststart"
    slow = tmp_path / "index_at_the_end.mp4"                        # the same streams, moov written last
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(film.path), "-c", "copy", str(slow)], check=True)
    assert checks._top_level_boxes(slow).index("mdat") < checks._top_level_boxes(slow).index("moov")
    with pytest.raises(AssertionError, match="keeps its index .* after the media"):
        checks.expect_playable(slow)
    yuv444 = tmp_path / "full_chroma.mp4"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(film.path), "-c:v", "libx264", "-pix_fmt", "yuv444p",
                    "-c:a", "copy", "-movflags", "+faststart", str(yuv444)], check=True)
    with pytest.raises(AssertionError, match="phones and TVs play only yuv420p"):
        checks.expect_playable(yuv444)
    silent = _edit(None).render(tmp_path / "silent.mp4", progress=False)
    assert checks.expect_playable(silent, audio=False) == "h264/yuv420p 160×90, faststart"
    with pytest.raises(AssertionError, match="has no sound"):
        checks.expect_playable(silent)
    with pytest.raises(AssertionError, match="no video at"):
        checks.expect_playable(tmp_path / "missing.mp4")
