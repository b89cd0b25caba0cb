"""Titles, lower thirds, captions and title cards draw real pixels where they should, when they should."""
from __future__ import annotations

from pathlib import Path

import filmkit as fk
import numpy as np
import pytest
from filmkit._ffmpeg import read_video
from filmkit.errors import TimelineError
from filmkit.titles import caption

W, H, FPS = 320, 180, 12


def black() -> np.ndarray:
    return np.zeros((H, W, 3), np.uint8)


def bright(frame: np.ndarray, rows: slice, cols: slice) -> int:
    """How many bright (text) pixels lie in a region."""
    return int((frame[rows, cols].max(axis=2) > 180).sum())


def test_title_is_centred() -> None:
    f = fk.Title("LIMINAL SPACES", at=0, seconds=2, fade=0).draw(black(), 1.0)
    centre = bright(f, slice(H // 3, 2 * H // 3), slice(W // 6, 5 * W // 6))
    assert centre > 200
    assert bright(f, slice(0, H // 4), slice(None)) == 0 and bright(f, slice(3 * H // 4, None), slice(None)) == 0


def test_lower_third_sits_in_the_lower_left_on_a_band() -> None:
    f = fk.lower_third("Ada Lovelace", "analyst", seconds=2, fade=0).draw(np.full((H, W, 3), 255, np.uint8), 1.0)
    band = f[int(H * 0.6):int(H * 0.92), int(W * 0.05):int(W * 0.3)]
    assert band.mean() < 200                                              # the dark band darkens the picture
    assert f[: H // 2].min() == 255 and f[:, int(W * 0.7):].min() == 255  # top and right untouched
    plain = fk.lower_third("Ada Lovelace", seconds=2, fade=0).draw(black(), 1.0)
    assert bright(plain, slice(int(H * 0.6), H), slice(0, W // 2)) > 50


def test_caption_spans_the_bottom() -> None:
    f = caption("INT. HARBOUR – DAWN. Boats rock.", seconds=1).draw(np.full((H, W, 3), 255, np.uint8), 0.5)
    assert f[-2, 0].max() < 200 and f[-2, -1].max() < 200                 # band across the full width
    assert f[: H // 2].min() == 255


def test_title_fades_in_and_out() -> None:
    t = fk.Title("FADE", at=0, seconds=2, fade=0.5)
    assert t.opacity(0.0) == 0 and t.opacity(0.25) == pytest.approx(0.5) and t.opacity(1.0) == 1
    assert t.opacity(1.75) == pytest.approx(0.5) and t.opacity(2.0) == 0
    half = t.draw(black(), 0.25).max()
    full = t.draw(black(), 1.0).max()
    assert 100 < half < 160 and full > 240
    frame = black()
    assert t.draw(frame, 5.0) is frame and frame.max() == 0               # outside its time: untouched, never mutated


def test_timeline_titles_appear_only_in_their_window(tmp_path: Path) -> None:
    tl = (fk.Timeline(fps=FPS, size=(W, H)).add(black(), seconds=3)
          .title("CHAPTER ONE", at=1.0, seconds=1.0, fade=0))
    out = tl.render(tmp_path / "t.mp4", crf=12, preset="ultrafast")
    frames, _ = read_video(out.path)
    mid = (slice(H // 3, 2 * H // 3), slice(W // 8, 7 * W // 8))
    counts = [bright(f, *mid) for f in frames]
    assert max(counts[:12]) == 0 and max(counts[24:]) == 0
    assert min(counts[12:24]) > 150


def test_shot_title_string_is_a_lower_third_for_that_shot() -> None:
    tl = (fk.Timeline(fps=FPS, size=(W, H)).add(black(), seconds=1)
          .add(fk.Shot(black(), seconds=1, title="Ada Lovelace")))
    clip = tl.to_clip()
    lower_left = (slice(int(H * 0.6), H), slice(0, W // 2))
    assert bright(clip.frame(6), *lower_left) == 0
    assert bright(clip.frame(18), *lower_left) > 50


def test_title_card_is_a_clip_of_text() -> None:
    card = fk.title_card("THE END", "a film by the workshop", seconds=2, fps=FPS, size=(W, H), fade=0.5)
    assert card.n_frames == 24 and card.size == (W, H)
    assert bright(card.frame(12), slice(H // 4, 3 * H // 4), slice(None)) > 200
    assert card.frame(0).max() < 30
    sky = np.zeros((50, 100, 3), np.uint8)
    sky[:] = (30, 60, 120)
    over = fk.title_card("DAWN", seconds=1, fps=FPS, size=(W, H), background=sky).frame(0)
    assert tuple(over[2, 2]) == (30, 60, 120)


def test_long_titles_wrap_inside_the_frame() -> None:
    t = fk.Title("a very long title that cannot possibly fit on a single line of this small frame", fade=0)
    rgba, (x, _) = t.sprite((W, H))
    assert x >= 0 and x + rgba.shape[1] <= W and rgba.shape[0] > H * 0.15


def test_bad_titles_say_what_to_change() -> None:
    with pytest.raises(TimelineError, match="kind must be one of"):
        fk.Title("x", kind="banner")  # type: ignore[arg-type]
    with pytest.raises(TimelineError, match="needs some text"):
        fk.Title("   ")
    with pytest.raises(TimelineError, match="seconds > 0"):
        fk.Title("x", seconds=0)
