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
    "ImageFacts",
    "expect_beats_aligned",
    "expect_clip",
    "expect_curve",
    "expect_image",
    "expect_palette_close",
    "expect_prompt",
    "expect_subject_on_thirds",
    "measure_clip",
    "measure_motion",
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
