"""Drawing helpers for previz frames: vectorised numpy and Pillow, no per-pixel Python loops.

Private: :mod:`filmkit.studio.previz` is the public face. Every function here is deterministic in its seeds.
Images are float32 arrays in 0..1; a layer is a horizontal band ``rows y0..y0+h`` of a full-width frame.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

Seeds = Sequence[tuple[int, float]]  # (seed, weight) pairs: a noise that is a weighted blend of several seeds

LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def sub_seed(*parts: object) -> int:
    """A 32-bit seed from any parts (stable across runs and machines)."""
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:4], "big")


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _noise1d_one(n: int, cells: int, seed: int, smooth: bool) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(cells + 2).astype(np.float32)
    x = np.linspace(0.0, cells, n, dtype=np.float32)
    i = np.minimum(x.astype(np.int32), cells)
    f = x - i
    if smooth:
        f = f * f * (3.0 - 2.0 * f)
    return v[i] * (1.0 - f) + v[i + 1] * f  # type: ignore[no-any-return]


def noise1d(n: int, seeds: Seeds, *, cells: int = 4, octaves: int = 5, rough: float = 0.5,
            smooth: bool = True, tag: str = "") -> np.ndarray:
    """Fractal 1-D noise of length ``n`` (about unit variance), a blend of ``seeds``."""
    total = np.zeros(n, np.float32)
    norm = np.sqrt(sum(w * w for _, w in seeds)) or 1.0
    for seed, w in seeds:
        acc = np.zeros(n, np.float32)
        amp, c = 1.0, cells
        for o in range(octaves):
            acc += amp * _noise1d_one(n, c, sub_seed(seed, tag, o), smooth)
            amp *= rough
            c *= 2
        total += (w / norm) * acc
    return total


def noise2d(h: int, w: int, seed: int, *, cells: tuple[int, int] = (4, 8), octaves: int = 3,
            rough: float = 0.5) -> np.ndarray:
    """Smooth fractal 2-D noise (h×w, roughly -1..1): random grids upsampled bicubically by Pillow."""
    out = np.zeros((h, w), np.float32)
    amp, cy, cx = 1.0, cells[0], cells[1]
    rng = np.random.default_rng(seed)
    for _ in range(octaves):
        g = rng.standard_normal((cy + 1, cx + 1)).astype(np.float32)
        out += amp * np.asarray(Image.fromarray(g).resize((w, h), Image.Resampling.BICUBIC))
        amp *= rough
        cy, cx = cy * 2, cx * 2
    return out * 0.6


def gauss1d(n: int, centre: float, sigma: float) -> np.ndarray:
    x = np.arange(n, dtype=np.float32)
    return np.exp(-0.5 * ((x - centre) / max(sigma, 1e-3)) ** 2)  # type: ignore[no-any-return]


def mix(a: np.ndarray, b: np.ndarray | Sequence[float], t: np.ndarray | float) -> np.ndarray:
    return a + (np.asarray(b, np.float32) - a) * t  # type: ignore[no-any-return]


@dataclass
class Layer:
    """A band of a full-width RGBA layer, channel-planar: rows ``y0 .. y0 + h``; colour not premultiplied.

    ``rgb`` is ``(3, h, W)`` float32 and ``alpha`` ``(h, W)``: planar arrays keep numpy's inner loops long
    (an ``(h, W, 3)`` array broadcast against a colour runs an inner loop of length 3, several times slower).
    """

    name: str
    y0: int
    rgb: np.ndarray  # (3, h, W) float32
    alpha: np.ndarray  # (h, W) float32

    @property
    def h(self) -> int:
        return int(self.rgb.shape[1])


def c3(colour: Sequence[float] | np.ndarray) -> np.ndarray:
    """A colour shaped (3, 1, 1), to broadcast over planar images."""
    return np.asarray(colour, np.float32).reshape(3, 1, 1)


def profile_layer(name: str, top: np.ndarray, H: int) -> tuple[Layer, np.ndarray]:
    """A layer filled below the ridge line ``top`` (pixels from the top, per column), anti-aliased.

    Returns the layer (colour left uninitialised, for the caller to paint) and ``d``: each pixel's depth below
    the ridge in pixels (negative above it), useful for rim light and gradients.
    """
    W = top.shape[0]
    y0 = int(min(max(0, np.floor(top.min()) - 1), H - 1))
    yy = np.arange(y0, H, dtype=np.float32)[:, None]
    d = yy - top[None, :]
    a = np.clip(d + 0.5, 0.0, 1.0)
    rgb = np.empty((3, H - y0, W), np.float32)
    return Layer(name, y0, rgb, a), d


def draw_shapes(W: int, H: int, box: tuple[float, float, float, float], shapes: list[tuple[str, list[float]]],
                *, ss: int = 2) -> tuple[int, int, np.ndarray]:
    """Rasterise polygons/ellipses (frame pixel coordinates) into an anti-aliased alpha mask.

    ``shapes`` holds ``("poly", [x0, y0, x1, y1, ...])`` or ``("ellipse", [x0, y0, x1, y1])``, or the same with a
    ``"-"`` prefix to cut out. Drawing happens supersampled inside ``box`` only; returns ``(x0, y0, mask)``.
    """
    bx0 = int(max(0, np.floor(box[0]) - 2))
    by0 = int(max(0, np.floor(box[1]) - 2))
    bx1 = int(min(W, np.ceil(box[2]) + 2))
    by1 = int(min(H, np.ceil(box[3]) + 2))
    if bx1 <= bx0 or by1 <= by0:
        return 0, 0, np.zeros((0, 0), np.float32)
    w, h = bx1 - bx0, by1 - by0
    im = Image.new("L", (w * ss, h * ss), 0)
    dr = ImageDraw.Draw(im)
    for kind, pts in shapes:
        fill = 0 if kind.startswith("-") else 255
        xy = [((pts[i] - bx0) * ss, (pts[i + 1] - by0) * ss) for i in range(0, len(pts), 2)]
        if kind.lstrip("-") == "ellipse":
            (ax, ay), (cx, cy) = xy
            dr.ellipse([min(ax, cx), min(ay, cy), max(ax, cx), max(ay, cy)], fill=fill)
        else:
            dr.polygon(xy, fill=fill)
    if ss > 1:
        im = im.resize((w, h), Image.Resampling.BOX)
    return bx0, by0, np.asarray(im, np.float32) / 255.0


def blur(arr: np.ndarray, factor: float) -> np.ndarray:
    """A soft blur (down- then up-sampling, bilinear) of an (h, w) or planar (c, h, w) float array."""
    if factor <= 1.05 or arr.shape[-2] < 4:
        return arr
    h, w = arr.shape[-2:]
    sw, sh = max(2, int(w / factor)), max(2, int(h / factor))
    planes = [arr] if arr.ndim == 2 else [arr[c] for c in range(arr.shape[0])]
    out = []
    for ch in planes:
        im = Image.fromarray(np.ascontiguousarray(ch, np.float32))
        out.append(np.asarray(im.resize((sw, sh), Image.Resampling.BOX).resize((w, h), Image.Resampling.BILINEAR)))
    return out[0] if arr.ndim == 2 else np.stack(out)


def upsample(img: np.ndarray, W: int, H: int) -> np.ndarray:
    """Bilinear upsampling of a small (h, w, 3) float image to a planar (3, H, W) one."""
    out = np.empty((3, H, W), np.float32)
    for c in range(3):
        im = Image.fromarray(np.ascontiguousarray(img[..., c]))
        out[c] = np.asarray(im.resize((W, H), Image.Resampling.BILINEAR))
    return out


def hue_rotate(rgb: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate hue of a colour (or array of colours, last axis RGB) around the grey axis."""
    if abs(degrees) < 1e-3:
        return rgb
    th = np.deg2rad(degrees)
    c, s = np.cos(th), np.sin(th)
    k = 1.0 / 3.0
    sq = np.sqrt(k)
    m = np.array([
        [c + (1 - c) * k, k * (1 - c) - sq * s, k * (1 - c) + sq * s],
        [k * (1 - c) + sq * s, c + k * (1 - c), k * (1 - c) - sq * s],
        [k * (1 - c) - sq * s, k * (1 - c) + sq * s, c + k * (1 - c)],
    ], np.float32)
    return np.clip(rgb @ m.T, 0.0, 1.0)
