"""Keying, tracking and compositing, measured against footage whose true matte and path are known."""
from __future__ import annotations

import warnings
from pathlib import Path

import filmkit as fk
import numpy as np
import pytest
from filmkit._ffmpeg import probe, read_video
from filmkit.errors import MediaError

SIZE = (320, 180)


@pytest.fixture(scope="module")
def footage() -> tuple[fk.Clip, fk.FootageTruth]:
    clip, truth = fk.greenscreen_footage(1.5, fps=24, size=SIZE, seed=0)
    # render once; every test reads the same frames
    return fk.Clip.from_frames(np.stack(list(clip.frames())), fps=24, label="footage"), truth


def _green_excess(img: np.ndarray) -> np.ndarray:
    f = img.astype(float)
    return f[..., 1] - np.maximum(f[..., 0], f[..., 2])


# --- keying ----------------------------------------------------------------------------------------------
def test_green_key_matches_true_matte(footage: tuple) -> None:
    clip, truth = footage
    keyed = fk.chroma_key(clip)
    ious = [keyed.matte(i).iou(truth.mask(i)) for i in range(0, clip.n_frames, 5)]
    print(f"green key IoU: mean {np.mean(ious):.3f}, min {np.min(ious):.3f}")
    assert min(ious) >= 0.9
    # the matte is soft at the edges, solid inside and empty outside
    a = keyed.matte(0).alpha
    assert ((a > 0.05) & (a < 0.95)).sum() > 100
    x, y = truth.path[0]
    assert a[int(y), int(x)] > 0.999 and a[2, 2] < 0.001


def test_blue_key_matches_true_matte() -> None:
    clip, truth = fk.greenscreen_footage(0.5, fps=12, size=SIZE, seed=3, colour="blue")
    ious = [fk.chroma_key(clip.frame(i), colour="blue").iou(truth.mask(i)) for i in (0, 5)]
    assert min(ious) >= 0.9
    # keying a blue screen as green keeps (almost) nothing out
    assert fk.chroma_key(clip.frame(0), colour="green", warn=False).coverage > 0.9


def test_despill_removes_green_on_the_edge_band(footage: tuple) -> None:
    clip, truth = footage
    matte = fk.chroma_key(clip.frame(4))
    a_true = truth.alpha[4]
    edge = (a_true > 0.5) & (a_true < 0.97) & (matte.alpha > 0.5)   # subject pixels touched by the screen
    assert edge.sum() > 50
    before = _green_excess(clip.frame(4))[edge]
    after = _green_excess(matte.rgb)[edge]
    print(f"green excess on the edge band: {before.clip(0).mean():.1f} -> {after.clip(0).mean():.1f}")
    assert before.clip(0).mean() > 10
    assert after.clip(0).mean() < 0.5
    import cv2

    deep = cv2.erode((a_true > 0.999).astype(np.uint8), np.ones((11, 11), np.uint8)).astype(bool)
    assert deep.sum() > 200
    assert np.array_equal(matte.rgb[deep], clip.frame(4)[deep])     # the inside keeps its colours
    no_spill = fk.chroma_key(clip.frame(4), spill=0.0)
    assert _green_excess(no_spill.rgb)[edge].clip(0).mean() == pytest.approx(before.clip(0).mean())


def test_light_wrap_brightens_only_the_edges(footage: tuple) -> None:
    clip, truth = footage
    matte = fk.chroma_key(clip.frame(0))
    white = np.full((SIZE[1], SIZE[0], 3), 255, np.uint8)
    plain = matte.over(white).astype(float)
    wrapped = matte.over(white, light_wrap=1.0).astype(float)
    import cv2

    a = matte.alpha
    solid = (a > 0.999).astype(np.uint8)
    interior = cv2.erode(solid, np.ones((25, 25), np.uint8)).astype(bool)   # > 3 wrap radii in
    ring = (a > 0.9) & ~cv2.erode(solid, np.ones((5, 5), np.uint8)).astype(bool)
    assert interior.sum() > 30 and ring.sum() > 100
    assert (wrapped - plain)[ring].mean() > 10
    assert np.abs(wrapped - plain)[interior].max() <= 1


def test_green_wardrobe_is_warned_and_shown() -> None:
    clip, truth = fk.greenscreen_footage(0.25, fps=12, size=SIZE, seed=0, wardrobe="green")
    with pytest.warns(UserWarning, match="wardrobe"):
        matte = fk.chroma_key(clip.frame(0))
    assert matte.iou(truth.mask(0)) < 0.75           # the shirt is keyed out with the screen
    assert matte.suspect_fraction > 0.3
    preview = matte.preview()
    assert preview.size == (3 * SIZE[0], SIZE[1])
    middle = np.asarray(preview)[:, SIZE[0]:2 * SIZE[0]]
    red = (middle[..., 0] > 200) & (middle[..., 1] < 80)
    x, y = truth.path[0]
    assert red[int(y) - 5:int(y) + 5, int(x) - 5:int(x) + 5].mean() > 0.5   # the shirt is marked red
    # a clean shoot raises no warning
    clean, _ = fk.greenscreen_footage(0.25, fps=12, size=SIZE, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fk.chroma_key(clean.frame(0)).suspect_fraction < 0.1


def test_bad_key_colour_says_what_works() -> None:
    with pytest.raises(MediaError, match="'green', 'blue'"):
        fk.chroma_key(np.zeros((20, 20, 3), np.uint8), colour="purple")


# --- tracking --------------------------------------------------------------------------------------------
def test_lucas_kanade_track_error_under_one_pixel(footage: tuple) -> None:
    clip, truth = footage
    track = fk.track_points(clip, region=truth.box)
    err = track.error(truth.path)
    print(f"LK track RMS error {err:.3f} px (absolute {track.error(truth.path, relative=False):.3f} px)")
    assert err <= 1.0 and track.valid.all()
    assert np.linalg.norm(track.offsets[-1]) > 50             # it really moved
    x, y = track.curve_x, track.curve_y
    assert x(track.times[7]) == pytest.approx(track.points[7, 0])
    assert y(track.times[7]) == pytest.approx(track.points[7, 1])


def test_lk_track_from_a_matte(footage: tuple) -> None:
    clip, truth = footage
    # the chest part of the keyed matte (limbs move on their own; the median follows the body)
    matte = fk.chroma_key(clip.frame(0)).mask()
    x, y = truth.path[0]
    region = np.zeros_like(matte)
    region[int(y) - 20:int(y) + 20, :] = True
    track = fk.track_points(clip, region=matte & region, point=(x, y))
    assert track.error(truth.path, relative=False) <= 1.0


def test_mil_track_error_under_two_pixels(footage: tuple) -> None:
    clip, truth = footage
    track = fk.track_region(clip, truth.box)
    err = track.error(truth.path)
    print(f"MIL track RMS error {err:.3f} px (box only: {fk.track_region(clip, truth.box, refine=False).error(truth.path):.2f} px)")
    assert err <= 2.0 and track.valid.all()


def test_track_plot_and_errors(footage: tuple) -> None:
    clip, truth = footage
    track = fk.track_points(clip, region=truth.box)
    assert len(track.plot().get_axes()) == 2
    with pytest.raises(MediaError, match="region is empty"):
        fk.track_points(clip, region=np.zeros((SIZE[1], SIZE[0]), bool))
    with pytest.raises(MediaError, match="Clip"):
        fk.track_points(clip.frame(0), region=truth.box)   # type: ignore[arg-type]


def test_stabilise_holds_the_tracked_point_still(footage: tuple) -> None:
    clip, truth = footage
    track = fk.track_points(clip, region=truth.box)
    steady = fk.stabilise(clip, track)
    again = fk.track_points(steady, region=truth.box)
    before = np.sqrt((track.offsets ** 2).sum(axis=1)).max()
    after = np.sqrt((again.offsets ** 2).sum(axis=1))
    print(f"stabilise: tracked point moved up to {before:.1f} px before, {after.max():.2f} px after")
    assert before > 50 and after.max() < 0.5


def test_pin_follows_the_tracked_point(footage: tuple) -> None:
    clip, truth = footage
    track = fk.track_points(clip, region=truth.box)
    spark = np.zeros((11, 11, 4), np.uint8)
    spark[..., 0], spark[..., 2], spark[..., 3] = 255, 255, 255   # magenta, not in the footage
    pinned = fk.pin(spark, clip, track, offset=(0, -40))
    errs = []
    for i in range(0, clip.n_frames, 6):
        f = pinned.frame(i).astype(int)
        mag = (f[..., 0] > 200) & (f[..., 2] > 200) & (f[..., 1] < 80)
        ys, xs = np.nonzero(mag)
        errs.append(np.hypot(xs.mean() - truth.path[i, 0], ys.mean() - (truth.path[i, 1] - 40)))
    assert max(errs) < 0.75


def test_match_move_moves_the_plate_with_the_track(footage: tuple) -> None:
    clip, truth = footage
    track = fk.track_points(clip, region=truth.box)
    plate = np.zeros((200, 400, 3), np.uint8)
    plate[95:105, 195:205] = 255                                    # a marker in the middle
    moved = fk.match_move(plate, track)
    assert moved.size == SIZE and moved.n_frames == clip.n_frames

    def marker(i: int) -> np.ndarray:
        g = moved.frame(i)[..., 0].astype(float)
        ys, xs = np.mgrid[0:g.shape[0], 0:g.shape[1]]
        return np.array([(g * xs).sum() / g.sum(), (g * ys).sum() / g.sum()])

    for i in (6, 20, 35):
        assert np.allclose(marker(i) - marker(0), track.offsets[i], atol=0.3)


# --- compositing -----------------------------------------------------------------------------------------
def test_composite_puts_the_figure_where_the_path_says(footage: tuple) -> None:
    import cv2

    clip, truth = footage
    bg = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
    bg[:] = (10, 20, 70)
    pos, s = (40.0, 12.0), 0.75
    shot = fk.composite_over(fk.chroma_key(clip), bg, position=pos, scale=s)
    assert shot.size == SIZE and shot.n_frames == clip.n_frames
    M = np.float32([[s, 0, pos[0]], [0, s, pos[1]]])
    for i in (0, 17, 35):
        seen = np.abs(shot.frame(i).astype(int) - bg.astype(int)).sum(axis=2) > 60
        expected = cv2.warpAffine(truth.alpha[i], M, SIZE) >= 0.5
        iou = (seen & expected).sum() / (seen | expected).sum()
        ys, xs = np.nonzero(seen)
        ey, ex = np.nonzero(expected)
        assert iou > 0.85
        assert abs(xs.mean() - ex.mean()) < 1.0 and abs(ys.mean() - ey.mean()) < 1.0


def test_composite_over_a_moving_background_renders(footage: tuple, tmp_path: Path) -> None:
    clip, truth = footage
    music, _ = fk.synth_music(clip.duration, bpm=120, seed=0)
    ramp = np.tile(np.linspace(0, 255, 480).astype(np.uint8)[None, :, None], (180, 1, 3))
    ramp[..., 2] = 120
    # a generated environment that pans left by 2 px per frame
    bg = fk.Clip(frame_fn=lambda i: np.ascontiguousarray(ramp[:, 2 * i:2 * i + 320]), fps=24,
                 n_frames=clip.n_frames, size=SIZE).with_audio(music)
    shot = fk.composite_over(fk.chroma_key(clip, light_wrap=0.3), bg)
    asset = shot.save(tmp_path / "composite.mp4", preset="ultrafast")
    info = probe(asset.path)
    assert info.n_frames == clip.n_frames and info.has_audio and info.size == SIZE
    frames, _ = read_video(asset.path)
    # the background really pans: column 100 of frame 10 shows what column 120 showed in frame 0
    assert np.abs(frames[10][5, 100].astype(int) - frames[0][5, 120].astype(int)).max() <= 6
    # the chest is where the path says (centred composite at scale 1 = same place)
    for i in (0, 30):
        x, y = truth.path[i]
        assert np.abs(frames[i][int(y), int(x)].astype(int) - clip.frame(i)[int(y), int(x)].astype(int)).max() < 25


def test_composite_wants_a_keyed_foreground(footage: tuple) -> None:
    clip, _ = footage
    with pytest.raises(MediaError, match="chroma_key"):
        fk.composite_over(clip, np.zeros((90, 160, 3), np.uint8))  # type: ignore[arg-type]
