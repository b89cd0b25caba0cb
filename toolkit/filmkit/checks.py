"""Checks that teach: assertions for exercises, used by visible and hidden tests alike.

Every ``expect_*`` function measures the thing itself — it decodes the frames of a clip, reads the pixels of
an image, parses the text of a prompt — and never trusts a file name, a label or metadata a learner could
fake. When something is off it raises an :class:`AssertionError` whose message says what it measured, what
the brief needs, and what to change::

    Your clip is 4.2 s long; the shot needs 5 s (±0.1 s). Make it 5 s: seconds=5.

Passing checks return a small value that describes what was measured, so a notebook can show it.

Add a check by writing one function that measures, then calls :func:`_fail` with a sentence for the learner.

Examples
--------
>>> import filmkit as fk
>>> fk.checks.expect_image(fk.sample_frame("dusk"), size=(320, 180), aspect="16:9")
ImageFacts(size=(320, 180), aspect=1.778)
>>> fk.checks.expect_image(fk.sample_frame("dusk"), aspect="2.39:1")
Traceback (most recent call last):
...
AssertionError: Your image is 320×180 (1.78:1); the shot needs 2.39:1. Ask for it with --ar 12:5.
"""
from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CURVE_SHAPES",
    "MOTIONS",
    "ClipFacts",
    "FilmFacts",
    "ImageFacts",
    "SoundFacts",
    "expect_beats_aligned",
    "expect_clip",
    "expect_continuity",
    "expect_curve",
    "expect_disclosure",
    "expect_film",
    "expect_image",
    "expect_palette_close",
    "expect_playable",
    "expect_prompt",
    "expect_soundtrack",
    "expect_subject_on_thirds",
    "measure_clip",
    "measure_motion",
    "measure_sound",
]

#: camera moves :func:`expect_clip` can recognise, and what each looks like in the frame
MOTIONS = {
    "static": "the frame holds still",
    "push-in": "the picture grows: the camera moves closer",
    "pull-out": "the picture shrinks: the camera moves away",
    "pan-left": "the picture slides right: the camera turns left",
    "pan-right": "the picture slides left: the camera turns right",
    "tilt-up": "the picture slides down: the camera tilts up",
    "tilt-down": "the picture slides up: the camera tilts down",
}


def _fail(message: str) -> None:
    __tracebackhide__ = True
    raise AssertionError(message)


def _ratio(aspect: Any) -> float:
    if isinstance(aspect, (int, float)):
        return float(aspect)
    s = str(aspect).strip()
    for sep in (":", "/", "x"):
        if sep in s:
            a, b = s.split(sep, 1)
            try:
                return float(a) / float(b)
            except (ValueError, ZeroDivisionError):
                break
    raise ValueError(f"an aspect ratio looks like '16:9' or '2.39:1'; got {aspect!r}.")


def _ar_hint(aspect: Any) -> str:
    """How to ask Midjourney for an aspect: whole numbers only (2.39:1 becomes 12:5)."""
    from fractions import Fraction

    s = str(aspect).strip()
    if re.fullmatch(r"\d+:\d+", s):
        return s
    f = Fraction(_ratio(aspect)).limit_denominator(10)
    return f"{f.numerator}:{f.denominator}"


def _fmt_ratio(r: float) -> str:
    return f"{r:.2f}:1"


# --- images ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImageFacts:
    """What :func:`expect_image` measured."""

    size: tuple[int, int]
    aspect: float

    def __repr__(self) -> str:
        return f"ImageFacts(size={self.size}, aspect={self.aspect:.3f})"


def _pixels(image: Any, what: str = "image") -> np.ndarray:
    from .clip import as_rgb_array

    if image is None:
        _fail(f"Your {what} is None. Did the cell that makes it run, and does it end by assigning the result?")
    if hasattr(image, "assets") and hasattr(image, "__getitem__") and not isinstance(image, (str, Path)):
        _fail("This is a whole job of images, not one image. Pick one, e.g. job[0].")
    try:
        return as_rgb_array(image)
    except Exception as exc:  # noqa: BLE001 - any unreadable input gets the same advice
        _fail(f"Could not read your {what} as a picture ({exc}). Pass an image: an Asset, a PIL image, "
              "an array or a file path.")
    raise AssertionError  # unreachable


def expect_image(image: Any, *, size: tuple[int, int] | None = None, aspect: Any = None,
                 min_size: tuple[int, int] | None = None, tolerance: float = 0.02) -> ImageFacts:
    """Check an image's real pixel size and aspect ratio.

    Parameters
    ----------
    image
        An :class:`~filmkit.assets.Asset`, a PIL image, an array or a path (the pixels are read).
    size
        Exact ``(width, height)``, if the brief fixes it.
    aspect
        The aspect ratio, ``"16:9"``, ``"2.39:1"`` or a number; matched within ``tolerance`` (relative).
    min_size
        The smallest acceptable ``(width, height)``.
    """
    __tracebackhide__ = True
    arr = _pixels(image)
    h, w = arr.shape[:2]
    r = w / h
    if size is not None and (w, h) != tuple(size):
        _fail(f"Your image is {w}×{h}; the shot needs {size[0]}×{size[1]}. Resize it or generate it at that size.")
    if aspect is not None:
        want = _ratio(aspect)
        if abs(r - want) > tolerance * want:
            _fail(f"Your image is {w}×{h} ({_fmt_ratio(r)}); the shot needs {aspect}. "
                  f"Ask for it with --ar {_ar_hint(aspect)}.")
    if min_size is not None and (w < min_size[0] or h < min_size[1]):
        _fail(f"Your image is {w}×{h}; the shot needs at least {min_size[0]}×{min_size[1]}. Upscale it first.")
    return ImageFacts(size=(w, h), aspect=round(r, 3))


def expect_palette_close(image: Any, palette: Iterable[Any], *, max_distance: float = 10.0,
                         n: int | None = None) -> dict[str, float]:
    """Check that every colour in ``palette`` appears among an image's dominant colours.

    Distances are CIEDE2000 (about 2 is barely visible; 10 is clearly different). ``image`` may also be a
    :class:`~filmkit.look.Palette` (then it is compared as is); otherwise its palette is extracted with ``n``
    colours (default: as many as the targets, at least 5). Returns each target's nearest distance.

    >>> import filmkit as fk
    >>> fk.checks.expect_palette_close(fk.sample_frame("dusk"), ["#1e3750"])
    {'#1e3750': 0.0}
    """
    __tracebackhide__ = True
    from .look import Palette, _colour
    from .look import palette as extract

    targets = list(palette)
    pal = image if isinstance(image, Palette) else extract(_pixels(image), n=n or min(max(len(targets), 5), 16))
    out: dict[str, float] = {}
    for target in targets:
        try:
            rgb = _colour(target)
        except Exception as exc:  # noqa: BLE001
            _fail(str(exc))
        name = "#{:02x}{:02x}{:02x}".format(*rgb)
        near, d = pal.nearest(rgb)
        if d > max_distance:
            _fail(f"The colour {name} is not in your frame: the closest of its main colours is "
                  f"{'#{:02x}{:02x}{:02x}'.format(*near)}, ΔE {d:.1f} away (the brief allows {max_distance:g}). "
                  f"Its palette is {', '.join(pal.hex)}.")
        out[name] = round(d, 2)
    return out


def expect_subject_on_thirds(image: Any, *, max_offset: float = 0.08) -> tuple[float, float]:
    """Check that the frame's subject sits near a rule-of-thirds power point; returns the subject point."""
    __tracebackhide__ = True
    from .look import subject_point, thirds_offset

    pt = subject_point(_pixels(image))
    off = thirds_offset(pt)
    if off > max_offset:
        _fail(f"Your subject sits at ({pt[0]:.2f}, {pt[1]:.2f}) of the frame, {off:.2f} from the nearest "
              f"thirds point (the brief allows {max_offset:g}). Move it towards (0.33 or 0.67, 0.33 or 0.67).")
    return pt


# --- clips -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClipFacts:
    """What :func:`measure_clip` found by decoding a clip's frames."""

    n_frames: int
    fps: float
    size: tuple[int, int]
    seconds: float
    motion: str
    zoom: float
    shift: tuple[float, float]

    def __repr__(self) -> str:
        return (f"ClipFacts({self.size[0]}×{self.size[1]}, {self.seconds:.2f} s @ {self.fps:g} fps, "
                f"{self.n_frames} frames, motion={self.motion!r})")


def _frames_of(clip: Any, *, max_samples: int = 9) -> tuple[list[np.ndarray], int, float, tuple[int, int]]:
    """Sampled frames, the real frame count, fps and size of a Clip, an Asset or a video file."""
    from .assets import Asset
    from .clip import Clip

    if isinstance(clip, Clip):
        idx = np.unique(np.linspace(0, clip.n_frames - 1, min(max_samples, clip.n_frames)).round().astype(int))
        return [np.asarray(clip.frame(int(i))) for i in idx], clip.n_frames, float(clip.fps), clip.size
    if isinstance(clip, Asset):
        if clip.kind != "video":
            _fail(f"This is a{'n' if clip.kind[0] in 'aeiou' else ''} {clip.kind}, not a clip. "
                  "Animate a still first (for example fk.push_in(image, seconds=5)).")
        clip = clip.path
    if isinstance(clip, (str, Path)):
        from ._ffmpeg import iter_video, probe

        p = Path(clip)
        if not p.is_file():
            _fail(f"There is no video at {p}. Save your clip first (clip.save(...)) and pass what it returns.")
        try:
            info = probe(p, count_frames=False)
            frames = list(iter_video(p))
        except Exception as exc:  # noqa: BLE001
            _fail(f"Could not decode {p.name} as video ({exc}). Render it again with clip.save(...).")
        if not frames or not info.fps:
            _fail(f"{p.name} has no video frames. Render it again with clip.save(...).")
        n = len(frames)
        idx = np.unique(np.linspace(0, n - 1, min(max_samples, n)).round().astype(int))
        h, w = frames[0].shape[:2]
        return [frames[i] for i in idx], n, float(info.fps), (w, h)  # type: ignore[arg-type]
    _fail(f"Expected a clip (a Clip, a saved video Asset or a video path); got {type(clip).__name__}.")
    raise AssertionError  # unreachable


def _grey(frame: np.ndarray, width: int = 160) -> np.ndarray:
    from .look import _small

    return np.asarray(_small(frame, width).astype(np.float32).mean(axis=2) / 255.0)


def _pair_motion(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """(log scale, dx, dy) of ``b`` relative to ``a``; dx, dy as fractions of the width/height (content moving
    right/down is positive)."""
    from ._lazy import require

    cv2 = require("cv2")
    h, w = a.shape
    # Phase correlation finds large shifts robustly; ECC then refines scale and sub-pixel position from there.
    # (Started from no motion, ECC can lock onto a wrong optimum when the picture slides several pixels.)
    (sx, sy), _ = cv2.phaseCorrelate(a.astype(np.float64), b.astype(np.float64))
    warp = np.array([[1, 0, sx], [0, 1, sy]], dtype=np.float32)
    try:
        _, warp = cv2.findTransformECC(a, b, warp, cv2.MOTION_AFFINE,
                                       (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5), None, 5)
    except cv2.error:  # featureless or too different: translation only
        return 0.0, sx / w, sy / h
    A = warp[:, :2].astype(np.float64)
    scale = math.sqrt(max(abs(np.linalg.det(A)), 1e-9))
    # the warp maps a point of `a` to where it is in `b`, about the top-left corner; express about the centre
    c = np.array([w / 2, h / 2])
    moved = A @ c + warp[:, 2] - c
    return math.log(scale), float(moved[0] / w), float(moved[1] / h)


def measure_motion(frames: Sequence[np.ndarray], *, threshold: float = 0.02) -> tuple[str, float, float, float]:
    """Classify the camera move across ``frames`` (registered pairwise with ECC, phase correlation as fallback).

    Returns ``(motion, zoom, dx, dy)``: ``zoom`` is how much bigger the last frame's picture is than the
    first's (1.0 = same), ``dx``/``dy`` how far the picture slid, as fractions of the frame.
    """
    if len(frames) < 2:
        return "static", 1.0, 0.0, 0.0
    grey = [_grey(f) for f in frames]
    logz = dx = dy = 0.0
    for a, b in itertools.pairwise(grey):
        s, x, y = _pair_motion(a, b)
        logz, dx, dy = logz + s, dx + x, dy + y
    zoom = math.exp(logz)
    moves = {"push-in": logz, "pull-out": -logz, "pan-left": dx, "pan-right": -dx, "tilt-up": dy,
             "tilt-down": -dy}
    best = max(moves, key=lambda k: moves[k])
    motion = best if moves[best] > threshold else "static"
    return motion, zoom, dx, dy


def measure_clip(clip: Any) -> ClipFacts:
    """Decode a clip (or a few of its frames) and measure its length, rate, size and camera move."""
    __tracebackhide__ = True
    frames, n, fps, size = _frames_of(clip)
    motion, zoom, dx, dy = measure_motion(frames)
    return ClipFacts(n_frames=n, fps=fps, size=size, seconds=n / fps, motion=motion, zoom=round(zoom, 3),
                     shift=(round(dx, 3), round(dy, 3)))


def expect_clip(clip: Any, *, seconds: float | None = None, fps: float | None = None,
                size: tuple[int, int] | None = None, motion: str | None = None,
                tolerance: float = 0.1) -> ClipFacts:
    """Check a clip's length, frame rate, size and camera move by decoding and registering its frames.

    Parameters
    ----------
    clip
        A :class:`~filmkit.clip.Clip`, a saved video :class:`~filmkit.assets.Asset`, or a video path.
    seconds
        The length the shot needs, within ``tolerance`` seconds.
    fps, size
        The frame rate and ``(width, height)`` it needs.
    motion
        One of :data:`MOTIONS` (``"push-in"``, ``"pull-out"``, ``"pan-left"`` …).

    Examples
    --------
    >>> import filmkit as fk
    >>> short = fk.Clip.solid((20, 20, 20), seconds=4.2, fps=24, size=(64, 36))
    >>> fk.checks.expect_clip(short, seconds=5)
    Traceback (most recent call last):
    ...
    AssertionError: Your clip is 4.2 s long; the shot needs 5 s (±0.1 s). Make it 5 s: seconds=5.
    """
    __tracebackhide__ = True
    if motion is not None and motion not in MOTIONS:
        raise ValueError(f"unknown motion {motion!r}; use one of {', '.join(MOTIONS)}.")
    facts = measure_clip(clip)
    if seconds is not None and abs(facts.seconds - seconds) > tolerance:
        _fail(f"Your clip is {facts.seconds:.1f} s long; the shot needs {seconds:g} s (±{tolerance:g} s). "
              f"Make it {seconds:g} s: seconds={seconds:g}.")
    if fps is not None and abs(facts.fps - fps) > 0.01:
        _fail(f"Your clip runs at {facts.fps:g} fps; the shot needs {fps:g} fps. Render it with fps={fps:g}.")
    if size is not None and facts.size != tuple(size):
        _fail(f"Your clip is {facts.size[0]}×{facts.size[1]}; the shot needs {size[0]}×{size[1]}. "
              f"Render it with size={tuple(size)}.")
    if motion is not None and facts.motion != motion:
        seen = "no camera move" if facts.motion == "static" else f"a {facts.motion}"
        _fail(f"Your clip shows {seen} (the picture grew ×{facts.zoom:.2f} and slid "
              f"{facts.shift[0]:+.2f}, {facts.shift[1]:+.2f} of the frame); the shot needs a {motion}: "
              f"{MOTIONS[motion]}.")
    return facts


# --- curves and timing -------------------------------------------------------------------------------------------
CURVE_SHAPES = ("rising", "falling", "linear", "ease-in", "ease-out", "ease-in-out", "hold")


def _samples(curve: Any, *, fps: float, duration: float | None) -> np.ndarray:
    if hasattr(curve, "sample"):
        return np.asarray(curve.sample(fps=fps, duration=duration), dtype=float)
    if callable(curve):
        if duration is None:
            raise ValueError("a plain function needs duration= (seconds) to be sampled.")
        t = np.arange(max(2, round(duration * fps) + 1)) / fps
        return np.asarray([float(curve(x)) for x in t])
    return np.asarray(list(curve), dtype=float)


def expect_curve(curve: Any, *, start: float | None = None, end: float | None = None, shape: str | None = None,
                 duration: float | None = None, fps: float = 24, tolerance: float = 0.02) -> np.ndarray:
    """Check a motion curve by sampling it: its first and last values, and its shape.

    ``curve`` is a :class:`~filmkit.curves.Curve`, any function of time (with ``duration=``), or the values
    per frame. ``shape`` is one of :data:`CURVE_SHAPES`: ``"ease-in"`` starts slowly (the first fifth of the
    time covers well under a fifth of the change), ``"ease-out"`` ends slowly, ``"ease-in-out"`` does both,
    ``"linear"`` changes evenly, ``"hold"`` does not change. Returns the samples.

    >>> import filmkit as fk
    >>> fk.checks.expect_curve([1.0, 1.01, 1.05, 1.12, 1.2], start=1, end=1.2, shape="ease-in").round(2).tolist()
    [1.0, 1.01, 1.05, 1.12, 1.2]
    >>> fk.checks.expect_curve([1.0, 1.05, 1.1, 1.15, 1.2], shape="ease-out")
    Traceback (most recent call last):
    ...
    AssertionError: Your curve changes evenly; the shot needs an ease-out: it should slow down into its last value. Use an easing such as ease="ease_out_cubic".
    """
    __tracebackhide__ = True
    if shape is not None and shape not in CURVE_SHAPES:
        raise ValueError(f"unknown curve shape {shape!r}; use one of {', '.join(CURVE_SHAPES)}.")
    y = _samples(curve, fps=fps, duration=duration)
    if y.size < 2:
        _fail("Your curve has fewer than two samples; give it a start and an end keyframe.")
    span = float(np.ptp(y)) or 1.0
    tol = tolerance * max(span, abs(float(y[0])), 1e-9)
    if start is not None and abs(y[0] - start) > tol:
        _fail(f"Your curve starts at {y[0]:.3g}; the shot needs {start:g}. Set the first keyframe to {start:g}.")
    if end is not None and abs(y[-1] - end) > tol:
        _fail(f"Your curve ends at {y[-1]:.3g}; the shot needs {end:g}. Set the last keyframe to {end:g}.")
    if shape is None:
        return y
    change = float(y[-1] - y[0])
    d = np.diff(y)
    if shape == "hold":
        if np.ptp(y) > tol:
            _fail(f"Your curve moves from {y.min():.3g} to {y.max():.3g}; the shot needs it to hold still.")
        return y
    if abs(change) <= tol:
        _fail(f"Your curve ends where it starts ({y[0]:.3g}); the shot needs it to move.")
    sign = 1 if change > 0 else -1
    if shape == "rising" and sign < 0 or shape == "falling" and sign > 0:
        _fail(f"Your curve goes from {y[0]:.3g} to {y[-1]:.3g}; the shot needs it {shape}.")
    if shape in ("linear", "ease-in", "ease-out", "ease-in-out"):
        if np.any(sign * d < -tol):
            _fail(f"Your curve turns back on itself (it goes from {y[0]:.3g} to {y[-1]:.3g} but not steadily); "
                  f"the shot needs one smooth {shape} move.")
        n = len(y) - 1
        k = max(1, n // 5)
        first, last = (y[k] - y[0]) / change, (y[-1] - y[-1 - k]) / change
        even = k / n
        slow_start, slow_end = first < 0.6 * even, last < 0.6 * even
        seen = ("an ease-in-out" if slow_start and slow_end else "an ease-in" if slow_start else
                "an ease-out" if slow_end else "changes evenly")
        want = {"linear": (False, False), "ease-in": (True, False), "ease-out": (False, True),
                "ease-in-out": (True, True)}[shape]
        if (slow_start, slow_end) != want:
            how = {"linear": "change evenly from start to end", "ease-in": "start slowly and speed up",
                   "ease-out": "slow down into its last value", "ease-in-out": "start and end slowly"}[shape]
            ease = {"linear": "linear", "ease-in": "ease_in_cubic", "ease-out": "ease_out_cubic",
                    "ease-in-out": "ease_in_out_cubic"}[shape]
            is_ = "is " if seen.startswith("an") else ""
            _fail(f"Your curve {is_}{seen}; the shot needs {'a linear move' if shape == 'linear' else 'an ' + shape}: "
                  f"it should {how}. Use an easing such as ease=\"{ease}\".")
    return y


def expect_beats_aligned(cuts: Iterable[float], beats: Iterable[float], *, max_offset: float = 0.05) -> list[float]:
    """Check that every cut (or accent) lands on a beat: within ``max_offset`` seconds of the nearest one.

    Returns each cut's offset from its nearest beat (seconds, signed: negative is early).

    >>> import filmkit as fk
    >>> fk.checks.expect_beats_aligned([0.5, 1.02], beats=[0.0, 0.5, 1.0, 1.5])
    [0.0, 0.02]
    >>> fk.checks.expect_beats_aligned([0.5, 1.2], beats=[0.0, 0.5, 1.0, 1.5])
    Traceback (most recent call last):
    ...
    AssertionError: Your cut at 1.20 s is 0.20 s late for the beat at 1.00 s; the brief allows 0.05 s. Move it to 1.00 s (or 1.50 s).
    """
    __tracebackhide__ = True
    b = np.sort(np.asarray(list(beats), dtype=float))
    if b.size == 0:
        _fail("There are no beats to align to; detect them first (e.g. with the audio tools) and pass their times.")
    offsets = []
    for c in cuts:
        c = float(c)
        i = int(np.argmin(np.abs(b - c)))
        off = c - b[i]
        if abs(off) > max_offset:
            other = b[i + 1] if off > 0 and i + 1 < b.size else b[i - 1] if off < 0 and i > 0 else None
            alt = f" (or {other:.2f} s)" if other is not None else ""
            _fail(f"Your cut at {c:.2f} s is {abs(off):.2f} s {'late' if off > 0 else 'early'} for the beat at "
                  f"{b[i]:.2f} s; the brief allows {max_offset:g} s. Move it to {b[i]:.2f} s{alt}.")
        offsets.append(round(float(off), 3))
    return offsets


# --- prompts ---------------------------------------------------------------------------------------------------
def _flag(name: str) -> str:
    """How a parameter is written: --ar for aspect (as everyone writes it), else --name."""
    name = _canonical(name)
    return "--ar" if name == "aspect" else f"--{name}"


def _canonical(name: str) -> str:
    try:
        from ._mj_params import ALIASES

        return ALIASES.get(name.lstrip("-"), name.lstrip("-"))
    except ImportError:  # pragma: no cover - the table ships with filmkit
        return name.lstrip("-")


def expect_prompt(prompt: Any, *, version: str | None = None, requires: Sequence[str] = (),
                  values: Mapping[str, Any] | None = None, contains: Sequence[str] = ()) -> Any:
    """Check a Midjourney prompt: it parses, passes validation for ``version``, and carries what the brief needs.

    Parameters
    ----------
    prompt
        Prompt text or a :class:`~filmkit.prompts.Prompt`.
    version
        The model version it must be valid for (``"6.1"``, ``"7"``, ``"niji 6"`` …).
    requires
        Parameters that must be present (``"ar"``/``"aspect"``, ``"seed"`` …; short or long names).
    values
        Parameters that must have a given value (``{"ar": "2.39:1"}``).
    contains
        Words or phrases the prompt text must contain (case-insensitive).

    Returns the parsed :class:`~filmkit.prompts.Prompt`.
    """
    __tracebackhide__ = True
    from . import prompts as P
    from .errors import PromptError

    if prompt is None or (isinstance(prompt, str) and not prompt.strip()):
        _fail("Your prompt is empty. Write the subject first, then the parameters, e.g. "
              "'lighthouse at dusk, wide shot --ar 16:9 --seed 7'.")
    try:
        parsed = prompt if isinstance(prompt, P.Prompt) else P.parse_prompt(str(prompt))
    except PromptError as exc:
        _fail(f"Your prompt cannot be read: {exc}")
    try:
        problems = P.validate_prompt(parsed, version=version) if version is not None else P.validate_prompt(parsed)
    except PromptError as exc:
        _fail(f"Your prompt cannot be checked: {exc}")
    errors = [p for p in problems if getattr(p, "severity", "error") == "error"]
    if errors:
        where = f" for version {version}" if version else ""
        lines = "\n".join(f"  - {getattr(p, 'message', p)}" for p in errors)
        _fail(f"Your prompt is not valid{where}:\n{lines}")
    params = {_canonical(k): v for k, v in dict(parsed.params).items()}
    missing = [r for r in requires if _canonical(r) not in params]
    if missing:
        _fail(f"Your prompt needs {', '.join(_flag(m) for m in missing)}; "
              f"it has {', '.join(_flag(k) for k in params) or 'no parameters'}.")
    for name, want in (values or {}).items():
        have = params.get(_canonical(name))
        if have is None or str(have).strip().lower() != str(want).strip().lower():
            _fail(f"Your prompt has {_flag(name)} {have if have is not None else '(missing)'}; "
                  f"the brief needs {_flag(name)} {want}.")
    text = str(getattr(parsed, "text", parsed)).lower()
    for word in contains:
        if word.lower() not in text:
            _fail(f"Your prompt does not mention {word!r}; the brief asks for it.")
    return parsed


# --- a finished film (the capstone) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class FilmFacts:
    """What :func:`expect_film` measured in a rendered film and its paperwork.

    >>> from pathlib import Path
    >>> from filmkit.checks import FilmFacts
    >>> FilmFacts(path=Path("film.mp4"), seconds=13.5, cut=8.5, tail=5.0, size=(320, 180), fps=12.0,
    ...           codecs="h264/yuv420p + aac", shots=3, authors=("A. Learner",), tools=(), credentials="Valid")
    FilmFacts(320×180 @ 12 fps, 13.50 s = 8.5 s cut + 5 s credits, h264/yuv420p + aac, 3 shots, credentials Valid)
    """

    path: Path
    seconds: float                  # the whole film, decoded: the cut plus the credits tail
    cut: float                      # the length it was checked against (declared, or the shots' sum)
    tail: float                     # the end credits after the cut
    size: tuple[int, int]
    fps: float
    codecs: str                     # e.g. "h264/yuv420p + aac"
    shots: int
    authors: tuple[str, ...]
    tools: tuple[str, ...]          # "filmkit previz — previz-1", one per provider and model
    credentials: str                # the content credentials' validation state

    def __repr__(self) -> str:
        return (f"FilmFacts({self.size[0]}×{self.size[1]} @ {self.fps:g} fps, {self.seconds:.2f} s = "
                f"{self.cut:g} s cut + {self.tail:g} s credits, {self.codecs}, {self.shots} shots, "
                f"credentials {self.credentials})")


def _film_files(film: Any) -> tuple[Path, Path, Path, Path, Path]:
    """(film, credits, manifest, storyboard, contact sheet) for a RenderResult, a film Asset or a path."""
    if hasattr(film, "film") and hasattr(film, "manifest") and hasattr(film, "credits"):
        return (Path(film.film.path), Path(film.credits), Path(film.manifest), Path(film.storyboard),
                Path(film.contact_sheet))
    from .assets import Asset

    if isinstance(film, Asset):
        film = film.path
    if not isinstance(film, (str, Path)):
        _fail(f"Expected a rendered film (what fk.render_project returns, or the path of its film.mp4); "
              f"got {type(film).__name__}.")
    p = Path(film)
    if p.is_dir():
        p = p / "film.mp4"
    d = p.parent
    return p, d / "credits.txt", d / "manifest.json", d / "storyboard.png", d / "contact_sheet.png"


def _has_text(frame: np.ndarray) -> bool:
    """A frame of the credits roll: some bright lettering on a dark ground."""
    grey = frame.astype(np.float32).mean(axis=2)
    return bool((grey > 110).mean() > 0.001) and bool(np.median(grey) < 60)


def expect_film(film: Any, project: Any = None, *, length: float | None = None,
                size: tuple[int, int] | None = None, fps: float | None = None, min_shots: int | None = None,
                credentials: bool = True) -> FilmFacts:
    """Check a film rendered from a project file: it decodes, and meets its declared length, size, credits and
    disclosure.

    The checks, in order (the first that fails raises an :class:`AssertionError` that names the number and the fix):

    1. the film decodes (every frame, by ffmpeg);
    2. its length is the project's declared ``length`` (or the shots' sum minus transitions when none is declared)
       plus the end-credits tail, within one frame;
    3. its size and frame rate are the project's; it is H.264 in yuv420p, with an AAC track when there is music;
    4. ``credits.txt``, the storyboard and the contact sheet exist, and the film ends on the credits roll (its last
       seconds show lettering, not an empty frame);
    5. the credits name every author and every provider and model in ``manifest.json``;
    6. the credits carry the AI disclosure, and it names every image/video provider the manifest records (when the
       manifest carries a disclosure of its own, the two must agree);
    7. the film carries valid content credentials (``credentials=False`` skips this).

    Parameters
    ----------
    film
        What :func:`~filmkit.render.render_project` returned, or the path of its ``film.mp4`` (the credits,
        manifest and sheets are read from the same folder).
    project
        The :class:`~filmkit.project.Project` (or its file) the film was rendered from: the length, size, frame
        rate, music and authors it promises. Without it, give ``length``/``size``/``fps`` to check those.
    length, size, fps
        Override (or, without a project, supply) what the film must measure.
    min_shots
        The fewest shots the film may have (counted in the project, or in the manifest).

    Returns a :class:`FilmFacts` to display.

    Examples
    --------
    >>> import filmkit as fk
    >>> fk.checks.expect_film("no_such_folder/film.mp4")
    Traceback (most recent call last):
    ...
    AssertionError: There is no film at no_such_folder/film.mp4. Render your project first: result = fk.render_project("my_film.toml"), then pass result.
    """
    __tracebackhide__ = True
    import json
    from collections import deque

    from ._ffmpeg import iter_video, probe
    from .render import CREDITS_TAIL

    path, credits_path, manifest_path, storyboard, sheet = _film_files(film)
    if not path.is_file():
        _fail(f"There is no film at {path}. Render your project first: "
              f'result = fk.render_project("my_film.toml"), then pass result.')
    if project is not None and not hasattr(project, "shots"):
        from .errors import FileFormatError
        from .project import load_project

        try:
            project = load_project(project)
        except FileFormatError as exc:
            _fail(f"Your project file does not load, so the film cannot be checked against it:\n{exc}")

    # 1. it decodes
    try:
        info = probe(path, count_frames=False)
        fps_seen = float(info.fps or 0.0)
        keep = max(1, round(CREDITS_TAIL * (fps_seen or 24)))
        n = 0
        tail_frames: deque[np.ndarray] = deque(maxlen=keep)   # decode every frame, keep only the last seconds
        w, h = info.size or (320, 180)
        small = (min(w, 320), max(2, round(h * min(w, 320) / w / 2) * 2))   # lettering stays legible at 320 px
        for img in iter_video(path, size=small):
            n += 1
            tail_frames.append(img)
    except Exception as exc:  # noqa: BLE001 - any decoding failure gets the same advice
        _fail(f"{path.name} does not decode as video ({exc}). Render the project again: fk.render_project(...).")
    if n == 0 or not fps_seen or info.size is None:
        _fail(f"{path.name} has no video frames. Render the project again: fk.render_project(...).")
    assert info.size is not None
    seconds = n / fps_seen

    # 2. length: the cut plus the credits tail
    tail = CREDITS_TAIL
    want_fps = fps if fps is not None else (project.fps if project is not None else None)
    cut = length
    if cut is None and project is not None:
        cut = project.length if getattr(project, "length", None) is not None else project.duration
    one_frame = 1.0 / fps_seen
    if cut is not None:
        want = cut + tail
        if abs(seconds - want) > one_frame + 1e-6:
            declared = "declared length" if length is not None or getattr(project, "length", None) else "shots' length"
            _fail(f"Your film is {seconds:.2f} s long; it should be {want:g} s: the {declared} of {cut:g} s plus "
                  f"{tail:g} s of end credits (±1 frame, {one_frame:.3f} s). It is {seconds - want:+.2f} s off: render "
                  "the project file again (fk.render_project), and make [film] length match the shots.")

    # 3. size, frame rate, codecs
    want_size = tuple(size) if size is not None else (project.size if project is not None else None)
    if want_size is not None and tuple(info.size) != want_size:
        _fail(f"Your film is {info.size[0]}×{info.size[1]}; the project declares {want_size[0]}×{want_size[1]}. "
              f'Set size = "{want_size[0]}x{want_size[1]}" under [film] and render again.')
    if want_fps is not None and abs(fps_seen - want_fps) > 0.01:
        _fail(f"Your film runs at {fps_seen:g} fps; the project declares {want_fps:g} fps. Set fps = {want_fps:g} "
              "under [film] and render again.")
    if info.video_codec != "h264" or info.pix_fmt != "yuv420p":
        _fail(f"Your film is {info.video_codec}/{info.pix_fmt}; festivals and browsers need H.264 in yuv420p. "
              "Render it with fk.render_project, which writes exactly that.")
    has_music = project.music is not None if project is not None else info.has_audio
    if has_music and info.audio_codec != "aac":
        got = f"a {info.audio_codec} sound track" if info.has_audio else "no sound track"
        _fail(f"Your film has {got}; the project has music, so it needs an AAC sound track. Render it again with "
              "fk.render_project (and check the [music] table).")
    codecs = f"{info.video_codec}/{info.pix_fmt}" + (f" + {info.audio_codec}" if info.has_audio else "")

    # 4. the paperwork and the credits roll
    for what, p, fix in (("credits file", credits_path, "credits.txt"), ("manifest", manifest_path, "manifest.json"),
                         ("storyboard", storyboard, "storyboard.png"), ("contact sheet", sheet, "contact_sheet.png")):
        if not p.is_file():
            _fail(f"There is no {what} ({fix}) beside the film in {path.parent}. fk.render_project writes it: "
                  "render the whole project again rather than copying the film on its own.")
    shown = sum(_has_text(f) for f in tail_frames)
    if shown < 0.5 * len(tail_frames):
        _fail(f"The last {tail:g} s of your film should roll the end credits, but only {shown} of its last "
              f"{len(tail_frames)} frames show any lettering. Render it with fk.render_project, which ends every film "
              "on its credits and disclosure; do not trim or cover the end.")

    # 5. credits name every author, provider and model
    text = credits_path.read_text(encoding="utf-8")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        _fail(f"manifest.json cannot be read ({exc}). Render the project again.")
    authors = tuple(project.authors) if project is not None else tuple(manifest.get("authors", ()))
    for author in authors:
        if author not in text:
            _fail(f"The credits do not name {author}, an author of the film. Give them a role under [credits], "
                  f'e.g. "Written and directed by" = "{author}".')
    try:
        from .provenance import SHORT_NAMES as short
    except ImportError:  # pragma: no cover - older provenance
        short = {}
    tools = []
    for row in manifest.get("tools", []):
        name = short.get(row.get("provider"), row.get("provider"))
        model = str(row.get("model"))
        tools.append(f"{name} — {model}")
        if name not in text or model not in text:
            _fail(f"The credits do not name {name} ({model}), which made {_made(row)} in this film (manifest.json). "
                  "Credit every tool and model: write the credits from the manifest (fk.render_project does).")

    # 6. the disclosure
    lines = [ln for ln in text.splitlines() if ln.strip().startswith("AI disclosure")]
    if not lines:
        _fail("The credits carry no AI disclosure (a line that starts 'AI disclosure:'). Every film made with these "
              "tools says, in plain words, what was generated and by what: render the credits from the manifest.")
    said = " ".join(lines)
    makers = sorted({a.get("provenance", {}).get("provider") for a in manifest.get("assets", [])} -
                    {"filmkit", "human", "import", None})
    for provider in makers:
        name = short.get(provider, provider)
        if name not in said:
            n = sum(1 for a in manifest.get("assets", []) if a.get("provenance", {}).get("provider") == provider)
            _fail(f"The AI disclosure does not mention {name}, which made {n} of the film's images or clips "
                  "(manifest.json). Name every provider in the disclosure: fk.render_project writes it from the manifest.")
    if manifest.get("disclosure") and " ".join(str(manifest["disclosure"]).split()) not in " ".join(said.split()):
        _fail("The disclosure in the credits differs from the one in manifest.json. Render the project again so both "
              "come from the same manifest.")

    # shots
    shots = len(project.shots) if project is not None else len(
        (manifest.get("film") or {}).get("shots") or [a for a in manifest.get("assets", [])
                                                       if a.get("provenance", {}).get("model") == "shot"])
    if min_shots is not None and shots < min_shots:
        _fail(f"Your film has {shots} shot{'s' if shots != 1 else ''}; the brief needs at least {min_shots}. "
              "Add [[shot]] tables to the project file (and update [film] length).")

    # 7. content credentials
    state = "not checked"
    if credentials:
        from .credentials import read_credentials

        try:
            cred = read_credentials(path)
        except Exception as exc:  # noqa: BLE001 - missing, unreadable or damaged credentials
            _fail(f"{path.name} carries no readable content credentials ({exc}). fk.render_project signs the film "
                  "last; re-render instead of re-encoding or editing the file afterwards.")
        if not cred.valid:
            _fail(f"{path.name}'s content credentials do not validate ({cred.state}: {'; '.join(cred.failures)}): "
                  "the file changed after it was signed. Render it again and do not edit it afterwards.")
        state = cred.state
    return FilmFacts(path=path, seconds=round(seconds, 3), cut=round(cut, 3) if cut is not None else round(seconds - tail, 3),
                     tail=tail, size=(int(info.size[0]), int(info.size[1])), fps=fps_seen, codecs=codecs, shots=shots,
                     authors=authors, tools=tuple(tools), credentials=state)


def _made(row: Mapping[str, Any]) -> str:
    parts = [f"{row[k]} {k}{'s' if row[k] != 1 else ''}" for k in ("image", "video", "audio") if row.get(k)]
    return " and ".join(parts) or "assets"


# --- lesson 12: disclosure and credits ---------------------------------------------------------------------------
_SIGNED_URL = re.compile(r"https?://[^\s?\"']+\?[^\s\"']+")


def expect_disclosure(text: Any, manifest: Any, *, models: bool = False) -> tuple[str, ...]:
    """Check a disclosure or credits text against the film's :class:`~filmkit.provenance.Manifest`.

    The text must name every tool that made an image, clip or sound in the manifest (previz, Runway,
    Midjourney…), every author, and each person in the cast with their consent (or say that a performer is
    synthetic); with ``models=True`` it must also name every model. It must hold no API key and no signed
    download link (a URL with a query string). Returns the names it found.

    Examples
    --------
    >>> import filmkit as fk
    >>> clip = fk.Asset(path="walk.mp4", kind="video", id="w1",
    ...                 provenance=fk.Provenance(provider="runway", model="gen4_turbo"))
    >>> m = fk.Manifest.from_assets("Salt", [clip], authors=["A. Learner"])
    >>> fk.checks.expect_disclosure(fk.credits_text(m), m, models=True)
    ('Runway', 'gen4_turbo', 'A. Learner')
    >>> fk.checks.expect_disclosure("Salt, a film by A. Learner.", m)
    Traceback (most recent call last):
    ...
    AssertionError: Your text does not name Runway, which made 1 video in this film. Name every tool: fk.disclosure(manifest) does.
    """
    __tracebackhide__ = True
    from .assets import _SECRET
    from .provenance import _NOT_MADE, SHORT_NAMES, tool_summary

    if not isinstance(text, str) or not text.strip():
        _fail("Your disclosure is empty. Start from fk.disclosure(manifest) or fk.credits_text(manifest).")
    if not hasattr(manifest, "assets") or not hasattr(manifest, "cast"):
        _fail(f"Pass the film's manifest (fk.Manifest) as the second argument; got {type(manifest).__name__}.")
    low = text.lower()
    if _SECRET.search(text):
        _fail("Your text contains what looks like an API key. Remove it now, and rotate the key in your Runway "
              "account: anything shown in credits is public.")
    url = _SIGNED_URL.search(text)
    if url:
        _fail(f"Your text contains a signed download link ({url.group(0)[:40]}…). Signed links expire and let "
              "anyone download your file: name the tool and model instead.")
    found: list[str] = []
    for row in tool_summary(manifest.assets):
        if row["provider"] in _NOT_MADE:
            continue
        name = SHORT_NAMES.get(row["provider"], row["provider"])
        made = " and ".join(f"{row[k]} {k}{'' if row[k] == 1 else 's'}" for k in ("image", "video", "audio") if row[k])
        short = name.replace("filmkit ", "")
        if short.lower() not in low:
            _fail(f"Your text does not name {name}, which made {made} in this film. Name every tool: "
                  "fk.disclosure(manifest) does.")
        if name not in found:
            found.append(name)
        if models and row["model"].lower() not in low:
            _fail(f"Your text does not name the model {row['model']!r} ({name}, {made}). Credits name every model: "
                  "fk.credits_text(manifest) lists them.")
        if models:
            found.append(row["model"])
    for author in manifest.authors:
        if author.lower() not in low:
            _fail(f"Your text does not name the author {author!r}. Say who made the film.")
        found.append(author)
    for person in manifest.cast:
        where = ", ".join(person.shots) or "the film"
        if person.is_synthetic:
            if "synthetic" not in low:
                _fail(f"Your text does not say that the performer in {where} is synthetic (no real person appears).")
            continue
        if person.name.lower() not in low or "consent" not in low:
            _fail(f"Your text does not say that {person.name} appears in {where} with their written consent.")
        found.append(person.name)
    return tuple(found)


# --- the edit: cuts and soundtrack (lesson 10) -------------------------------------------------------------------
@dataclass(frozen=True)
class SoundFacts:
    """What :func:`measure_sound` heard: the soundtrack's length and its levels in dB below full scale (dBFS).

    ``start_db``/``end_db`` are the first/last half second; ``head_db``/``tail_db`` the first/last 50 ms.
    """

    seconds: float
    level_db: float       # RMS of the whole track
    start_db: float
    end_db: float
    head_db: float
    tail_db: float

    def __repr__(self) -> str:
        return (f"SoundFacts({self.seconds:.2f} s, level {self.level_db:.1f} dBFS; first 0.5 s {self.start_db:.1f}, "
                f"last 0.5 s {self.end_db:.1f}, last 50 ms {self.tail_db:.1f} dBFS)")


def _db(x: np.ndarray) -> float:
    if not x.size:
        return -120.0
    return round(20 * math.log10(math.sqrt(float(np.mean(np.square(x, dtype=np.float64)))) + 1e-6), 1)


def measure_sound(clip: Any) -> SoundFacts:
    """Decode a clip's soundtrack (a Clip's audio, or the audio stream of a video file) and measure its levels.

    Fails with a sentence for the learner when there is no sound at all.

    >>> import filmkit as fk
    >>> music, _ = fk.synth_music(2.0, bpm=120, seed=0)
    >>> fk.checks.measure_sound(fk.Clip.solid((0, 0, 0), seconds=2, fps=12, size=(64, 36)).with_audio(music))
    SoundFacts(2.00 s, level -15.8 dBFS; first 0.5 s -15.9, last 0.5 s -15.9, last 50 ms -44.1 dBFS)
    """
    __tracebackhide__ = True
    from .assets import Asset
    from .clip import Clip

    if isinstance(clip, Clip):
        sound = clip.audio
        if sound is None:
            _fail("Your clip has no sound. Put music under the edit: tl.music(track, fade_out=2).")
        assert sound is not None
        y, sr = np.asarray(sound.mono, np.float32), sound.sample_rate
    else:
        path = clip.path if isinstance(clip, Asset) else clip
        if not isinstance(path, (str, Path)) or not Path(path).is_file():
            _fail(f"There is no video at {path!r}. Render your edit first (tl.render(...)).")
        from ._ffmpeg import probe, read_audio

        if not probe(path, count_frames=False).has_audio:
            _fail(f"{Path(path).name} has no audio stream. Put music under the edit (tl.music(track)) and render "
                  "it again.")
        sr = 22050
        y = read_audio(path, sample_rate=sr)
    half, short = max(1, round(0.5 * sr)), max(1, round(0.05 * sr))
    return SoundFacts(seconds=round(len(y) / sr, 3), level_db=_db(y), start_db=_db(y[:half]), end_db=_db(y[-half:]),
                      head_db=_db(y[:short]), tail_db=_db(y[-short:]))


def expect_soundtrack(clip: Any, *, seconds: float | None = None, fade_in: bool = False, fade_out: bool = False,
                      tolerance: float = 0.1) -> SoundFacts:
    """Check that a clip or rendered film has sound, of the right length, fading in and/or out from/to silence.

    A fade-out passes when the last half second is at least 10 dB below the track's overall level (the music is
    clearly going away: a fade of about 1.5 s or more) and the last 50 ms at least 30 dB below (near-silence, not
    a hard stop). A fade-in is the same at the start.

    Examples
    --------
    >>> import filmkit as fk
    >>> music, _ = fk.synth_music(4.0, bpm=120, seed=0)
    >>> black = fk.Clip.solid((0, 0, 0), seconds=4, fps=12, size=(64, 36))
    >>> tl = fk.Timeline(fps=12, size=(64, 36)).add(black).music(music, fade_in=0, fade_out=0)
    >>> fk.checks.expect_soundtrack(tl.to_clip(), seconds=4, fade_out=True)
    Traceback (most recent call last):
    ...
    AssertionError: Your sound's last half second is only 0.0 dB below the track's level (-15.8 dBFS); the edit needs it to fade out to near-silence. Fade the music out over 2 s or more: tl.music(track, fade_out=2).
    >>> fk.checks.expect_soundtrack(tl.music(music, fade_out=2).to_clip(), seconds=4, fade_out=True).tail_db < -50
    True
    """
    __tracebackhide__ = True
    facts = measure_sound(clip)
    if seconds is not None and abs(facts.seconds - seconds) > tolerance:
        _fail(f"Your sound lasts {facts.seconds:.2f} s; the edit needs {seconds:g} s (±{tolerance:g} s). The "
              "music bed is cut to the film's length: check the film's length first.")
    for wanted, where, half, edge, how in ((fade_in, "first", facts.start_db, facts.head_db, "in from"),
                                           (fade_out, "last", facts.end_db, facts.tail_db, "out to")):
        if not wanted:
            continue
        arg = "fade_in" if where == "first" else "fade_out"
        fix = f"Fade the music {how.split()[0]} over 2 s or more: tl.music(track, {arg}=2)."
        if half > facts.level_db - 10:
            _fail(f"Your sound's {where} half second is only {facts.level_db - half:.1f} dB below the track's level "
                  f"({facts.level_db:.1f} dBFS); the edit needs it to fade {how} near-silence. {fix}")
        if edge > facts.level_db - 30:
            _fail(f"Your sound's {where} 50 ms are {edge:.1f} dBFS, only {facts.level_db - edge:.1f} dB below the "
                  f"track's level; the edit needs it to fade {how} near-silence (30 dB below). {fix}")
    return facts


# --- lesson 11: continuity ------------------------------------------------------------------------------------
def expect_continuity(report: Any, *, flags: Mapping[str, Iterable[str]] | None = None,
                      clean: bool | Iterable[str] = False) -> dict[str, list[str]]:
    """Check a continuity report (:func:`filmkit.continuity_report`): which shots it flags, or that it is clean.

    ``flags={"drift": ["dusk"], "long": ["quay"]}`` needs exactly those shots flagged for each kind named (no
    more, no fewer); ``clean=True`` needs nothing flagged at all, ``clean=["drift"]`` nothing of those kinds.
    Findings you marked ``intended`` do not count. Returns every kind's flagged shots, to show in a notebook.

    >>> import numpy as np, filmkit as fk
    >>> a = np.full((18, 32, 3), 120, np.uint8)
    >>> report = fk.continuity_report({"in": a, "hold": a, "out": a}, seconds=[2, 7, 2])
    >>> fk.checks.expect_continuity(report, flags={"long": ["hold"]}, clean=["drift"])
    {'long': ['hold']}
    >>> fk.checks.expect_continuity(report, clean=True)
    Traceback (most recent call last):
    ...
    AssertionError: The report should be clean, but it flags: long in 'hold': Trim shot 'hold' by 4.0 s ...
    """
    __tracebackhide__ = True
    from .continuity import KINDS, ContinuityReport

    if not isinstance(report, ContinuityReport):
        _fail(f"Expected a continuity report (fk.continuity_report(shots, ...)); got {type(report).__name__}.")
    for kind in [*(flags or {}), *([] if isinstance(clean, bool) else list(clean))]:
        if kind not in KINDS:
            _fail(f"There is no finding kind {kind!r}; the kinds are {', '.join(KINDS)}.")
    for kind, want in (flags or {}).items():
        want_list = [want] if isinstance(want, str) else list(want)
        have = report.flagged(kind)
        missing = [n for n in want_list if n not in have]
        extra = [n for n in have if n not in want_list]
        if missing:
            _fail(f"The report should flag {', '.join(map(repr, missing))} for {kind} ({KINDS[kind]}), but it "
                  f"flags {', '.join(map(repr, have)) or 'nothing'}. Look at report[{missing[0]!r}] and the "
                  "thresholds you set.")
        if extra:
            _fail(f"The report flags {', '.join(map(repr, extra))} for {kind}, which should pass: "
                  + " ".join(f.message for f in report.by_kind(kind) if f.shot in extra))
    if clean:
        kinds = list(KINDS) if clean is True else list(clean)
        left = [f for f in report.findings if f.kind in kinds and f.severity != "intended"]
        if left:
            what = " ".join(f"{f.kind} in {f.shot or '(sequence)'!r}: {f.fix}" for f in left)
            _fail(f"The report should be clean{'' if clean is True else ' of ' + ', '.join(kinds)}, "
                  f"but it flags: {what}")
    return {k: report.flagged(k) for k in KINDS if report.flagged(k)}


def _top_level_boxes(path: Path) -> list[str]:
    """The types of an mp4's top-level boxes, in file order (``ftyp``, ``moov``, ``mdat`` …), read from headers."""
    kinds: list[str] = []
    size = path.stat().st_size
    with path.open("rb") as f:
        pos = 0
        while pos + 8 <= size and len(kinds) < 64:
            f.seek(pos)
            head = f.read(16)
            n, kind = int.from_bytes(head[:4], "big"), head[4:8].decode("latin-1")
            if n == 1 and len(head) >= 16:
                n = int.from_bytes(head[8:16], "big")  # a 64-bit box size
            elif n == 0:
                n = size - pos  # the box runs to the end of the file
            if n < 8:
                break
            kinds.append(kind)
            pos += n
    return kinds


def expect_playable(video: Any, *, audio: bool = True) -> str:
    """Check that a rendered film plays everywhere: H.264 in yuv420p, even size, AAC sound, faststart.

    Reads the file itself (what ffmpeg finds in it, and the order of its mp4 boxes), never its name. Returns a
    one-line description, e.g. ``'h264/yuv420p 160×90 + aac, faststart'``. ``audio=False`` allows a silent film.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import filmkit as fk
    >>> clip = fk.Clip.solid((20, 40, 80), seconds=0.5, fps=12, size=(64, 36))
    >>> film = fk.Timeline(fps=12, size=(64, 36)).add(clip).render(pathlib.Path(tempfile.mkdtemp()) / "a.mp4",
    ...                                                            progress=False)
    >>> fk.checks.expect_playable(film, audio=False)
    'h264/yuv420p 64×36, faststart'
    >>> fk.checks.expect_playable(film)
    Traceback (most recent call last):
    ...
    AssertionError: a.mp4 has no sound. Put music under the edit (tl.music(track)) and render it again.
    """
    __tracebackhide__ = True
    from ._ffmpeg import probe
    from .assets import Asset

    path = Path(video.path if isinstance(video, Asset) else video) if isinstance(video, (Asset, str, Path)) else None
    if path is None or not path.is_file():
        _fail(f"There is no video at {video!r}. Render your edit first: film = tl.render('edit.mp4').")
    assert path is not None
    try:
        info = probe(path, count_frames=False)
    except Exception as exc:  # noqa: BLE001 - any failure to read is the learner's to fix, said plainly
        _fail(f"{path.name} cannot be read as video ({exc}). Render it again with tl.render(...).")
    how = "Render it with tl.render(...), which writes H.264 yuv420p + AAC with faststart."
    if info.video_codec != "h264":
        _fail(f"{path.name} holds {info.video_codec or 'no'} video; H.264 is what plays everywhere. {how}")
    if info.pix_fmt != "yuv420p":
        _fail(f"{path.name} is H.264 in {info.pix_fmt}; phones and TVs play only yuv420p (8-bit 4:2:0). {how}")
    if info.size is None or info.size[0] % 2 or info.size[1] % 2:
        _fail(f"{path.name} is {info.size}; yuv420p needs an even width and height. {how}")
    if audio and not info.has_audio:
        _fail(f"{path.name} has no sound. Put music under the edit (tl.music(track)) and render it again.")
    if info.has_audio and info.audio_codec != "aac":
        _fail(f"{path.name} has {info.audio_codec} sound; AAC is the audio that plays with H.264 in an mp4. {how}")
    boxes = _top_level_boxes(path)
    if "moov" not in boxes or "mdat" not in boxes or boxes.index("moov") > boxes.index("mdat"):
        _fail(f"{path.name} keeps its index (the moov box) after the media, so a browser must download all of it "
              f"before it can play: boxes {boxes}. {how}")
    sound = f" + {info.audio_codec}" if info.has_audio else ""
    w, h = info.size or (0, 0)
    return f"h264/yuv420p {w}×{h}{sound}, faststart"
