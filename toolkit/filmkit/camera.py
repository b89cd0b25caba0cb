"""Camera moves on stills: push-in, pull-out, pan, tilt, truck, roll and their combinations, plus 2.5D parallax.

A move is a :class:`CameraPath` — keyframed, eased :class:`~filmkit.curves.Curve`\\ s for how the camera sees the
picture over time — and rendering it gives a lazy :class:`~filmkit.clip.Clip`. Paths are frozen values; combine
them with ``+`` (zooms multiply, offsets and angles add) or build one with :func:`camera_move`.

What the moves mean on a still:

- **push-in / pull-out**: the camera moves towards / away from the picture (a dolly). On one flat image this is
  the same as zooming the lens; with layers (:func:`parallax`) nearer layers grow faster than far ones.
- **pan / tilt**: the camera *turns* left/right or up/down, so the frame slides across the picture. A turning
  camera shows no parallax: with layers, every layer slides by the same amount.
- **truck** (and pedestal, its vertical twin): the camera *slides* sideways. With layers, near layers slide
  further than far ones (parallax) — that is the whole difference. **Without layers a truck and a pan look
  alike**: one flat picture has no depth to reveal, and filmkit does not pretend otherwise.
- **roll**: the camera turns about its lens axis; the picture rotates on screen.

Rendering is sub-pixel accurate: every frame is one float affine warp (``cv2.warpAffine``, bilinear) computed
from the path at that frame's exact time, so there is no whole-pixel rounding and no jitter. The frame is always
filled: the zoom is raised by the smallest constant factor that keeps the picture's edges outside the frame
(``cover=True``), with mirrored edges as a last resort.

Coordinates: ``zoom`` is magnification (1 = the picture just fills the frame); ``x``/``y`` are where the camera
looks, measured from the picture's centre in frame widths/heights (``x=+0.1`` looks right, so the picture slides
left); ``rotation`` is how far the picture turns on screen, counter-clockwise, in degrees (as Deforum's ``angle``).

Examples
--------
>>> import numpy as np
>>> from filmkit import camera
>>> still = np.zeros((90, 160, 3), np.uint8); still[40:50, 75:85] = 255
>>> clip = camera.push_in(still, seconds=1, fps=12, zoom=1.5)
>>> clip
Clip(push_in: 160×90, 1.00 s @ 12 fps, 12 frames)
>>> int((clip.frame(0) > 128).sum() // 3) < int((clip.frame(-1) > 128).sum() // 3)
True
>>> path = camera.camera_move(push=1.2, pan=0.1, seconds=2)
>>> round(path.zoom_at(0), 3), round(path.zoom_at(path.duration), 3)
(1.0, 1.2)
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import numpy as np

from ._lazy import require
from .assets import Asset, Provenance
from .clip import Clip, as_rgb_array, as_rgba_array
from .curves import Curve, CurveLike, as_curve, keyframes
from .easing import EaseLike, ease_name
from .errors import FilmkitError, MediaError

__all__ = [
    "LAYER_ORDER",
    "MOVES",
    "CameraPath",
    "animate",
    "move_camera",
    "camera_move",
    "default_size",
    "pan",
    "parallax",
    "pull_out",
    "push_in",
    "roll",
    "tilt",
    "truck",
]

DEFAULT_EASE = "ease_in_out_sine"
LAYER_ORDER = ("sky", "far", "mid", "near", "subject", "weather")
"""Previz layer names, back to front."""
ImageLike = Union[Asset, str, Path, np.ndarray, Any]


def _const(v: float, label: str) -> Curve:
    return Curve.constant(v, label=label)


@dataclass(frozen=True, eq=False)
class CameraPath:
    """How the camera sees a still over time. Every field is a :class:`~filmkit.curves.Curve` (numbers become
    constant curves).

    ``zoom`` (lens magnification), ``x``/``y`` (pan/tilt: where the camera looks, in frame widths/heights) and
    ``rotation`` (roll, degrees counter-clockwise on screen) treat every layer alike; ``dolly`` (push-in
    magnification) and ``truck_x``/``truck_y`` (sideways/vertical slide) are scaled by each layer's nearness in
    :func:`parallax`. On a flat still, ``dolly`` multiplies ``zoom`` and ``truck_*`` add to ``x``/``y``.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> path = fk.CameraPath(zoom=fk.keyframes({0: 1.0, 2: 1.5}), rotation=3)   # a slow zoom, a slight tilt
    >>> path.duration, path.zoom_at(0), path.zoom_at(2)
    (2.0, 1.0, 1.5)
    >>> path.screen(1)                                   # (zoom, rotation, x, y) one second in
    (1.25, 3.0, 0.0, 0.0)
    >>> path.render(np.zeros((90, 160, 3), np.uint8), fps=8)
    Clip(camera: 160×90, 2.12 s @ 8 fps, 17 frames)
    """

    zoom: Curve = field(default_factory=lambda: _const(1.0, "zoom"))
    x: Curve = field(default_factory=lambda: _const(0.0, "x"))
    y: Curve = field(default_factory=lambda: _const(0.0, "y"))
    rotation: Curve = field(default_factory=lambda: _const(0.0, "rotation"))
    dolly: Curve = field(default_factory=lambda: _const(1.0, "dolly"))
    truck_x: Curve = field(default_factory=lambda: _const(0.0, "truck_x"))
    truck_y: Curve = field(default_factory=lambda: _const(0.0, "truck_y"))

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, as_curve(getattr(self, f.name), label=f.name))

    # --- reading ------------------------------------------------------------------------------------------
    @property
    def duration(self) -> float:
        """When the last keyframe of any curve is reached (seconds)."""
        return float(max(getattr(self, f.name).end for f in dataclasses.fields(self)))

    def screen(self, t: float | np.ndarray, *, nearness: float = 1.0) -> tuple[Any, Any, Any, Any]:
        """``(zoom, rotation, x, y)`` at time(s) ``t`` for a layer at ``nearness`` (1 = a flat still)."""
        p = float(nearness)
        dolly = 1.0 + (np.asarray(self.dolly(t)) - 1.0) * p
        zoom = np.asarray(self.zoom(t)) * dolly
        x = np.asarray(self.x(t)) + p * np.asarray(self.truck_x(t))
        y = np.asarray(self.y(t)) + p * np.asarray(self.truck_y(t))
        rot = np.asarray(self.rotation(t))
        if np.ndim(t) == 0:
            return float(zoom), float(rot) + 0.0, float(x) + 0.0, float(y) + 0.0
        return zoom, rot, x, y

    def zoom_at(self, t: float) -> float:
        """Total magnification at ``t`` on a flat still (``zoom × dolly``)."""
        return float(self.screen(t)[0])

    def matrix(self, t: float, *, src_size: tuple[int, int], out_size: tuple[int, int], nearness: float = 1.0,
               extra_zoom: float = 1.0) -> np.ndarray:
        """The 2×3 float affine matrix taking source pixel coordinates to output pixels at time ``t``.

        The source is first scaled to cover the output frame, centred; then the camera's view is applied.

        >>> m = CameraPath(zoom=2.0).matrix(0.0, src_size=(200, 100), out_size=(100, 50))
        >>> (m.round(3) + 0.0).tolist()   # the centre 100×50 of the picture, 1:1
        [[1.0, 0.0, -50.0], [0.0, 1.0, -25.0]]
        """
        z, rot, x, y = self.screen(t, nearness=nearness)
        return _affine(z * extra_zoom, rot, x, y, src_size, out_size)

    # --- combining ----------------------------------------------------------------------------------------
    def __add__(self, other: CameraPath) -> CameraPath:
        """Both moves at once: magnifications multiply, offsets and angles add."""
        if not isinstance(other, CameraPath):
            return NotImplemented
        return CameraPath(zoom=self.zoom * other.zoom, x=self.x + other.x, y=self.y + other.y,
                          rotation=self.rotation + other.rotation, dolly=self.dolly * other.dolly,
                          truck_x=self.truck_x + other.truck_x, truck_y=self.truck_y + other.truck_y)

    def with_(self, **curves: CurveLike) -> CameraPath:
        """A copy with some curves replaced (``path.with_(rotation=keyframes({0: 0, 5: 3}))``)."""
        return dataclasses.replace(self, **curves)  # type: ignore[arg-type]

    # --- rendering ----------------------------------------------------------------------------------------
    def render(self, image: ImageLike, *, seconds: float | None = None, fps: float = 24,
               size: tuple[int, int] | None = None, motion_blur: float = 0.0, cover: bool = True,
               label: str = "camera", operation: str = "camera_move",
               request: Mapping[str, Any] | None = None) -> Clip:
        """Play this path over a still and return a lazy :class:`~filmkit.clip.Clip` (frame ``i`` at ``i / fps``).

        ``seconds`` defaults to the path's duration plus one frame (so the last frame lands on the last key).
        ``motion_blur`` is the shutter as a fraction of a frame (0.5 = a 180° shutter): each frame averages five
        warps spread over that time. ``cover`` raises the zoom by the smallest constant factor that keeps the
        picture's edges out of frame.
        """
        src, parents = _load_rgb(image)
        n = _n_frames(seconds if seconds is not None else self.duration + 1.0 / fps, fps)
        w, h = _check_size(size) if size is not None else default_size(src.shape[1], src.shape[0])
        times = np.arange(n) / float(fps)
        k = _cover_factor(self, times, (src.shape[1], src.shape[0]), (w, h), motion_blur, fps) if cover else 1.0
        warper = _Warper(src, (w, h), max_zoom=float(np.max(self.screen(times)[0])) * k)
        offsets = _shutter_offsets(motion_blur, fps)
        path = self

        def frame(i: int) -> np.ndarray:
            t = i / float(fps)
            if offsets is None:
                return warper.warp(*path.screen(t), extra_zoom=k)
            acc = np.zeros((h, w, 3), np.float32)
            for dt in offsets:
                acc += warper.warp(*path.screen(t + dt), extra_zoom=k)
            return (acc / len(offsets) + 0.5).astype(np.uint8)

        prov = Provenance(provider="filmkit", model="camera", operation=operation, parents=parents,
                          request={"seconds": n / fps, "fps": fps, "size": [w, h], "motion_blur": motion_blur,
                                   **dict(request or {})})
        return Clip(frame_fn=frame, fps=fps, n_frames=n, size=(w, h), label=label, provenance=prov)

    def plot(self, *, fps: float = 24) -> Any:
        """A matplotlib Figure with the path's curves that move (zoom, offsets, rotation)."""
        from .curves import _pyplot

        plt = _pyplot()
        moving = [f.name for f in dataclasses.fields(self) if not getattr(self, f.name).is_constant] or ["zoom"]
        fig, axes = plt.subplots(len(moving), 1, figsize=(7, 1.6 * len(moving) + 0.6), dpi=100, sharex=True,
                                 squeeze=False)
        end = max(self.duration, 1.0 / fps)
        for ax, name in zip(axes[:, 0], moving):
            getattr(self, name).plot(fps=fps, duration=end, ax=ax, label=name)
        fig.tight_layout()
        plt.close(fig)
        return fig

    def _repr_png_(self) -> bytes:
        from .curves import figure_png

        return figure_png(self.plot())

    def __repr__(self) -> str:
        neutral = {"zoom": 1.0, "dolly": 1.0}
        parts = [f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self)
                 if not (getattr(self, f.name).is_constant
                         and getattr(self, f.name).values[0] == neutral.get(f.name, 0.0))]
        return f"CameraPath({', '.join(parts)})"


# --- the maths ----------------------------------------------------------------------------------------------------
def _rot(deg: float) -> np.ndarray:
    r = math.radians(deg)
    c, s = math.cos(r), math.sin(r)
    return np.array([[c, s], [-s, c]])  # counter-clockwise on screen (y down), like cv2.getRotationMatrix2D


def _affine(zoom: float, rotation: float, x: float, y: float, src_size: tuple[int, int],
            out_size: tuple[int, int]) -> np.ndarray:
    iw, ih = src_size
    w, h = out_size
    s0 = max(w / iw, h / ih)  # cover: the picture fills the frame at zoom 1
    ci = np.array([(iw - 1) / 2.0, (ih - 1) / 2.0])  # pixel centres sit on integer coordinates
    co = np.array([(w - 1) / 2.0, (h - 1) / 2.0])
    zr = zoom * _rot(rotation)
    lin = zr * s0
    b = co - lin @ ci - zr @ np.array([x * w, y * h])
    return np.hstack([lin, b[:, None]])


def _spans_width(rgba: np.ndarray) -> bool:
    """True when a layer is opaque along both side edges somewhere (a band across the picture, not a cut-out)."""
    a = rgba[..., 3]
    return bool((a[:, 0] > 200).mean() > 0.05 and (a[:, -1] > 200).mean() > 0.05)


def _cover_factor(path: CameraPath, times: np.ndarray, src_size: tuple[int, int], out_size: tuple[int, int],
                  motion_blur: float, fps: float, nearness: float = 1.0) -> float:
    """The smallest constant factor on the zoom that keeps the picture's edges outside the frame."""
    if motion_blur > 0:
        times = np.concatenate([times - motion_blur / (2 * fps), times, times + motion_blur / (2 * fps)])
    iw, ih = src_size
    w, h = out_size
    s0 = max(w / iw, h / ih)
    half = np.array([iw * s0 / 2.0, ih * s0 / 2.0])  # the picture's half size in base (frame) pixels
    zoom, rot, x, y = path.screen(times, nearness=nearness)
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [-w / 2, h / 2], [w / 2, h / 2]])
    need = 1.0
    for z, r, dx, dy in zip(np.atleast_1d(zoom), np.atleast_1d(rot), np.atleast_1d(x), np.atleast_1d(y)):
        d = np.array([dx * w, dy * h])
        u = (corners @ _rot(r)) / z  # inverse rotation applied to each corner (rows), in base pixels
        for a in range(2):
            room_pos, room_neg = half[a] - d[a], half[a] + d[a]
            if room_pos <= 1e-9 or room_neg <= 1e-9:
                return float(need)  # the camera looks past the edge: no zoom can cover it; mirror instead
            ua = u[:, a]
            need = max(need, float(np.max(np.where(ua > 0, ua / room_pos, -ua / room_neg))))
    return float(need * (1 + 1e-6)) if need > 1.0 + 1e-9 else 1.0


class _Warper:
    """A still ready to be warped many times: RGB (or premultiplied RGBA) uint8, pre-shrunk if much too big."""

    def __init__(self, src: np.ndarray, out_size: tuple[int, int], *, max_zoom: float, border: str = "reflect",
                 ) -> None:
        cv2 = require("cv2")
        self.cv2 = cv2
        self.orig_size = (src.shape[1], src.shape[0])
        self.out_size = out_size
        w, h = out_size
        s0 = max(w / src.shape[1], h / src.shape[0])
        # bilinear warps alias when they shrink: if the picture is bigger than the closest view needs, shrink it
        # once with INTER_AREA (a fixed resample: it adds no jitter) so that every warp magnifies or keeps size.
        f = s0 * max(max_zoom, 1e-6)
        if f < 1.0:
            nw, nh = max(2, int(round(src.shape[1] * f))), max(2, int(round(src.shape[0] * f)))
            src = cv2.resize(src, (nw, nh), interpolation=cv2.INTER_AREA)
        self.src = np.ascontiguousarray(src)
        sx = self.orig_size[0] / src.shape[1]
        sy = self.orig_size[1] / src.shape[0]
        # resized pixel -> original pixel (pixel centres): p_o = (p_r + 0.5) * s - 0.5
        self.pre = np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1]])
        self.border = (cv2.BORDER_REFLECT_101 if border == "reflect" else cv2.BORDER_CONSTANT)

    def matrix(self, zoom: float, rotation: float, x: float, y: float, *, extra_zoom: float = 1.0) -> np.ndarray:
        m = _affine(zoom * extra_zoom, rotation, x, y, self.orig_size, self.out_size)
        return np.asarray((np.vstack([m, [0, 0, 1]]) @ self.pre)[:2])

    def warp(self, zoom: float, rotation: float, x: float, y: float, *, extra_zoom: float = 1.0) -> np.ndarray:
        m = self.matrix(zoom, rotation, x, y, extra_zoom=extra_zoom)
        out: np.ndarray = self.cv2.warpAffine(self.src, m, self.out_size, flags=self.cv2.INTER_LINEAR,
                                              borderMode=self.border, borderValue=0)
        return out


def _shutter_offsets(motion_blur: float, fps: float) -> np.ndarray | None:
    if not 0 <= motion_blur <= 1:
        raise FilmkitError(f"motion_blur is the shutter as a fraction of a frame, 0 to 1 (0.5 = 180°); "
                           f"got {motion_blur}.")
    if motion_blur == 0:
        return None
    return (np.linspace(-0.5, 0.5, 5) * motion_blur / fps).astype(np.float64)


def _load_rgb(image: ImageLike) -> tuple[np.ndarray, tuple[str, ...]]:
    parents: tuple[str, ...] = ()
    if isinstance(image, Asset):
        parents = (image.id,) if image.id else ()
    elif isinstance(image, (str, Path)):
        p = Path(image)
        if p.is_file():
            from .assets import file_id

            parents = (file_id(p),)
    return as_rgb_array(image), parents


def _check_size(size: Sequence[int]) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in size)
    except (TypeError, ValueError):
        raise MediaError(f"size must be (width, height), e.g. (1280, 720); got {size!r}.") from None
    if w < 2 or h < 2 or w % 2 or h % 2:
        raise MediaError(f"size {w}×{h}: H.264 needs even width and height of at least 2; try "
                         f"{max(2, w - w % 2)}×{max(2, h - h % 2)}.")
    return w, h


def default_size(width: int, height: int, *, max_width: int = 1280) -> tuple[int, int]:
    """The picture's aspect at no more than ``max_width`` pixels wide, both sides even.

    >>> default_size(4000, 3000), default_size(333, 201)
    ((1280, 960), (332, 200))
    """
    w = min(int(width), max_width)
    w -= w % 2
    h = int(round(w * height / width / 2.0)) * 2
    return max(w, 2), max(h, 2)


def _n_frames(seconds: float, fps: float) -> int:
    if fps <= 0:
        raise FilmkitError(f"fps must be positive; got {fps}.")
    if seconds <= 0:
        raise FilmkitError(f"seconds must be positive; got {seconds}.")
    return max(1, int(round(seconds * fps)))


# --- building moves -------------------------------------------------------------------------------------------------
def _ramp(a: float, b: float, seconds: float, fps: float, ease: EaseLike, label: str) -> Curve:
    end = (_n_frames(seconds, fps) - 1) / float(fps)  # the last frame shows the end value exactly
    if end <= 0 or a == b:
        return Curve.constant(b if end <= 0 else a, label=label)
    return keyframes({0.0: a, end: b}, ease=ease, label=label)


def camera_move(*, push: float = 1.0, zoom: float = 1.0, pan: float = 0.0, tilt: float = 0.0, truck: float = 0.0,
                pedestal: float = 0.0, roll: float = 0.0, seconds: float = 5.0, fps: float = 24,
                ease: EaseLike = DEFAULT_EASE) -> CameraPath:
    """One eased move that does several things at once, as a :class:`CameraPath`.

    Parameters
    ----------
    push
        Dolly magnification reached at the end (``1.2`` pushes in 20 %; ``0.8`` pulls out from 1.25× to 1).
    zoom
        Lens zoom reached at the end (like ``push`` on a flat still; no parallax with layers).
    pan, tilt
        How far the camera turns, in frame widths / heights (``pan=0.2``: looks right; negative looks left;
        ``tilt`` positive looks up).
    truck, pedestal
        How far the camera slides right / up, in frame widths / heights (parallax with layers).
    roll
        Degrees the picture turns on screen (counter-clockwise) by the end.
    seconds, fps
        The clip this move is for: the move ends exactly on its last frame.
    ease
        One easing for the whole move (see :mod:`filmkit.easing`).

    Examples
    --------
    >>> path = camera_move(push=1.2, roll=2, seconds=1, fps=4)
    >>> [round(v, 3) for v in path.screen(0.75)]
    [1.2, 2.0, 0.0, 0.0]
    """
    def pair(v: float, name: str, one: float = 0.0) -> Curve:
        if name in ("dolly", "zoom") and v < 1:  # pulling out: start magnified, end at the still
            return _ramp(1.0 / v, 1.0, seconds, fps, ease, name)
        if name in ("x", "y", "truck_x", "truck_y"):
            return _ramp(-v / 2, v / 2, seconds, fps, ease, name)  # centred on the picture
        return _ramp(one, v, seconds, fps, ease, name)

    for name, v in [("push", push), ("zoom", zoom)]:
        if v <= 0:
            raise FilmkitError(f"{name}={v}: a magnification must be positive (1.2 = 20 % closer, 0.8 = pull out).")
    return CameraPath(zoom=pair(zoom, "zoom", 1.0), dolly=pair(push, "dolly", 1.0), x=pair(pan, "x"),
                      y=pair(-tilt, "y"), truck_x=pair(truck, "truck_x"), truck_y=pair(-pedestal, "truck_y"),
                      rotation=pair(roll, "rotation"))


def _render(image: ImageLike, path: CameraPath, *, seconds: float, fps: float, size: tuple[int, int] | None,
            motion_blur: float, operation: str, request: Mapping[str, Any]) -> Clip:
    return path.render(image, seconds=seconds, fps=fps, size=size, motion_blur=motion_blur, label=operation,
                       operation=operation, request={"move": operation, **request})


def push_in(image: ImageLike, *, seconds: float = 5.0, fps: float = 24, size: tuple[int, int] | None = None,
            zoom: float = 1.2, ease: EaseLike = DEFAULT_EASE, motion_blur: float = 0.0) -> Clip:
    """Move the camera towards the picture: magnification eases from 1 to ``zoom``; the centre stays put.

    ``image`` is an :class:`~filmkit.assets.Asset`, a PIL image, an array or a path. ``size`` defaults to the
    picture's aspect at ≤1280 px wide. The clip's provenance names the image asset as its parent.

    >>> import numpy as np
    >>> push_in(np.zeros((90, 160, 3), np.uint8), seconds=2, fps=24, zoom=1.1).n_frames
    48
    """
    if zoom <= 0:
        raise FilmkitError(f"zoom={zoom}: use a magnification above 1 to push in (1.2 = 20 % closer).")
    path = CameraPath(dolly=_ramp(1.0, zoom, seconds, fps, ease, "dolly"))
    return _render(image, path, seconds=seconds, fps=fps, size=size, motion_blur=motion_blur, operation="push_in",
                   request={"zoom": zoom, "ease": ease_name(ease)})


def pull_out(image: ImageLike, *, seconds: float = 5.0, fps: float = 24, size: tuple[int, int] | None = None,
             zoom: float = 1.2, ease: EaseLike = DEFAULT_EASE, motion_blur: float = 0.0) -> Clip:
    """Move the camera away from the picture: magnification eases from ``zoom`` down to 1 (the whole still).

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> still = np.zeros((90, 160, 3), np.uint8); still[40:50, 75:85] = 255     # a white square, centred
    >>> clip = fk.pull_out(still, zoom=1.5, seconds=1, fps=8)
    >>> clip
    Clip(pull_out: 160×90, 1.00 s @ 8 fps, 8 frames)
    >>> def area(frame): return int((frame[..., 0] > 128).sum())
    >>> bool(area(clip.frame(-1)) < area(clip.frame(0)))                        # the square shrinks away
    True
    """
    if zoom <= 0:
        raise FilmkitError(f"zoom={zoom}: give the starting magnification, above 1 (1.2 = start 20 % closer).")
    path = CameraPath(dolly=_ramp(zoom, 1.0, seconds, fps, ease, "dolly"))
    return _render(image, path, seconds=seconds, fps=fps, size=size, motion_blur=motion_blur,
                   operation="pull_out", request={"zoom": zoom, "ease": ease_name(ease)})


def _direction(direction: str, allowed: dict[str, float], what: str) -> float:
    d = str(direction).lower().strip()
    if d not in allowed:
        raise FilmkitError(f"{what}: direction {direction!r} is not one of {', '.join(allowed)}.")
    return allowed[d]


def pan(image: ImageLike, *, direction: str = "right", amount: float = 0.2, seconds: float = 5.0, fps: float = 24,
        size: tuple[int, int] | None = None, ease: EaseLike = DEFAULT_EASE, motion_blur: float = 0.0) -> Clip:
    """Turn the camera left or right: the frame travels ``amount`` frame widths across the picture.

    Panning right makes the picture slide left on screen. The zoom rises just enough to keep the picture's
    edges out of frame (``amount=0.2`` needs 1.25×). On a flat still this looks like :func:`truck`; the two
    differ only with layers (see :func:`parallax`).

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> still = np.zeros((90, 160, 3), np.uint8); still[40:50, 75:85] = 255     # a white square, centred
    >>> def square(frame):                                                      # its centre (x, y) on screen
    ...     ys, xs = np.nonzero(frame[..., 0] > 128)
    ...     return round(float(xs.mean())), round(float(ys.mean()))
    >>> clip = fk.pan(still, direction="right", amount=0.2, seconds=1, fps=8)
    >>> clip
    Clip(pan_right: 160×90, 1.00 s @ 8 fps, 8 frames)
    >>> x0, x1 = square(clip.frame(0))[0], square(clip.frame(-1))[0]
    >>> bool(x1 < x0)                                    # panning right: the picture slides left
    True
    """
    sign = _direction(direction, {"right": 1.0, "left": -1.0}, "pan")
    path = CameraPath(x=_ramp(-sign * amount / 2, sign * amount / 2, seconds, fps, ease, "x"))
    return _render(image, path, seconds=seconds, fps=fps, size=size, motion_blur=motion_blur,
                   operation=f"pan_{'right' if sign > 0 else 'left'}",
                   request={"amount": amount, "ease": ease_name(ease)})


def tilt(image: ImageLike, *, direction: str = "up", amount: float = 0.2, seconds: float = 5.0, fps: float = 24,
         size: tuple[int, int] | None = None, ease: EaseLike = DEFAULT_EASE, motion_blur: float = 0.0) -> Clip:
    """Turn the camera up or down: the frame travels ``amount`` frame heights over the picture.

    Tilting up makes the picture slide down on screen.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> still = np.zeros((90, 160, 3), np.uint8); still[40:50, 75:85] = 255     # a white square, centred
    >>> def square(frame):                                                      # its centre (x, y) on screen
    ...     ys, xs = np.nonzero(frame[..., 0] > 128)
    ...     return round(float(xs.mean())), round(float(ys.mean()))
    >>> clip = fk.tilt(still, direction="up", amount=0.2, seconds=1, fps=8)
    >>> clip
    Clip(tilt_up: 160×90, 1.00 s @ 8 fps, 8 frames)
    >>> y0, y1 = square(clip.frame(0))[1], square(clip.frame(-1))[1]
    >>> bool(y1 > y0)                                    # tilting up: the picture slides down
    True
    """
    sign = _direction(direction, {"up": -1.0, "down": 1.0}, "tilt")
    path = CameraPath(y=_ramp(-sign * amount / 2, sign * amount / 2, seconds, fps, ease, "y"))
    return _render(image, path, seconds=seconds, fps=fps, size=size, motion_blur=motion_blur,
                   operation=f"tilt_{'up' if sign < 0 else 'down'}",
                   request={"amount": amount, "ease": ease_name(ease)})


def truck(image: ImageLike, *, direction: str = "right", amount: float = 0.2, seconds: float = 5.0,
          fps: float = 24, size: tuple[int, int] | None = None, ease: EaseLike = DEFAULT_EASE,
          motion_blur: float = 0.0) -> Clip:
    """Slide the camera sideways by ``amount`` frame widths (``direction`` ``"left"``/``"right"``).

    Honest note: on one flat still a truck looks exactly like a :func:`pan` — there is no depth to reveal.
    Give the picture layers and use :func:`parallax` with ``move="truck-right"`` to see near things slide
    past far ones.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> still = np.zeros((90, 160, 3), np.uint8); still[40:50, 75:85] = 255     # a white square, centred
    >>> def square(frame):                                                      # its centre (x, y) on screen
    ...     ys, xs = np.nonzero(frame[..., 0] > 128)
    ...     return round(float(xs.mean())), round(float(ys.mean()))
    >>> clip = fk.truck(still, direction="left", amount=0.2, seconds=1, fps=8)
    >>> clip
    Clip(truck_left: 160×90, 1.00 s @ 8 fps, 8 frames)
    >>> x0, x1 = square(clip.frame(0))[0], square(clip.frame(-1))[0]
    >>> bool(x1 > x0)                                    # the camera slides left: the picture moves right
    True
    """
    sign = _direction(direction, {"right": 1.0, "left": -1.0}, "truck")
    path = CameraPath(truck_x=_ramp(-sign * amount / 2, sign * amount / 2, seconds, fps, ease, "truck_x"))
    return _render(image, path, seconds=seconds, fps=fps, size=size, motion_blur=motion_blur,
                   operation=f"truck_{'right' if sign > 0 else 'left'}",
                   request={"amount": amount, "ease": ease_name(ease)})


def roll(image: ImageLike, *, degrees: float = 5.0, seconds: float = 5.0, fps: float = 24,
         size: tuple[int, int] | None = None, ease: EaseLike = DEFAULT_EASE, motion_blur: float = 0.0) -> Clip:
    """Turn the picture ``degrees`` counter-clockwise on screen (negative: clockwise), zoomed to stay covered.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> horizon = np.zeros((90, 160, 3), np.uint8); horizon[43:47, 20:140] = 255   # a level white bar
    >>> clip = fk.roll(horizon, degrees=10, seconds=1, fps=8)
    >>> clip
    Clip(roll: 160×90, 1.00 s @ 8 fps, 8 frames)
    >>> def bar_y(frame, x): return float(np.nonzero(frame[:, x, 0] > 128)[0].mean())
    >>> last = clip.frame(-1)
    >>> bool(bar_y(last, 40) > bar_y(last, 120))         # counter-clockwise: the left end dips
    True
    """
    path = CameraPath(rotation=_ramp(0.0, degrees, seconds, fps, ease, "rotation"))
    return _render(image, path, seconds=seconds, fps=fps, size=size, motion_blur=motion_blur, operation="roll",
                   request={"degrees": degrees, "ease": ease_name(ease)})


MOVES = ("push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down", "truck-left", "truck-right", "roll")
"""The move names :func:`animate` and ``filmkit animate --move`` accept."""


def animate(image: ImageLike, move: str | CameraPath = "push-in", *, seconds: float = 5.0, fps: float = 24,
            size: tuple[int, int] | None = None, ease: EaseLike = DEFAULT_EASE, amount: float | None = None,
            motion_blur: float = 0.0) -> Clip:
    """Animate a still with a named move (``"push-in"``, ``"pan-left"`` …, see :data:`MOVES`) or a path.

    ``amount`` means: the magnification for push-in/pull-out (default 1.2), frame widths/heights for
    pan/tilt/truck (default 0.2), degrees for roll (default 5).

    >>> import numpy as np
    >>> animate(np.zeros((90, 160, 3), np.uint8), "tilt-up", seconds=1, fps=8)
    Clip(tilt_up: 160×90, 1.00 s @ 8 fps, 8 frames)
    """
    common: dict[str, Any] = dict(seconds=seconds, fps=fps, size=size, motion_blur=motion_blur)
    if isinstance(move, CameraPath):
        return move.render(image, **common)
    name = str(move).lower().replace("_", "-").strip()
    if name in ("push-in", "pull-out"):
        fn = push_in if name == "push-in" else pull_out
        return fn(image, zoom=1.2 if amount is None else amount, ease=ease, **common)
    if name == "roll":
        return roll(image, degrees=5.0 if amount is None else amount, ease=ease, **common)
    kind, _, direction = name.partition("-")
    table = {"pan": pan, "tilt": tilt, "truck": truck}
    if name in MOVES and kind in table:
        return table[kind](image, direction=direction, amount=0.2 if amount is None else amount, ease=ease,
                           **common)
    raise FilmkitError(f"unknown move {move!r}; use one of: {', '.join(MOVES)} (or a CameraPath).")


# --- 2.5D parallax ---------------------------------------------------------------------------------------------------
LayerLike = Union[tuple[Any, float], tuple[Any, Any, float], Any]


def _as_rgba(image: Any, mask: Any = None) -> np.ndarray:
    """An H×W×4 uint8 RGBA array from a path, PIL image or array (RGB gets an opaque alpha, or ``mask``)."""
    if isinstance(image, (str, Path)) and not Path(image).is_file():
        raise MediaError(f"layer {image} does not exist.")
    arr = as_rgba_array(image, what="a layer")
    if mask is not None:
        m = np.asarray(mask.convert("L")) if hasattr(mask, "convert") else np.asarray(mask)
        if m.ndim == 3:
            m = m[..., -1] if m.shape[2] == 4 else m.mean(axis=2)
        if m.shape != arr.shape[:2]:
            raise MediaError(f"a mask of {m.shape[1]}×{m.shape[0]} does not fit its {arr.shape[1]}×{arr.shape[0]} "
                             "layer; make them the same size.")
        if m.dtype == bool or (np.issubdtype(m.dtype, np.floating) and m.max(initial=0) <= 1.0):
            m = m.astype(np.float64) * 255.0
        arr = arr.copy()
        arr[..., 3] = np.clip(m, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr)


def _layers_from(layers: Any, depth: Sequence[float] | None) -> tuple[list[np.ndarray], list[float], tuple[str, ...]]:
    parents: tuple[str, ...] = ()
    if isinstance(layers, Asset):
        if not layers.layers:
            raise MediaError(f"asset {layers.id} has no layers; make it with the previz provider, or pass a list of "
                             "(RGBA image, depth) pairs.")
        parents = (layers.id,) if layers.id else ()
        names = sorted(layers.layers, key=lambda k: (LAYER_ORDER.index(k) if k in LAYER_ORDER else len(LAYER_ORDER)))
        items: list[Any] = [layers.layers[k] for k in names]
    elif isinstance(layers, Mapping):
        names = sorted(layers, key=lambda k: (LAYER_ORDER.index(k) if k in LAYER_ORDER else len(LAYER_ORDER)))
        items = [layers[k] for k in names]
    else:
        items = list(layers)
    if not items:
        raise MediaError("parallax needs at least one layer (back to front).")
    imgs, nears = [], []
    for i, item in enumerate(items):
        near: float | None = None
        if isinstance(item, tuple) and len(item) == 3:
            img = _as_rgba(item[0], item[1])
            near = float(item[2])
        elif isinstance(item, tuple) and len(item) == 2 and np.isscalar(item[1]):
            img = _as_rgba(item[0])
            near = float(item[1])  # type: ignore[arg-type]
        else:
            img = _as_rgba(item)
        imgs.append(img)
        nears.append(near if near is not None else (i / (len(items) - 1) if len(items) > 1 else 1.0))
    if depth is not None:
        if len(depth) != len(imgs):
            raise MediaError(f"depth= has {len(depth)} values for {len(imgs)} layers; give one per layer "
                             "(0 = far away, 1 = nearest).")
        nears = [float(d) for d in depth]
    size0 = imgs[0].shape[:2]
    for i, im in enumerate(imgs):
        if im.shape[:2] != size0:
            raise MediaError(f"layer {i} is {im.shape[1]}×{im.shape[0]} but layer 0 is {size0[1]}×{size0[0]}; "
                             "all layers must be the same size.")
    return imgs, nears, parents


def parallax(layers: Any, *, seconds: float = 5.0, fps: float = 24, move: str | CameraPath = "truck-right",
             amount: float | None = None, depth: Sequence[float] | None = None, size: tuple[int, int] | None = None,
             ease: EaseLike = DEFAULT_EASE, motion_blur: float = 0.0) -> Clip:
    """2.5D parallax: layers at different depths, moved by one camera, composited back to front every frame.

    Parameters
    ----------
    layers
        A previz :class:`~filmkit.assets.Asset` with ``.layers`` (``sky, far, mid, near, subject``), a dict of
        such names to RGBA images, or a list back to front of RGBA images, ``(image, nearness)`` pairs, or
        ``(image, mask, nearness)`` triples (any picture plus a mask you painted or keyed).
    move
        A named move (``"truck-right"``, ``"push-in"``, ``"pan-left"`` … as in :func:`animate`) or a
        :class:`CameraPath`.
    depth
        Nearness per layer, 0 (at the horizon: a truck does not move it) to 1 (nearest: moves the full amount).
        Defaults to evenly spaced from back (0) to front (1).

    Examples
    --------
    >>> import numpy as np
    >>> sky = np.zeros((90, 160, 3), np.uint8); sky[:] = (40, 60, 120)
    >>> tree = np.zeros((90, 160, 4), np.uint8); tree[20:90, 70:90] = (20, 90, 30, 255)
    >>> clip = parallax([(sky, 0.0), (tree, 1.0)], seconds=1, fps=12, move="truck-right", amount=0.2)
    >>> def tree_x(f): return np.nonzero(f[60, :, 1] > 80)[0].mean()
    >>> bool(tree_x(clip.frame(-1)) < tree_x(clip.frame(0)) - 20)
    True
    """
    require("cv2")  # fail early, with the package to install
    imgs, nears, parents = _layers_from(layers, depth)
    ih, iw = imgs[0].shape[:2]
    w, h = _check_size(size) if size is not None else default_size(iw, ih)
    n = _n_frames(seconds, fps)
    if isinstance(move, CameraPath):
        path, op = move, "parallax"
    else:
        name = str(move).lower().replace("_", "-").strip()
        if name not in MOVES:
            raise FilmkitError(f"unknown move {move!r}; use one of: {', '.join(MOVES)} (or a CameraPath).")
        a = amount if amount is not None else (1.2 if name in ("push-in", "pull-out") else
                                               5.0 if name == "roll" else 0.2)
        kind, _, direction = name.partition("-")
        sign = -1.0 if direction in ("left", "up", "out") else 1.0
        if kind == "push":
            path = camera_move(push=a, seconds=seconds, fps=fps, ease=ease)
        elif kind == "pull":
            path = camera_move(push=1.0 / a, seconds=seconds, fps=fps, ease=ease)
        elif kind == "roll":
            path = camera_move(roll=a, seconds=seconds, fps=fps, ease=ease)
        elif kind == "pan":
            path = camera_move(pan=sign * a, seconds=seconds, fps=fps, ease=ease)
        elif kind == "tilt":
            path = camera_move(tilt=-sign * a, seconds=seconds, fps=fps, ease=ease)
        else:
            path = camera_move(truck=sign * a, seconds=seconds, fps=fps, ease=ease)
        op = f"parallax_{name.replace('-', '_')}"
    times = np.arange(n) / float(fps)
    # The back layer fills the frame (cover), and so does every layer that spans the picture from edge to edge
    # (previz's far hills, fog and ground): their edges must never come into view. Cut-outs (a figure, a tree)
    # may reveal what lies behind them, as cut-outs do.
    spans = [i == 0 or _spans_width(img) for i, img in enumerate(imgs)]
    k = max(_cover_factor(path, times, (iw, ih), (w, h), motion_blur, fps, nearness=p)
            for p, full in zip(nears, spans) if full)
    max_zoom = max(float(np.max(path.screen(times, nearness=p)[0])) for p in nears) * k
    warpers = []
    for img, p, full in zip(imgs, nears, spans):
        pm = img.astype(np.float32)
        pm[..., :3] *= pm[..., 3:4] / 255.0  # premultiplied alpha: no dark fringes when edges are resampled
        pm_u8 = (pm + 0.5).astype(np.uint8)
        # if even the cover zoom cannot hide an edge (a very large move), mirror it rather than cut it off
        warpers.append((_Warper(pm_u8, (w, h), max_zoom=max_zoom, border="reflect" if full else "constant"), p))
    offsets = _shutter_offsets(motion_blur, fps)

    def one(t: float) -> np.ndarray:
        out = np.zeros((h, w, 3), np.float32)
        for warper, p in warpers:
            layer = warper.warp(*path.screen(t, nearness=p), extra_zoom=k)
            alpha = layer[..., 3:4].astype(np.float32) * (1.0 / 255.0)
            out *= 1.0 - alpha
            out += layer[..., :3]
        return out

    def frame(i: int) -> np.ndarray:
        t = i / float(fps)
        if offsets is None:
            acc = one(t)
        else:
            acc = sum((one(t + dt) for dt in offsets), np.zeros((h, w, 3), np.float32)) / len(offsets)
        return np.clip(acc + 0.5, 0, 255).astype(np.uint8)

    prov = Provenance(provider="filmkit", model="camera", operation=op, parents=parents,
                      request={"move": op, "seconds": n / fps, "fps": fps, "size": [w, h], "depth": nears,
                               "motion_blur": motion_blur})
    return Clip(frame_fn=frame, fps=fps, n_frames=n, size=(w, h), label=op, provenance=prov)


#: ``fk.move_camera(image, "pan-left", seconds=4)`` — a named camera move on a still. (``fk.animate`` is the
#: studio's image-to-video, which asks the provider to animate the still.)
move_camera = animate
