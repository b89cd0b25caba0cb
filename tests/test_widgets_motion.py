"""The lesson 06 widget, driven from code: camera_move_preview's sliders, contact strip and measured move."""
from __future__ import annotations

import io

import filmkit as fk
import numpy as np
import pytest
from filmkit.errors import FilmkitError
from PIL import Image


def _still() -> np.ndarray:
    """A textured 160×90 still (registration needs detail to measure a move)."""
    rng = np.random.default_rng(0)
    grain = rng.integers(0, 255, (9, 16, 3), dtype=np.uint8)
    still = np.asarray(Image.fromarray(grain).resize((160, 90), Image.Resampling.BICUBIC))
    return still


def _strip(preview: fk.widgets.CameraMovePreview) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(preview.strip_image.value)).convert("RGB"))


def test_a_new_preview_holds_still_and_draws_the_strip() -> None:
    p = fk.widgets.camera_move_preview(_still(), seconds=1, fps=8, size=(160, 90), frames=3)
    strip = _strip(p)
    assert strip.shape == (90, 3 * 160, 3)
    assert np.array_equal(strip[:, :160], strip[:, -160:])  # no move: first and last frames are the same
    assert p.facts.motion == "static" and p.code == "fk.camera_move(seconds=1, fps=8, ease='ease_in_out_sine')"


def test_moving_the_sliders_changes_the_path_the_strip_and_the_measurement() -> None:
    p = fk.widgets.camera_move_preview(_still(), seconds=1, fps=8, size=(160, 90))
    before = _strip(p)
    p.push.value = 1.4
    assert p.facts.motion == "push-in" and 1.3 <= p.facts.zoom <= 1.5
    assert not np.array_equal(before, _strip(p))
    assert round(p.path.zoom_at(7 / 8), 3) == 1.4  # the move lands on the last frame
    p.set(push=1.0, pan=-0.15)
    assert p.facts.motion == "pan-left" and p.facts.shift[0] > 0.1
    assert "pan=-0.15" in p.code and "push" not in p.code


def test_the_code_line_makes_the_same_move() -> None:
    p = fk.widgets.camera_move_preview(_still(), seconds=1, fps=8, size=(160, 90))
    p.set(push=1.2, roll=6, ease="ease_in_out_cubic")
    made = eval(p.code, {"fk": fk})  # noqa: S307 - the widget's own output, not user input
    for t in (0.0, 0.3, 0.6, 7 / 8):
        assert made.screen(t) == pytest.approx(p.path.screen(t))
    clip = p.clip()
    assert (clip.n_frames, clip.fps, clip.size) == (8, 8, (160, 90))


def test_bad_controls_and_stills_explain_themselves() -> None:
    p = fk.widgets.camera_move_preview(_still(), seconds=1, fps=8, size=(160, 90))
    with pytest.raises(FilmkitError, match="no control 'zoom'"):
        p.set(zoom=1.2)
    with pytest.raises(FilmkitError, match="outside the slider's range"):
        p.set(push=3.0)
    with pytest.raises(FilmkitError, match="unknown easing"):
        p.set(ease="bouncy")
    with pytest.raises(FilmkitError, match="at least 2 frames"):
        fk.widgets.camera_move_preview(_still(), frames=1)
