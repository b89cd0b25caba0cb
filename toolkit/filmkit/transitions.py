"""Transitions: how one shot hands over to the next.

Each transition is a small frozen value with a ``duration`` (seconds of overlap) and an ``ease``, and
``apply(a, b)`` returns the *overlap section*: the last ``duration`` seconds of clip ``a`` blended into the first
``duration`` seconds of clip ``b``. In a :class:`~filmkit.edit.Timeline` the two shots overlap by that much, so a
film's length is the sum of its shots minus the overlaps.

=====================  ==============================================================================
``cut()``              no overlap: the next frame is the next shot (the default between two shots)
``crossfade(s)``       a dissolve: A fades out while B fades in
``dip_to_black(s)``    A fades to black, B fades up from black (``dip_to_white``: through white)
``wipe(s, direction)`` a soft edge travels across the frame; ``direction`` is where the edge moves
``luma_wipe(s, map)``  B appears where a grey map is darkest first (a gradient, a shape, any image)
``zoom_through(s)``    A rushes towards the camera, B lands from a zoomed-in view
``flow_morph(s)``      optical-flow warp plus dissolve: shapes slide into each other ("Liminal Spaces")
=====================  ==============================================================================

Overlap frame ``k`` of ``n`` shows progress ``t = (k + 1) / (n + 1)`` before easing, so neither picture is ever
shown pure inside the overlap and, with an odd ``n``, the middle frame is exactly ``t = 0.5``.

Examples
--------
>>> import filmkit as fk
>>> from filmkit.clip import Clip
>>> red = Clip.solid((255, 0, 0), seconds=1, fps=24, size=(64, 36))
>>> blue = Clip.solid((0, 0, 255), seconds=1, fps=24, size=(64, 36))
>>> mix = fk.crossfade(0.125).apply(red, blue)          # 3 frames of overlap
>>> mix.n_frames, mix.frame(1)[0, 0].tolist()
(3, [128, 0, 128])
>>> fk.dip_to_black(0.125).apply(red, blue).frame(1)[0, 0].tolist()
[0, 0, 0]
"""
from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ._lazy import require
from .clip import Clip, as_rgb_array
from .easing import EaseLike, get_easing
from .errors import TimelineError

__all__ = [
    "Blend",
    "Crossfade",
    "Cut",
    "Dip",
    "FlowMorph",
    "LumaWipe",
    "Transition",
    "Wipe",
    "ZoomThrough",
    "crossfade",
    "cut",
    "dip_to_black",
    "dip_to_white",
    "flow_morph",
    "luma_wipe",
    "wipe",
    "zoom_through",
]

Blend = Callable[[np.ndarray, np.ndarray, float], np.ndarray]
"""``blend(frame_a, frame_b, t) -> frame``: one overlap frame at eased progress ``t`` in [0, 1]."""

Direction = Literal["left", "right", "up", "down"]


@dataclass(frozen=True)
class Transition:
    """Base of every transition: ``duration`` seconds of overlap, eased by ``ease`` (a name or a function).

    Examples
    --------
    >>> import filmkit as fk
    >>> dissolve = fk.crossfade(0.5)
    >>> isinstance(dissolve, fk.Transition), dissolve.name, dissolve.n_frames(24)
    (True, 'crossfade', 12)
    >>> dissolve.with_ease("ease_in_out_sine")                   # a copy; dissolve is unchanged
    crossfade(0.5 s, ease=ease_in_out_sine)
    >>> dissolve.progress(1, 3)                                  # the middle of a 3-frame overlap
    0.5
    """

    duration: float = 0.5
    ease: EaseLike = "linear"

    def __post_init__(self) -> None:
        if not np.isfinite(self.duration) or self.duration < 0:
            raise TimelineError(f"a transition's duration must be 0 or more seconds; got {self.duration!r}.")
        get_easing(self.ease)  # fail early on an unknown easing name

    @property
    def name(self) -> str:
        """A short name for plans and reprs (``crossfade``, ``flow_morph``)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()

    def n_frames(self, fps: float) -> int:
        """How many frames of overlap at ``fps``."""
        return round(self.duration * fps)

    def progress(self, k: int, n: int) -> float:
        """Eased progress of overlap frame ``k`` of ``n``."""
        return float(get_easing(self.ease)((k + 1) / (n + 1)))

    def blender(self, size: tuple[int, int]) -> Blend:
        """A ``blend(frame_a, frame_b, t)`` for frames of ``size`` (w, h); does any set-up once."""
        raise NotImplementedError

    def with_duration(self, seconds: float) -> Transition:
        """A copy lasting ``seconds``."""
        return dataclasses.replace(self, duration=float(seconds))

    def with_ease(self, ease: EaseLike) -> Transition:
        """A copy with another easing."""
        return dataclasses.replace(self, ease=ease)

    def apply(self, a: Clip, b: Clip) -> Clip:
        """The overlap section: the end of ``a`` blended into the start of ``b`` (same fps and size)."""
        if a.size != b.size or abs(a.fps - b.fps) > 1e-9:
            raise TimelineError(
                f"{self.name} needs two clips of one size and fps; got {a.size}@{a.fps:g} and {b.size}@{b.fps:g}. "
                "Put both in a Timeline, which fits every shot to its size and fps.")
        n = self.n_frames(a.fps)
        if n < 1:
            raise TimelineError(f"a {self.duration:g} s {self.name} has no overlap frames at {a.fps:g} fps; "
                                "use a Timeline to join clips with a cut.")
        if n > min(a.n_frames, b.n_frames):
            raise TimelineError(f"a {self.duration:g} s {self.name} is longer than a clip "
                                f"({a.duration:.2f} s and {b.duration:.2f} s); shorten the transition.")
        blend = self.blender(a.size)
        fa, fb, start = a.frame_fn, b.frame_fn, a.n_frames - n
        ts = [self.progress(k, n) for k in range(n)]
        return Clip(frame_fn=lambda k: blend(fa(start + k), fb(k), ts[k]), fps=a.fps, n_frames=n, size=a.size,
                    label=f"{self.name} {a.label or 'A'} → {b.label or 'B'}")

    def __repr__(self) -> str:
        ease = self.ease if isinstance(self.ease, str) or self.ease is None else getattr(self.ease, "__name__", "fn")
        extra = "".join(f", {f.name}={_short(getattr(self, f.name))}" for f in dataclasses.fields(self)
                        if f.name not in {"duration", "ease"})
        return f"{self.name}({self.duration:g} s, ease={ease or 'linear'}{extra})"


def _short(value: Any) -> str:
    return repr(value) if isinstance(value, (str, int, float, tuple)) else f"<{type(value).__name__}>"


@dataclass(frozen=True, repr=False)
class Cut(Transition):
    """No overlap: the next shot starts on the next frame."""

    duration: float = 0.0

    def __post_init__(self) -> None:
        if self.duration != 0:
            raise TimelineError(f"a cut has no duration; got {self.duration!r}. Use crossfade({self.duration}) "
                                "for an overlap.")

    def blender(self, size: tuple[int, int]) -> Blend:
        return lambda fa, fb, t: fb

    def __repr__(self) -> str:
        return "cut()"


@dataclass(frozen=True, repr=False)
class Crossfade(Transition):
    """A dissolve: ``(1 - t)·A + t·B``."""

    def blender(self, size: tuple[int, int]) -> Blend:
        cv2 = require("cv2")
        return lambda fa, fb, t: cv2.addWeighted(fa, 1.0 - t, fb, t, 0.0)


@dataclass(frozen=True, repr=False)
class Dip(Transition):
    """A to ``colour`` in the first half, ``colour`` to B in the second: the pure colour at ``t = 0.5``."""

    colour: tuple[int, int, int] = (0, 0, 0)

    @property
    def name(self) -> str:
        return {(0, 0, 0): "dip_to_black", (255, 255, 255): "dip_to_white"}.get(
            (int(self.colour[0]), int(self.colour[1]), int(self.colour[2])), "dip")

    def blender(self, size: tuple[int, int]) -> Blend:
        cv2 = require("cv2")
        solid = np.empty((size[1], size[0], 3), np.uint8)
        solid[:] = self.colour

        def blend(fa: np.ndarray, fb: np.ndarray, t: float) -> np.ndarray:
            if t < 0.5:
                u = 2.0 * t
                return np.asarray(cv2.addWeighted(fa, 1.0 - u, solid, u, 0.0))
            u = 2.0 * t - 1.0
            return np.asarray(cv2.addWeighted(solid, 1.0 - u, fb, u, 0.0))

        return blend


def _mix(fa: np.ndarray, fb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``(1 − alpha)·fa + alpha·fb`` per pixel; ``alpha`` is H×W float32 in [0, 1] (or broadcasts to it)."""
    cv2 = require("cv2")
    h, w = fa.shape[:2]
    a = np.ascontiguousarray(np.broadcast_to(alpha.reshape(alpha.shape[:2]), (h, w)), np.float32)
    return np.asarray(cv2.blendLinear(np.ascontiguousarray(fa), np.ascontiguousarray(fb), 1.0 - a, a))


@dataclass(frozen=True, repr=False)
class Wipe(Transition):
    """A straight edge sweeps across: ``direction`` is where the edge travels (``"right"``: B enters from the
    left). ``softness`` is the edge's width as a fraction of the frame (0 = hard)."""

    direction: Direction = "right"
    softness: float = 0.05

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.direction not in ("left", "right", "up", "down"):
            raise TimelineError(f"wipe direction must be 'left', 'right', 'up' or 'down'; got {self.direction!r}.")
        if not 0 <= self.softness <= 1:
            raise TimelineError(f"wipe softness is a fraction of the frame in [0, 1]; got {self.softness!r}.")

    @property
    def name(self) -> str:
        return f"wipe_{self.direction}"

    def blender(self, size: tuple[int, int]) -> Blend:
        w, h = size
        horizontal = self.direction in ("left", "right")
        n = w if horizontal else h
        p = (np.arange(n, dtype=np.float32) + 0.5) / n          # 0 where the edge starts, 1 where it ends
        if self.direction in ("left", "up"):
            p = p[::-1].copy()
        s = max(self.softness, 1e-6)

        def blend(fa: np.ndarray, fb: np.ndarray, t: float) -> np.ndarray:
            alpha = np.clip((t * (1.0 + s) - p) / s, 0.0, 1.0)
            out = fa.copy()
            # B's part and the soft band are contiguous runs of columns (or rows): copy and blend slices only
            for mask, blend_it in ((alpha >= 1, False), ((alpha > 0) & (alpha < 1), True)):
                idx = np.flatnonzero(mask)
                if not idx.size:
                    continue
                lo, hi = int(idx[0]), int(idx[-1]) + 1
                sl = (slice(None), slice(lo, hi)) if horizontal else (slice(lo, hi), slice(None))
                if blend_it:
                    a = alpha[lo:hi][None, :] if horizontal else alpha[lo:hi][:, None]
                    out[sl] = _mix(fa[sl], fb[sl], a)
                else:
                    out[sl] = fb[sl]
            return out

        return blend


@dataclass(frozen=True, repr=False, eq=False)
class LumaWipe(Transition):
    """B appears where the grey ``map`` is darkest first, the brightest parts last.

    ``map`` is ``"horizontal"``, ``"vertical"``, ``"radial"`` (from the centre out), ``"diagonal"``, or any
    image (Asset, PIL image, path, H×W or H×W×3 array), resized to the frame. ``softness`` widens the edge.
    """

    map: Any = "radial"
    softness: float = 0.1

    def grey(self, size: tuple[int, int]) -> np.ndarray:
        """The map as float32 H×W in [0, 1] at ``size``."""
        w, h = size
        if isinstance(self.map, str):
            x = (np.arange(w, dtype=np.float32) + 0.5) / w
            y = (np.arange(h, dtype=np.float32) + 0.5) / h
            kinds: dict[str, Callable[[], np.ndarray]] = {
                "horizontal": lambda: np.broadcast_to(x[None, :], (h, w)),
                "vertical": lambda: np.broadcast_to(y[:, None], (h, w)),
                "diagonal": lambda: (x[None, :] + y[:, None]) / 2,
                "radial": lambda: np.hypot((x[None, :] - 0.5) * w / h, y[:, None] - 0.5),
            }
            if self.map not in kinds:
                raise TimelineError(f"luma_wipe map {self.map!r} is unknown; use one of {', '.join(kinds)} "
                                    "or pass a grey image.")
            g = np.asarray(kinds[self.map](), np.float32)
        else:
            cv2 = require("cv2")
            arr = np.asarray(self.map)
            if arr.ndim != 2:
                arr = as_rgb_array(self.map).astype(np.float32).mean(axis=2)
            g = cv2.resize(arr.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
        lo, hi = float(g.min()), float(g.max())
        return ((g - lo) / (hi - lo if hi > lo else 1.0)).astype(np.float32)

    def blender(self, size: tuple[int, int]) -> Blend:
        g = self.grey(size)
        s = max(self.softness, 1e-6)
        return lambda fa, fb, t: _mix(fa, fb, np.clip((t * (1.0 + s) - g) / s, 0.0, 1.0))

    def __hash__(self) -> int:
        return hash((self.duration, id(self.map)))


def _zoom(frame: np.ndarray, scale: float, cv2: Any) -> np.ndarray:
    h, w = frame.shape[:2]
    cx, cy = w / 2.0, h / 2.0
    m = np.array([[scale, 0, cx - scale * cx], [0, scale, cy - scale * cy]], np.float32)
    return np.asarray(cv2.warpAffine(frame, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT))


@dataclass(frozen=True, repr=False)
class ZoomThrough(Transition):
    """A pushes in to ``zoom``× while B lands from ``zoom``× back to 1×; they swap over a short dissolve in the
    middle (``blend`` is that dissolve's share of the transition)."""

    zoom: float = 2.0
    blend: float = 0.3
    ease: EaseLike = "ease_in_out_sine"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.zoom < 1:
            raise TimelineError(f"zoom_through's zoom must be 1 or more; got {self.zoom!r}.")

    def blender(self, size: tuple[int, int]) -> Blend:
        cv2 = require("cv2")
        z, half = self.zoom, max(self.blend, 1e-6) / 2

        def blend(fa: np.ndarray, fb: np.ndarray, t: float) -> np.ndarray:
            u = min(max((t - (0.5 - half)) / (2 * half), 0.0), 1.0)   # dissolve share
            if u <= 0:
                return _zoom(fa, 1 + (z - 1) * t, cv2)
            if u >= 1:
                return _zoom(fb, z - (z - 1) * t, cv2)
            return np.asarray(cv2.addWeighted(_zoom(fa, 1 + (z - 1) * t, cv2), 1 - u,
                                              _zoom(fb, z - (z - 1) * t, cv2), u, 0))

        return blend


@dataclass(frozen=True, repr=False)
class FlowMorph(Transition):
    """Optical-flow morph: A is warped forward along ``t·flow``, B backward along ``(1 − t)·flow``, then the two
    are dissolved, so shapes slide into each other instead of ghosting.

    Flow is dense (OpenCV ``DISOpticalFlow``, or ``method="farneback"``), computed on a copy at most
    ``flow_width`` pixels wide and scaled up. For stills it is computed once; for moving clips, per frame pair.
    """

    method: Literal["dis", "farneback"] = "dis"
    flow_width: int = 640
    ease: EaseLike = "ease_in_out_sine"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.method not in ("dis", "farneback"):
            raise TimelineError(f"flow_morph method must be 'dis' or 'farneback'; got {self.method!r}.")

    def flow(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Dense flow from frame ``a`` to frame ``b`` (H×W×2 float32, pixels)."""
        cv2 = require("cv2")
        h, w = a.shape[:2]
        s = min(1.0, self.flow_width / w)
        ga, gb = (cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in (a, b))
        if s < 1:
            small = (max(8, round(w * s)), max(8, round(h * s)))
            ga, gb = (cv2.resize(g, small, interpolation=cv2.INTER_AREA) for g in (ga, gb))
        if self.method == "dis":
            dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
            f = dis.calc(ga, gb, None)
        else:
            f = cv2.calcOpticalFlowFarneback(ga, gb, None, 0.5, 4, 21, 5, 7, 1.5, 0)
        if s < 1:
            f = cv2.resize(f, (w, h), interpolation=cv2.INTER_LINEAR) * np.float32(w / ga.shape[1])
        return np.asarray(f, np.float32)

    def blender(self, size: tuple[int, int]) -> Blend:
        cv2 = require("cv2")
        w, h = size
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        cache: dict[str, Any] = {}
        lock = threading.Lock()

        def flows(fa: np.ndarray, fb: np.ndarray) -> tuple[np.ndarray, ...]:
            with lock:  # the same arrays (a still) → the same flow; keeping them referenced keeps ids unique
                if cache.get("a") is fa and cache.get("b") is fb:
                    return cache["f"]  # type: ignore[no-any-return]
                ab, ba = self.flow(fa, fb), self.flow(fb, fa)
                f = tuple(np.ascontiguousarray(c) for c in (ab[..., 0], ab[..., 1], ba[..., 0], ba[..., 1]))
                cache.update(a=fa, b=fb, f=f)
                return f

        def blend(fa: np.ndarray, fb: np.ndarray, t: float) -> np.ndarray:
            abx, aby, bax, bay = flows(fa, fb)
            # A(x − t·F_ab(x)) and B(x − (1 − t)·F_ba(x)): each picture moved part of the way towards the other
            wa = cv2.remap(fa, cv2.scaleAdd(abx, -t, gx), cv2.scaleAdd(aby, -t, gy), cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
            wb = cv2.remap(fb, cv2.scaleAdd(bax, t - 1.0, gx), cv2.scaleAdd(bay, t - 1.0, gy), cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
            return np.asarray(cv2.addWeighted(wa, 1.0 - t, wb, t, 0.0))

        return blend


# --- the verbs a notebook uses ----------------------------------------------------------------------------------
def cut() -> Cut:
    """A hard cut (no overlap).

    >>> cut().duration
    0.0
    """
    return Cut()


def crossfade(seconds: float = 0.5, *, ease: EaseLike = "linear") -> Crossfade:
    """A dissolve of ``seconds``.

    >>> crossfade(1.0)
    crossfade(1 s, ease=linear)
    """
    return Crossfade(float(seconds), ease)


def dip_to_black(seconds: float = 1.0, *, ease: EaseLike = "linear") -> Dip:
    """Fade out to black and up into the next shot (black at the midpoint).

    >>> dip_to_black(1).colour
    (0, 0, 0)
    """
    return Dip(float(seconds), ease, (0, 0, 0))


def dip_to_white(seconds: float = 1.0, *, ease: EaseLike = "linear") -> Dip:
    """Flash through white (white at the midpoint).

    >>> dip_to_white(0.5).name
    'dip_to_white'
    """
    return Dip(float(seconds), ease, (255, 255, 255))


def wipe(seconds: float = 0.75, direction: Direction = "right", *, softness: float = 0.05,
         ease: EaseLike = "ease_in_out_sine") -> Wipe:
    """A directional wipe; ``direction`` is where the edge travels (``"right"``: B enters from the left).

    >>> wipe(0.5, "left").name
    'wipe_left'
    """
    return Wipe(float(seconds), ease, direction, softness)


def luma_wipe(seconds: float = 1.0, map: Any = "radial", *, softness: float = 0.1,
              ease: EaseLike = "linear") -> LumaWipe:
    """A wipe shaped by a grey map (darkest parts change first): ``"radial"``, ``"horizontal"``,
    ``"vertical"``, ``"diagonal"`` or any image.

    >>> [round(float(v), 2) for v in luma_wipe(1.0, "horizontal").grey((4, 2))[0]]
    [0.0, 0.33, 0.67, 1.0]
    """
    return LumaWipe(float(seconds), ease, map, softness)


def zoom_through(seconds: float = 0.75, *, zoom: float = 2.0, ease: EaseLike = "ease_in_out_sine") -> ZoomThrough:
    """Push through A into B.

    >>> zoom_through(0.5, zoom=3).zoom
    3.0
    """
    return ZoomThrough(float(seconds), ease, float(zoom))


def flow_morph(seconds: float = 1.5, *, method: Literal["dis", "farneback"] = "dis",
               ease: EaseLike = "ease_in_out_sine", flow_width: int = 640) -> FlowMorph:
    """An optical-flow morph between two stills or clips (memory-like blends).

    >>> flow_morph(2.0).method
    'dis'
    """
    return FlowMorph(float(seconds), ease, method, int(flow_width))
