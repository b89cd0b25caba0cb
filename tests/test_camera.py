"""Camera moves on stills: rendered, decoded and measured by registering every frame to the still."""
from __future__ import annotations

import dataclasses
import subprocess
import sys

import filmkit as fk
import numpy as np
import pytest
from filmkit._ffmpeg import probe, read_video
from filmkit.assets import Asset, Provenance
from filmkit.camera import CameraPath, _affine, camera_move, default_size
from filmkit.curves import keyframes
from filmkit.errors import FilmkitError, MediaError

cv2 = pytest.importorskip("cv2")

W, H, FPS = 320, 180, 24
CLI = [sys.executable, "-c", "import sys; from filmkit.cli import main; sys.exit(main(sys.argv[1:]))"]
PTS = np.array([[(W - 1) / 2, (H - 1) / 2], [W * 0.2, H * 0.2], [W * 0.8, H * 0.2], [W * 0.2, H * 0.8],
                [W * 0.8, H * 0.8]])


def detailed_still(w: int = W, h: int = H, seed: int = 0) -> np.ndarray:
    """Checkerboard + seeded texture + text + a hairline: registrable to a small fraction of a pixel."""
    rng = np.random.default_rng(seed)
    board = (np.indices((h, w)).sum(0) // 16 % 2 * 200 + 30).astype(np.float32)
    texture = cv2.GaussianBlur(rng.normal(0, 60, (h, w)).astype(np.float32), (0, 0), 2)
    img = np.clip(board + texture, 0, 255).astype(np.uint8)
    cv2.putText(img, "filmkit", (w // 5, h // 2), cv2.FONT_HERSHEY_SIMPLEX, w / 400, 255, 2, cv2.LINE_AA)
    cv2.line(img, (0, h // 3), (w, h // 3 + 7), 0, 1, cv2.LINE_AA)
    return np.dstack([img, img, img])  # grey: yuv420p's half-size chroma does not blur what we measure


def register(frames: list[np.ndarray] | np.ndarray, still: np.ndarray, first: np.ndarray | None = None) -> np.ndarray:
    """Per frame, the measured 2×3 affine still→frame (ECC; each frame starts from the previous estimate, the
    first from ``first``, a rough guess, or the identity)."""
    g = cv2.cvtColor(still, cv2.COLOR_RGB2GRAY).astype(np.float32)
    start = np.eye(2, 3) if first is None else first
    guess = cv2.invertAffineTransform(start.astype(np.float64))
    out: list[np.ndarray] = []
    for f in frames:
        tmpl = cv2.cvtColor(np.ascontiguousarray(f), cv2.COLOR_RGB2GRAY).astype(np.float32)
        _, warp = cv2.findTransformECC(tmpl, g, guess.astype(np.float32), cv2.MOTION_AFFINE,
                                       (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 200, 1e-7), None, 1)
        out.append(cv2.invertAffineTransform(warp.astype(np.float64)))
        # next guess: keep moving at the same speed (frame -> still matrices)
        prev = cv2.invertAffineTransform(out[-2]) if len(out) > 1 else warp.astype(np.float64)
        guess = 2 * warp.astype(np.float64) - prev
    return np.array(out)


def positions(ms: np.ndarray, pts: np.ndarray = PTS) -> np.ndarray:
    return np.einsum("nij,kj->nki", ms[:, :, :2], pts) + ms[:, None, :, 2]


def ideal(path: CameraPath, n: int, fps: float = FPS) -> np.ndarray:
    return np.array([_affine(*path.screen(i / fps), (W, H), (W, H)) for i in range(n)])


def step_rms(measured: np.ndarray, wanted: np.ndarray) -> float:
    """RMS of the frame-to-frame motion error (px): what the eye sees as shake."""
    err = np.diff(positions(measured), axis=0) - np.diff(positions(wanted), axis=0)
    return float(np.sqrt((err**2).sum(-1).mean()))


def scale_of(ms: np.ndarray) -> np.ndarray:
    return np.sqrt(np.abs(np.linalg.det(ms[:, :, :2])))


@pytest.fixture(scope="module")
def still() -> np.ndarray:
    return detailed_still()


# --- push-in, rendered to mp4 and measured ------------------------------------------------------------------
def test_push_in_mp4_grows_steadily_about_a_fixed_centre(still: np.ndarray, tmp_path) -> None:
    clip = fk.push_in(still, seconds=1, fps=FPS, zoom=1.3, ease="linear")
    asset = clip.save(tmp_path / "push.mp4")
    info = probe(asset.path)
    assert (info.size, info.n_frames, info.fps) == ((W, H), 24, 24.0)
    frames, _ = read_video(asset.path)
    ms = register(frames, still)
    scale = scale_of(ms)
    assert np.all(np.diff(scale) > 0.005)  # 0.3 / 23 = 0.013 per frame, never stalls or reverses
    assert scale[0] == pytest.approx(1.0, abs=2e-3) and scale[-1] == pytest.approx(1.3, abs=2e-3)
    centre = positions(ms, np.array([[(W - 1) / 2, (H - 1) / 2]]))[:, 0]
    assert np.abs(centre - [(W - 1) / 2, (H - 1) / 2]).max() < 0.15  # the centre stays put
    rotation = np.degrees(np.arctan2(ms[:, 1, 0], ms[:, 0, 0]))
    assert np.abs(rotation).max() < 0.05


def test_push_in_has_no_jitter_before_and_after_encoding(still: np.ndarray, tmp_path) -> None:
    clip = fk.push_in(still, seconds=1, fps=FPS, zoom=1.3)  # eased, the default
    path = CameraPath(dolly=keyframes({0: 1.0, 23 / FPS: 1.3}, ease="ease_in_out_sine"))
    want = ideal(path, clip.n_frames)
    raw = [clip.frame(i) for i in range(clip.n_frames)]
    assert step_rms(register(raw, still), want) <= 0.05
    decoded, _ = read_video(clip.save(tmp_path / "eased.mp4").path)
    assert step_rms(register(decoded, still), want) <= 0.05


def test_rounded_path_would_fail_the_jitter_check(still: np.ndarray) -> None:
    """The jitter measure is sensitive: whole-pixel offsets (what zoompan does) are caught."""
    clip = fk.push_in(still, seconds=1, fps=FPS, zoom=1.3, ease="linear")
    path = CameraPath(dolly=keyframes({0: 1.0, 23 / FPS: 1.3}))
    rounded = []
    for i in range(clip.n_frames):
        m = _affine(*path.screen(i / FPS), (W, H), (W, H))
        m[:, 2] = np.round(m[:, 2])
        rounded.append(cv2.warpAffine(still, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101))
    assert step_rms(register(rounded, still), ideal(path, clip.n_frames)) > 0.15


def test_pull_out_shrinks(still: np.ndarray) -> None:
    clip = fk.pull_out(still, seconds=0.5, fps=FPS, zoom=1.25)
    scale = scale_of(register([clip.frame(i) for i in range(clip.n_frames)][::-1], still))[::-1]
    assert scale[0] == pytest.approx(1.25, abs=2e-3) and scale[-1] == pytest.approx(1.0, abs=2e-3)
    assert np.all(np.diff(scale) < 0)


@pytest.mark.parametrize("move, axis, sign", [("pan-right", 0, -1), ("pan-left", 0, 1), ("tilt-up", 1, 1),
                                              ("tilt-down", 1, -1), ("truck-right", 0, -1)])
def test_pans_and_tilts_move_content_the_right_way(still: np.ndarray, move: str, axis: int, sign: int) -> None:
    clip = fk.move_camera(still, move, seconds=0.5, fps=FPS, amount=0.2)
    start = np.zeros(2)
    start[axis] = 0.1 * sign  # where the move starts: the frame is 0.1 widths off centre, the far side
    guess = _affine(1.25, 0, *start, (W, H), (W, H))
    ms = register([clip.frame(i) for i in range(clip.n_frames)], still, first=guess)
    centre = positions(ms, np.array([[(W - 1) / 2, (H - 1) / 2]]))[:, 0, axis]
    # panning right: the picture slides left by 0.2 frame widths × the 1.25 cover zoom
    size = W if axis == 0 else H
    assert (centre[-1] - centre[0]) == pytest.approx(sign * 0.2 * size * 1.25, rel=0.01)
    assert np.all(sign * np.diff(centre) >= -1e-3)  # monotonic
    assert scale_of(ms) == pytest.approx(1.25, abs=2e-3)  # zoomed just enough to keep the edges out


def test_roll_turns_and_never_shows_an_edge() -> None:
    white = np.full((H, W, 3), 255, np.uint8)
    clip = fk.roll(white, degrees=10, seconds=0.5, fps=FPS)
    for i in (0, clip.n_frames // 2, clip.n_frames - 1):
        assert clip.frame(i).min() == 255  # cover zoom: no black (or mirrored) corner enters


def test_roll_direction_is_counter_clockwise(still: np.ndarray) -> None:
    clip = fk.roll(still, degrees=4, seconds=0.5, fps=FPS, ease="linear")
    ms = register([clip.frame(i) for i in range(clip.n_frames)], still, first=_affine(1.1, 0, 0, 0, (W, H), (W, H)))
    angle = np.degrees(np.arctan2(-ms[:, 1, 0], ms[:, 0, 0]))  # y points down: ccw on screen is -sin
    assert angle[0] == pytest.approx(0, abs=0.02) and angle[-1] == pytest.approx(4, abs=0.02)
    assert np.all(np.diff(angle) > 0.3)


def test_motion_blur_smears_along_the_move_only() -> None:
    x, y = np.meshgrid(np.arange(W), np.arange(H))
    stripes = np.where(y < H // 2, 128 + 100 * np.sin(2 * np.pi * x / 8), 128 + 100 * np.sin(2 * np.pi * y / 8))
    img = np.dstack([stripes.astype(np.uint8)] * 3)
    kw = dict(direction="right", amount=0.5, seconds=0.5, fps=FPS, ease="linear")
    sharp, blurred = fk.pan(img, **kw).frame(6), fk.pan(img, motion_blur=0.5, **kw).frame(6)  # ~15 px per shutter

    def contrast(f: np.ndarray, top: bool) -> float:
        half = f[20:H // 2 - 20] if top else f[H // 2 + 20:-20]
        return float(half[..., 0].astype(np.float32).std())

    assert contrast(blurred, top=True) < 0.5 * contrast(sharp, top=True)  # vertical stripes smeared sideways
    assert contrast(blurred, top=False) == pytest.approx(contrast(sharp, top=False), rel=0.03)  # not these


# --- paths as values --------------------------------------------------------------------------------------------
def test_camera_path_is_frozen_and_combines() -> None:
    a = camera_move(push=1.2, seconds=1, fps=4)
    b = camera_move(roll=3, pan=0.1, seconds=1, fps=4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.zoom = a.dolly  # type: ignore[misc]
    both = a + b
    z, rot, x, y = both.screen(0.75)
    assert (z, rot, x, y) == pytest.approx((1.2, 3.0, 0.05, 0.0))
    assert both.screen(0.0) == pytest.approx((1.0, 0.0, -0.05, 0.0))
    assert a.screen(0.75)[1] == 0.0  # a is unchanged


def test_camera_move_pull_out_and_tilt_signs() -> None:
    p = camera_move(push=0.8, tilt=0.1, seconds=1, fps=4)
    assert p.zoom_at(0) == pytest.approx(1.25) and p.zoom_at(0.75) == pytest.approx(1.0)
    assert p.screen(0.75)[3] < p.screen(0.0)[3]  # tilting up: the view moves up (y decreases)


def test_clip_provenance_and_default_size(tmp_path) -> None:
    path = tmp_path / "key.png"
    from PIL import Image

    Image.fromarray(detailed_still(400, 300)).save(path)
    asset = Asset.from_file(path, Provenance(provider="previz", model="previz-1"))
    clip = fk.push_in(asset, seconds=0.25, fps=FPS)
    assert clip.size == (400, 300)
    assert clip.provenance is not None
    assert (clip.provenance.provider, clip.provenance.operation, clip.provenance.parents) == \
        ("filmkit", "push_in", (asset.id,))
    assert default_size(4000, 2250) == (1280, 720) and default_size(1001, 1001) == (1000, 1000)


def test_bad_arguments_explain_the_fix(still: np.ndarray) -> None:
    with pytest.raises(FilmkitError, match="push-in"):
        fk.move_camera(still, "dolly-zoom")
    with pytest.raises(FilmkitError, match="right, left"):
        fk.pan(still, direction="up")
    with pytest.raises(MediaError, match="even"):
        fk.push_in(still, size=(321, 180))
    with pytest.raises(FilmkitError, match="fraction of a frame"):
        fk.push_in(still, motion_blur=2)
    with pytest.raises(FilmkitError, match="fraction of a frame"):
        fk.move_camera(still, "pan-left", motion_blur=-1)  # the real problem, not "unknown move"


def test_big_stills_are_shrunk_once_then_warped_1_to_1_at_the_closest_view() -> None:
    big = detailed_still(1280, 720, seed=3)
    last = fk.push_in(big, seconds=0.25, fps=FPS, size=(W, H), zoom=1.2, ease="linear").frame(-1)
    # the closest view needs the picture at 1.2 × 320 px wide: one INTER_AREA shrink, then a centred 1:1 crop
    area = cv2.resize(big, (384, 216), interpolation=cv2.INTER_AREA)[18:198, 32:352]
    assert np.abs(last.astype(int) - area.astype(int)).max() <= 1


# --- parallax ---------------------------------------------------------------------------------------------------
def _layers() -> list[tuple[np.ndarray, float]]:
    sky = np.zeros((H, W, 3), np.uint8)
    sky[:] = (40, 60, 160)
    hill = np.zeros((H, W, 4), np.uint8)
    hill[110:, :] = (30, 140, 40, 255)
    tree = np.zeros((H, W, 4), np.uint8)
    tree[40:, 150:170] = (200, 60, 20, 255)
    return [(sky, 0.0), (hill, 0.4), (tree, 1.0)]


def test_parallax_truck_moves_near_layers_more() -> None:
    clip = fk.parallax(_layers(), seconds=0.5, fps=FPS, move="truck-right", amount=0.2)
    first, last = clip.frame(0), clip.frame(-1)
    def tree_x(f: np.ndarray) -> float:
        return float(np.nonzero(f[100, :, 0] > 150)[0].mean())
    shift = tree_x(last) - tree_x(first)
    # the nearest layer slides the full amount leftwards, magnified by the cover zoom that keeps the hill band's
    # edges out of frame (the hill spans the picture, so its ends must never show)
    assert -0.2 * W * 1.2 < shift < -0.2 * W + 1.0
    for f in (first, last):
        assert (f[-1, [0, W - 1], 1] > 100).all(), "the hill band must reach both edges of every frame"
    assert np.array_equal(first[5], last[5])  # the sky (nearness 0) does not move at all
    # the hill edge is horizontal, so look at its colour: unchanged; the tree reveals hill behind it
    assert tuple(last[150, int(tree_x(first))]) != tuple(first[150, int(tree_x(first))])


def test_parallax_pan_moves_every_layer_alike() -> None:
    clip = fk.parallax(_layers(), seconds=0.5, fps=FPS, move="pan-right", amount=0.2)
    f0, f1 = clip.frame(0), clip.frame(-1)
    tree = [float(np.nonzero(f[100, :, 0] > 150)[0].mean()) for f in (f0, f1)]
    # a pan turns the camera: no parallax, the tree moves exactly as a flat pan would
    flat = fk.pan(f0, direction="right", amount=0.2, seconds=0.5, fps=FPS)
    assert tree[1] - tree[0] == pytest.approx(-0.2 * W * 1.25, abs=1.0)
    assert flat.frame(0).shape == f0.shape


def test_parallax_from_previz_layers_and_masks(tmp_path) -> None:
    from PIL import Image

    names = {}
    for name, (img, _) in zip(("sky", "mid", "subject"), _layers()):
        rgba = img if img.shape[2] == 4 else np.dstack([img, np.full((H, W), 255, np.uint8)])
        names[name] = tmp_path / f"{name}.png"
        Image.fromarray(rgba).save(names[name])
    Image.fromarray(_layers()[0][0]).save(tmp_path / "flat.png")
    asset = Asset.from_file(tmp_path / "flat.png", Provenance(provider="previz", model="previz-1"),
                            layers={"subject": names["subject"], "sky": names["sky"], "mid": names["mid"]})
    clip = fk.parallax(asset, seconds=0.25, fps=FPS, move="push-in", amount=1.3)
    assert clip.provenance is not None and clip.provenance.parents == (asset.id,)
    assert clip.frame(0)[100, 160, 0] > 150  # subject drawn in front of sky and hill
    # any picture plus a mask: the mask decides what is cut out
    photo = np.full((H, W, 3), 250, np.uint8)
    mask = np.zeros((H, W), bool)
    mask[:, :100] = True
    clip2 = fk.parallax([(_layers()[0][0], 0.0), (photo, mask, 1.0)], seconds=0.25, fps=FPS, move="truck-left")
    f = clip2.frame(0)
    assert f[90, 20].tolist() == [250, 250, 250] and f[90, 300].tolist() == [40, 60, 160]
    with pytest.raises(MediaError, match="one per layer"):
        fk.parallax(_layers(), depth=[0.0, 1.0])


# --- the command line -------------------------------------------------------------------------------------------
def test_cli_animate_writes_a_pan_that_moves_left(tmp_path) -> None:
    from PIL import Image

    still = detailed_still()
    Image.fromarray(still).save(tmp_path / "still.png")
    out = tmp_path / "pan.mp4"
    res = subprocess.run([*CLI, "animate", str(tmp_path / "still.png"), "--move",
                          "pan-right", "--seconds", "0.5", "--fps", "24", "--size", "320x180", "--ease", "linear",
                          "--out", str(out)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    frames, fps = read_video(out)
    assert (len(frames), fps, frames.shape[1:3]) == (12, 24.0, (H, W))
    ms = register(frames, still, first=_affine(1.25, 0, -0.1, 0, (W, H), (W, H)))
    assert positions(ms)[-1, 0, 0] < positions(ms)[0, 0, 0] - 0.2 * W


def test_cli_animate_reports_bad_input_in_one_line(tmp_path) -> None:
    res = subprocess.run([*CLI, "animate", str(tmp_path / "missing.png"),
                          "--out", str(tmp_path / "x.mp4")], capture_output=True, text=True)
    assert res.returncode == 2
    assert "does not exist" in res.stderr and "Traceback" not in res.stderr


def test_motion_modules_import_light() -> None:
    code = ("import sys, filmkit as fk, filmkit.camera, filmkit.schedules\n"
            "fk.camera_move(push=1.2); fk.parse_schedule('0:(1)', max_frames=2); fk.easing.linear(0.5)\n"
            "print(','.join(m for m in ('cv2', 'matplotlib', 'moviepy') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""


def test_paths_display_as_plots() -> None:
    path = camera_move(push=1.2, roll=2, seconds=1)
    assert path._repr_png_().startswith(b"\x89PNG")
    assert "dolly=Curve('dolly', {0: 1, 0.958333: 1.2}" in repr(path)


def test_parallax_of_previz_layers_recomposes_the_frame_then_moves_them() -> None:
    from filmkit.studio.previz import render_previz

    frame = render_previz("misty harbour at dawn, lone lighthouse, rain --ar 16:9", size=(W, H))
    still = fk.parallax(frame.layers, seconds=0.25, fps=FPS, move="push-in", amount=1.0)
    diff = np.abs(still.frame(0).astype(int) - frame.image.astype(int))
    assert diff.max() <= 1  # back-to-front alpha compositing gives back the flat previz frame
    moving = fk.parallax(frame.layers, seconds=0.5, fps=FPS, move="truck-left")
    assert np.abs(moving.frame(0).astype(int) - moving.frame(-1).astype(int)).mean() > 2
