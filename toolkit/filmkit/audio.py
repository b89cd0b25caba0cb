"""Sound as a value, and what the music says: band envelopes, onsets, beats and tempo as curves.

``Audio`` holds samples and a rate; :func:`analyse_audio` turns it into an :class:`AudioAnalysis` whose parts
are curves sampled once per video frame, ready to drive a camera, a glow or a colour shift
(see :mod:`filmkit.reactive`).

Why ``bpm=``: automatic tempo estimation often locks onto double or two-thirds time (on a synthetic 87 BPM
track librosa reports 172; on 140 BPM it reports 92). If you know the tempo, give it and the beats land on
the kicks. librosa's onset envelope reports each transient about one STFT hop (23 ms) late; that latency is
subtracted, and nothing is "backtracked" (backtracking over-corrects).

One clock for everything: frame ``i`` stands for the time ``i / fps`` and owns the half frame either side of
it. A band's value on frame ``i`` is the loudest moment of that band within that span; beats and onsets are
placed, to the sample, on the peak of the hit they mark, and then on the frame whose span holds it. So a kick
between two frames shows in the low band, in the beat pulse and in the onset curve on the same frame: the one
nearest to the moment it is loudest, a few milliseconds after it starts (so a kick exactly halfway between two
frames goes to the later one).

The first analysis in a fresh kernel does not wait for numba to compile librosa's kernels when the workshop
installer has warmed the cache (``python3 workshop.py`` runs one tiny ``beat_track``, ``onset_detect`` and
``resample``); this module calls exactly those kernels with the same dtypes (float32 samples at 22050 Hz).

Examples
--------
>>> import numpy as np
>>> from filmkit.audio import Audio
>>> tone = Audio(np.zeros(22050, np.float32), 22050)
>>> tone.duration, tone.fit(2.0).duration
(1.0, 2.0)
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from ._lazy import require
from .errors import MediaError

if TYPE_CHECKING:
    from .curves import Curve

__all__ = ["ANALYSIS_RATE", "DEFAULT_BANDS", "Audio", "AudioAnalysis", "analyse_audio", "load_audio"]

#: the sample rate every analysis runs at (the rate the workshop warms librosa's kernels with)
ANALYSIS_RATE = 22050
#: named frequency bands in Hz: kick and bass / voices, pads and snares / hats and air
DEFAULT_BANDS: dict[str, tuple[float, float]] = {"low": (20.0, 200.0), "mid": (200.0, 2500.0),
                                                  "high": (5000.0, 11025.0)}
BandsLike = Union[Sequence[str], Sequence[tuple[float, float]], "dict[str, tuple[float, float]]"]
_N_FFT, _HOP = 2048, 512
#: beats and onsets move onto the peak of the hit they mark: the attack within _ATTACK_WIN s (the largest rise
#: of the sound's amplitude over _RISE s), then the loudest moment in the _RISE s after it
_ATTACK_WIN, _RISE = 0.03, 0.01


@dataclass(frozen=True, eq=False)
class Audio:
    """Float32 samples in [-1, 1], shape (N,) mono or (N, 2) stereo, at ``sample_rate`` Hz.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> t = np.arange(16000) / 16000
    >>> tone = fk.Audio((0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 16000, label="A440")
    >>> tone
    Audio(A440: 1.00 s, 16000 Hz, 1 ch)
    >>> tone.slice(0.25, 0.75).duration, tone.fit(2.0).duration     # a half-second cut; padded with silence
    (0.5, 2.0)
    """

    samples: np.ndarray = field(repr=False)
    sample_rate: int = 22050
    label: str = ""

    def __post_init__(self) -> None:
        if self.sample_rate <= 0:
            raise MediaError(f"sample_rate must be positive; got {self.sample_rate}.")

    @classmethod
    def load(cls, path: str | Path, *, sample_rate: int = 22050, mono: bool = True) -> Audio:
        """Decode wav, mp3, m4a or a video's soundtrack (via ffmpeg), resampled to ``sample_rate``."""
        from ._ffmpeg import read_audio

        return cls(read_audio(path, sample_rate=sample_rate, mono=mono), sample_rate, label=Path(path).name)

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate

    @property
    def mono(self) -> np.ndarray:
        """The samples mixed down to one channel."""
        return self.samples if self.samples.ndim == 1 else self.samples.mean(axis=1)

    def slice(self, start: float, end: float) -> Audio:
        """The part between ``start`` and ``end`` seconds."""
        a, b = int(round(start * self.sample_rate)), int(round(end * self.sample_rate))
        return dataclasses.replace(self, samples=self.samples[max(a, 0):max(b, 0)])

    def fit(self, seconds: float) -> Audio:
        """Exactly ``seconds`` long: cut, or padded with silence."""
        n = int(round(seconds * self.sample_rate))
        s = self.samples[:n]
        if len(s) < n:
            pad = np.zeros((n - len(s),) + s.shape[1:], np.float32)
            s = np.concatenate([s, pad])
        return dataclasses.replace(self, samples=s)

    def gain(self, factor: float | np.ndarray) -> Audio:
        """Louder or softer (a number, or one factor per sample for fades)."""
        f = np.asarray(factor, np.float32)
        if f.ndim == 1 and self.samples.ndim == 2:
            f = f[:, None]
        return dataclasses.replace(self, samples=(self.samples * f).astype(np.float32))

    def save(self, path: str | Path) -> Path:
        """Write a 16-bit WAV."""
        from ._ffmpeg import write_wav

        return write_wav(path, self.samples, self.sample_rate)

    def __repr__(self) -> str:
        ch = 1 if self.samples.ndim == 1 else self.samples.shape[1]
        return f"Audio({self.label or 'untitled'}: {self.duration:.2f} s, {self.sample_rate} Hz, {ch} ch)"

    def _repr_html_(self) -> str:
        """A notebook shows the sound as a player: a WAV written to the workspace's previews (as clips are)."""
        import hashlib
        import os

        from .assets import _media_figure
        from .settings import config

        key = hashlib.sha256(np.ascontiguousarray(self.samples).tobytes()).hexdigest()[:12]
        name = f"{self.label or 'audio'}-{key}.wav".replace(" ", "_").replace(os.sep, "_")
        path = config.ensure_workspace() / "previews" / name
        if not path.exists():
            self.save(path)
        return _media_figure(path, "audio", repr(self))


def load_audio(path: str | Path, *, sample_rate: int = 22050, mono: bool = True) -> Audio:
    """Load a sound file as :class:`Audio` (same as ``Audio.load``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import filmkit as fk
    >>> music, _ = fk.synth_music(1.0, bpm=120, seed=0)
    >>> path = music.save(pathlib.Path(tempfile.mkdtemp()) / "beat.wav")
    >>> fk.load_audio(path)
    Audio(beat.wav: 1.00 s, 22050 Hz, 1 ch)
    """
    return Audio.load(path, sample_rate=sample_rate, mono=mono)


# ----------------------------------------------------------------------------------------------------------
# analysis
# ----------------------------------------------------------------------------------------------------------
def _curve(times: np.ndarray, values: np.ndarray, label: str = "") -> Curve:
    """The one place analysis arrays become :class:`filmkit.curves.Curve` values."""
    from .curves import Curve

    return Curve.from_samples(np.asarray(times, float), np.asarray(values, float), label=label)


@dataclass(frozen=True, eq=False)
class AudioAnalysis:
    """What :func:`analyse_audio` heard, one value per video frame.

    Attributes
    ----------
    audio : Audio
        The analysed sound (reactive clips carry it as their soundtrack).
    fps : float
        Video frame rate the curves are sampled at; frame ``i`` is time ``i / fps``.
    bands : dict
        Band name -> (low Hz, high Hz).
    envelopes : ndarray
        (n_bands, n_frames) band energy, normalised to 0–1 per band: on frame ``i``, the band's loudest moment
        within half a frame of ``i / fps``.
    onset_strength : ndarray
        (n_frames,) how sharply the sound changes, normalised to 0–1; it peaks on the onsets' frames.
    onset_times, beat_times : ndarray
        Seconds, rounded to the nearest video frame (the same frames the envelopes peak on).
    tempo : float
        Beats per minute (the one you gave, or librosa's estimate).
    bpm_given : bool
        Whether the tempo came from you.

    Examples
    --------
    >>> import filmkit as fk
    >>> music, _ = fk.synth_music(2.0, bpm=90, seed=0)
    >>> heard = fk.analyse_audio(music, fps=8, bpm=90)
    >>> heard.n_frames, heard.duration, list(heard.bands), heard.tempo, heard.bpm_given
    (16, 2.0, ['low', 'mid', 'high'], 90.0, True)
    >>> heard.beat_frames.tolist(), heard.envelope("low").shape     # 90 BPM: a beat every 5⅓ frames
    ([0, 5, 11], (16,))
    """

    audio: Audio
    fps: float
    bands: dict[str, tuple[float, float]]
    envelopes: np.ndarray = field(repr=False)
    onset_strength: np.ndarray = field(repr=False)
    onset_times: np.ndarray = field(repr=False)
    beat_times: np.ndarray = field(repr=False)
    tempo: float
    bpm_given: bool

    @property
    def n_frames(self) -> int:
        """Number of video frames analysed."""
        return int(self.envelopes.shape[1])

    @property
    def duration(self) -> float:
        """Length in seconds (``n_frames / fps``)."""
        return self.n_frames / self.fps

    @property
    def times(self) -> np.ndarray:
        """The time of each video frame, in seconds."""
        return np.arange(self.n_frames) / self.fps

    @property
    def beat_frames(self) -> np.ndarray:
        """The video frame of each beat."""
        return np.round(self.beat_times * self.fps).astype(int)

    # --- per-frame arrays ----------------------------------------------------------------------------------
    def envelope(self, band: str | int) -> np.ndarray:
        """The 0–1 energy of one band, per video frame (an array; :meth:`band` gives the curve)."""
        names = list(self.bands)
        if isinstance(band, int):
            if not -len(names) <= band < len(names):
                raise MediaError(f"band index {band} is out of range; this analysis has bands {names}.")
            return np.asarray(self.envelopes[band])
        if band not in self.bands:
            raise MediaError(f"no band called {band!r}; this analysis has bands {names}. "
                             f"Ask for others with analyse_audio(..., bands={{'name': (lo_hz, hi_hz)}}).")
        return np.asarray(self.envelopes[names.index(band)])

    def pulse_values(self, decay: float = 0.25) -> np.ndarray:
        """Per video frame: 1 on each beat frame, falling to about 5 % after ``decay`` seconds."""
        if decay <= 0:
            raise MediaError(f"decay must be positive seconds; got {decay}. Try 0.25.")
        n = self.n_frames
        last = np.full(n, -np.inf)
        bf = self.beat_frames
        bf = bf[(bf >= 0) & (bf < n)]
        marks = np.zeros(n, bool)
        marks[bf] = True
        idx = np.where(marks, np.arange(n), -1)
        last_beat = np.maximum.accumulate(idx)
        since = np.where(last_beat >= 0, (np.arange(n) - last_beat) / self.fps, np.inf)
        last[:] = np.exp(-3.0 * since / decay)
        return last

    # --- curves --------------------------------------------------------------------------------------------
    def band(self, band: str | int) -> Curve:
        """One band's 0–1 energy as a curve of time (seconds)."""
        return _curve(self.times, self.envelope(band), label=f"{band} band")

    def beat_pulse(self, decay: float = 0.25) -> Curve:
        """A curve that jumps to 1 on each beat and decays (to ~5 % after ``decay`` seconds)."""
        return _curve(self.times, self.pulse_values(decay), label="beat pulse")

    def onset_curve(self) -> Curve:
        """The 0–1 onset strength (how sharply the sound changes) as a curve."""
        return _curve(self.times, self.onset_strength, label="onsets")

    # --- looking at it -------------------------------------------------------------------------------------
    def plot(self, *, curves: dict[str, Any] | None = None, seconds: float | None = None) -> Any:
        """One figure: the waveform, the band energies, the beats and (optionally) the curves they drive.

        ``curves`` maps a label to a curve (anything callable on seconds, or an array with one value per
        frame). Returns a matplotlib ``Figure``.
        """
        from .curves import _pyplot

        plt = _pyplot()
        end = self.duration if seconds is None else min(float(seconds), self.duration)
        rows = 3 if curves else 2
        fig, axes = plt.subplots(rows, 1, sharex=True, figsize=(10, 1.9 * rows + 0.4), layout="constrained")
        plt.close(fig)  # returned for inline display, not shown twice
        y = self.audio.mono
        sr = self.audio.sample_rate
        step = max(1, len(y) // 4000)
        ty = np.arange(0, len(y), step) / sr
        ax = axes[0]
        ax.fill_between(ty, y[::step], -y[::step], color="0.35", lw=0)
        ax.set_ylabel("waveform")
        ax.set_title(f"{self.audio.label or 'audio'} — tempo {self.tempo:.1f} BPM"
                     f"{' (given)' if self.bpm_given else ' (estimated)'}, {len(self.beat_times)} beats")
        ax = axes[1]
        for k, name in enumerate(self.bands):
            ax.plot(self.times, self.envelopes[k], lw=1.2, label=f"{name} {self.bands[name][0]:g}–"
                    f"{self.bands[name][1]:g} Hz")
        ax.set_ylabel("band energy")
        ax.legend(loc="upper right", fontsize=7, ncol=len(self.bands))
        if curves:
            ax = axes[2]
            for label, c in curves.items():
                ax.plot(self.times, _values_per_frame(c, self, self.n_frames, self.fps), lw=1.4, label=label)
            ax.set_ylabel("driven")
            ax.legend(loc="upper right", fontsize=7)
        for ax in axes:
            for b in self.beat_times:
                if b <= end:
                    ax.axvline(b, color="crimson", lw=0.6, alpha=0.5)
        axes[-1].set_xlim(0, end)
        axes[-1].set_xlabel("seconds (red lines: beats)")
        return fig

    def __repr__(self) -> str:
        return (f"AudioAnalysis({self.audio.label or 'audio'}: {self.duration:.2f} s @ {self.fps:g} fps, "
                f"tempo {self.tempo:.1f} BPM{' (given)' if self.bpm_given else ''}, {len(self.beat_times)} beats, "
                f"{len(self.onset_times)} onsets, bands {list(self.bands)})")


def _values_per_frame(source: Any, analysis: AudioAnalysis | None, n: int, fps: float) -> np.ndarray:
    """Sample a driver at frames ``0..n-1``: a band name, "beat"/"onset", a Curve, a callable or an array."""
    if isinstance(source, str):
        if analysis is None:
            raise MediaError(f"{source!r} names part of an audio analysis, but none was given.")
        if source == "beat":
            v = analysis.pulse_values()
        elif source == "onset":
            v = analysis.onset_strength
        else:
            v = analysis.envelope(source)
        t_src = analysis.times
        return np.asarray(np.interp(np.arange(n) / fps, t_src, v))
    if hasattr(source, "sample") and callable(source):
        try:
            v = np.asarray(source.sample(fps, n / fps), float).reshape(-1)
            if len(v) >= n:
                return v[:n]
        except TypeError:
            pass
    if callable(source):
        t = np.arange(n) / fps
        try:
            v = np.asarray(source(t), float)
        except (TypeError, ValueError):  # a function of one float time: call it per frame
            v = np.array([float(source(float(x))) for x in t])
        return v if v.shape == t.shape else np.array([float(source(float(x))) for x in t])
    arr = np.asarray(source, float).reshape(-1)
    if arr.size == 1:
        return np.full(n, float(arr[0]))
    if len(arr) < n:
        arr = np.concatenate([arr, np.full(n - len(arr), arr[-1])])
    return arr[:n]


def _resolve_bands(bands: Any) -> dict[str, tuple[float, float]]:
    if isinstance(bands, dict):
        items = list(bands.items())
    else:
        items = []
        for b in bands:
            if isinstance(b, str):
                if b not in DEFAULT_BANDS:
                    raise MediaError(f"unknown band {b!r}; use one of {list(DEFAULT_BANDS)} or give "
                                     f"(low_hz, high_hz) pairs, e.g. bands=[(20, 120), (2000, 6000)].")
                items.append((b, DEFAULT_BANDS[b]))
            else:
                lo, hi = b
                items.append((f"{lo:g}-{hi:g}Hz", (lo, hi)))
    out: dict[str, tuple[float, float]] = {}
    for name, (lo, hi) in items:
        lo, hi = float(lo), float(hi)
        if not 0 <= lo < hi:
            raise MediaError(f"band {name!r} must be (low_hz, high_hz) with 0 <= low < high; got ({lo}, {hi}).")
        out[str(name)] = (lo, min(hi, ANALYSIS_RATE / 2))
    if not out:
        raise MediaError("bands is empty; give at least one, e.g. bands=('low', 'mid', 'high').")
    return out


def _frame_of(seconds: Any, fps: float) -> np.ndarray:
    """The video frame nearest to each time; a time exactly halfway between two frames goes to the later one.

    Frame ``i`` owns the half-open span ``[(i - 0.5) / fps, (i + 0.5) / fps)``, centred on its time ``i / fps``.
    Beats, onsets and band energies all map to frames through this one function, so a kick's beat marker, its
    onset and its peak in the low band land on the same frame.
    """
    return np.floor(np.asarray(seconds, float) * fps + 0.5).astype(int)


def _pool_to_frames(values: np.ndarray, src_times: np.ndarray, n: int, fps: float) -> np.ndarray:
    """Per video frame, the max of the values whose time falls in the frame's centred span (so a transient is
    never skipped); a frame no value falls in is interpolated from its neighbours. Times before the first
    frame or past the last count for that frame (as beats do)."""
    values = np.asarray(values, float)
    idx = np.clip(_frame_of(src_times, fps), 0, n - 1)
    out = np.full(n, -np.inf)
    np.maximum.at(out, idx, values)
    filled = np.isfinite(out)
    if not filled.all():
        k = np.flatnonzero(filled)
        out = np.interp(np.arange(n), k, out[k]) if k.size else np.zeros(n)
    return out


def _smooth_step(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return np.asarray(x * x * (3.0 - 2.0 * x))


def _band_amplitudes(y: np.ndarray, sr: int, bands: Sequence[tuple[float, float]]) -> list[np.ndarray]:
    """Each band's amplitude envelope, one value per sample: the magnitude of its analytic signal.

    The band-pass is zero-phase (a smooth mask on the spectrum of the whole sound), so an attack is not
    delayed: a synthetic kick peaks in the low band 3.5 ms after it starts, where an STFT frame's energy
    (a 93 ms window) would peak tens of milliseconds later, by an amount that depends on the sound.
    """
    from scipy import fft as sfft

    n = len(y)
    size = sfft.next_fast_len(n + sr // 4)   # silence after the end, so that the filter does not wrap round
    spectrum = sfft.fft(np.asarray(y, np.float32), size)   # complex64: half the memory of float64
    freqs = sfft.fftfreq(size, 1.0 / sr)
    f = np.abs(freqs)
    out = []
    for lo, hi in bands:
        mask = _smooth_step((f - 0.8 * lo) / (0.4 * lo)) if lo > 0 else np.ones(size)
        if hi < sr / 2:
            mask = mask * (1.0 - _smooth_step((f - 0.9 * hi) / (0.2 * hi)))
        mask = np.where(freqs > 0, 2.0 * mask, np.where(freqs == 0, mask, 0.0))   # keep the positive half
        out.append(np.abs(sfft.ifft(spectrum * mask.astype(np.float32))[:n]).astype(np.float64))
    return out


def _to_hits(times: np.ndarray, hit: np.ndarray, sr: int) -> np.ndarray:
    """Each time moved onto the peak of its hit, to the sample: find the attack within ``_ATTACK_WIN`` s (where
    ``hit``, the amplitude of the whole sound, rose most over ``_RISE`` s; a decaying tail never rises), then
    the loudest sample in the ``_RISE`` s after it. That is the moment the band envelopes peak too (a kick's
    low band peaks 3.5 ms after it starts), so a beat and its band peak fall on the same frame."""
    win, lag = int(_ATTACK_WIN * sr), int(_RISE * sr)
    rise = hit - np.concatenate([np.full(lag, hit[0]), hit[:-lag]])
    out = np.asarray(times, float).copy()
    for k, t in enumerate(out):
        c = int(round(t * sr))
        a, b = max(c - win, 0), min(c + win + 1, len(hit))
        if b > a:
            r = a + int(np.argmax(rise[a:b]))
            out[k] = (r + int(np.argmax(hit[r:r + lag + 1]))) / sr
    return out


def _normalise(v: np.ndarray) -> np.ndarray:
    top = float(np.max(v)) if v.size else 0.0
    return np.clip(v / top, 0.0, 1.0) if top > 0 else np.zeros_like(v)


def _score(beats: np.ndarray, env: np.ndarray, env_times: np.ndarray, win: float) -> tuple[np.ndarray, np.ndarray]:
    """Each beat moved onto the strongest onset within ``win`` seconds, and that onset's strength."""
    snapped = beats.astype(float).copy()
    strength = np.zeros(len(beats))
    for k, b in enumerate(beats):
        sel = np.nonzero(np.abs(env_times - b) <= win)[0]
        if sel.size:
            j = sel[np.argmax(env[sel])]
            strength[k], snapped[k] = env[j], env_times[j]
    return snapped, strength


def _place_beats(tracked: np.ndarray, env: np.ndarray, env_times: np.ndarray, bpm: float | None,
                 duration: float) -> np.ndarray:
    """Refine librosa's beats: snap them onto onsets, and, with a known ``bpm``, compare them with a steady
    grid at that tempo (phase fitted to the onset envelope) and keep whichever sits on more onset energy.

    On short clips the tracker's dynamic programme often starts a beat late or slips phase; a steady
    grid cannot, while on long, drifting performances the tracker wins. Beats with no onset under them
    (the tracker keeps its pulse going past the music) are dropped.
    """
    candidates = []
    if tracked.size:
        period = float(np.median(np.diff(tracked))) if tracked.size > 1 else 60.0 / (bpm or 120.0)
        win = min(0.07, period / 8)
        candidates.append((*_score(tracked, env, env_times, win), win))
    if bpm is not None:
        period = 60.0 / bpm
        win = min(0.07, period / 8)
        step = float(env_times[1] - env_times[0])
        phases = np.arange(0.0, period, step)
        grids = [np.arange(ph, duration - 1e-6, period) for ph in phases]
        scores = [float(np.interp(g, env_times, env).sum()) for g in grids]
        best = grids[int(np.argmax(scores))]
        candidates.append((*_score(best, env, env_times, win), win))
    if not candidates:
        return tracked
    snapped, strength, _ = max(candidates, key=lambda c: float(c[1].sum()))
    typical = float(np.median(strength)) if strength.size else 0.0
    return np.unique(snapped[strength >= 0.2 * typical])


def analyse_audio(audio: Audio | str | Path, *, fps: float = 24, bpm: float | None = None,
                  bands: BandsLike = ("low", "mid", "high"), start_bpm: float = 120.0) -> AudioAnalysis:
    """Band envelopes, onsets, beats and tempo of a sound, sampled once per video frame.

    Parameters
    ----------
    audio : Audio or path
        The sound (a path is loaded with :meth:`Audio.load`).
    fps : float
        The video frame rate the curves will drive.
    bpm : float, optional
        The tempo, if you know it. Strongly recommended: automatic estimates often come out at double or
        two-thirds time. With ``bpm`` the beat tracker only places the beats.
    bands : names or (low_hz, high_hz) pairs or {name: (low_hz, high_hz)}
        Frequency bands to follow; names are ``"low"`` (20–200 Hz), ``"mid"`` (200–2500 Hz) and
        ``"high"`` (5–11 kHz).
    start_bpm : float
        Where the tempo estimate starts looking when ``bpm`` is not given.

    Returns
    -------
    AudioAnalysis
        Curves via ``.band("low")``, ``.beat_pulse()``, ``.onset_curve()``; a figure via ``.plot()``.

    Examples
    --------
    >>> import filmkit as fk
    >>> music, truth = fk.synth_music(4.0, bpm=120, seed=0)
    >>> a = fk.analyse_audio(music, fps=24, bpm=120)
    >>> a.tempo, a.n_frames, a.beat_frames[:4].tolist()
    (120.0, 96, [0, 12, 24, 36])
    >>> round(float(a.envelope("low")[a.beat_frames].mean()), 1) > round(float(a.envelope("low").mean()), 1)
    True
    """
    if not isinstance(audio, Audio):
        audio = Audio.load(audio, sample_rate=ANALYSIS_RATE)
    if fps <= 0:
        raise MediaError(f"fps must be positive; got {fps}.")
    if bpm is not None and not 20 <= float(bpm) <= 400:
        raise MediaError(f"bpm must be a tempo between 20 and 400; got {bpm}. Count the beats in 15 s and × 4.")
    band_map = _resolve_bands(bands)
    librosa = require("librosa")
    y = np.ascontiguousarray(audio.mono, dtype=np.float32)
    sr = ANALYSIS_RATE
    if audio.sample_rate != sr:
        y = librosa.resample(y, orig_sr=audio.sample_rate, target_sr=sr).astype(np.float32)
    if len(y) < _N_FFT:
        raise MediaError(f"{audio!r} is too short to analyse; give at least {_N_FFT / sr:.2f} s.")
    n = max(1, int(round(len(y) / sr * fps)))

    # band energies: each band's amplitude, measured around each frame's time (the loudest moment in the
    # half frame either side), so that a kick between two frames counts for the frame nearest to it. (Not
    # the STFT frames that follow a time: a 93 ms window peaks well after a kick, so a kick late in one frame
    # used to peak a frame before its beat marker.)
    times = np.arange(len(y)) / sr
    amps = _band_amplitudes(y, sr, list(band_map.values()))
    envs = [_normalise(_pool_to_frames(e, times, n, fps)) for e in amps]
    defaults = list(DEFAULT_BANDS.values())
    if list(band_map.values()) != defaults:
        amps = _band_amplitudes(y, sr, defaults)
    hit = np.sqrt(np.sum(np.square(amps), axis=0))    # the whole sound's amplitude: where a hit peaks

    # onsets and beats: the same kernels (and dtypes) the workshop installer warms. A short silence in
    # front lets a sound that starts at 0 s register as an onset at 0 s.
    lead = _N_FFT
    y_pad = np.concatenate([np.zeros(lead, np.float32), y])
    onset_env = librosa.onset.onset_strength(y=y_pad, sr=sr, hop_length=_HOP)
    # the spectral-flux envelope reports a transient about one hop late (measured: median +23 ms on kicks);
    # shift it back by that latency rather than "backtracking", which over-corrects
    shift = (lead + _HOP) / sr
    env_times = librosa.frames_to_time(np.arange(len(onset_env)), sr=sr, hop_length=_HOP) - shift
    onset_times = librosa.onset.onset_detect(onset_envelope=onset_env, sr=sr, hop_length=_HOP,
                                             units="time") - shift
    if bpm is not None:
        tempo, beats = librosa.beat.beat_track(onset_envelope=onset_env, sr=sr, hop_length=_HOP,
                                               bpm=float(bpm), units="time", trim=False)
    else:
        tempo, beats = librosa.beat.beat_track(onset_envelope=onset_env, sr=sr, hop_length=_HOP,
                                               start_bpm=float(start_bpm), units="time", trim=False)
    keep = env_times >= -0.5 * _HOP / sr
    env_f, env_t = onset_env[keep].astype(float), env_times[keep]
    beats = _place_beats(np.asarray(beats, float) - shift, env_f, env_t,
                         float(bpm) if bpm is not None else None, len(y) / sr)
    onset_times = onset_times[onset_times >= -0.5 * _HOP / sr]
    # the envelope's hops are 23 ms apart: move each beat and onset onto the peak of its hit, to the sample,
    # and the onset envelope with them: its rise around each onset (a hop before to two after) counts for
    # that onset's frame, and the samples between onsets move by as much as the onsets either side
    beats = _to_hits(beats, hit, sr)
    hits = _to_hits(onset_times, hit, sr)
    if len(onset_times):
        grid = env_t.copy()
        env_t = grid + np.interp(grid, onset_times, hits - onset_times)
        for g, h in zip(np.searchsorted(grid, onset_times - 1e-9), hits):
            env_t[max(g - 1, 0):g + 3] = h

    def to_frames(t: np.ndarray) -> np.ndarray:
        return np.unique(np.clip(_frame_of(t, fps), 0, n - 1)) / fps

    return AudioAnalysis(
        audio=audio, fps=float(fps), bands=band_map, envelopes=np.array(envs),
        onset_strength=_normalise(_pool_to_frames(env_f, env_t, n, fps)),
        onset_times=to_frames(hits), beat_times=to_frames(beats),
        tempo=float(np.atleast_1d(tempo)[0]), bpm_given=bpm is not None)
