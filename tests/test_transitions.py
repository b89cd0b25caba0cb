"""Transitions: each blend measured on tiny frames (colours, edge positions, ghosting)."""
from __future__ import annotations

import dataclasses

import filmkit as fk
import numpy as np
import pytest
from filmkit.clip import Clip
from filmkit.errors import TimelineError

W, H, FPS = 160, 90, 24


def solid(rgb: tuple[int, int, int], seconds: float = 1.0) -> Clip:
    return Clip.solid(rgb, seconds=seconds, fps=FPS, size=(W, H))


RED, BLUE = solid((255, 0, 0)), solid((0, 0, 255))


def texture(seed: int = 3, size: tuple[int, int] = (W, H)) -> np.ndarray:
    """A smooth random texture (blurred noise): something optical flow can lock on to."""
    import cv2

    rng = np.random.default_rng(seed)
    noise = rng.random((size[1] + 40, size[0] + 40, 3)).astype(np.float32)
    img = cv2.GaussianBlur(noise, (0, 0), 3.0)
    img = (img - img.min()) / (img.max() - img.min())
    return (img * 255).astype(np.uint8)


def test_crossfade_middle_frame_is_half_a_half_b() -> None:
    mix = fk.crossfade(3 / FPS).apply(RED, BLUE)  # 3 overlap frames: t = 1/4, 1/2, 3/4
    assert mix.n_frames == 3 and mix.size == (W, H)
    r, g, b = mix.frame(1)[H // 2, W // 2].tolist()
    assert abs(r - 128) <= 1 and g == 0 and abs(b - 127) <= 1
    first, last = mix.frame(0)[0, 0], mix.frame(2)[0, 0]
    assert first[0] > first[2] and last[2] > last[0]  # A dominates early, B late


def test_crossfade_takes_the_tail_of_a_and_the_head_of_b() -> None:
    ramp = Clip(frame_fn=lambda i: np.full((H, W, 3), i * 10, np.uint8), fps=FPS, n_frames=20, size=(W, H))
    mix = fk.crossfade(3 / FPS).apply(ramp, ramp)
    # frame 1 mixes A's frame 18 (180) and B's frame 1 (10) half and half
    assert abs(int(mix.frame(1)[0, 0, 0]) - 95) <= 1


@pytest.mark.parametrize("make, level", [(fk.dip_to_black, 0), (fk.dip_to_white, 255)])
def test_dips_reach_their_colour_at_the_midpoint(make, level) -> None:
    dip = make(5 / FPS).apply(RED, BLUE)
    mid = dip.frame(2)
    assert np.all(np.abs(mid.astype(int) - level) <= 1)
    assert dip.frame(0)[0, 0, 0] > dip.frame(0)[0, 0, 2]    # still reddish on the way out
    assert dip.frame(4)[0, 0, 2] > dip.frame(4)[0, 0, 0]    # bluish on the way in


def _b_share_by_column(frame: np.ndarray) -> np.ndarray:
    """How much of B (blue) each column shows, 0..1."""
    return frame[:, :, 2].mean(axis=0) / 255.0


def _b_share_by_row(frame: np.ndarray) -> np.ndarray:
    return frame[:, :, 2].mean(axis=1) / 255.0


@pytest.mark.parametrize("direction", ["right", "left", "down", "up"])
def test_wipe_edge_travels_in_its_direction(direction: str) -> None:
    clip = fk.wipe(9 / FPS, direction, softness=0.05).apply(RED, BLUE)
    share = _b_share_by_column if direction in ("left", "right") else _b_share_by_row
    edges = []
    for k in range(clip.n_frames):
        s = share(clip.frame(k))
        covered = s > 0.5
        # B grows from the side the edge starts on
        if direction in ("right", "down"):
            assert covered[: covered.sum()].all()
        else:
            assert covered[len(covered) - covered.sum():].all()
        edges.append(covered.sum())
    assert edges == sorted(edges) and edges[0] < edges[-1]  # B's share grows frame by frame
    mid = share(clip.frame(4))                                # t = 0.5 (linear ease would give exactly half)
    assert 0.25 < mid.mean() < 0.75


def test_wipe_soft_edge_has_intermediate_values_and_hard_edge_none() -> None:
    soft = fk.wipe(5 / FPS, "right", softness=0.3, ease="linear").apply(RED, BLUE).frame(2)
    hard = fk.wipe(5 / FPS, "right", softness=0.0, ease="linear").apply(RED, BLUE).frame(2)
    between = lambda f: int(((f[0, :, 2] > 10) & (f[0, :, 2] < 245)).sum())
    assert between(soft) > 20 and between(hard) <= 1


def test_luma_wipe_changes_dark_parts_of_the_map_first() -> None:
    radial = fk.luma_wipe(5 / FPS, "radial").apply(RED, BLUE).frame(2)
    assert radial[H // 2, W // 2, 2] > 200 and radial[0, 0, 0] > 200       # centre is B, corner still A
    m = np.zeros((H, W), np.uint8)
    m[:, W // 2:] = 255                                                      # a map: left dark, right bright
    custom = fk.luma_wipe(5 / FPS, m, softness=0.05).apply(RED, BLUE).frame(2)
    assert custom[:, : W // 2 - 2, 2].min() > 200 and custom[:, W // 2 + 2:, 0].min() > 200


def test_zoom_through_magnifies_a_then_lands_on_b() -> None:
    a = np.zeros((H, W, 3), np.uint8)
    a[35:55, 70:90] = 255                                                    # a 20×20 white square, centred
    b = np.zeros((H, W, 3), np.uint8)
    b[:, :, 2] = 200
    zt = fk.zoom_through(9 / FPS, zoom=3.0).apply(Clip.still(a, seconds=1, fps=FPS), Clip.still(b, seconds=1, fps=FPS))
    white = [(zt.frame(k)[:, :, 0] > 128).sum() for k in range(3)]
    assert white[0] > 400 and white == sorted(white)                         # the square grows as we push in
    assert abs(int(zt.frame(8)[H // 2, W // 2, 2]) - 200) <= 2               # ends on B


def test_flow_morph_is_less_ghosted_than_a_dissolve_on_a_moving_pattern() -> None:
    import cv2

    big = texture()
    a = np.ascontiguousarray(big[20:20 + H, 20:20 + W])
    b = np.ascontiguousarray(big[20:20 + H, 8:8 + W])         # the pattern moved 12 px right
    ideal = np.ascontiguousarray(big[20:20 + H, 14:14 + W])   # halfway: 6 px
    ca, cb = Clip.still(a, seconds=1, fps=FPS), Clip.still(b, seconds=1, fps=FPS)
    morph = fk.flow_morph(5 / FPS, ease="linear").apply(ca, cb).frame(2)
    dissolve = fk.crossfade(5 / FPS).apply(ca, cb).frame(2)
    inner = (slice(15, H - 15), slice(20, W - 20))
    err = lambda f: float(np.abs(f[inner].astype(float) - ideal[inner]).mean())
    sharp = lambda f: float(cv2.Laplacian(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY), cv2.CV_64F)[inner].var())
    assert err(morph) < 0.5 * err(dissolve)
    assert sharp(morph) > 1.3 * sharp(dissolve)
    farneback = fk.flow_morph(5 / FPS, method="farneback", ease="linear").apply(ca, cb).frame(2)
    assert err(farneback) < err(dissolve)


def test_flow_morph_endpoints_approach_a_and_b() -> None:
    big = texture(seed=5)
    a, b = np.ascontiguousarray(big[:H, :W]), np.ascontiguousarray(big[6:6 + H, 4:4 + W])
    m = fk.flow_morph(9 / FPS).apply(Clip.still(a, seconds=1, fps=FPS), Clip.still(b, seconds=1, fps=FPS))
    d = lambda x, y: float(np.abs(x.astype(float) - y).mean())
    assert d(m.frame(0), a) < d(m.frame(0), b) and d(m.frame(8), b) < d(m.frame(8), a)


def test_easing_changes_the_progress_curve() -> None:
    lin = fk.crossfade(9 / FPS, ease="linear")
    cubic = fk.crossfade(9 / FPS, ease="ease_in_cubic")
    assert cubic.progress(2, 9) < lin.progress(2, 9)
    assert abs(lin.progress(4, 9) - 0.5) < 1e-9
    with pytest.raises(Exception, match="ease_in_cubci|ease"):
        fk.crossfade(1, ease="ease_in_cubci")


def test_bad_transitions_say_what_to_change() -> None:
    with pytest.raises(TimelineError, match="direction must be"):
        fk.wipe(1, "sideways")  # type: ignore[arg-type]
    with pytest.raises(TimelineError, match="0 or more seconds"):
        fk.crossfade(-1)
    with pytest.raises(TimelineError, match="longer than a clip"):
        fk.crossfade(2).apply(RED, BLUE)
    small = Clip.solid((0, 0, 0), seconds=1, fps=FPS, size=(64, 36))
    with pytest.raises(TimelineError, match="Timeline, which fits"):
        fk.crossfade(0.5).apply(RED, small)
    with pytest.raises(TimelineError, match="no overlap"):
        fk.cut().apply(RED, BLUE)
    with pytest.raises(TimelineError, match="unknown"):
        fk.luma_wipe(1, "spiral").apply(RED, BLUE)


def test_transitions_are_frozen_values() -> None:
    x = fk.crossfade(0.5)
    y = x.with_duration(1.0)
    assert x.duration == 0.5 and y.duration == 1.0 and isinstance(y, fk.Transition)
    with pytest.raises(dataclasses.FrozenInstanceError):
        x.duration = 2.0  # type: ignore[misc]
    assert "crossfade" in repr(x) and "wipe_left" in repr(fk.wipe(1, "left"))
