"""Audio-reactive rendering: the music drives the camera, the light and the colour, frame by frame.

"Cosmic Rhythm" in a few lines: analyse the track, then let its curves push the camera in on the kick, make
the picture glow with the bass, turn its hues with the mids, spread a layered scene's parallax and fade its
front layer. Each mapping takes a *driver* and an *amount*:

- the driver is a band name (``"low"``, ``"mid"``, ``"high"``), ``"beat"`` (a pulse on every beat),
  ``"onset"``, a :class:`~filmkit.curves.Curve`, any function of time, or one value per frame;
- the amount says how far a driver of 1.0 pushes: a zoom fraction for ``pulse`` (0.05 = 5 %), a glow
  strength for ``glow`` (0–1), degrees of hue for ``colour_shift``, pixels for ``parallax``, how much of the
  opacity the driver controls for ``opacity`` (0–1).

Write ``pulse=("beat", 0.06)``, or just ``pulse=0.06`` (its usual driver), or ``pulse="low"`` (its usual
amount). Warps are float affine (``cv2.warpAffine``), so there is no sub-pixel jitter. The clip carries the
music as its soundtrack.

Examples
--------
>>> import numpy as np, filmkit as fk
>>> music, _ = fk.synth_music(2.0, bpm=120, seed=0)
>>> beats = fk.analyse_audio(music, fps=12, bpm=120)
>>> still = np.full((36, 64, 3), 90, np.uint8)
>>> clip = fk.audio_reactive(still, beats, pulse=0.05, glow=("low", 0.8))
>>> clip.n_frames, clip.audio is not None
(24, True)
>>> bool(clip.frame(0).mean() > clip.frame(4).mean())   # frame 0 is a kick: brighter
True
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._lazy import require
from .assets import Asset
from .audio import AudioAnalysis, _values_per_frame
from .clip import Clip, as_rgb_array, as_rgba_array
from .errors import MediaError

__all__ = ["DEFAULT_DRIVERS", "audio_reactive"]

#: each mapping's usual driver and amount
DEFAULT_DRIVERS: dict[str, tuple[str, float]] = {
    "pulse": ("beat", 0.05),
    "glow": ("low", 0.6),
    "colour_shift": ("mid", 30.0),
    "parallax": ("low", 12.0),
    "opacity": ("high", 0.7),
}


@dataclass(frozen=True)
class _Layer:
    rgb: np.ndarray    # H×W×3 float32 0–1
    alpha: np.ndarray  # H×W float32 0–1
    depth: float       # 0 = far (moves least) … 1 = near (moves most)


def _drive(name: str, spec: Any, analysis: AudioAnalysis, n: int, fps: float) -> np.ndarray | None:
    """Per-frame values of one mapping (driver × amount), or None when the mapping is off."""
    if spec is None or spec is False:
        return None
    driver, amount = DEFAULT_DRIVERS[name]
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], (int, float)):
        driver, amount = spec
    elif isinstance(spec, (int, float)) and not isinstance(spec, bool):
        amount = float(spec)
    elif spec is not True:
        driver = spec
    try:
        values = _values_per_frame(driver, analysis, n, fps)
    except MediaError:
        raise
    except Exception as exc:  # noqa: BLE001 - say which mapping got the odd value
        raise MediaError(f"{name}={spec!r} cannot be read as a driver: {exc}. Use a band name "
                         f"({', '.join(analysis.bands)}), 'beat', 'onset', a Curve, or (driver, amount).") from None
    return np.asarray(values, np.float64) * float(amount)


def _load_layers(source: Any, size: tuple[int, int] | None) -> list[_Layer]:
    from PIL import Image

    if isinstance(source, Asset):
        items: Sequence[Any] = list(source.layers.values())
    elif isinstance(source, Mapping):
        items = list(source.values())
    else:
        items = list(source)
    if not items:
        raise MediaError("got an empty list of layers; give at least one image (back to front).")
    layers = []
    for k, item in enumerate(items):
        arr = as_rgba_array(item, what=f"layer {k}")
        if size is None:
            size = (arr.shape[1], arr.shape[0])
        if (arr.shape[1], arr.shape[0]) != tuple(size):
            arr = np.asarray(Image.fromarray(arr).resize(size, Image.Resampling.LANCZOS))
        f = arr.astype(np.float32) / 255.0
        layers.append(_Layer(f[..., :3], f[..., 3], k / max(len(items) - 1, 1)))
    return layers


def _hue_matrix(degrees: float) -> np.ndarray:
    """A 3×3 matrix that turns RGB hues by ``degrees`` around the grey axis (keeps luma)."""
    a = np.deg2rad(degrees)
    c, s = np.cos(a), np.sin(a)
    to_yiq = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
    rot = np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    return np.asarray((np.linalg.inv(to_yiq) @ rot @ to_yiq).astype(np.float32))


def audio_reactive(source: Any, analysis: AudioAnalysis, *, pulse: Any = None, glow: Any = None,
                   colour_shift: Any = None, parallax: Any = None, opacity: Any = None,
                   seconds: float | None = None, fps: float | None = None, size: tuple[int, int] | None = None,
                   label: str = "audio-reactive") -> Clip:
    """A clip whose camera, light and colour follow the music.

    Parameters
    ----------
    source : image, Clip, or layers
        A still (array, PIL image, path or image :class:`~filmkit.assets.Asset`), a :class:`~filmkit.clip.Clip`
        (each frame is processed), or layers back to front (a list of RGBA images, a ``{name: image}`` dict, or
        an Asset with ``.layers`` such as a previz frame) for parallax and layer opacity.
    analysis : AudioAnalysis
        From :func:`filmkit.analyse_audio`; named drivers come from it, and its audio becomes the soundtrack.
    pulse : driver, amount or (driver, amount)
        Camera zoom bump; default driver ``"beat"``, amount 0.05 (5 %).
    glow : driver, amount or (driver, amount)
        Bloom (blurred highlights, screen-blended) and a little lift; default ``"low"``, 0.6.
    colour_shift : driver, amount or (driver, amount)
        Hue rotation in degrees; default ``"mid"``, 30.
    parallax : driver, amount or (driver, amount)
        Horizontal spread of the layers in pixels (near layers move most); default ``"low"``, 12.
    opacity : driver, amount or (driver, amount)
        The front layer's opacity (or the whole picture over black, for a still): ``1 - amount + amount × driver``;
        default ``"high"``, 0.7.
    seconds, fps : float, optional
        Length and frame rate; default the analysis' (a clip source keeps its own fps).
    size : (width, height), optional
        Output size; default the source's.

    Returns
    -------
    Clip
        Lazy frames, with the analysed audio attached.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> music, _ = fk.synth_music(1.0, bpm=120, seed=0)
    >>> beats = fk.analyse_audio(music, fps=8, bpm=120)
    >>> still = np.full((36, 64, 3), 90, np.uint8); still[14:22, 28:36] = 230   # a bright window
    >>> clip = fk.audio_reactive(still, beats, pulse=0.3)                       # 30 % closer on each kick
    >>> clip
    Clip(audio-reactive: 64×36, 1.00 s @ 8 fps, 8 frames, with audio)
    >>> def window(frame): return int((frame[..., 0] > 160).sum())
    >>> bool(window(clip.frame(0)) > window(clip.frame(3)))                    # bigger on the beat (frame 0)
    True
    """
    cv2 = require("cv2")
    if not isinstance(analysis, AudioAnalysis):
        raise MediaError(f"analysis must come from fk.analyse_audio(...); got {type(analysis).__name__}.")
    clip_src: Clip | None = source if isinstance(source, Clip) else None
    use_layers = (isinstance(source, Asset) and bool(source.layers)) or isinstance(source, Mapping) or (
        isinstance(source, (list, tuple)) and len(source) > 0 and not np.isscalar(source[0]))
    fps = float(fps or (clip_src.fps if clip_src is not None else analysis.fps))
    seconds = float(seconds if seconds is not None else
                    (clip_src.duration if clip_src is not None else analysis.duration))
    if seconds <= 0:
        raise MediaError(f"seconds must be positive; got {seconds}.")
    n = max(1, int(round(seconds * fps)))

    layers: list[_Layer] = []
    still: np.ndarray | None = None
    if use_layers:
        layers = _load_layers(source, size)
        W, H = layers[0].rgb.shape[1], layers[0].rgb.shape[0]
    elif clip_src is not None:
        W, H = clip_src.size if size is None else size
    else:
        arr = as_rgb_array(source)
        if size is not None and (arr.shape[1], arr.shape[0]) != tuple(size):
            arr = cv2.resize(arr, tuple(size), interpolation=cv2.INTER_AREA)
        still = arr.astype(np.float32) / 255.0
        W, H = still.shape[1], still.shape[0]

    zoom = _drive("pulse", pulse, analysis, n, fps)
    glow_v = _drive("glow", glow, analysis, n, fps)
    hue = _drive("colour_shift", colour_shift, analysis, n, fps)
    par = _drive("parallax", parallax, analysis, n, fps)
    opa = _drive("opacity", opacity, analysis, n, fps)
    if par is not None and not layers:
        raise MediaError("parallax needs layers (a list of RGBA images back to front, or a previz Asset with "
                         "layers); for a single still use pulse= instead.")
    margin = 1.0 + (2.0 * float(np.abs(par).max()) / min(W, H) if par is not None else 0.0)
    cx, cy = (W - 1) / 2.0, (H - 1) / 2.0
    sigma = max(1.0, 0.02 * max(W, H))

    def warp(img: np.ndarray, scale: float, dx: float) -> np.ndarray:
        if scale == 1.0 and dx == 0.0:
            return img
        M = np.array([[scale, 0, cx * (1 - scale) + dx], [0, scale, cy * (1 - scale)]], np.float32)
        return np.asarray(cv2.warpAffine(img, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101))

    def frame(i: int) -> np.ndarray:
        z = 1.0 + (float(zoom[i]) if zoom is not None else 0.0)
        if layers:
            out = np.zeros((H, W, 3), np.float32)
            for k, layer in enumerate(layers):
                s = margin * (1.0 + (z - 1.0) * (0.5 + 0.5 * layer.depth))
                dx = float(par[i]) * layer.depth if par is not None else 0.0
                rgb, a = warp(layer.rgb, s, dx), warp(layer.alpha, s, dx)
                if opa is not None and k == len(layers) - 1 and len(layers) > 1:
                    a = a * float(np.clip(1.0 - _amount(opacity) + opa[i], 0.0, 1.0))
                out = rgb * a[..., None] + out * (1.0 - a[..., None])
        else:
            if clip_src is not None:
                src = clip_src.frame(min(i, clip_src.n_frames - 1))
                if (src.shape[1], src.shape[0]) != (W, H):
                    src = cv2.resize(src, (W, H), interpolation=cv2.INTER_AREA)
                img = src.astype(np.float32) / 255.0
            else:
                assert still is not None
                img = still
            out = warp(img, z, 0.0)
            if opa is not None:
                out = out * float(np.clip(1.0 - _amount(opacity) + opa[i], 0.0, 1.0))
        if glow_v is not None and glow_v[i] > 1e-4:
            g = float(glow_v[i])
            # bloom is soft: compute it at a quarter of the size, then scale it back up
            small = cv2.resize(out, (max(W // 4, 1), max(H // 4, 1)), interpolation=cv2.INTER_AREA)
            luma = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
            bright = small * np.clip((luma - 0.35) / 0.65, 0.0, 1.0)[..., None]
            bloom = cv2.resize(cv2.GaussianBlur(bright, (0, 0), sigma / 4), (W, H), interpolation=cv2.INTER_LINEAR)
            out = 1.0 - (1.0 - out) * (1.0 - np.clip(g * (1.5 * bloom + 0.12), 0.0, 1.0))
        if hue is not None and abs(hue[i]) > 1e-3:
            out = cv2.transform(out, _hue_matrix(float(hue[i])))
        return np.asarray(np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8))

    def _amount(spec: Any) -> float:
        if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], (int, float)):
            return float(spec[1])
        if isinstance(spec, (int, float)) and not isinstance(spec, bool):
            return float(spec)
        return DEFAULT_DRIVERS["opacity"][1]

    audio = analysis.audio.fit(n / fps)
    return Clip(frame_fn=frame, fps=fps, n_frames=n, size=(W, H), audio=audio, label=label)
