"""The edit: :class:`Shot` (a frozen value) and :class:`Timeline` (the one mutable builder) → a finished mp4.

A timeline alternates shots and transitions. Two shots side by side are joined by a cut; a transition between
them overlaps the end of one with the start of the next, so the film lasts the sum of its shots minus the
overlaps (exactly, in frames). Titles and lower thirds lie over the edit; a music bed with fades lies under it.
Nothing touches disk until :meth:`Timeline.render`, which writes H.264 (yuv420p) + AAC with faststart.

Sources of a shot
-----------------
- a :class:`~filmkit.clip.Clip` (a camera move, a composite, an audio-reactive pass …);
- a still — an image :class:`~filmkit.assets.Asset`, a PIL image, an array or an image path — held for
  ``seconds`` (default 3), optionally with a camera ``move`` (``"push_in"``, ``"pan"`` … from
  :mod:`filmkit.camera`, or any ``fn(image, *, seconds, fps, size, **move_options) -> Clip``);
- a video — a video :class:`~filmkit.assets.Asset` (e.g. from Runway) or a video path, decoded once per render.

Every source is fitted to the timeline's size. ``fit="cover"`` (the default) scales the picture until it fills
the frame and crops the overflow, centred; ``fit="contain"`` scales it until it fits and letterboxes (or
pillarboxes) with black. Sources at another frame rate are re-timed (nearest earlier frame), never sped up.

Examples
--------
>>> import filmkit as fk
>>> from filmkit.clip import Clip
>>> red = Clip.solid((255, 0, 0), seconds=2, fps=10, size=(64, 36))
>>> blue = Clip.solid((0, 0, 255), seconds=2, fps=10, size=(64, 36))
>>> tl = fk.Timeline(fps=10, size=(64, 36)).add(red).add(fk.crossfade(0.5)).add(blue)
>>> tl.n_frames, tl.duration                       # 20 + 20 − 5 frames
(35, 3.5)
>>> tl.to_clip().frame(17)[0, 0].tolist()          # the middle of the dissolve (frames 15–19)
[128, 0, 128]
>>> print(tl.plan())
Timeline: 64×36 @ 10 fps, 2 shots, 3.50 s (35 frames)
  #1  00:00.00–00:02.00  2.00 s  solid (255, 0, 0)
      crossfade 0.50 s  (00:01.50–00:02.00)
  #2  00:01.50–00:03.50  2.00 s  solid (0, 0, 255)
"""
from __future__ import annotations

import dataclasses
import importlib
import math
import queue
import threading
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ._lazy import require
from .assets import Asset, Provenance
from .audio import Audio
from .clip import Clip, as_rgb_array
from .errors import TimelineError
from .titles import Title, lower_third
from .transitions import Transition

if TYPE_CHECKING:
    from .storyboards import Panel

__all__ = ["FitMode", "MusicBed", "Plan", "Shot", "Timeline", "fit_frame"]

FitMode = Literal["cover", "contain"]
_VIDEO_EXT = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"}
_STILL_SECONDS = 3.0


def fit_frame(frame: np.ndarray, size: tuple[int, int], fit: FitMode = "cover", *, smooth: bool = True) -> np.ndarray:
    """``frame`` scaled to ``size`` (w, h): ``"cover"`` fills and crops (centred), ``"contain"`` letterboxes.

    ``smooth`` shrinks with area averaging (best for stills, fitted once); ``smooth=False`` uses bilinear for
    shrinks down to half size (5× faster, for moving frames) and area averaging only below that.

    >>> import numpy as np
    >>> fit_frame(np.zeros((100, 100, 3), np.uint8), (64, 36), "cover").shape
    (36, 64, 3)
    >>> box = fit_frame(np.full((100, 100, 3), 255, np.uint8), (64, 36), "contain")
    >>> int(box[:, 0].max()), int(box[18, 32, 0])                  # black bars left and right
    (0, 255)
    """
    if fit not in ("cover", "contain"):
        raise TimelineError(f"fit must be 'cover' (fill and crop) or 'contain' (letterbox); got {fit!r}.")
    W, H = size
    h, w = frame.shape[:2]
    if (w, h) == (W, H):
        return frame
    s = max(W / w, H / h) if fit == "cover" else min(W / w, H / h)
    if fit == "cover":
        nw, nh = max(W, math.ceil(w * s - 1e-6)), max(H, math.ceil(h * s - 1e-6))
    else:
        nw, nh = min(W, max(1, round(w * s))), min(H, max(1, round(h * s)))
    if (nw, nh) != (w, h):
        cv2 = require("cv2")
        interp = cv2.INTER_CUBIC if s >= 1 else cv2.INTER_AREA if (smooth or s < 0.5) else cv2.INTER_LINEAR
        frame = cv2.resize(frame, (nw, nh), interpolation=interp)
    if fit == "cover":
        x, y = (nw - W) // 2, (nh - H) // 2
        return np.ascontiguousarray(frame[y:y + H, x:x + W])
    out = np.zeros((H, W, 3), np.uint8)
    x, y = (W - nw) // 2, (H - nh) // 2
    out[y:y + nh, x:x + nw] = frame
    return out


def _fitted(clip: Clip, size: tuple[int, int], fit: FitMode) -> Clip:
    """``clip`` at ``size``; a frame that repeats (a still, a held frame) is fitted once."""
    if clip.size == tuple(size):
        return clip
    src = clip.frame_fn
    last: list[Any] = [None, None]

    def frame(i: int) -> np.ndarray:
        f = src(i)
        memo = last  # read both refs once: safe if two threads ask
        if memo[0] is f:
            return memo[1]  # type: ignore[no-any-return]
        out = fit_frame(f, size, fit, smooth=False)
        last[:] = [f, out]
        return out

    return dataclasses.replace(clip, frame_fn=frame, size=(int(size[0]), int(size[1])))


def _retimed(clip: Clip, fps: float, n: int, start: float = 0.0) -> Clip:
    """``n`` frames at ``fps`` from ``clip`` starting ``start`` s in; the last frame holds if it runs out."""
    src, src_fps, last = clip.frame_fn, clip.fps, clip.n_frames - 1
    if abs(src_fps - fps) < 1e-9:
        a = round(start * fps)
        idx = [min(a + i, last) for i in range(n)]
    else:
        idx = [min(math.floor((start + i / fps) * src_fps + 1e-6), last) for i in range(n)]
    audio = None
    if clip.audio is not None:
        audio = clip.audio.slice(start, clip.duration).fit(n / fps)
    return dataclasses.replace(clip, frame_fn=lambda i: src(idx[i]), fps=fps, n_frames=n, audio=audio)


@dataclass(frozen=True, eq=False)
class Shot:
    """One shot of the edit: a source, how long it lasts, and notes for the storyboard.

    Parameters
    ----------
    source
        A :class:`Clip`, a still (image Asset, PIL image, array, image path) or a video (video Asset, path).
    seconds
        How long it runs. Default: a clip's or video's own length, 3 s for a still. A video shorter than this
        holds its last frame.
    move, move_options
        For stills: a camera move, by name from :mod:`filmkit.camera` (``"push_in"``) or as a function
        ``fn(image, *, seconds, fps, size, **move_options) -> Clip``.
    start
        Seconds into a clip or video where the shot begins (a trim).
    label, description
        A short name (plans, storyboards) and what happens (storyboard captions).
    title
        Text over the shot: a string becomes a lower third for the whole shot; a :class:`Title` is timed from
        the shot's start.
    fit
        ``"cover"`` or ``"contain"``; default: the timeline's.

    Examples
    --------
    >>> import numpy as np
    >>> from filmkit import Shot
    >>> s = Shot(np.zeros((90, 160, 3), np.uint8), seconds=2, label="harbour", description="boats at dawn")
    >>> s.kind, s.seconds_at(24), s.with_seconds(4).seconds
    ('still', 2.0, 4.0)
    """

    source: Any = field(repr=False)
    seconds: float | None = None
    move: str | Callable[..., Clip] | None = None
    move_options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    start: float = 0.0
    label: str = ""
    description: str = ""
    title: Title | str | None = None
    fit: FitMode | None = None

    def __post_init__(self) -> None:
        if self.seconds is not None and not (self.seconds > 0):
            raise TimelineError(f"a shot lasts more than 0 seconds; got seconds={self.seconds!r}.")
        if self.start < 0:
            raise TimelineError(f"a shot's start is seconds into its source, 0 or more; got {self.start!r}.")
        if self.fit not in (None, "cover", "contain"):
            raise TimelineError(f"fit must be 'cover' or 'contain'; got {self.fit!r}.")
        if self.move is not None and self.kind != "still":
            raise TimelineError(f"a camera move ({self.move!r}) needs a still; this shot's source is a {self.kind}. "
                                "Drop move=, or apply the move to the still before making the shot.")
        if isinstance(self.source, Asset) and self.source.kind == "audio":
            raise TimelineError(f"asset {self.source.id} is audio; put music under the film with "
                                "Timeline.music(...), and make shots from images, clips or videos.")

    @property
    def kind(self) -> Literal["clip", "video", "still"]:
        """``"clip"``, ``"video"`` or ``"still"``."""
        src = self.source
        if isinstance(src, Clip):
            return "clip"
        if isinstance(src, Asset):
            return "video" if src.kind == "video" else "still"
        if isinstance(src, (str, Path)) and Path(src).suffix.lower() in _VIDEO_EXT:
            return "video"
        return "still"

    @property
    def name(self) -> str:
        """The label, or something that describes the source."""
        if self.label:
            return self.label
        src = self.source
        if isinstance(src, Clip):
            return src.label or "clip"
        if isinstance(src, Asset):
            return (src.provenance.prompt or src.path.name)[:40]
        if isinstance(src, (str, Path)):
            return Path(src).name
        return self.kind

    def seconds_at(self, fps: float) -> float:
        """How long the shot runs, in seconds, rounded to whole frames at ``fps``."""
        return self.n_frames(fps) / fps

    def n_frames(self, fps: float) -> int:
        """How many frames the shot lasts at ``fps``."""
        if self.seconds is not None:
            sec = self.seconds
        elif isinstance(self.source, Clip):
            sec = self.source.duration - self.start
        elif self.kind == "video":
            sec = self._video_duration() - self.start
        else:
            sec = _STILL_SECONDS
        if sec <= 0:
            raise TimelineError(f"shot {self.name!r} starts at {self.start} s, past the end of its source; "
                                "use a smaller start.")
        return max(1, round(sec * fps))

    def _video_path(self) -> Path:
        return self.source.path if isinstance(self.source, Asset) else Path(self.source)

    def _video_duration(self) -> float:
        if isinstance(self.source, Asset) and self.source.duration:
            return float(self.source.duration)
        from ._ffmpeg import probe

        return probe(self._video_path(), count_frames=False).duration

    def with_seconds(self, seconds: float) -> Shot:
        """A copy lasting ``seconds``."""
        return dataclasses.replace(self, seconds=float(seconds))

    def with_title(self, title: Title | str | None) -> Shot:
        """A copy with this text over it (a string becomes a lower third)."""
        return dataclasses.replace(self, title=title)

    def with_move(self, move: str | Callable[..., Clip] | None, **options: Any) -> Shot:
        """A copy with another camera move (stills only)."""
        return dataclasses.replace(self, move=move, move_options=options)

    def to_clip(self, *, fps: float = 24, size: tuple[int, int] = (1280, 720), fit: FitMode = "cover") -> Clip:
        """The shot as a clip of exactly :meth:`n_frames` frames at ``fps`` and ``size`` (titles not drawn)."""
        fit = self.fit or fit
        n = self.n_frames(fps)
        kind = self.kind
        if kind == "clip":
            clip = _retimed(self.source, fps, n, self.start)
        elif kind == "video":
            clip = _retimed(self._decode(size, fit), fps, n, self.start)
        elif self.move is not None:
            clip = self._moved(fps, size, n)
        else:
            still = fit_frame(as_rgb_array(self.source), size, fit)
            still.setflags(write=False)
            prov = self.source.provenance if isinstance(self.source, Asset) else None
            clip = Clip(frame_fn=lambda i: still, fps=fps, n_frames=n, size=(int(size[0]), int(size[1])),
                        label=self.name,
                        provenance=prov)
        return _fitted(clip, size, fit).with_label(self.name)

    def _decode(self, size: tuple[int, int], fit: FitMode) -> Clip:
        from ._ffmpeg import probe

        path = self._video_path()
        info = probe(path, count_frames=False)
        dec = None
        if info.size:  # decode straight at (about) the output scale: less memory, no second resize
            w, h = info.size
            s = max(size[0] / w, size[1] / h) if fit == "cover" else min(size[0] / w, size[1] / h)
            dec = (max(2, math.ceil(w * s / 2) * 2), max(2, math.ceil(h * s / 2) * 2))
        return Clip.from_file(path, size=dec)

    def _moved(self, fps: float, size: tuple[int, int], n: int) -> Clip:
        move = self.move
        if isinstance(move, str):
            try:
                camera = importlib.import_module("filmkit.camera")
            except ImportError:
                raise TimelineError(f"camera move {move!r} needs filmkit.camera, which is not available; pass "
                                    "a function as move=, or use the still without a move.") from None
            fn = getattr(camera, move.replace("-", "_"), None)
            if not callable(fn):
                names = [k for k in getattr(camera, "__all__", []) if not k[0].isupper()]
                raise TimelineError(f"unknown camera move {move!r}; choose one of {', '.join(names) or '?'}.")
        else:
            assert move is not None
            fn = move
        clip = fn(self.source, seconds=n / fps, fps=fps, size=tuple(size), **dict(self.move_options))
        if not isinstance(clip, Clip):
            raise TimelineError(f"camera move {move!r} returned {type(clip).__name__}, not a Clip.")
        return _retimed(clip, fps, n)

    def thumbnail(self, width: int = 320, *, fps: float = 24, aspect: tuple[int, int] = (16, 9)) -> np.ndarray:
        """The shot's middle frame, ``width`` pixels wide (for storyboards)."""
        h = max(2, round(width * aspect[1] / aspect[0] / 2) * 2)
        if self.kind == "still" and self.move is None:
            return fit_frame(as_rgb_array(self.source), (width, h), self.fit or "cover")
        clip = self.to_clip(fps=fps, size=(width - width % 2, h), fit=self.fit or "cover")
        return clip.frame(clip.n_frames // 2)


@dataclass(frozen=True, eq=False)
class MusicBed:
    """Music under the film: the sound, its level, fades, and where it starts in the film."""

    audio: Audio
    fade_in: float = 1.0
    fade_out: float = 2.0
    volume: float = 1.0
    at: float = 0.0

    def fitted(self, seconds: float, sample_rate: int) -> np.ndarray:
        """Samples for a film of ``seconds``: cut or padded, faded, at ``volume``, resampled to ``sample_rate``."""
        a = _resample(self.audio, sample_rate)
        n = round(seconds * sample_rate)
        lead = min(n, round(self.at * sample_rate))
        body = a.fit((n - lead) / sample_rate).samples[: n - lead]
        gain = np.full(len(body), self.volume, np.float32)
        fi = min(len(body), round(self.fade_in * sample_rate))
        fo = min(len(body), round(self.fade_out * sample_rate))
        if fi:
            gain[:fi] *= np.linspace(0.0, 1.0, fi, dtype=np.float32)
        if fo:
            gain[len(body) - fo:] *= np.linspace(1.0, 0.0, fo, dtype=np.float32)
        body = body * (gain[:, None] if body.ndim == 2 else gain)
        pad = np.zeros((lead,) + body.shape[1:], np.float32)
        return np.concatenate([pad, body]).astype(np.float32)


def _resample(audio: Audio, sample_rate: int) -> Audio:
    if audio.sample_rate == sample_rate or len(audio.samples) == 0:
        return audio
    n = round(len(audio.samples) * sample_rate / audio.sample_rate)
    x_new = np.arange(n) / sample_rate
    x_old = np.arange(len(audio.samples)) / audio.sample_rate
    s = audio.samples
    out = (np.interp(x_new, x_old, s) if s.ndim == 1
           else np.stack([np.interp(x_new, x_old, s[:, c]) for c in range(s.shape[1])], axis=1))
    return dataclasses.replace(audio, samples=out.astype(np.float32), sample_rate=sample_rate)


class Plan(str):
    """The edit as text: shots with in/out times and the transitions between them (displays as a table)."""

    def __repr__(self) -> str:
        return str(self)


def _tc(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m):02d}:{s:05.2f}"


@dataclass(frozen=True)
class _Layout:
    fps: float
    shots: list[Shot]
    starts: list[int]
    lengths: list[int]
    transitions: list[Transition | None]  # between shot i and i+1
    overlaps: list[int]

    @property
    def n_frames(self) -> int:
        return self.starts[-1] + self.lengths[-1]


class Timeline:
    """The edit, built step by step: shots and transitions alternate, titles over, music under.

    ``Timeline(fps=24, size=(1280, 720)).add(shot).add(fk.crossfade(0.5)).add(shot2)``. ``add`` takes a
    :class:`Shot`, or anything a shot is made from (a Clip, an image, an Asset, a path). Every method that
    builds returns the timeline, so calls chain. ``fit`` says how sources of another shape fill the frame
    (``"cover"``: fill and crop; ``"contain"``: letterbox).

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> sky = np.full((36, 64, 3), (40, 60, 120), np.uint8)
    >>> sea = np.full((36, 64, 3), (20, 80, 90), np.uint8)
    >>> tl = (fk.Timeline(fps=8, size=(64, 36))
    ...       .add(sky, seconds=2, label="sky")
    ...       .add(fk.dip_to_black(0.5))
    ...       .add(sea, seconds=2, move="push_in", label="sea")
    ...       .title("TIDE", at=0, seconds=1.5))
    >>> tl.n_frames, tl.duration                                 # 16 + 16 − 4 frames of overlap
    (28, 3.5)
    >>> print(tl.plan())
    Timeline: 64×36 @ 8 fps, 2 shots, 3.50 s (28 frames)
      #1  00:00.00–00:02.00  2.00 s  sky [still]
          dip_to_black 0.50 s  (00:01.50–00:02.00)
      #2  00:01.50–00:03.50  2.00 s  sea [still + push_in]
      title 'TIDE'  00:00.00–00:01.50
    >>> tl.to_clip().frame(-1)[0, 0].tolist()                    # the film ends on the sea
    [20, 80, 90]
    """

    def __init__(self, fps: float = 24, size: tuple[int, int] = (1280, 720), *, fit: FitMode = "cover") -> None:
        if not fps > 0:
            raise TimelineError(f"fps must be positive; got {fps!r} (24 is the film standard).")
        w, h = size
        if w <= 0 or h <= 0 or w % 2 or h % 2:
            raise TimelineError(f"size must be an even width × height for H.264; got {size!r}. "
                                f"Use ({w + w % 2}, {h + h % 2}).")
        if fit not in ("cover", "contain"):
            raise TimelineError(f"fit must be 'cover' (fill and crop) or 'contain' (letterbox); got {fit!r}.")
        self.fps = float(fps)
        self.size = (int(w), int(h))
        self.fit: FitMode = fit
        self.items: list[Shot | Transition] = []
        self.titles: list[Title] = []
        self.music_bed: MusicBed | None = None

    # --- building ---------------------------------------------------------------------------------------------
    def add(self, item: Any, **shot_options: Any) -> Timeline:
        """Append a shot (or anything a shot is made from, with ``Shot`` options) or a transition."""
        pos = len(self.items)
        if isinstance(item, Transition):
            if shot_options:
                raise TimelineError(f"position {pos}: options {sorted(shot_options)} are for shots, not for "
                                    f"{item!r}.")
            if pos == 0:
                raise TimelineError(f"position 0: a timeline starts with a shot, not {item!r}. Add a shot first: "
                                    "Timeline().add(shot).add(fk.crossfade(0.5)).add(shot2).")
            prev = self.items[-1]
            if isinstance(prev, Transition):
                raise TimelineError(f"position {pos}: {item!r} follows another transition ({prev!r} at position "
                                    f"{pos - 1}); put a shot between them, or keep only one.")
            self.items.append(item)
            return self
        if isinstance(item, Shot):
            shot = dataclasses.replace(item, **shot_options) if shot_options else item
        elif isinstance(item, (Clip, Asset, str, Path, np.ndarray)) or hasattr(item, "convert"):
            shot = Shot(item, **shot_options)
        else:
            raise TimelineError(f"position {pos}: cannot add a {type(item).__name__}; add a Shot, a Clip, an image "
                                "or video (Asset, path, array) or a transition such as fk.crossfade(0.5).")
        self.items.append(shot)
        return self

    def pop(self) -> Shot | Transition:
        """Remove and return the last shot or transition (to undo an ``add``)."""
        if not self.items:
            raise TimelineError("the timeline is empty; there is nothing to remove.")
        return self.items.pop()

    def title(self, text: str | Title, subtitle: str = "", *, at: float = 0.0, seconds: float = 3.0,
              kind: Literal["title", "lower_third", "caption"] = "title", fade: float = 0.4) -> Timeline:
        """Lay text over the edit from ``at`` seconds for ``seconds`` (``kind``: title, lower_third, caption)."""
        from .clip import to_seconds

        t = text if isinstance(text, Title) else Title(text, subtitle, kind, to_seconds(at), float(seconds),
                                                         float(fade))
        self.titles.append(t)
        return self

    def lower_third(self, text: str, subtitle: str = "", *, at: float = 0.0, seconds: float = 4.0) -> Timeline:
        """A name (and role) in the lower-left third from ``at`` for ``seconds``."""
        from .clip import to_seconds

        self.titles.append(lower_third(text, subtitle, at=to_seconds(at), seconds=seconds))
        return self

    def music(self, audio: Audio | str | Path | Asset, *, fade_in: float = 1.0, fade_out: float = 2.0,
              volume: float = 1.0, at: float = 0.0) -> Timeline:
        """Put music under the film: cut (or padded with silence) to the film's length, faded in and out.

        ``volume`` multiplies the level (0.5 ≈ −6 dB); ``at`` delays its start. Replaces an earlier bed.
        """
        if isinstance(audio, Asset):
            audio = audio.path
        if isinstance(audio, (str, Path)):
            audio = Audio.load(audio, sample_rate=44100, mono=_is_mono(Path(audio)))
        if not isinstance(audio, Audio):
            raise TimelineError(f"music must be an Audio, an audio Asset or a path; got {type(audio).__name__}.")
        if fade_in < 0 or fade_out < 0 or volume < 0 or at < 0:
            raise TimelineError(f"fades, volume and at are 0 or more; got fade_in={fade_in}, fade_out={fade_out}, "
                                f"volume={volume}, at={at}.")
        self.music_bed = MusicBed(audio, float(fade_in), float(fade_out), float(volume), float(at))
        return self

    # --- reading ----------------------------------------------------------------------------------------------
    @property
    def shots(self) -> list[Shot]:
        """The shots, in order."""
        return [it for it in self.items if isinstance(it, Shot)]

    def _layout(self, fps: float | None = None) -> _Layout:
        fps = float(fps or self.fps)
        if not self.items:
            raise TimelineError("the timeline has no shots; add one with tl.add(fk.Shot(image, seconds=3)).")
        if isinstance(self.items[-1], Transition):
            pos = len(self.items) - 1
            raise TimelineError(f"position {pos}: the timeline ends with {self.items[-1]!r}; add a shot after it, "
                                "or remove it with tl.pop() (end on fk.dip_to_black by adding a black Clip.solid).")
        shots: list[Shot] = []
        trans: list[Transition | None] = []
        pending: Transition | None = None
        for it in self.items:
            if isinstance(it, Transition):
                pending = it
            else:
                if shots:
                    trans.append(pending)
                pending = None
                shots.append(it)
        lengths = [s.n_frames(fps) for s in shots]
        overlaps = [t.n_frames(fps) if t is not None else 0 for t in trans]
        for i, m in enumerate(overlaps):
            left = lengths[i] - (overlaps[i - 1] if i else 0)
            right = lengths[i + 1] - (overlaps[i + 1] if i + 1 < len(overlaps) else 0)
            if m > left or m > right:
                short = i if m > left else i + 1
                raise TimelineError(
                    f"{trans[i]!r} between shots #{i + 1} and #{i + 2} needs {m} frames of each, but shot "
                    f"#{short + 1} ({shots[short].name!r}, {lengths[short] / fps:.2f} s) has only "
                    f"{min(left, right)} frames free of its other transition; shorten the transition or "
                    "lengthen the shot.")
        starts = [0]
        for i in range(1, len(shots)):
            starts.append(starts[-1] + lengths[i - 1] - overlaps[i - 1])
        return _Layout(fps, shots, starts, lengths, trans, overlaps)

    @property
    def n_frames(self) -> int:
        """Frames in the film at the timeline's fps: the shots' frames minus the overlaps."""
        return self._layout().n_frames

    @property
    def duration(self) -> float:
        """Length in seconds (``n_frames / fps``)."""
        return self.n_frames / self.fps

    @property
    def cut_times(self) -> list[float]:
        """Seconds at which each shot after the first comes on screen: the cut, or the start of its transition.

        Times fall on whole frames, so they are exactly what a viewer (and a cut detector) sees.

        Examples
        --------
        >>> import numpy as np
        >>> import filmkit as fk
        >>> grey = np.full((36, 64, 3), 90, np.uint8)
        >>> tl = (fk.Timeline(fps=12, size=(64, 36)).add(grey, seconds=2).add(grey, seconds=1.5)
        ...       .add(fk.crossfade(0.5)).add(grey, seconds=2))
        >>> tl.cut_times                                  # a cut at 2 s; the dissolve starts at 3 s
        [2.0, 3.0]
        """
        lay = self._layout()
        return [round(s / lay.fps, 6) for s in lay.starts[1:]]

    def shot_at(self, t: float | str) -> int:
        """The position (0 = first) of the shot on screen at ``t`` seconds; in a transition, the incoming shot.

        Examples
        --------
        >>> import numpy as np
        >>> import filmkit as fk
        >>> grey = np.full((36, 64, 3), 90, np.uint8)
        >>> tl = fk.Timeline(fps=12, size=(64, 36)).add(grey, seconds=2).add(grey, seconds=2)
        >>> tl.shot_at(0.5), tl.shot_at(2.0), tl.shot_at(99)
        (0, 1, 1)
        """
        from .clip import to_seconds

        lay = self._layout()
        g = self._frame_index(to_seconds(t), lay)
        return max(i for i, s in enumerate(lay.starts) if s <= g)

    def frame_at(self, t: float | str, *, size: tuple[int, int] | None = None) -> np.ndarray:
        """The finished film's frame at ``t`` seconds (titles drawn, transitions blended), as H×W×3 RGB.

        ``t`` is clamped to the film (a time past the end gives the last frame). ``size`` renders it smaller
        (e.g. ``(160, 90)`` for a quick look); only that one frame is computed.

        Examples
        --------
        >>> import numpy as np
        >>> import filmkit as fk
        >>> sky = np.full((36, 64, 3), (40, 60, 120), np.uint8)
        >>> sea = np.full((36, 64, 3), (20, 80, 90), np.uint8)
        >>> tl = fk.Timeline(fps=10, size=(64, 36)).add(sky, seconds=1).add(sea, seconds=1)
        >>> tl.frame_at(0.5)[0, 0].tolist(), tl.frame_at("00:01.5")[0, 0].tolist(), tl.frame_at(1, size=(32, 18)).shape
        ([40, 60, 120], [20, 80, 90], (18, 32, 3))
        """
        from .clip import to_seconds

        lay = self._layout()
        return self.to_clip(size=size).frame(self._frame_index(to_seconds(t), lay))

    @staticmethod
    def _frame_index(t: float, lay: _Layout) -> int:
        return int(min(max(0, math.floor(float(t) * lay.fps + 1e-6)), lay.n_frames - 1))

    def plan(self, *, fps: float | None = None) -> Plan:
        """The edit as a table: each shot's in and out times, and the transitions (overlaps) between them."""
        lay = self._layout(fps)
        f = lay.fps
        plural = "s" if len(lay.shots) != 1 else ""
        lines = [(f"Timeline: {self.size[0]}×{self.size[1]} @ {f:g} fps, {len(lay.shots)} shot{plural}, "
                 f"{lay.n_frames / f:.2f} s ({lay.n_frames} frames)")]
        for i, shot in enumerate(lay.shots):
            if i:
                t, m = lay.transitions[i - 1], lay.overlaps[i - 1]
                if t is not None and m:
                    a = lay.starts[i]
                    lines.append(f"      {t.name} {m / f:.2f} s  ({_tc(a / f)}–{_tc((a + m) / f)})")
            a, n = lay.starts[i], lay.lengths[i]
            extra = f" [{shot.kind}{' + ' + _move_name(shot.move) if shot.move else ''}]" if shot.kind != "clip" else ""
            lines.append(f"  #{i + 1}  {_tc(a / f)}–{_tc((a + n) / f)}  {n / f:.2f} s  {shot.name}{extra}")
        for title in self.titles:
            lines.append(f"  {title.kind} {title.text!r}  {_tc(title.at)}–{_tc(title.end)}")
        if self.music_bed is not None:
            mb = self.music_bed
            lines.append(f"  music {mb.audio.label or 'untitled'} ({mb.audio.duration:.2f} s), fade in "
                         f"{mb.fade_in:g} s, out {mb.fade_out:g} s, volume {mb.volume:g}")
        return Plan("\n".join(lines))

    # --- making -----------------------------------------------------------------------------------------------
    def to_clip(self, *, fps: float | None = None, size: tuple[int, int] | None = None) -> Clip:
        """The whole edit as one lazy :class:`Clip` (titles drawn, music and shots' sound mixed)."""
        lay = self._layout(fps)
        fps_ = lay.fps
        size_ = tuple(size or self.size)
        if size_[0] % 2 or size_[1] % 2 or min(size_) <= 0:
            raise TimelineError(f"size must be an even width × height for H.264; got {size_!r}.")
        clips = [s.to_clip(fps=fps_, size=size_, fit=self.fit) for s in lay.shots]  # type: ignore[arg-type]
        total = lay.n_frames
        a_idx = np.zeros(total, np.int32)
        a_loc = np.zeros(total, np.int32)
        b_idx = np.full(total, -1, np.int32)
        b_loc = np.zeros(total, np.int32)
        t_val = np.zeros(total, np.float64)
        for i, (s, n) in enumerate(zip(lay.starts, lay.lengths)):
            a_idx[s:s + n] = i
            a_loc[s:s + n] = np.arange(n)
        blenders: dict[int, Any] = {}
        for i, (t, m) in enumerate(zip(lay.transitions, lay.overlaps)):
            if t is None or m == 0:
                continue
            s_b = lay.starts[i + 1]
            rng = slice(s_b, s_b + m)
            a_idx[rng] = i
            a_loc[rng] = lay.lengths[i] - m + np.arange(m)
            b_idx[rng] = i + 1
            b_loc[rng] = np.arange(m)
            t_val[rng] = [t.progress(k, m) for k in range(m)]
            blenders[i] = t.blender(size_)  # type: ignore[arg-type]

        overlays = self._overlays(lay)
        fns = [c.frame_fn for c in clips]

        def frame(g: int) -> np.ndarray:
            a = int(a_idx[g])
            f = fns[a](int(a_loc[g]))
            b = int(b_idx[g])
            if b >= 0:
                f = blenders[a](f, fns[b](int(b_loc[g])), float(t_val[g]))
            for g0, g1, title in overlays:
                if g0 <= g < g1:
                    f = title.draw(f, (g - g0) / fps_)
            return f

        audio = self._mix(lay, clips)
        parents = tuple(s.source.id for s in lay.shots if isinstance(s.source, Asset) and s.source.id)
        prov = Provenance(provider="filmkit", model="timeline", operation="edit", parents=parents,
                          request={"shots": len(lay.shots), "fps": fps_, "size": list(size_)})
        return Clip(frame_fn=frame, fps=fps_, n_frames=total, size=size_, audio=audio, label="timeline",  # type: ignore[arg-type]
                    provenance=prov)

    def _overlays(self, lay: _Layout) -> list[tuple[int, int, Title]]:
        fps, total = lay.fps, lay.n_frames
        out: list[tuple[int, int, Title]] = []
        for i, shot in enumerate(lay.shots):
            if shot.title is None:
                continue
            t = shot.title
            if isinstance(t, str):
                t = lower_third(t, seconds=lay.lengths[i] / fps)
            g0 = lay.starts[i] + round(t.at * fps)
            g1 = min(lay.starts[i] + lay.lengths[i], g0 + round(t.seconds * fps))
            if g1 > g0:
                out.append((g0, g1, t.with_timing(0.0, (g1 - g0) / fps)))
        for t in self.titles:
            g0 = round(t.at * fps)
            if g0 >= total:
                raise TimelineError(f"title {t.text!r} starts at {t.at:g} s, after the film ends "
                                    f"({total / fps:.2f} s); use an earlier at=.")
            g1 = min(total, g0 + round(t.seconds * fps))
            out.append((g0, g1, t.with_timing(0.0, (g1 - g0) / fps)))
        return out

    def _mix(self, lay: _Layout, clips: list[Clip]) -> Audio | None:
        sources = [c.audio for c in clips if c.audio is not None]
        if self.music_bed is None and not sources:
            return None
        sr = self.music_bed.audio.sample_rate if self.music_bed is not None else max(a.sample_rate for a in sources)
        stereo = any(a.samples.ndim == 2 for a in sources) or (
            self.music_bed is not None and self.music_bed.audio.samples.ndim == 2)
        seconds = lay.n_frames / lay.fps
        n = round(seconds * sr)
        mix = np.zeros((n, 2) if stereo else (n,), np.float32)

        def add(samples: np.ndarray, at: int) -> None:
            if stereo and samples.ndim == 1:
                samples = np.repeat(samples[:, None], 2, axis=1)
            end = min(n, at + len(samples))
            if end > at:
                mix[at:end] += samples[: end - at]

        if self.music_bed is not None:
            add(self.music_bed.fitted(seconds, sr), 0)
        for i, clip in enumerate(clips):
            if clip.audio is None:
                continue
            s = _resample(clip.audio, sr).fit(clip.duration).samples.astype(np.float32)
            ramp = np.ones(len(s), np.float32)
            fin = round((lay.overlaps[i - 1] if i else 0) / lay.fps * sr)
            fout = round((lay.overlaps[i] if i < len(lay.overlaps) else 0) / lay.fps * sr)
            if fin:
                ramp[:fin] = np.linspace(0, 1, fin, dtype=np.float32)
            if fout:
                ramp[len(s) - fout:] *= np.linspace(1, 0, fout, dtype=np.float32)
            add(s * (ramp[:, None] if s.ndim == 2 else ramp), round(lay.starts[i] / lay.fps * sr))
        np.clip(mix, -1.0, 1.0, out=mix)
        return Audio(mix, sr, label="mix")

    def render(self, path: str | Path, *, fps: float | None = None, size: tuple[int, int] | None = None,
               crf: int = 18, preset: str = "medium", progress: bool | None = None) -> Asset:
        """Write the film: H.264 (yuv420p) + AAC in an mp4 with faststart, at ``fps`` and ``size``
        (default: the timeline's). Shows a progress bar; returns the file as an :class:`Asset`.

        Frames are computed in a feeder thread while ffmpeg encodes; every ffmpeg process opened here is
        closed (or killed on error) before this returns, and a failed render leaves no file behind.
        """
        from ._ffmpeg import VideoWriter, write_wav
        from ._progress import progress as bar

        out = Path(path)
        if out.suffix.lower() not in {".mp4", ".m4v", ".mov"}:
            raise TimelineError(f"render writes H.264 + AAC in an mp4; got {out.name!r}. Use a name ending .mp4.")
        clip = self.to_clip(fps=fps, size=size)
        wav = None
        if clip.audio is not None:
            wav = out.with_name(f".{out.stem}.music.wav")
            # a little longer than the picture: ffmpeg's -shortest then ends on the last video frame (audio cut
            # exactly to the length can end a few samples early and cost the film its last frame)
            write_wav(wav, clip.audio.fit(clip.duration + 2 / clip.fps).samples, clip.audio.sample_rate)
        frames = _produce(clip.frame_fn, clip.n_frames)
        try:
            with VideoWriter(out, size=clip.size, fps=clip.fps, crf=crf, preset=preset, audio=wav) as w:
                for f in bar(frames, total=clip.n_frames, desc=f"render {out.name}", enabled=progress):
                    w.write(f)
        finally:
            frames.close()
            if wav is not None:
                wav.unlink(missing_ok=True)
        assert clip.provenance is not None
        return Asset.from_file(out, clip.provenance)

    # --- display ----------------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        try:
            return str(self.plan())
        except TimelineError as exc:
            return f"Timeline({self.size[0]}×{self.size[1]} @ {self.fps:g} fps, {len(self.items)} items: {exc})"

    def _repr_html_(self) -> str | None:
        import html

        try:
            video = self.to_clip().preview()._repr_html_() or ""
        except TimelineError as exc:
            return f"<pre>{html.escape(str(exc))}</pre>"
        return f"{video}<pre>{html.escape(str(self.plan()))}</pre>"

    def panels(self, *, width: int = 320) -> list[Panel]:
        """One storyboard :class:`~filmkit.storyboards.Panel` per shot (its middle frame, label, length)."""
        from .storyboards import Panel

        lay = self._layout()
        aspect = self.size
        return [Panel(s.thumbnail(width, fps=self.fps, aspect=aspect), number=i + 1,
                      description=s.description or s.label, seconds=lay.lengths[i] / lay.fps)
                for i, s in enumerate(lay.shots)]


def _is_mono(path: Path) -> bool:
    """Whether a sound file has one channel (ffmpeg would up-mix it to stereo 3 dB quieter)."""
    import subprocess

    from ._ffmpeg import ffmpeg_exe

    if not path.is_file():
        raise TimelineError(f"music file {path} does not exist; check the path.")
    res = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True,
                         errors="replace", check=False)
    line = next((ln for ln in res.stderr.splitlines() if "Audio:" in ln), "")
    return " mono" in line


def _move_name(move: Any) -> str:
    return move if isinstance(move, str) else getattr(move, "__name__", "move")


def _produce(frame_fn: Callable[[int], np.ndarray], n: int, *, depth: int = 8) -> Generator[np.ndarray, None, None]:
    """Frames ``0..n-1`` computed in a feeder thread, ``depth`` ahead of the consumer (the encoder's pipe)."""
    q: queue.Queue[Any] = queue.Queue(depth)
    stop = threading.Event()
    end = object()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for i in range(n):
                if not put(frame_fn(i)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer and re-raised there
            put(_Failure(exc))
        put(end)

    thread = threading.Thread(target=work, name="filmkit-frames", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is end:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        stop.set()
        thread.join()


@dataclass
class _Failure:
    exc: BaseException

