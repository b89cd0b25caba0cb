"""Sound as a value: ``Audio`` (samples + rate), loading any format ffmpeg reads, fitting to a length.

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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import MediaError

__all__ = ["Audio", "load_audio"]


@dataclass(frozen=True, eq=False)
class Audio:
    """Float32 samples in [-1, 1], shape (N,) mono or (N, 2) stereo, at ``sample_rate`` Hz."""

    samples: np.ndarray = field(repr=False)
    sample_rate: int = 22050
    label: str = ""

    def __post_init__(self) -> None:
        if self.sample_rate <= 0:
            raise MediaError(f"sample_rate must be positive; got {self.sample_rate}.")

    @classmethod
    def load(cls, path: str | Path, *, sample_rate: int = 22050, mono: bool = True) -> "Audio":
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

    def slice(self, start: float, end: float) -> "Audio":
        """The part between ``start`` and ``end`` seconds."""
        a, b = int(round(start * self.sample_rate)), int(round(end * self.sample_rate))
        return dataclasses.replace(self, samples=self.samples[max(a, 0):max(b, 0)])

    def fit(self, seconds: float) -> "Audio":
        """Exactly ``seconds`` long: cut, or padded with silence."""
        n = int(round(seconds * self.sample_rate))
        s = self.samples[:n]
        if len(s) < n:
            pad = np.zeros((n - len(s),) + s.shape[1:], np.float32)
            s = np.concatenate([s, pad])
        return dataclasses.replace(self, samples=s)

    def gain(self, factor: float | np.ndarray) -> "Audio":
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


def load_audio(path: str | Path, *, sample_rate: int = 22050, mono: bool = True) -> Audio:
    """Load a sound file as :class:`Audio` (same as ``Audio.load``)."""
    return Audio.load(path, sample_rate=sample_rate, mono=mono)
