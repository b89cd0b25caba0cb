"""Look: read a frame the way a cinematographer does — its palette, where the subject sits, its lines and space.

- :func:`palette` finds a frame's dominant colours (k-means in CIELAB, deterministic) as a :class:`Palette`
  that shows itself as swatches.
- :func:`delta_e` measures how different two colours look (CIEDE2000, or the older ΔE76); about 2 is the
  smallest difference most people notice, 10 is "clearly another colour".
- :func:`subject_point`, :func:`thirds_offset`, :func:`negative_space` and :func:`leading_lines` measure
  composition; :func:`composition_overlay` draws thirds, the subject and the strongest lines over a frame.
- :func:`sample_frame` paints small, deterministic practice frames (a dusk seascape, a night street…) so
  lessons and exercises work offline.

Examples
--------
>>> import filmkit as fk
>>> still = fk.sample_frame("dusk")
>>> pal = fk.palette(still, n=4)
>>> len(pal), pal.hex[0].startswith("#")
(4, True)
>>> x, y = fk.subject_point(still)
>>> round(fk.thirds_offset((x, y)), 2) < 0.1
True
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import FilmkitError

__all__ = [
    "SAMPLE_FRAMES",
    "Palette",
    "composition_overlay",
    "delta_e",
    "lab_to_rgb",
    "leading_lines",
    "negative_space",
    "palette",
    "rgb_to_lab",
    "sample_frame",
    "subject_point",
    "thirds_offset",
]

RGB = tuple[int, int, int]


def _rgb(image: Any) -> np.ndarray:
    from .clip import as_rgb_array

    return as_rgb_array(image)


def _small(arr: np.ndarray, width: int = 160) -> np.ndarray:
    h, w = arr.shape[:2]
    if w <= width:
        return arr
    from PIL import Image

    return np.asarray(Image.fromarray(arr).resize((width, max(1, round(h * width / w))), Image.Resampling.BILINEAR))


# --- colour --------------------------------------------------------------------------------------------------
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def rgb_to_lab(rgb: Any) -> np.ndarray:
    """sRGB (0–255, shape (..., 3)) to CIELAB (D65).

    >>> rgb_to_lab([255, 0, 0]).round(1).tolist()
    [53.2, 80.1, 67.2]
    """
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = c @ _RGB_TO_XYZ.T / _WHITE_D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lab = np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)
    return lab + 0.0  # turn -0.0 into 0.0


def lab_to_rgb(lab: Any) -> np.ndarray:
    """CIELAB (D65, shape (..., 3)) back to sRGB uint8, the inverse of :func:`rgb_to_lab`; colours outside sRGB
    are clipped.

    >>> lab_to_rgb(rgb_to_lab([[255, 0, 0], [12, 200, 90]])).tolist()
    [[255, 0, 0], [12, 200, 90]]
    """
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], axis=-1)
    xyz = np.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _WHITE_D65
    c = np.clip(xyz @ _XYZ_TO_RGB.T, 0, 1)
    c = np.where(c > 0.0031308, 1.055 * np.power(c, 1 / 2.4) - 0.055, 12.92 * c)
    return np.clip(np.round(c * 255), 0, 255).astype(np.uint8)


def _ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    L1, a1, b1 = np.moveaxis(lab1, -1, 0)
    L2, a2, b2 = np.moveaxis(lab2, -1, 0)
    C1, C2 = np.hypot(a1, b1), np.hypot(a2, b2)
    Cm = (C1 + C2) / 2
    G = 0.5 * (1 - np.sqrt(Cm ** 7 / (Cm ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dLp, dCp = L2 - L1, C2p - C1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(C1p * C2p == 0, 0, dh)
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dh) / 2)
    Lm, Cmp = (L1 + L2) / 2, (C1p + C2p) / 2
    hsum = h1p + h2p
    hm = np.where(np.abs(h1p - h2p) > 180, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2), hsum / 2)
    hm = np.where(C1p * C2p == 0, hsum, hm)
    T = (1 - 0.17 * np.cos(np.radians(hm - 30)) + 0.24 * np.cos(np.radians(2 * hm))
         + 0.32 * np.cos(np.radians(3 * hm + 6)) - 0.20 * np.cos(np.radians(4 * hm - 63)))
    dtheta = 30 * np.exp(-(((hm - 275) / 25) ** 2))
    Rc = 2 * np.sqrt(Cmp ** 7 / (Cmp ** 7 + 25.0 ** 7))
    Sl = 1 + 0.015 * (Lm - 50) ** 2 / np.sqrt(20 + (Lm - 50) ** 2)
    Sc, Sh = 1 + 0.045 * Cmp, 1 + 0.015 * Cmp * T
    Rt = -np.sin(np.radians(2 * dtheta)) * Rc
    return np.asarray(np.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2 + Rt * (dCp / Sc) * (dHp / Sh)))


def delta_e(a: Any, b: Any, *, method: str = "ciede2000") -> float:
    """How different two sRGB colours look: CIEDE2000 (default) or ΔE76 (``method="cie76"``).

    Colours are ``(r, g, b)`` 0–255 or ``"#rrggbb"``.

    >>> delta_e("#ff0000", "#ff0000")
    0.0
    >>> round(delta_e((0, 0, 0), (255, 255, 255)), 1)
    100.0
    """
    la, lb = rgb_to_lab(_colour(a)), rgb_to_lab(_colour(b))
    if method == "cie76":
        return float(np.linalg.norm(la - lb))
    if method != "ciede2000":
        raise FilmkitError(f"unknown colour-distance method {method!r}; use 'ciede2000' or 'cie76'.")
    return float(_ciede2000(la, lb))


def _colour(c: Any) -> RGB:
    if isinstance(c, str):
        s = c.strip().lstrip("#")
        if len(s) == 3:
            s = "".join(ch * 2 for ch in s)
        if len(s) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in s):
            raise FilmkitError(f"cannot read {c!r} as a colour; write '#rrggbb' (e.g. '#d9734e') or (r, g, b).")
        return int(s[0:2], 16), int(s[2:4], 16), int(s[4:6], 16)
    vals = tuple(round(float(v)) for v in c)
    if len(vals) != 3 or not all(0 <= v <= 255 for v in vals):
        raise FilmkitError(f"a colour is three numbers 0–255 (r, g, b) or '#rrggbb'; got {c!r}.")
    return vals[0], vals[1], vals[2]


@dataclass(frozen=True)
class Palette:
    """A frame's dominant colours, most common first, with the share of the frame each covers.

    Examples
    --------
    >>> import filmkit as fk
    >>> pal = fk.palette(fk.sample_frame("night street"), n=3)
    >>> len(pal), round(sum(pal.weights), 6), len(pal.hex[0])
    (3, 1.0, 7)
    """

    colours: tuple[RGB, ...]
    weights: tuple[float, ...]

    @property
    def hex(self) -> list[str]:
        """The colours as ``#rrggbb`` strings."""
        return ["#{:02x}{:02x}{:02x}".format(*c) for c in self.colours]

    def __len__(self) -> int:
        return len(self.colours)

    def __iter__(self) -> Any:
        return iter(self.colours)

    def __getitem__(self, i: int) -> RGB:
        return self.colours[i]

    def nearest(self, colour: Any) -> tuple[RGB, float]:
        """The palette colour closest to ``colour`` and its CIEDE2000 distance."""
        dists = [delta_e(colour, c) for c in self.colours]
        i = int(np.argmin(dists))
        return self.colours[i], dists[i]

    def most_saturated(self) -> RGB:
        """The most colourful entry (highest CIELAB chroma): usually the accent."""
        lab = rgb_to_lab(np.array(self.colours))
        return self.colours[int(np.argmax(np.hypot(lab[:, 1], lab[:, 2])))]

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<div style='flex:{max(w, 0.04):.3f};background:{h};height:48px' title='{h} ({w:.0%})'></div>"
            for h, w in zip(self.hex, self.weights))
        labels = " ".join(f"<code>{h}</code>" for h in self.hex)
        return f"<div style='display:flex;width:360px'>{cells}</div><div>{labels}</div>"

    def __repr__(self) -> str:
        return "Palette(" + ", ".join(f"{h} {w:.0%}" for h, w in zip(self.hex, self.weights)) + ")"


def palette(image: Any, n: int = 5, *, seed: int = 0) -> Palette:
    """The ``n`` dominant colours of a frame (k-means in CIELAB on a thumbnail; same input, same answer).

    Parameters
    ----------
    image
        An :class:`~filmkit.assets.Asset`, a PIL image, an array or a path.
    n
        How many colours (1–16).
    seed
        Seed of the k-means start.

    Examples
    --------
    >>> import numpy as np
    >>> half = np.zeros((20, 40, 3), np.uint8); half[:, 20:] = (200, 40, 30)
    >>> palette(half, n=2).hex
    ['#000000', '#c8281e']
    """
    if not 1 <= n <= 16:
        raise FilmkitError(f"palette size n must be between 1 and 16; got {n}.")
    px = _small(_rgb(image), 96).reshape(-1, 3)
    lab = rgb_to_lab(px)
    rng = np.random.default_rng(seed)
    # k-means++ start, then Lloyd iterations
    centres = [lab[rng.integers(len(lab))]]
    for _ in range(1, n):
        d = np.min([((lab - c) ** 2).sum(1) for c in centres], axis=0)
        if d.sum() == 0:
            centres.append(lab[rng.integers(len(lab))])
        else:
            centres.append(lab[rng.choice(len(lab), p=d / d.sum())])
    C = np.array(centres)
    for _ in range(25):
        labels = np.argmin(((lab[:, None, :] - C[None]) ** 2).sum(2), axis=1)
        newC = np.array([lab[labels == k].mean(0) if np.any(labels == k) else C[k] for k in range(n)])
        if np.allclose(newC, C):
            break
        C = newC
    labels = np.argmin(((lab[:, None, :] - C[None]) ** 2).sum(2), axis=1)
    counts = np.bincount(labels, minlength=n)
    order = [k for k in np.argsort(-counts, kind="stable") if counts[k] > 0]
    cols = tuple(tuple(int(v) for v in np.round(np.median(px[labels == k], axis=0))) for k in order)
    weights = tuple(float(counts[k] / counts.sum()) for k in order)
    return Palette(colours=cols, weights=weights)  # type: ignore[arg-type]


# --- composition ---------------------------------------------------------------------------------------------
def _saliency(arr: np.ndarray) -> np.ndarray:
    from PIL import Image, ImageFilter

    small = _small(arr)
    # what stands out from its surroundings: distance from a heavily blurred copy of the frame
    blur = np.asarray(Image.fromarray(small).filter(ImageFilter.GaussianBlur(max(2, small.shape[1] // 10))))
    s = np.sqrt(((rgb_to_lab(small) - rgb_to_lab(blur)) ** 2).sum(-1))
    # a horizon or a frame edge runs right across the frame; a subject does not: discount whole-row/column contrast
    return np.asarray(np.clip(s - 1.5 * s.mean(axis=1, keepdims=True) - 1.5 * s.mean(axis=0, keepdims=True), 0, None))


def subject_point(image: Any) -> tuple[float, float]:
    """Where the subject sits, as ``(x, y)`` fractions of width and height (0,0 is top left).

    The subject is taken to be what stands out most from its surroundings: the centroid of the 2 % of pixels
    farthest (in CIELAB) from a heavily blurred copy of the frame.

    >>> import numpy as np
    >>> f = np.zeros((90, 160, 3), np.uint8); f[25:35, 100:112] = 255
    >>> [round(v, 2) for v in subject_point(f)]
    [0.66, 0.33]
    """
    s = _saliency(_rgb(image))
    thr = np.quantile(s, 0.98)
    mask = s >= thr if thr > 0 else s > 0
    if not mask.any():
        return 0.5, 0.5
    ys, xs = np.nonzero(mask)
    w = s[mask] + 1e-6
    h, wd = s.shape
    return float(((xs + 0.5) * w).sum() / w.sum() / wd), float(((ys + 0.5) * w).sum() / w.sum() / h)


def thirds_offset(point: Sequence[float]) -> float:
    """Distance (as a fraction of the frame) from ``point`` to the nearest rule-of-thirds power point.

    >>> thirds_offset((1 / 3, 2 / 3))
    0.0
    >>> round(thirds_offset((0.5, 0.5)), 3)
    0.236
    """
    x, y = float(point[0]), float(point[1])
    return float(min(np.hypot(x - px, y - py) for px in (1 / 3, 2 / 3) for py in (1 / 3, 2 / 3)))


def negative_space(image: Any, *, threshold: float = 6.0) -> float:
    """The share of the frame that is calm, empty space (little detail or edge), 0–1.

    >>> import numpy as np
    >>> negative_space(np.full((36, 64, 3), 90, np.uint8))
    1.0
    """
    lab = rgb_to_lab(_small(_rgb(image)))[..., 0]
    gy, gx = np.gradient(lab)
    mag = np.hypot(gx, gy)
    from PIL import Image, ImageFilter

    # count a pixel as busy if any busy pixel is near it
    busy = np.asarray(Image.fromarray((mag > threshold).astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(5)))
    return float((busy == 0).mean())


def leading_lines(image: Any, *, max_lines: int = 6) -> list[tuple[float, float, float, float]]:
    """The strongest straight lines in a frame, as ``(x0, y0, x1, y1)`` fractions, longest first.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> road = np.zeros((180, 320, 3), np.uint8)
    >>> road[90:94, :] = 255                      # a bright horizon line across the frame
    >>> x0, y0, x1, y1 = fk.leading_lines(road)[0]
    >>> abs(y0 - 0.5) < 0.05 and abs(y1 - 0.5) < 0.05 and abs(x1 - x0) > 0.8
    True
    """
    cv2 = __import__("filmkit._lazy", fromlist=["require"]).require("cv2")
    arr = _small(_rgb(image), 320)
    grey = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(grey, 50, 150)
    h, w = grey.shape
    found = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=30, minLineLength=int(0.2 * min(w, h)),
                            maxLineGap=5)
    if found is None:
        return []
    segs = sorted((tuple(map(float, s)) for s in np.asarray(found).reshape(-1, 4)), key=lambda s: -np.hypot(s[2] - s[0], s[3] - s[1]))
    return [(x0 / w, y0 / h, x1 / w, y1 / h) for x0, y0, x1, y1 in segs[:max_lines]]


def composition_overlay(image: Any, *, thirds: bool = True, subject: bool = True, lines: bool = True,
                        width: int = 480) -> Any:
    """The frame (scaled to ``width``) with thirds lines, the subject point and leading lines drawn on it.

    Returns a PIL image, which a notebook shows inline.

    >>> import filmkit as fk
    >>> fk.composition_overlay(fk.sample_frame("dusk"), width=320).size
    (320, 180)
    """
    from PIL import Image, ImageDraw

    arr = _rgb(image)
    h = max(2, round(arr.shape[0] * width / arr.shape[1]))
    im = Image.fromarray(arr).resize((width, h), Image.Resampling.BILINEAR).convert("RGB")
    d = ImageDraw.Draw(im)
    if lines:
        for x0, y0, x1, y1 in leading_lines(arr):
            d.line([(x0 * width, y0 * h), (x1 * width, y1 * h)], fill=(80, 200, 255), width=2)
    if thirds:
        for k in (1, 2):
            d.line([(width * k / 3, 0), (width * k / 3, h)], fill=(255, 255, 255), width=1)
            d.line([(0, h * k / 3), (width, h * k / 3)], fill=(255, 255, 255), width=1)
    if subject:
        x, y = subject_point(arr)
        r = max(4, width // 60)
        d.ellipse([x * width - r, y * h - r, x * width + r, y * h + r], outline=(255, 60, 60), width=3)
    return im


# --- practice frames ------------------------------------------------------------------------------------------
#: The kinds of practice frame :func:`sample_frame` paints, e.g. ``[fk.sample_frame(k) for k in fk.SAMPLE_FRAMES]``.
SAMPLE_FRAMES = ("dusk", "night street", "desert noon", "forest")


def sample_frame(kind: str = "dusk", *, size: tuple[int, int] = (320, 180), seed: int = 0) -> Any:
    """A small painted practice frame (PIL image), the same every time for the same arguments.

    ``kind`` is one of :data:`SAMPLE_FRAMES`: ``"dusk"`` (a lighthouse on the upper-right third against a warm
    sky over a cold sea), ``"night street"`` (a lit window low left, a street vanishing to the centre),
    ``"desert noon"`` (a lone figure low left, lots of empty sky), ``"forest"`` (a busy, green frame).

    >>> sample_frame("dusk").size
    (320, 180)
    """
    from PIL import Image, ImageDraw

    if kind not in SAMPLE_FRAMES:
        raise FilmkitError(f"no sample frame {kind!r}; choose one of {', '.join(SAMPLE_FRAMES)}.")
    w, h = size
    rng = np.random.default_rng(seed)
    yy = np.linspace(0, 1, h)[:, None, None]
    if kind == "dusk":
        top, bottom = np.array([70, 60, 110]), np.array([235, 140, 80])
        sky = top + (bottom - top) * yy
        img = np.repeat(sky, w, axis=1)
        img[int(h * 0.62):] = np.array([30, 55, 80])
        im = Image.fromarray(img.astype(np.uint8))
        d = ImageDraw.Draw(im)
        x = w * 2 / 3
        d.polygon([(x - w * 0.02, h * 0.62), (x + w * 0.02, h * 0.62), (x + w * 0.012, h * 0.3),
                   (x - w * 0.012, h * 0.3)], fill=(245, 240, 225))
        d.rectangle([x - w * 0.016, h * 0.27, x + w * 0.016, h * 0.31], fill=(255, 215, 90))
    elif kind == "night street":
        img = np.zeros((h, w, 3)) + np.array([12, 14, 30])
        im = Image.fromarray(img.astype(np.uint8))
        d = ImageDraw.Draw(im)
        d.polygon([(0, h), (w, h), (w * 0.52, h * 0.45), (w * 0.48, h * 0.45)], fill=(40, 42, 55))
        for k in range(5):
            t = k / 5
            d.line([(w * 0.5 - (0.5 - t) * 0 - w * 0.5 * (1 - t), h - t * h * 0.55),
                    (w * 0.5 + w * 0.5 * (1 - t), h - t * h * 0.55)], fill=(25, 27, 38), width=1)
        d.line([(w * 0.5, h), (w * 0.5, h * 0.45)], fill=(200, 180, 60), width=2)
        d.rectangle([w * 0.28, h * 0.6, w * 0.38, h * 0.72], fill=(250, 190, 90))
    elif kind == "desert noon":
        sky = np.array([150, 190, 230]) + (np.array([220, 230, 240]) - np.array([150, 190, 230])) * yy
        img = np.repeat(sky, w, axis=1)
        img[int(h * 0.8):] = np.array([222, 190, 140])
        im = Image.fromarray(img.astype(np.uint8))
        d = ImageDraw.Draw(im)
        x = w / 3
        d.rectangle([x - w * 0.008, h * 0.62, x + w * 0.008, h * 0.8], fill=(40, 30, 30))
        d.ellipse([x - w * 0.012, h * 0.58, x + w * 0.012, h * 0.63], fill=(40, 30, 30))
    else:  # forest
        img = rng.normal(0, 1, (h, w, 1)) * np.array([18, 30, 14]) + np.array([40, 90, 45])
        im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        d = ImageDraw.Draw(im)
        for _ in range(14):
            x = float(rng.uniform(0, w))
            d.rectangle([x, 0, x + w * 0.02, h], fill=(60, 45, 30))
    return im
