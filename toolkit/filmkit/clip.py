"""``Clip``: a lazy moving picture — a frame function, a frame rate, a length, a size, maybe a sound.

Nothing is rendered until you :meth:`Clip.save` it (or a notebook displays a small preview). Camera moves,
transitions, composites and audio-reactive passes all take clips or stills and return clips, so they
compose freely and stay fast to test: ask for one frame with :meth:`Clip.frame`.

Frames are H×W×3 ``uint8`` RGB arrays. Frame ``i`` shows time ``i / fps``.

Examples
--------
>>> import numpy as np
>>> from filmkit.clip import Clip
>>> red = Clip.solid((255, 0, 0), seconds=2, fps=24, size=(64, 36))
>>> red.n_frames, red.duration, red.frame(0)[0, 0].tolist()
(48, 2.0, [255, 0, 0])
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import numpy as np

from .assets import Asset, Provenance
from .errors import MediaError

if TYPE_CHECKING:
    from .audio import Audio

__all__ = ["Clip", "FrameFn", "TimeLike", "to_seconds", "as_rgb_array", "as_rgba_array"]

FrameFn = Callable[[int], np.ndarray]
TimeLike = "float | int | str"


def to_seconds(t: float | int | str) -> float:
    """Read a time: ``1.5``, ``"1.5"``, ``"00:01.5"``, ``"1:02:03.25"``.

    >>> to_seconds("00:01.5"), to_seconds(2), to_seconds("1:00")
    (1.5, 2.0, 60.0)
    """
    if isinstance(t, (int, float)):
        return float(t)
    s = str(t).strip()
    try:
        parts = [float(p) for p in s.split(":")]
    except ValueError:
        raise ValueError(f"cannot read {t!r} as a time; use seconds (1.5) or mm:ss.ff (\"00:01.5\").") from None
    total = 0.0
    for p in parts:
        total = total * 60 + p
    return total


@dataclass(frozen=True)
class Clip:
    """A lazy clip. Build one with a ``frame_fn(i) -> frame`` or the constructors below.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> def fade_up(i):                              # frame i: grey rising out of black
    ...     return np.full((36, 64, 3), i * 16, np.uint8)
    >>> clip = fk.Clip(fade_up, fps=8, n_frames=16, size=(64, 36), label="fade up")
    >>> clip
    Clip(fade up: 64×36, 2.00 s @ 8 fps, 16 frames)
    >>> clip.frame_at("00:01.5")[0, 0].tolist(), clip.subclip(1, 2).n_frames
    ([192, 192, 192], 8)
    """

    frame_fn: FrameFn = field(repr=False)
    fps: float
    n_frames: int
    size: tuple[int, int]
    audio: "Audio | None" = None
    label: str = ""
    provenance: Provenance | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.n_frames < 1:
            raise MediaError(f"a clip needs at least one frame; got n_frames={self.n_frames}.")
        if self.fps <= 0:
            raise MediaError(f"fps must be positive; got {self.fps}.")

    # --- constructors -------------------------------------------------------------------------------------
    @classmethod
    def from_frames(cls, frames: np.ndarray | list[np.ndarray], *, fps: float, label: str = "") -> "Clip":
        """A clip from frames already in memory."""
        arr = np.asarray(frames)
        if arr.ndim != 4 or arr.shape[3] != 3:
            raise MediaError(f"frames must have shape (N, H, W, 3); got {arr.shape}.")
        arr = arr.astype(np.uint8, copy=False)
        return cls(frame_fn=lambda i: arr[i], fps=fps, n_frames=len(arr), size=(arr.shape[2], arr.shape[1]),
                   label=label)

    @classmethod
    def solid(cls, colour: tuple[int, int, int], *, seconds: float, fps: float = 24,
              size: tuple[int, int] = (1280, 720)) -> "Clip":
        """A clip of one flat colour (black slugs, dips, tests)."""
        frame = np.empty((size[1], size[0], 3), np.uint8)
        frame[:] = colour
        return cls(frame_fn=lambda i: frame, fps=fps, n_frames=max(1, round(seconds * fps)), size=size,
                   label=f"solid {colour}")

    @classmethod
    def still(cls, image: Any, *, seconds: float, fps: float = 24, size: tuple[int, int] | None = None) -> "Clip":
        """A clip that holds one image (an :class:`Asset`, a PIL image, an array or a path)."""
        arr = as_rgb_array(image)
        if size is not None and (arr.shape[1], arr.shape[0]) != tuple(size):
            from PIL import Image

            arr = np.asarray(Image.fromarray(arr).resize(size, Image.Resampling.LANCZOS))
        prov = image.provenance if isinstance(image, Asset) else None
        return cls(frame_fn=lambda i: arr, fps=fps, n_frames=max(1, round(seconds * fps)),
                   size=(arr.shape[1], arr.shape[0]), label="still", provenance=prov)

    @classmethod
    def from_file(cls, path: str | Path, *, size: tuple[int, int] | None = None, stream: bool = False) -> "Clip":
        """A clip of a video file (Runway outputs, live footage, rendered shots); its audio comes along.

        By default every frame is decoded into memory (fine for short clips). With ``stream=True`` frames are
        decoded on demand, in order, keeping one frame in memory: for long shots inside a timeline.
        """
        from ._ffmpeg import probe, read_video

        info = probe(path, count_frames=stream)
        if stream:
            if not info.n_frames or not info.size:
                raise MediaError(f"{Path(path).name} has no video frames.")
            reader = _SequentialReader(Path(path), size)
            clip = cls(frame_fn=reader, fps=info.fps or 24.0, n_frames=info.n_frames, size=size or info.size,
                       label=Path(path).name)
        else:
            frames, fps = read_video(path, size=size)
            clip = cls.from_frames(frames, fps=fps or 24.0, label=Path(path).name)
        if info.has_audio:
            from .audio import Audio

            clip = clip.with_audio(Audio.load(path))
        return clip

    # --- reading --------------------------------------------------------------------------------------------
    @property
    def duration(self) -> float:
        """Length in seconds (``n_frames / fps``)."""
        return self.n_frames / self.fps

    def frame(self, i: int) -> np.ndarray:
        """Frame ``i`` (negative counts from the end)."""
        if i < 0:
            i += self.n_frames
        if not 0 <= i < self.n_frames:
            raise IndexError(f"frame {i} is outside this clip's {self.n_frames} frames.")
        return self.frame_fn(i)

    def frame_at(self, t: float | int | str) -> np.ndarray:
        """The frame showing at time ``t`` (seconds or ``"mm:ss.ff"``)."""
        i = int(np.floor(to_seconds(t) * self.fps + 1e-9))
        return self.frame(min(max(i, 0), self.n_frames - 1))

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame, in order."""
        for i in range(self.n_frames):
            yield self.frame_fn(i)

    # --- copies -----------------------------------------------------------------------------------------------
    def with_audio(self, audio: "Audio | None") -> "Clip":
        """A copy with this sound (``None`` removes it)."""
        return dataclasses.replace(self, audio=audio)

    def with_label(self, label: str) -> "Clip":
        return dataclasses.replace(self, label=label)

    def with_provenance(self, provenance: Provenance) -> "Clip":
        return dataclasses.replace(self, provenance=provenance)

    def map(self, fn: Callable[[np.ndarray, int], np.ndarray], *, label: str | None = None) -> "Clip":
        """A copy whose frames pass through ``fn(frame, i)``."""
        src = self.frame_fn
        return dataclasses.replace(self, frame_fn=lambda i: fn(src(i), i), label=label or self.label)

    def subclip(self, start: float | int | str = 0, end: float | int | str | None = None) -> "Clip":
        """The part between ``start`` and ``end`` seconds."""
        a = int(round(to_seconds(start) * self.fps))
        b = self.n_frames if end is None else int(round(to_seconds(end) * self.fps))
        if not 0 <= a < b <= self.n_frames:
            raise MediaError(f"subclip({start}, {end}) is outside this {self.duration:.2f} s clip.")
        src = self.frame_fn
        audio = self.audio.slice(a / self.fps, b / self.fps) if self.audio is not None else None
        return dataclasses.replace(self, frame_fn=lambda i: src(i + a), n_frames=b - a, audio=audio)

    # --- writing --------------------------------------------------------------------------------------------
    def save(self, path: str | Path, *, crf: int = 18, preset: str = "medium", progress: bool | None = None,
             provenance: Provenance | None = None) -> Asset:
        """Render to an H.264/AAC mp4 (yuv420p, faststart) and return it as an :class:`Asset`.

        The file appears only when the render finished; a failed render leaves nothing half-written.
        """
        from ._ffmpeg import VideoWriter, write_wav
        from ._progress import progress as bar

        out = Path(path)
        wav = None
        if self.audio is not None:
            wav = out.with_name(f".{out.stem}.audio.wav")
            # 2 frames longer than the picture, so ffmpeg's -shortest ends on the last video frame (audio cut
            # exactly to length can end a few samples early after resampling/AAC framing and drop a frame)
            write_wav(wav, self.audio.fit(self.duration + 2 / self.fps).samples, self.audio.sample_rate)
        try:
            with VideoWriter(out, size=self.size, fps=self.fps, crf=crf, preset=preset, audio=wav) as w:
                for f in bar(self.frames(), total=self.n_frames, desc=f"render {out.name}", enabled=progress):
                    w.write(f)
        finally:
            if wav is not None:
                wav.unlink(missing_ok=True)
        prov = provenance or self.provenance or Provenance(provider="filmkit", model="render", operation="render")
        return Asset.from_file(out, prov)

    def preview(self, *, width: int = 320) -> Asset:
        """Render a small, fast preview into the workspace and return it (displays inline)."""
        from .settings import config

        h = int(round(self.size[1] * width / self.size[0] / 2)) * 2
        w = width - width % 2
        key = hashlib.sha256(f"{id(self.frame_fn)}:{self.n_frames}:{self.fps}:{self.size}".encode()).hexdigest()[:12]
        out = config.ensure_workspace() / "previews" / f"{self.label or 'clip'}-{key}.mp4".replace(" ", "_")
        from PIL import Image

        def small(i: int) -> np.ndarray:
            return np.asarray(Image.fromarray(self.frame_fn(i)).resize((w, h), Image.Resampling.BILINEAR))

        small_clip = dataclasses.replace(self, frame_fn=small, size=(w, h))
        return small_clip.save(out, crf=28, preset="veryfast", progress=False)

    def _repr_html_(self) -> str | None:
        return self.preview()._repr_html_()

    def __repr__(self) -> str:
        audio = ", with audio" if self.audio is not None else ""
        return (f"Clip({self.label or 'untitled'}: {self.size[0]}×{self.size[1]}, {self.duration:.2f} s "
                f"@ {self.fps:g} fps, {self.n_frames} frames{audio})")


class _SequentialReader:
    """Decode frames on demand: sequential access is cheap, going back restarts the decoder."""

    def __init__(self, path: Path, size: tuple[int, int] | None) -> None:
        self.path, self.size = path, size
        self._gen: Iterator[np.ndarray] | None = None
        self._next = 0
        self._last: np.ndarray | None = None
        self._last_i = -1

    def __call__(self, i: int) -> np.ndarray:
        from ._ffmpeg import iter_video

        if i == self._last_i and self._last is not None:
            return self._last
        if self._gen is None or i < self._next:
            self._gen = iter_video(self.path, size=self.size)
            self._next = 0
        frame = self._last
        while self._next <= i:
            try:
                frame = next(self._gen)
            except StopIteration:  # a container that reported one frame too many: hold the last one
                if frame is None:
                    raise MediaError(f"{self.path.name} ended before frame {i}.") from None
                self._next = i + 1
                break
            self._next += 1
        assert frame is not None
        self._last, self._last_i = frame, i
        return frame


def as_rgb_array(image: Any) -> np.ndarray:
    """An H×W×3 uint8 RGB array from an :class:`Asset`, a PIL image, a path or an array."""
    if isinstance(image, Asset):
        if image.kind != "image":
            raise MediaError(f"asset {image.id} is a {image.kind}; a still is needed here.")
        image = image.path
    if isinstance(image, (str, Path)):
        from PIL import Image

        p = Path(image)
        if not p.is_file():
            raise MediaError(f"{p} does not exist.")
        with Image.open(p) as im:
            return np.asarray(im.convert("RGB"))
    if hasattr(image, "convert") and hasattr(image, "size"):
        return np.asarray(image.convert("RGB"))
    arr = np.asarray(image)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise MediaError(f"an image array must be H×W×3 (RGB); got shape {arr.shape}.")
    if arr.dtype != np.uint8:
        if np.issubdtype(arr.dtype, np.floating) and arr.max(initial=0) <= 1.0:
            arr = arr * 255.0
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr[:, :, :3])


def as_rgba_array(image: Any, *, what: str = "an image") -> np.ndarray:
    """An H×W×4 uint8 RGBA array from an :class:`Asset`, a PIL image, a path or an RGB/RGBA array (opaque if RGB).

    >>> import numpy as np
    >>> as_rgba_array(np.zeros((2, 3, 3), np.uint8))[0, 0].tolist()
    [0, 0, 0, 255]
    """
    if isinstance(image, Asset):
        image = image.path
    if isinstance(image, (str, Path)) or hasattr(image, "__fspath__"):
        from PIL import Image

        with Image.open(image) as im:
            return np.asarray(im.convert("RGBA"))
    if hasattr(image, "convert") and hasattr(image, "size"):
        return np.asarray(image.convert("RGBA"))
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 4:
        if arr.dtype != np.uint8:
            arr = np.clip(arr * (255 if arr.max(initial=0) <= 1 else 1), 0, 255).astype(np.uint8)
        return arr
    try:
        rgb = as_rgb_array(arr)  # grey, RGB, float in [0, 1]: everything a still may be
    except MediaError:
        raise MediaError(f"{what} must be an RGBA (or RGB) image; got an array of shape {arr.shape}.") from None
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
