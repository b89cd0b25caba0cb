"""Live elements: chroma key, point and region tracking, and compositing over generated environments.

"Beyond the Void" in four steps — shoot an actor against a plain screen, key them out, track their motion,
and composite them into a generated landscape that moves with them — using only what OpenCV ships without
model files:

- :func:`chroma_key` — an HSV key (green or blue) with a soft, feathered matte, spill suppression on the edge
  band (``G ← min(G, max(R, B))``), light wrap, and a warning when the subject itself looks like the screen
  (green wardrobe). The result shows a side-by-side matte preview.
- :func:`track_points` — Lucas–Kanade optical flow on Shi–Tomasi corners inside a region or matte, with a
  forward–backward check, moved by the median displacement; :func:`track_region` — OpenCV's ``TrackerMIL``.
  Both return a :class:`Track` whose ``curve_x`` / ``curve_y`` are curves.
- :func:`stabilise` removes the tracked motion; :func:`pin` sticks a generated element to a tracked point;
  :func:`match_move` moves a generated plate with the tracked motion.
- :func:`composite_over` lays a keyed clip over a background clip or still. (It is not called ``composite``:
  a public name never equals a module name.)

Examples
--------
>>> import filmkit as fk
>>> footage, truth = fk.greenscreen_footage(1.0, fps=12, size=(160, 90), seed=0)
>>> matte = fk.chroma_key(footage.frame(0))
>>> round(matte.iou(truth.mask(0)), 2) >= 0.9
True
>>> track = fk.track_points(footage, region=truth.box)
>>> round(track.error(truth.path), 1) <= 1.0
True
"""
from __future__ import annotations

import dataclasses
import io
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ._lazy import require
from .assets import Asset
from .clip import Clip, as_rgb_array, as_rgba_array
from .errors import MediaError

if TYPE_CHECKING:
    from .curves import Curve

__all__ = [
    "SCREEN_COLOURS",
    "KeyedClip",
    "Matte",
    "Track",
    "chroma_key",
    "composite_over",
    "match_move",
    "pin",
    "stabilise",
    "track_points",
    "track_region",
]

#: screen colour -> (hue centre on OpenCV's 0–179 scale, half-width of the keyed hue range)
SCREEN_COLOURS: dict[str, tuple[float, float]] = {"green": (60.0, 25.0), "blue": (112.0, 18.0)}


# ----------------------------------------------------------------------------------------------------------
# keying
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Matte:
    """One keyed frame.

    ``alpha`` is the soft matte (H×W float32, 1 = subject); ``rgb`` the despilled subject colours;
    ``image`` the original frame; ``suspect`` marks pixels that were keyed out but do not look like the rest
    of the screen (green wardrobe, props) or are holes enclosed by the subject.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> frame = np.zeros((36, 64, 3), np.uint8); frame[:] = (40, 180, 60)   # a green screen …
    >>> frame[10:26, 20:40] = (200, 60, 50)                                 # … and a red subject
    >>> matte = fk.chroma_key(frame)
    >>> matte
    Matte(64×36, green key, subject 14% of frame)
    >>> night = np.full((36, 64, 3), (30, 40, 90), np.uint8)
    >>> shot = matte.over(night)                                            # the subject, now at night
    >>> shot[2, 2].tolist(), shot[18, 30].tolist()
    ([30, 40, 90], [200, 60, 50])
    """

    image: np.ndarray = field(repr=False)
    rgb: np.ndarray = field(repr=False)
    alpha: np.ndarray = field(repr=False)
    suspect: np.ndarray = field(repr=False)
    colour: str | tuple[int, int, int] = "green"
    light_wrap: float = 0.0

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return (self.alpha.shape[1], self.alpha.shape[0])

    @property
    def coverage(self) -> float:
        """Fraction of the frame that is subject (alpha ≥ 0.5)."""
        return float((self.alpha >= 0.5).mean())

    @property
    def suspect_fraction(self) -> float:
        """Suspect pixels as a fraction of the subject's area (0 for a clean key)."""
        return float(self.suspect.sum()) / max(float((self.alpha >= 0.5).sum()), 1.0)

    def mask(self, threshold: float = 0.5) -> np.ndarray:
        """The matte as a boolean mask."""
        return self.alpha >= threshold

    def iou(self, truth: np.ndarray, threshold: float = 0.5) -> float:
        """Intersection over union with a true mask (boolean, or alpha in 0–1)."""
        t = np.asarray(truth)
        t = t >= threshold if t.dtype != bool else t
        m = self.mask(threshold)
        union = float((m | t).sum())
        return float((m & t).sum()) / union if union else 1.0

    def over(self, background: Any, *, light_wrap: float | None = None) -> np.ndarray:
        """This subject over a background of the same size (array, PIL image or path): an RGB array."""
        bg = as_rgb_array(background)
        if (bg.shape[1], bg.shape[0]) != self.size:
            cv2 = require("cv2")
            bg = cv2.resize(bg, self.size, interpolation=cv2.INTER_AREA)
        wrap = self.light_wrap if light_wrap is None else light_wrap
        return _over(self.rgb.astype(np.float32) / 255, self.alpha, bg.astype(np.float32) / 255, wrap)

    def preview(self, *, height: int = 180) -> Any:
        """A side-by-side PIL image: original | matte (suspect pixels red) | subject over a checkerboard."""
        from PIL import Image

        H, W = self.alpha.shape
        matte = np.repeat((self.alpha * 255).astype(np.uint8)[..., None], 3, axis=2)
        matte[self.suspect] = (230, 40, 40)
        yy, xx = np.mgrid[0:H, 0:W]
        cell = max(4, H // 12)
        checker = np.where(((yy // cell + xx // cell) % 2 == 0)[..., None], 200, 120).astype(np.uint8)
        checker = np.repeat(checker, 3, axis=2) if checker.shape[2] == 1 else checker
        keyed = _over(self.rgb.astype(np.float32) / 255, self.alpha, checker.astype(np.float32) / 255, 0.0)
        strip = np.concatenate([self.image, matte, keyed], axis=1)
        im = Image.fromarray(strip)
        if H != height:
            im = im.resize((int(round(strip.shape[1] * height / H)), height), Image.Resampling.BILINEAR)
        return im

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.preview().save(buf, format="PNG")
        return buf.getvalue()

    def __repr__(self) -> str:
        warn = f", {self.suspect_fraction:.0%} suspect" if self.suspect_fraction > 0.10 else ""
        return f"Matte({self.size[0]}×{self.size[1]}, {self.colour} key, subject {self.coverage:.0%} of frame{warn})"


def _over(fg: np.ndarray, alpha: np.ndarray, bg: np.ndarray, light_wrap: float,
          radius: float | None = None) -> np.ndarray:
    """Float composite; light wrap screens the blurred background onto the subject's edges."""
    if light_wrap > 0:
        cv2 = require("cv2")
        r = radius if radius is not None else max(1.0, 0.012 * max(alpha.shape))
        edge = alpha * cv2.GaussianBlur(1.0 - alpha, (0, 0), r)
        glow = cv2.GaussianBlur(bg, (0, 0), r) * np.clip(2.0 * light_wrap * edge, 0, 1)[..., None]
        fg = 1.0 - (1.0 - fg) * (1.0 - glow)
    a = alpha[..., None]
    out = fg * a + bg * (1.0 - a)
    return np.asarray(np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8))


def _hue_range(colour: str | tuple[int, int, int], tolerance: float) -> tuple[float, float]:
    if isinstance(colour, str):
        if colour not in SCREEN_COLOURS:
            raise MediaError(f"colour must be 'green', 'blue' or an (r, g, b) triple; got {colour!r}.")
        centre, half = SCREEN_COLOURS[colour]
    else:
        cv2 = require("cv2")
        try:
            rgb = np.array([[list(colour)]], np.uint8)
        except (TypeError, ValueError, OverflowError):
            raise MediaError(f"colour must be 'green', 'blue' or an (r, g, b) triple of 0–255; got {colour!r}.") \
                from None
        centre, half = float(cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[0, 0, 0]), 20.0
    if tolerance <= 0:
        raise MediaError(f"tolerance must be positive (1.0 is the usual range); got {tolerance}.")
    return centre, half * tolerance


def _key_frame(frame: np.ndarray, colour: str | tuple[int, int, int], tolerance: float, softness: float,
               spill: float, light_wrap: float, min_saturation: int, min_value: int) -> Matte:
    cv2 = require("cv2")
    img = as_rgb_array(frame)
    H, W = img.shape[:2]
    centre, half = _hue_range(colour, tolerance)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    h = hsv[..., 0].astype(np.float32)
    dh = np.abs((h - centre + 90) % 180 - 90)   # hue distance on the 0–179 circle
    screen = (dh <= half) & (hsv[..., 1] >= min_saturation) & (hsv[..., 2] >= min_value)
    k = max(3, int(round(min(H, W) / 72)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    fg = (~screen).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, kernel)
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, kernel)
    band = (cv2.dilate(fg, kernel, iterations=2) & ~cv2.erode(fg, kernel, iterations=2) & 1).astype(bool)

    # on the edge band, a colour-difference key gives mixed pixels their fraction: how much of the local
    # screen's colour excess (screen channel minus the larger other channel) is left in the pixel
    c = 2 if colour == "blue" else 1
    if isinstance(colour, tuple):
        c = int(np.argmax(colour))
    others = [j for j in range(3) if j != c]
    f = img.astype(np.float32)
    limit = np.maximum(f[..., others[0]], f[..., others[1]])
    excess = f[..., c] - limit
    core = cv2.erode(screen.astype(np.uint8), kernel, iterations=2).astype(np.float32)
    alpha = fg.astype(np.float32)
    if core.sum() > 0:
        # the screen's local excess, smoothed over ~1/16 of the frame (computed at 1/8 size: it is smooth)
        small = (max(W // 8, 1), max(H // 8, 1))
        sig = max(small) / 16
        num = cv2.GaussianBlur(cv2.resize(excess * core, small, interpolation=cv2.INTER_AREA), (0, 0), sig)
        den = cv2.GaussianBlur(cv2.resize(core, small, interpolation=cv2.INTER_AREA), (0, 0), sig)
        local = cv2.resize(num / np.maximum(den, 1e-3), (W, H), interpolation=cv2.INTER_LINEAR)
        local = np.where(local > 1, local, float(np.median(excess[core > 0][::7])))
        a_band = np.clip(1.0 - excess[band] / np.maximum(local[band], 1.0), 0.0, 1.0)
        alpha[band] = a_band
        if spill > 0:
            # un-mix edge pixels: take the local screen colour's share out, so no fringe of screen remains
            core_small = cv2.resize(core, small, interpolation=cv2.INTER_AREA)
            den3 = np.maximum(cv2.GaussianBlur(core_small, (0, 0), sig), 1e-3)[..., None]
            num3 = cv2.GaussianBlur(cv2.resize(f * core[..., None], small, interpolation=cv2.INTER_AREA), (0, 0), sig)
            screen_rgb = cv2.resize(num3 / den3, (W, H), interpolation=cv2.INTER_LINEAR)
            a_b = np.maximum(a_band, 0.1)[:, None]
            unmixed = np.clip((f[band] - (1.0 - a_b) * screen_rgb[band]) / a_b, 0, 255)
            f[band] = f[band] + spill * (unmixed - f[band])
            limit = np.maximum(f[..., others[0]], f[..., others[1]])
    if softness > 0:
        alpha = cv2.GaussianBlur(alpha, (0, 0), 0.25 * k * softness)
    alpha = np.clip(alpha, 0.0, 1.0)

    # spill: on the edge band, also pull the screen channel down to the larger of the other two
    rgb = img.copy()
    if spill > 0:
        fixed = np.minimum(f[..., c], limit)
        ch = f[..., c]
        ch[band] = ch[band] + spill * (fixed[band] - ch[band])
        f[..., c] = ch
        rgb = np.clip(f + 0.5, 0, 255).astype(np.uint8)

    # suspects: keyed-out pixels that differ from the screen's typical hue/saturation, or holes the subject encloses
    suspect = np.zeros((H, W), bool)
    if screen.any():
        s = hsv[..., 1].astype(np.float32)
        hs, ss = dh[screen][::7], s[screen][::7]   # a sample is plenty for medians
        mh, ms = np.median(hs), np.median(ss)
        mad_h = np.median(np.abs(hs - mh)) + 1e-3
        mad_s = np.median(np.abs(ss - ms)) + 1e-3
        odd = screen & ((np.abs(dh - mh) > max(6.0, 5 * mad_h)) | (np.abs(s - ms) > max(30.0, 5 * mad_s)))
        odd = cv2.morphologyEx(odd.astype(np.uint8), cv2.MORPH_OPEN, kernel, iterations=2).astype(bool)
        _, labels = cv2.connectedComponents((alpha < 0.5).astype(np.uint8), connectivity=4)
        outside = np.zeros(int(labels.max()) + 1, bool)
        outside[np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])] = True
        holes = (alpha < 0.5) & ~outside[labels]
        suspect = odd | holes
    return Matte(image=img, rgb=rgb, alpha=alpha, suspect=suspect, colour=colour, light_wrap=light_wrap)


@dataclass(frozen=True, eq=False)
class KeyedClip:
    """A clip keyed lazily, frame by frame: :meth:`matte` gives the :class:`Matte` of one frame.

    Examples
    --------
    >>> import filmkit as fk
    >>> footage, truth = fk.greenscreen_footage(0.5, fps=8, size=(160, 90), seed=0)
    >>> keyed = fk.chroma_key(footage)                  # a clip in, a KeyedClip out
    >>> keyed
    KeyedClip(Clip(green screen footage: 160×90, 0.50 s @ 8 fps, 4 frames), green key)
    >>> round(keyed.matte(3).iou(truth.mask(3)), 1) >= 0.9
    True
    >>> keyed.with_settings(spill=0.5).spill, keyed.alpha_clip().n_frames
    (0.5, 4)
    """

    clip: Clip
    colour: str | tuple[int, int, int] = "green"
    tolerance: float = 1.0
    softness: float = 1.0
    spill: float = 1.0
    light_wrap: float = 0.0
    min_saturation: int = 60
    min_value: int = 40

    @property
    def n_frames(self) -> int:
        return self.clip.n_frames

    @property
    def fps(self) -> float:
        return self.clip.fps

    @property
    def size(self) -> tuple[int, int]:
        return self.clip.size

    def matte(self, i: int) -> Matte:
        """The keyed frame ``i``."""
        return _key_frame(self.clip.frame(i), self.colour, self.tolerance, self.softness, self.spill,
                          self.light_wrap, self.min_saturation, self.min_value)

    def alpha_clip(self) -> Clip:
        """The matte as a grey clip (white = subject), to check a key by eye."""
        def frame(i: int) -> np.ndarray:
            a = (self.matte(i).alpha * 255 + 0.5).astype(np.uint8)
            return np.repeat(a[..., None], 3, axis=2)

        return dataclasses.replace(self.clip, frame_fn=frame, label=f"{self.clip.label} matte", audio=None)

    def with_settings(self, **changes: Any) -> KeyedClip:
        """A copy with other key settings (``tolerance=1.2``, ``spill=0.5`` …)."""
        return dataclasses.replace(self, **changes)

    def preview(self, i: int = 0, *, height: int = 180) -> Any:
        """Frame ``i`` side by side: original | matte | keyed."""
        return self.matte(i).preview(height=height)

    def _repr_png_(self) -> bytes:
        return self.matte(0)._repr_png_()

    def __repr__(self) -> str:
        return f"KeyedClip({self.clip!r}, {self.colour} key)"


def chroma_key(source: Any, *, colour: str | tuple[int, int, int] = "green", tolerance: float = 1.0,
               softness: float = 1.0, spill: float = 1.0, light_wrap: float = 0.0, min_saturation: int = 60,
               min_value: int = 40, warn: bool = True) -> Matte | KeyedClip:
    """Key out a green or blue screen: a soft matte, spill suppression, light wrap and a preview.

    Parameters
    ----------
    source : Clip or image
        A clip (keyed lazily, frame by frame, as a :class:`KeyedClip`) or one frame (array, PIL image, path).
    colour : "green", "blue" or (r, g, b)
        The screen. Green keys hues 35–85 on OpenCV's 0–179 scale; blue 94–130.
    tolerance : float
        Widens (>1) or narrows (<1) the keyed hue range.
    softness : float
        Feather of the matte edge (0 = hard edge).
    spill : float
        0–1: how strongly to remove the screen's colour cast from the subject's edges.
    light_wrap : float
        0–1: how much background light bleeds onto the subject's edges when composited.
    min_saturation, min_value : int
        Pixels greyer or darker than these (0–255) are never screen.
    warn : bool
        Warn when much of the subject looks like the screen (green wardrobe, holes).

    Returns
    -------
    Matte or KeyedClip
        For a still, a :class:`Matte` (``.alpha``, ``.rgb``, ``.preview()``); for a clip, a :class:`KeyedClip`.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> frame = np.zeros((36, 64, 3), np.uint8); frame[:] = (40, 180, 60)   # a green screen …
    >>> frame[10:26, 20:40] = (200, 60, 50)                                 # … and a red subject
    >>> m = fk.chroma_key(frame)
    >>> m.alpha.shape, round(float(m.alpha[18, 30]), 2), round(float(m.alpha[2, 2]), 2)
    ((36, 64), 1.0, 0.0)
    """
    _hue_range(colour, float(tolerance))  # fail early on a bad colour
    if isinstance(source, KeyedClip):
        source = source.clip
    if isinstance(source, Asset) and source.kind == "video":
        source = Clip.from_file(source.path)
    keyed: KeyedClip | None = None
    if isinstance(source, Clip):
        keyed = KeyedClip(source, colour=colour, tolerance=float(tolerance), softness=float(softness),
                          spill=float(spill), light_wrap=float(light_wrap), min_saturation=int(min_saturation),
                          min_value=int(min_value))
        first = keyed.matte(0)
    else:
        first = _key_frame(source, colour, float(tolerance), float(softness), float(spill), float(light_wrap),
                           int(min_saturation), int(min_value))
    if warn and first.suspect_fraction > 0.10:
        warnings.warn(f"{first.suspect_fraction:.0%} of the subject was keyed out but does not look like the rest "
                      f"of the {colour if isinstance(colour, str) else 'screen'} screen (holes, or "
                      f"{colour if isinstance(colour, str) else 'screen'}-coloured wardrobe or props). Look at "
                      f".preview() (suspect pixels are red); re-shoot in other colours, key on a blue screen, or "
                      f"lower tolerance.", UserWarning, stacklevel=2)
    return keyed if keyed is not None else first


# ----------------------------------------------------------------------------------------------------------
# tracking
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Track:
    """A tracked point: ``points`` (n, 2) pixel positions, one per frame; ``valid`` where tracking held.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> track = fk.Track(points=np.array([[80.0, 45.0], [83.0, 45.0], [86.0, 49.0]]), fps=12, size=(160, 90),
    ...                  valid=np.ones(3, bool))
    >>> track
    Track(lk: 3 frames @ 12 fps, 3 held, moved 7.2 px)
    >>> track.offsets[-1].tolist(), track.at(99), round(track.curve_x(1 / 24), 2)
    ([6.0, 4.0], (86.0, 49.0), 81.5)
    """

    points: np.ndarray = field(repr=False)
    fps: float
    size: tuple[int, int]
    valid: np.ndarray = field(repr=False)
    method: str = "lk"
    label: str = ""

    @property
    def n_frames(self) -> int:
        return len(self.points)

    @property
    def times(self) -> np.ndarray:
        """Time of each frame in seconds."""
        return np.arange(self.n_frames) / self.fps

    @property
    def offsets(self) -> np.ndarray:
        """Motion relative to the first frame, (n, 2) pixels."""
        return np.asarray(self.points - self.points[0])

    @property
    def curve_x(self) -> Curve:
        """x(t) in pixels, as a curve of seconds."""
        from .curves import Curve

        return Curve.from_samples(self.times, self.points[:, 0], label=f"{self.label or 'track'} x")

    @property
    def curve_y(self) -> Curve:
        """y(t) in pixels, as a curve of seconds."""
        from .curves import Curve

        return Curve.from_samples(self.times, self.points[:, 1], label=f"{self.label or 'track'} y")

    def at(self, i: int) -> tuple[float, float]:
        """The position in frame ``i`` (held at the ends)."""
        x, y = self.points[min(max(i, 0), self.n_frames - 1)]
        return float(x), float(y)

    def error(self, true_path: np.ndarray, *, relative: bool = True) -> float:
        """RMS distance in pixels to a true path (n, 2). ``relative`` compares motion from the first frame,
        so a tracker started on a slightly different point of the same object is not penalised for that."""
        t = np.asarray(true_path, float)[: self.n_frames]
        p = self.points[: len(t)]
        if relative:
            t, p = t - t[0], p - p[0]
        return float(np.sqrt(np.mean(np.sum((p - t) ** 2, axis=1))))

    def plot(self) -> Any:
        """A matplotlib Figure: x(t) and y(t), and the path in the frame."""
        from .curves import _pyplot

        plt = _pyplot()
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.2), layout="constrained",
                                     gridspec_kw={"width_ratios": [1.4, 1]})
        plt.close(fig)  # returned for inline display, not shown twice
        a1.plot(self.times, self.points[:, 0], label="x")
        a1.plot(self.times, self.points[:, 1], label="y")
        lost = ~self.valid
        if lost.any():
            a1.plot(self.times[lost], self.points[lost, 0], "rx", label="lost")
        a1.set_xlabel("seconds")
        a1.set_ylabel("pixels")
        a1.legend(fontsize=8)
        a2.plot(self.points[:, 0], self.points[:, 1], "-", lw=1.5)
        a2.plot(*self.points[0], "go")
        a2.set_xlim(0, self.size[0])
        a2.set_ylim(self.size[1], 0)
        a2.set_aspect("equal")
        a2.set_title(f"{self.method} track, {int(self.valid.sum())}/{self.n_frames} frames held", fontsize=9)
        return fig

    def __repr__(self) -> str:
        d = np.linalg.norm(self.offsets[-1])
        return (f"Track({self.method}: {self.n_frames} frames @ {self.fps:g} fps, "
                f"{int(self.valid.sum())} held, moved {d:.1f} px)")


def _grey(frame: np.ndarray) -> np.ndarray:
    cv2 = require("cv2")
    return np.asarray(cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY))


def _region_mask(region: Any, size: tuple[int, int]) -> tuple[np.ndarray, tuple[float, float]]:
    W, H = size
    if isinstance(region, Matte):
        region = region.alpha >= 0.5
    if region is None:
        mask = np.ones((H, W), bool)
    elif isinstance(region, (tuple, list)) and len(region) == 4:
        x, y, w, h = (float(v) for v in region)
        if w <= 0 or h <= 0:
            raise MediaError(f"region must be (x, y, width, height) with a positive size; got {region}.")
        mask = np.zeros((H, W), bool)
        mask[max(int(y), 0):max(int(np.ceil(y + h)), 0), max(int(x), 0):max(int(np.ceil(x + w)), 0)] = True
        return mask, (x + w / 2, y + h / 2)
    else:
        mask = np.asarray(region)
        if mask.shape != (H, W):
            raise MediaError(f"region mask must be {H}×{W} like the clip; got shape {mask.shape}.")
        mask = mask >= 0.5 if mask.dtype != bool else mask
    if not mask.any():
        raise MediaError("the region is empty; draw a box (x, y, w, h) around what you want to track.")
    ys, xs = np.nonzero(mask)
    return mask, (float(xs.mean()), float(ys.mean()))


def track_points(clip: Clip, *, region: Any = None, point: tuple[float, float] | None = None,
                 max_points: int = 200, window: int = 21, levels: int = 3, fb_threshold: float = 0.5,
                 label: str = "") -> Track:
    """Track a region with Lucas–Kanade optical flow: corners inside it, checked forwards and backwards.

    Parameters
    ----------
    clip : Clip
        The footage.
    region : (x, y, w, h), boolean mask, Matte or None
        Where to find corners in the first frame (None: the whole frame). A matte tracks the keyed subject.
    point : (x, y), optional
        The point to report (default: the region's centre); it moves with the median corner motion.
    max_points, window, levels : int
        Shi–Tomasi corners to follow; LK window size (px) and pyramid levels.
    fb_threshold : float
        A corner whose forward-then-backward track misses its start by more than this (px) is dropped.

    Returns
    -------
    Track
        One position per frame; corners are re-found inside the moved region when too many are lost.

    Examples
    --------
    >>> import filmkit as fk
    >>> footage, truth = fk.greenscreen_footage(0.5, fps=8, size=(160, 90), seed=0)
    >>> track = fk.track_points(footage, region=truth.box)      # the actor's chest in frame 0
    >>> track.n_frames, bool(track.valid.all())
    (4, True)
    >>> round(track.error(truth.path), 1) <= 0.5                 # pixels off the true path
    True
    """
    cv2 = require("cv2")
    if not isinstance(clip, Clip):
        raise MediaError(f"track_points needs a Clip; got {type(clip).__name__}. Use fk.Clip.from_file(path).")
    W, H = clip.size
    mask, centre = _region_mask(region, (W, H))
    ref = np.array(point if point is not None else centre, np.float64)
    lk: dict[str, Any] = {"winSize": (window, window), "maxLevel": levels,
                          "criteria": (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 0.01)}
    prev = _grey(clip.frame(0))

    def corners(grey: np.ndarray, m: np.ndarray) -> np.ndarray:
        pts = cv2.goodFeaturesToTrack(grey, maxCorners=max_points, qualityLevel=0.01, minDistance=3,
                                      mask=m.astype(np.uint8) * 255, blockSize=5)
        if pts is None:
            return np.zeros((0, 2), np.float32)
        pts = pts.reshape(-1, 2)
        crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03)
        return np.asarray(cv2.cornerSubPix(grey, pts.reshape(-1, 1, 2).copy(), (5, 5), (-1, -1), crit).reshape(-1, 2))

    pts = corners(prev, mask)
    if len(pts) < 3:
        raise MediaError(f"found only {len(pts)} trackable corners in the region; choose a larger or more "
                         f"textured region, or use fk.track_region(clip, box) instead.")
    anchors = pts.astype(np.float64)  # where each corner would be in frame 0
    n0 = len(pts)
    out = np.zeros((clip.n_frames, 2))
    valid = np.ones(clip.n_frames, bool)
    out[0] = ref
    shift = np.zeros(2)
    for i in range(1, clip.n_frames):
        cur = _grey(clip.frame(i))
        if len(pts):
            p0 = pts.reshape(-1, 1, 2).astype(np.float32)
            p1, st1, _ = cv2.calcOpticalFlowPyrLK(prev, cur, p0, None, **lk)
            pb, st2, _ = cv2.calcOpticalFlowPyrLK(cur, prev, p1, None, **lk)
            fb = np.linalg.norm((pb - p0).reshape(-1, 2), axis=1)
            good = (st1.reshape(-1) == 1) & (st2.reshape(-1) == 1) & (fb < fb_threshold)
            pts, anchors = p1.reshape(-1, 2)[good], anchors[good]
        if len(pts) >= 3:
            shift = np.median(pts - anchors, axis=0)
        else:
            valid[i] = False
        out[i] = ref + shift
        if len(pts) < max(8, n0 // 4):  # re-find corners inside the region, moved with the track
            M = np.array([[1, 0, shift[0]], [0, 1, shift[1]]], np.float32)
            moved = cv2.warpAffine(mask.astype(np.uint8), M, (W, H), flags=cv2.INTER_NEAREST).astype(bool)
            fresh = corners(cur, moved) if moved.any() else np.zeros((0, 2), np.float32)
            if len(fresh):
                pts = np.concatenate([pts, fresh]).astype(np.float32)
                anchors = np.concatenate([anchors, fresh - shift])
        prev = cur
    return Track(points=out, fps=clip.fps, size=(W, H), valid=valid, method="lk", label=label)


def _refine(grey: np.ndarray, template: np.ndarray, guess: tuple[float, float], radius: int
            ) -> tuple[float, float] | None:
    """Sub-pixel position of ``template``'s centre near ``guess`` by normalised cross-correlation."""
    cv2 = require("cv2")
    th, tw = template.shape
    H, W = grey.shape
    x0 = int(round(guess[0] - tw / 2)) - radius
    y0 = int(round(guess[1] - th / 2)) - radius
    xa, ya = max(x0, 0), max(y0, 0)
    xb, yb = min(x0 + tw + 2 * radius, W), min(y0 + th + 2 * radius, H)
    if xb - xa < tw + 2 or yb - ya < th + 2:
        return None
    score = cv2.matchTemplate(grey[ya:yb, xa:xb], template, cv2.TM_CCOEFF_NORMED)
    _, best, _, (bx, by) = cv2.minMaxLoc(score)
    if best < 0.5:
        return None

    def vertex(a: float, b: float, c: float) -> float:
        d = a - 2 * b + c
        return 0.5 * (a - c) / d if abs(d) > 1e-9 else 0.0

    sx = vertex(*score[by, bx - 1:bx + 2]) if 0 < bx < score.shape[1] - 1 else 0.0
    sy = vertex(*score[by - 1:by + 2, bx]) if 0 < by < score.shape[0] - 1 else 0.0
    return xa + bx + sx + (tw - 1) / 2, ya + by + sy + (th - 1) / 2


def track_region(clip: Clip, box: tuple[float, float, float, float], *, refine: bool = True,
                 label: str = "") -> Track:
    """Track a box with OpenCV's ``TrackerMIL`` (needs no model files); the track is the box centre.

    MIL moves its box in whole pixels and lags fast motion by a few pixels; with ``refine`` (default) the
    box's first-frame contents are then found again near MIL's box by normalised cross-correlation, to a
    fraction of a pixel. (Refinement assumes the boxed part keeps its shape; turn it off for a subject that
    turns or deforms.)

    Examples
    --------
    >>> import filmkit as fk
    >>> footage, truth = fk.greenscreen_footage(0.5, fps=12, size=(160, 90), seed=0)
    >>> track = fk.track_region(footage, truth.box)
    >>> track.n_frames, round(track.error(truth.path)) <= 2
    (6, True)
    """
    cv2 = require("cv2")
    if not isinstance(clip, Clip):
        raise MediaError(f"track_region needs a Clip; got {type(clip).__name__}. Use fk.Clip.from_file(path).")
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        raise MediaError(f"box must be (x, y, width, height) with a positive size; got {box}.")
    tracker = cv2.TrackerMIL_create()
    bgr = cv2.cvtColor(clip.frame(0), cv2.COLOR_RGB2BGR)
    bx = tuple(int(round(v)) for v in box)
    tracker.init(bgr, bx)
    out = np.zeros((clip.n_frames, 2))
    valid = np.ones(clip.n_frames, bool)
    grey0 = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    H, W = grey0.shape
    xa, ya = max(bx[0], 0), max(bx[1], 0)
    template = grey0[ya:min(bx[1] + bx[3], H), xa:min(bx[0] + bx[2], W)]
    if template.size == 0:
        raise MediaError(f"box {box} lies outside the {W}×{H} frame.")
    # the template's own centre (it may be clipped by the frame edge)
    out[0] = (xa + (template.shape[1] - 1) / 2, ya + (template.shape[0] - 1) / 2)
    radius = max(6, int(0.25 * max(bx[2], bx[3])))
    for i in range(1, clip.n_frames):
        frame = clip.frame(i)
        ok, b = tracker.update(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
        if not ok:
            out[i], valid[i] = out[i - 1], False
            continue
        centre = (b[0] + (b[2] - 1) / 2, b[1] + (b[3] - 1) / 2)
        fine = _refine(_grey(frame), template, centre, radius) if refine else None
        out[i] = fine if fine is not None else centre
    return Track(points=out, fps=clip.fps, size=clip.size, valid=valid, method="mil", label=label)


# ----------------------------------------------------------------------------------------------------------
# using a track
# ----------------------------------------------------------------------------------------------------------
def _rgba(element: Any) -> tuple[np.ndarray, np.ndarray]:
    """Float RGB (0–1) and alpha from an RGBA/RGB array, PIL image, path or Asset."""
    if isinstance(element, Matte):
        return element.rgb.astype(np.float32) / 255, element.alpha
    arr = as_rgba_array(element, what="an element")
    f = arr.astype(np.float32) / 255.0
    return np.ascontiguousarray(f[..., :3]), np.ascontiguousarray(f[..., 3])


def _source_frame(source: Any) -> Any:
    """A frame function for a Clip or a still."""
    if isinstance(source, Clip):
        return lambda i: source.frame(min(i, source.n_frames - 1)), source.size, source
    arr = as_rgb_array(source)
    return (lambda i: arr), (arr.shape[1], arr.shape[0]), None


def stabilise(clip: Clip, track: Track, *, anchor: int = 0, strength: float = 1.0) -> Clip:
    """Remove the tracked motion: frame ``i`` is shifted so the tracked point stays where it was in frame
    ``anchor`` (sub-pixel, edges mirrored).

    Examples
    --------
    >>> import filmkit as fk
    >>> footage, truth = fk.greenscreen_footage(0.5, fps=12, size=(160, 90), seed=0)
    >>> steady = fk.stabilise(footage, fk.track_points(footage, region=truth.box))
    >>> steady.n_frames == footage.n_frames
    True
    """
    cv2 = require("cv2")
    W, H = clip.size
    ref = np.array(track.at(anchor))

    def frame(i: int) -> np.ndarray:
        dx, dy = (ref - np.array(track.at(i))) * strength
        M = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
        return np.asarray(cv2.warpAffine(clip.frame(i), M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101))

    return dataclasses.replace(clip, frame_fn=frame, label=f"{clip.label or 'clip'} stabilised")


def pin(element: Any, clip: Clip, track: Track, *, offset: tuple[float, float] = (0.0, 0.0), scale: float = 1.0,
        opacity: float = 1.0) -> Clip:
    """Pin a generated element (RGBA image) to a tracked point: its centre follows ``track`` + ``offset``.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> footage, truth = fk.greenscreen_footage(0.5, fps=12, size=(160, 90), seed=0)
    >>> star = np.zeros((9, 9, 4), np.uint8); star[..., 0] = 255; star[..., 3] = 255
    >>> pinned = fk.pin(star, footage, fk.track_points(footage, region=truth.box), offset=(0, -30))
    >>> x, y = truth.path[3]
    >>> pinned.frame(3)[int(round(y - 30)), int(round(x))].tolist()
    [255, 0, 0]
    """
    cv2 = require("cv2")
    rgb, alpha = _rgba(element)
    eh, ew = alpha.shape
    W, H = clip.size
    ax, ay = (ew - 1) / 2.0, (eh - 1) / 2.0

    def frame(i: int) -> np.ndarray:
        x, y = track.at(i)
        tx, ty = x + offset[0], y + offset[1]
        M = np.array([[scale, 0, tx - scale * ax], [0, scale, ty - scale * ay]], np.float32)
        fg = cv2.warpAffine(rgb, M, (W, H), flags=cv2.INTER_LINEAR)
        a = cv2.warpAffine(alpha, M, (W, H), flags=cv2.INTER_LINEAR) * opacity
        return _over(fg, a, clip.frame(i).astype(np.float32) / 255, 0.0)

    return dataclasses.replace(clip, frame_fn=frame, label=f"{clip.label or 'clip'} + pinned element")


def match_move(plate: Any, track: Track, *, size: tuple[int, int] | None = None, strength: float = 1.0) -> Clip:
    """Move a generated plate (still or clip) with the tracked motion, as a camera that followed the action.

    The plate is scaled to cover the frame with room for the largest offset, then shifted each frame by the
    track's motion since its first frame (times ``strength``; use 0.3 for a distant background's parallax).

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> track = fk.Track(points=np.array([[80.0, 45.0], [84.0, 45.0], [88.0, 45.0]]), fps=12, size=(160, 90),
    ...                  valid=np.ones(3, bool))                  # the action moved 8 px right
    >>> plate = np.zeros((90, 160, 3), np.uint8); plate[:, 80:] = 255   # dark left half, bright right half
    >>> moved = fk.match_move(plate, track)
    >>> moved
    Clip(match-moved plate: 160×90, 0.25 s @ 12 fps, 3 frames)
    >>> def edge(frame): return int(np.argmax(frame[45, :, 0] > 128))
    >>> edge(moved.frame(0)), edge(moved.frame(-1))             # the plate followed: 8 px right
    (80, 88)
    >>> edge(fk.match_move(plate, track, strength=0.5).frame(-1))   # a distant background moves less
    84
    """
    cv2 = require("cv2")
    W, H = size or track.size
    get, (pw, ph), plate_clip = _source_frame(plate)
    off = track.offsets * strength
    reach = np.abs(off).max(axis=0) if len(off) else np.zeros(2)
    s = max((W + 2 * reach[0] + 2) / pw, (H + 2 * reach[1] + 2) / ph)
    n = track.n_frames

    def frame(i: int) -> np.ndarray:
        dx, dy = off[min(i, n - 1)]
        M = np.array([[s, 0, (W - s * pw) / 2 + dx], [0, s, (H - s * ph) / 2 + dy]], np.float32)
        return np.asarray(cv2.warpAffine(get(i), M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101))

    audio = plate_clip.audio if plate_clip is not None else None
    return Clip(frame_fn=frame, fps=track.fps, n_frames=n, size=(W, H), audio=audio, label="match-moved plate")


def composite_over(foreground: KeyedClip | Matte, background: Any, *, position: tuple[float, float] | None = None,
              scale: float = 1.0, light_wrap: float | None = None, seconds: float | None = None) -> Clip:
    """Lay a keyed subject over a background clip (a camera move, a previz scene) or still.

    Parameters
    ----------
    foreground : KeyedClip or Matte
        From :func:`chroma_key`.
    background : Clip or image
        The environment; the output has its size (a clip is held on its last frame if shorter).
    position : (x, y), optional
        Where the foreground's top-left corner lands, in background pixels, after scaling (default: centred).
        A foreground point ``p`` lands at ``position + scale * p``.
    scale : float
        Size of the foreground relative to its footage.
    light_wrap : float, optional
        Override the key's light wrap (0–1).
    seconds : float, optional
        Length; default the foreground clip's (or the background's, for a still subject).

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> footage, truth = fk.greenscreen_footage(0.5, fps=12, size=(160, 90), seed=0)
    >>> sky = np.zeros((90, 160, 3), np.uint8); sky[:] = (20, 30, 90)
    >>> shot = fk.composite_over(fk.chroma_key(footage), sky, position=(10, 0), scale=0.8)
    >>> x, y = 10 + 0.8 * truth.path[2]
    >>> pixel = shot.frame(2)[int(y), int(x)].astype(int)     # the chest, not the sky
    >>> shot.n_frames, bool(np.abs(pixel - (20, 30, 90)).sum() > 60)
    (6, True)
    """
    cv2 = require("cv2")
    if isinstance(foreground, Clip):
        raise MediaError("composite needs a keyed foreground; key it first: fk.composite_over(fk.chroma_key(clip), bg).")
    if not isinstance(foreground, (KeyedClip, Matte)):
        raise MediaError(f"foreground must come from fk.chroma_key(...); got {type(foreground).__name__}.")
    if scale <= 0:
        raise MediaError(f"scale must be positive; got {scale}.")
    get_bg, (W, H), bg_clip = _source_frame(background)
    fw, fh = foreground.size
    x0, y0 = position if position is not None else ((W - scale * fw) / 2, (H - scale * fh) / 2)
    M = np.array([[scale, 0, x0], [0, scale, y0]], np.float32)
    if isinstance(foreground, KeyedClip):
        fps, n_fg, wrap0 = foreground.fps, foreground.n_frames, foreground.light_wrap
        audio = foreground.clip.audio or (bg_clip.audio if bg_clip is not None else None)
    else:
        fps = bg_clip.fps if bg_clip is not None else 24.0
        n_fg, wrap0 = bg_clip.n_frames if bg_clip is not None else 1, foreground.light_wrap
        audio = bg_clip.audio if bg_clip is not None else None
    wrap = wrap0 if light_wrap is None else float(light_wrap)
    n = n_fg if seconds is None else max(1, int(round(float(seconds) * fps)))

    # Work only inside the subject's box (plus room for the light-wrap blur): the rest of the frame is the
    # background, untouched. Same pixels as compositing the whole frame, a fraction of the work.
    radius = max(1.0, 0.012 * max(W, H))
    pad = int(np.ceil(4 * radius)) + 2 if wrap > 0 else 2
    bx0, by0 = max(0, int(np.floor(x0)) - pad), max(0, int(np.floor(y0)) - pad)
    bx1, by1 = min(W, int(np.ceil(x0 + scale * fw)) + pad), min(H, int(np.ceil(y0 + scale * fh)) + pad)
    M_roi = M.copy()
    M_roi[0, 2] -= bx0
    M_roi[1, 2] -= by0
    roi = (bx1 - bx0, by1 - by0)

    def frame(i: int) -> np.ndarray:
        bg = get_bg(i)
        if roi[0] <= 0 or roi[1] <= 0:  # the subject is entirely outside the frame
            return bg
        m = foreground.matte(min(i, n_fg - 1)) if isinstance(foreground, KeyedClip) else foreground
        fg = cv2.warpAffine(m.rgb.astype(np.float32) / 255, M_roi, roi, flags=cv2.INTER_LINEAR)
        a = cv2.warpAffine(m.alpha, M_roi, roi, flags=cv2.INTER_LINEAR)
        out = np.array(bg, dtype=np.uint8, copy=True)
        out[by0:by1, bx0:bx1] = _over(fg, a, bg[by0:by1, bx0:bx1].astype(np.float32) / 255, wrap, radius)
        return out

    return Clip(frame_fn=frame, fps=fps, n_frames=n, size=(W, H), audio=audio, label="composite")
