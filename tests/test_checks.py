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
