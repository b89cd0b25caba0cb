"""Test media made in code, with the answers attached: a music track and green-screen footage.

Accuracy is only measurable when the truth is known. :func:`synth_music` plays a kick on every beat, an
off-beat bass line, hi-hats on the 8ths and a soft pad, and returns the beat times it played.
:func:`greenscreen_footage` films a textured, articulated figure walking across an unevenly lit green screen
(soft edges, green spill, sensor noise) and returns the true matte of every frame and the true path of the
figure's chest. Lessons, tests and the demo film use both; the same ``seed`` gives the same media.

Examples
--------
>>> import filmkit as fk
>>> music, truth = fk.synth_music(2.0, bpm=120, seed=0)
>>> round(music.duration, 2), truth.beat_times[:4].tolist()
(2.0, [0.0, 0.5, 1.0, 1.5])
>>> clip, gt = fk.greenscreen_footage(0.5, fps=24, size=(160, 90), seed=1)
>>> clip.n_frames, gt.alpha.shape, gt.path.shape
(12, (12, 90, 160), (12, 2))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._lazy import require
from .audio import Audio
from .clip import Clip
from .errors import MediaError

__all__ = ["FootageTruth", "MusicTruth", "greenscreen_footage", "synth_music"]


# ----------------------------------------------------------------------------------------------------------
# music
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MusicTruth:
    """What :func:`synth_music` played: times in seconds of each kick (= beat), hat and bass note.

    Examples
    --------
    >>> import filmkit as fk
    >>> music, truth = fk.synth_music(2.0, bpm=90, seed=0)
    >>> truth.bpm, truth.beat_times.round(2).tolist()
    (90, [0.0, 0.67, 1.33])
    >>> len(truth.hat_times), len(truth.bass_times)      # hats on the 8ths, bass on the off-beats
    (6, 3)
    """

    bpm: float
    beat_times: np.ndarray = field(repr=False)
    hat_times: np.ndarray = field(repr=False)
    bass_times: np.ndarray = field(repr=False)


# A minor progression (Am – F – C – G), one chord per bar: bass root (Hz) and pad chord (Hz).
_PROGRESSION = [
    (55.00, (220.00, 261.63, 329.63)),   # A1 | A3 C4 E4
    (43.65, (174.61, 220.00, 261.63)),   # F1 | F3 A3 C4
    (65.41, (196.00, 261.63, 329.63)),   # C2 | G3 C4 E4
    (49.00, (196.00, 246.94, 293.66)),   # G1 | G3 B3 D4
]


def synth_music(seconds: float, *, bpm: float = 120, seed: int = 0, sample_rate: int = 22050
                ) -> tuple[Audio, MusicTruth]:
    """A short electronic track with known beats: kick on every beat, off-beat bass, 8th hats, a pad.

    Parameters
    ----------
    seconds : float
        Length of the track.
    bpm : float
        Tempo; beat ``k`` falls exactly at ``k * 60 / bpm`` seconds.
    seed : int
        Seeds the hi-hat noise and the small humanised velocities; same seed, same samples.
    sample_rate : int
        Samples per second (22050 is what the analysis uses).

    Returns
    -------
    (Audio, MusicTruth)
        The mono track (peak about 0.9) and the times of every kick, hat and bass note.

    Examples
    --------
    >>> import filmkit as fk
    >>> music, truth = fk.synth_music(4.0, bpm=90, seed=3)
    >>> truth.bpm, len(truth.beat_times), len(truth.hat_times)
    (90, 6, 12)
    >>> float(abs(music.samples).max()) <= 1.0
    True
    """
    if seconds <= 0:
        raise MediaError(f"seconds must be positive; got {seconds}.")
    if not 30 <= bpm <= 300:
        raise MediaError(f"bpm must be between 30 and 300; got {bpm}. Typical music sits at 70–180 BPM.")
    rng = np.random.default_rng(seed)
    sr = int(sample_rate)
    n = int(round(seconds * sr))
    out = np.zeros(n, np.float64)
    beat = 60.0 / bpm
    beats = np.arange(0.0, seconds - 1e-9, beat)
    hats = np.arange(0.0, seconds - 1e-9, beat / 2)
    bass = beats + beat / 2
    bass = bass[bass < seconds]

    def add(start: float, sound: np.ndarray) -> None:
        a = int(round(start * sr))
        if a >= n:
            return
        m = min(len(sound), n - a)
        out[a:a + m] += sound[:m]

    # kick: a sine sweeping 150 -> 45 Hz with a fast decay and a click
    tk = np.arange(int(0.30 * sr)) / sr
    freq = 45 + 105 * np.exp(-tk / 0.03)
    kick = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-tk / 0.09)
    kick[: int(0.002 * sr)] += np.linspace(0.6, 0, int(0.002 * sr))
    for b in beats:
        add(float(b), 0.95 * kick)

    # hats: high-passed noise bursts (second difference of noise), a touch louder on the off-beat 8th
    th = np.arange(int(0.05 * sr)) / sr
    for k, h in enumerate(hats):
        noise = rng.standard_normal(len(th) + 2)
        hp = np.diff(noise, 2) / 4
        vel = (0.075 if k % 2 else 0.06) * rng.uniform(0.9, 1.1)
        add(float(h), vel * hp * np.exp(-th / 0.012))

    # bass: a soft square-ish tone on the off-beats (root of the bar's chord), short so beats stay clean
    tb = np.arange(int(min(beat * 0.45, 0.25) * sr)) / sr
    env_b = np.minimum(tb / 0.01, 1) * np.exp(-tb / 0.08)
    for b in bass:
        root = _PROGRESSION[int(b // (4 * beat)) % 4][0] * 2  # one octave up: A2 / F2 / C3 / G2
        tone = np.sin(2 * np.pi * root * tb) + 0.3 * np.sin(2 * np.pi * 2 * root * tb)
        add(float(b), 0.16 * tone * env_b)

    # pad: a slow chord per bar, gently detuned, with a soft attack and release
    bar = 4 * beat
    for k, start in enumerate(np.arange(0.0, seconds, bar)):
        chord = _PROGRESSION[k % 4][1]
        length = int(min(bar, seconds - start) * sr)
        tp = np.arange(length) / sr
        env = np.minimum(tp / 0.3, 1) * np.minimum((length / sr - tp) / 0.3, 1).clip(0, 1)
        pad = sum(np.sin(2 * np.pi * f * tp) + 0.5 * np.sin(2 * np.pi * f * 1.004 * tp + 1.0) for f in chord)
        add(float(start), 0.035 * pad * env)

    peak = float(np.abs(out).max()) or 1.0
    samples = (0.9 * out / peak).astype(np.float32)
    truth = MusicTruth(bpm=bpm, beat_times=beats, hat_times=hats, bass_times=bass)
    return Audio(samples, sr, label=f"synth {bpm:g} BPM"), truth


# ----------------------------------------------------------------------------------------------------------
# green-screen footage
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class FootageTruth:
    """The answers for :func:`greenscreen_footage`.

    ``alpha`` is the true matte per frame (n, H, W) float32 in [0, 1]; ``path`` the true (x, y) pixel position
    of the figure's chest centre per frame (n, 2); ``box`` the chest box (x, y, w, h) in frame 0, a good region
    to start a tracker on.

    Examples
    --------
    >>> import filmkit as fk
    >>> footage, truth = fk.greenscreen_footage(0.5, fps=8, size=(160, 90), seed=0)
    >>> truth.alpha.shape, truth.path.shape, truth.fps, truth.box
    ((4, 90, 160), (4, 2), 8, (40, 37, 16, 18))
    >>> mask = truth.mask(0)                             # the true matte of frame 0, as booleans
    >>> mask.dtype, bool(mask.any()), bool(mask[0, 0])
    (dtype('bool'), True, False)
    """

    alpha: np.ndarray = field(repr=False)
    path: np.ndarray = field(repr=False)
    box: tuple[int, int, int, int]
    fps: float

    def mask(self, i: int, threshold: float = 0.5) -> np.ndarray:
        """The true matte of frame ``i`` as a boolean mask."""
        return np.asarray(self.alpha[i] >= threshold)


def _figure_sprite(scale: float, wardrobe: str, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Torso + head as an RGBA sprite (float), drawn at 4× and reduced so its edges are soft."""
    cv2 = require("cv2")
    s = 4
    w, h = int(round(60 * scale)), int(round(110 * scale))
    W, H = w * s, h * s
    rgb = np.zeros((H, W, 3), np.float32)
    a = np.zeros((H, W), np.float32)
    cx = W / 2
    # torso: a rounded box with a knitted texture
    torso = (int(cx - 0.36 * W), int(0.30 * H), int(cx + 0.36 * W), int(0.78 * H))
    cv2.rectangle(a, torso[:2], torso[2:], 1.0, -1)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    if wardrobe == "green":
        base = np.array([70, 150, 80], np.float32)   # a green shirt: the thing the lesson warns about
    else:
        base = np.array([170, 60, 55], np.float32)   # brick red
    knit = 0.75 + 0.25 * np.sin(xx / (3.0 * s)) * np.sin(yy / (2.3 * s))
    stripes = ((yy // (7 * s)) % 2).astype(np.float32) * 0.35 + 0.65
    grain = cv2.GaussianBlur(rng.standard_normal((H, W)).astype(np.float32), (0, 0), 1.5 * s) * 0.6
    shade = (knit * stripes + grain)[..., None]
    rgb[:] = np.clip(base * shade + np.array([10, 10, 40], np.float32) * (1 - stripes[..., None]), 0, 255)
    # belt and buttons add trackable corners
    cv2.rectangle(rgb, (torso[0], int(0.72 * H)), (torso[2], int(0.76 * H)), (40, 30, 25), -1)
    for k in range(4):
        cv2.circle(rgb, (int(cx), int((0.36 + 0.08 * k) * H)), int(1.6 * s), (235, 225, 200), -1)
    # head: skin with hair and eyes
    hc, hr = (int(cx), int(0.17 * H)), int(0.15 * H)
    cv2.circle(a, hc, hr, 1.0, -1)
    cv2.circle(rgb, hc, hr, (205, 150, 120), -1)
    cv2.ellipse(rgb, hc, (hr, int(hr * 0.75)), 0, 180, 360, (60, 35, 25), -1)
    for ex in (-0.4, 0.4):
        cv2.circle(rgb, (int(cx + ex * hr), int(0.18 * H)), int(0.9 * s), (30, 20, 20), -1)
    # neck
    cv2.rectangle(a, (int(cx - 0.07 * W), int(0.27 * H)), (int(cx + 0.07 * W), int(0.31 * H)), 1.0, -1)
    cv2.rectangle(rgb, (int(cx - 0.07 * W), int(0.27 * H)), (int(cx + 0.07 * W), int(0.31 * H)),
                  (190, 135, 105), -1)
    small_rgb = cv2.resize(rgb * a[..., None], (w, h), interpolation=cv2.INTER_AREA)
    small_a = cv2.resize(a, (w, h), interpolation=cv2.INTER_AREA)
    small_rgb = small_rgb / np.maximum(small_a[..., None], 1e-6)
    joints = {  # in sprite pixels
        "shoulder_l": (torso[0] / s - 2, torso[1] / s + 4), "shoulder_r": (torso[2] / s + 2, torso[1] / s + 4),
        "hip_l": (cx / s - 0.18 * w, torso[3] / s - 1), "hip_r": (cx / s + 0.18 * w, torso[3] / s - 1),
        "chest": (cx / s, (torso[1] + torso[3]) / 2 / s), "width": w, "height": h,
    }
    return small_rgb, small_a, joints


def greenscreen_footage(seconds: float = 2.0, *, fps: float = 24, size: tuple[int, int] = (320, 180),
                        seed: int = 0, colour: str = "green", wardrobe: str = "red", noise: float = 2.5
                        ) -> tuple[Clip, FootageTruth]:
    """A figure walking in front of a green (or blue) screen, with the true matte and path.

    The figure's chest and head are one rigid, textured sprite moved with sub-pixel accuracy along a smooth
    path; arms and legs swing. Like real footage, the screen is unevenly lit, the figure's edges are soft and
    carry green spill, and every frame has sensor noise.

    Parameters
    ----------
    seconds, fps, size
        Length, frame rate and (width, height) of the clip.
    seed : int
        Seeds the texture and the noise: same seed, same frames.
    colour : {"green", "blue"}
        The screen colour.
    wardrobe : {"red", "green"}
        ``"green"`` dresses the figure in a green shirt, to show why green wardrobe breaks a green key.
    noise : float
        Standard deviation of the sensor noise, in 8-bit levels.

    Returns
    -------
    (Clip, FootageTruth)
        The footage (frames are rendered lazily) and the truth: ``alpha`` (n, H, W), ``path`` (n, 2),
        ``box`` (the chest box in frame 0).

    Examples
    --------
    >>> import filmkit as fk
    >>> clip, truth = fk.greenscreen_footage(1.0, fps=12, size=(160, 90), seed=0)
    >>> frame = clip.frame(0)
    >>> x, y = truth.path[0]
    >>> bool(frame[5, 5, 1] > frame[5, 5, 0]), bool(truth.alpha[0][int(y), int(x)] > 0.99)
    (True, True)
    """
    cv2 = require("cv2")
    if colour not in ("green", "blue"):
        raise MediaError(f"colour must be 'green' or 'blue'; got {colour!r}.")
    if wardrobe not in ("red", "green"):
        raise MediaError(f"wardrobe must be 'red' or 'green'; got {wardrobe!r}.")
    W, H = int(size[0]), int(size[1])
    if W < 64 or H < 36:
        raise MediaError(f"size must be at least 64×36; got {W}×{H}.")
    n = max(1, int(round(seconds * fps)))
    rng = np.random.default_rng(seed)
    scale = H / 180 * 0.95
    sprite_rgb, sprite_a, j = _figure_sprite(scale, wardrobe, rng)
    sw, sh = j["width"], j["height"]

    # the backdrop: screen colour under uneven light (a soft key from the left, a vignette, a fold)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    light = 0.78 + 0.30 * (1 - xx / W) * (0.8 + 0.2 * yy / H)
    light *= 1 - 0.22 * (((xx - W / 2) / W) ** 2 + ((yy - H / 2) / H) ** 2) * 2
    light += 0.05 * np.sin(xx / W * 9 + 1.3) * np.exp(-((yy - 0.3 * H) / (0.4 * H)) ** 2)
    screen = np.array([45, 175, 70] if colour == "green" else [30, 70, 185], np.float32)
    backdrop = screen * light[..., None]

    # the true path of the chest: across the frame with a gentle bob and a drift in depth-free y
    t = np.arange(n) / fps
    dur = max(n / fps, 1e-6)
    u = t / dur
    path = np.stack([W * (0.30 + 0.40 * u) + 0.04 * W * np.sin(2 * np.pi * u * 1.3),
                     H * 0.50 + 0.03 * H * np.sin(2 * np.pi * u * 2.0 + 0.5)], axis=1)
    chest = np.array(j["chest"], np.float32)
    bw, bh = int(0.6 * sw), int(0.36 * sh)
    box = (int(round(path[0][0] - bw / 2)), int(round(path[0][1] - bh / 2)), bw, bh)

    alphas = np.zeros((n, H, W), np.float32)
    spill_rgb = np.array([40, 190, 60] if colour == "green" else [30, 80, 200], np.float32)
    noise_seeds = rng.integers(0, 2**31, size=n)
    trousers = (45, 50, 95) if colour == "green" else (80, 60, 45)  # jeans on green, brown cords on blue

    def layer(i: int) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = path[i] - chest
        M = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
        fg = cv2.warpAffine(sprite_rgb * sprite_a[..., None], M, (W, H), flags=cv2.INTER_LINEAR)
        a = cv2.warpAffine(sprite_a, M, (W, H), flags=cv2.INTER_LINEAR)
        # limbs: anti-aliased thick lines swinging in opposite phase (drawn at 16× sub-pixel precision)
        limbs_a = np.zeros((H, W), np.uint8)
        limbs_rgb = np.zeros((H, W, 3), np.uint8)
        phase = 2 * np.pi * 1.6 * t[i]
        ox, oy = dx, dy
        thick = max(2, int(round(9 * scale)))
        for name, length, swing, col, sign in (
                ("shoulder_l", 34, 0.5, (205, 150, 120), 1), ("shoulder_r", 34, 0.5, (205, 150, 120), -1),
                ("hip_l", 42, 0.4, trousers, -1), ("hip_r", 42, 0.4, trousers, 1)):
            px, py = j[name]
            ang = sign * swing * np.sin(phase) + (-0.35 if name == "shoulder_l" else 0.35 if
                                                  name == "shoulder_r" else 0.0)
            ex = px + np.sin(ang) * length * scale
            ey = py + np.cos(ang) * length * scale
            p0 = (int(round((px + ox) * 16)), int(round((py + oy) * 16)))
            p1 = (int(round((ex + ox) * 16)), int(round((ey + oy) * 16)))
            cv2.line(limbs_a, p0, p1, 255, thick, cv2.LINE_AA, 4)
            cv2.line(limbs_rgb, p0, p1, col, thick, cv2.LINE_AA, 4)
        la = limbs_a.astype(np.float32) / 255
        lrgb = limbs_rgb.astype(np.float32) / np.maximum(la[..., None], 1e-3)
        lrgb = np.clip(lrgb, 0, 255)
        # limbs behind the torso: torso over limbs
        a_all = a + la * (1 - a)
        fg_all = fg + lrgb * la[..., None] * (1 - a[..., None])
        a_all = cv2.GaussianBlur(a_all, (0, 0), 0.6)
        fg_all = cv2.GaussianBlur(fg_all, (0, 0), 0.6)
        col = fg_all / np.maximum(a_all[..., None], 1e-3)
        return np.clip(col, 0, 255), np.clip(a_all, 0, 1)

    for i in range(n):
        alphas[i] = layer(i)[1]

    def frame(i: int) -> np.ndarray:
        col, a = layer(i)
        # light falls on the figure too, and the screen spills green onto its edges
        col = col * (0.85 + 0.25 * light[..., None] - 0.1)
        edge = np.clip(4 * a * (1 - a), 0, 1)[..., None]
        col = col * (1 - 0.45 * edge) + spill_rgb * 0.45 * edge
        img = col * a[..., None] + backdrop * (1 - a[..., None])
        img += np.random.default_rng(int(noise_seeds[i])).normal(0, noise, img.shape)
        return np.asarray(np.clip(img + 0.5, 0, 255).astype(np.uint8))

    clip = Clip(frame_fn=frame, fps=fps, n_frames=n, size=(W, H), label=f"{colour} screen footage")
    return clip, FootageTruth(alpha=alphas, path=path.astype(np.float64), box=box, fps=fps)
