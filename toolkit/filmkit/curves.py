"""Keyframed curves: a value that changes over time, eased between keyframes, sampled once per frame.

A :class:`Curve` is a frozen value. Make one with :func:`keyframes` (values at times or frames, an easing per
segment) or :meth:`Curve.from_samples` (straight lines through measured samples, e.g. an audio envelope).
Ask it for a value at any time — ``curve(1.25)`` or ``curve(np.array([...]))`` — or for one value per frame with
:meth:`Curve.sample`. Curves do arithmetic (``2 * c``, ``c + 0.1``, ``a + b``, ``a * b``), and :meth:`Curve.clamp`,
:meth:`Curve.smooth`, :meth:`Curve.scale`, :meth:`Curve.offset` return new curves. Before the first key a curve
holds its first value; after the last, its last value.

Examples
--------
>>> from filmkit.curves import keyframes
>>> zoom = keyframes({0: 1.0, 2.5: 1.2}, ease="ease_in_out_cubic")
>>> zoom(0), round(zoom(1.25), 3), zoom(2.5), zoom(10)
(1.0, 1.1, 1.2, 1.2)
>>> zoom.sample(fps=2).round(3).tolist()
[1.0, 1.006, 1.051, 1.149, 1.194, 1.2]
>>> round((zoom - 1).scale(100)(2.5), 6)
20.0
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np

from .easing import EaseLike, ease_name, get_easing, linear
from .errors import FilmkitError

__all__ = ["Curve", "CurveLike", "as_curve", "keyframes"]

CurveLike = Union["Curve", float, int]
"""A curve, or a number (a constant curve)."""


def _out(t: Any, y: np.ndarray) -> Any:
    return float(y) if np.ndim(t) == 0 else y


@dataclass(frozen=True, eq=False)
class Curve:
    """A value over time: keyframes ``times`` (seconds) → ``values``, eased per segment.

    ``eases`` has one easing per segment (``len(times) - 1``). Curves made by arithmetic on other curves keep
    their keyframe times (for plots) and compute values through ``fn``; you rarely build one by hand.

    Examples
    --------
    >>> import filmkit as fk
    >>> zoom = fk.Curve(times=(0, 2), values=(1.0, 1.5), eases=("ease_in_out_sine",), label="zoom")
    >>> zoom(0), round(zoom(1), 3), zoom(2), zoom(9)          # held after the last key
    (1.0, 1.25, 1.5, 1.5)
    >>> (zoom * 2 - 1).sample(fps=1).round(3).tolist()       # arithmetic makes new curves
    [1.0, 1.5, 2.0]
    """

    times: tuple[float, ...]
    values: tuple[float, ...]
    eases: tuple[EaseLike, ...] = ()
    label: str = ""
    fn: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if len(self.times) == 0:
            raise FilmkitError("a curve needs at least one keyframe, e.g. keyframes({0: 1.0}).")
        if len(self.times) != len(self.values):
            raise FilmkitError(f"a curve needs one value per time; got {len(self.times)} times and "
                               f"{len(self.values)} values.")
        if any(b < a for a, b in zip(self.times, self.times[1:])):
            raise FilmkitError(f"keyframe times must increase; got {list(self.times)}.")
        eases = self.eases or ("linear",) * (len(self.times) - 1)
        if len(eases) != len(self.times) - 1:
            raise FilmkitError(f"a curve with {len(self.times)} keyframes has {len(self.times) - 1} segments; "
                               f"got {len(eases)} easings. Give one easing, or one per segment.")
        for e in eases:
            get_easing(e)  # fail early on a bad name
        object.__setattr__(self, "eases", tuple(eases))
        object.__setattr__(self, "times", tuple(float(t) for t in self.times))
        object.__setattr__(self, "values", tuple(float(v) for v in self.values))

    # --- constructors -------------------------------------------------------------------------------------
    @classmethod
    def constant(cls, value: float, *, label: str = "") -> Curve:
        """A curve that never changes.

        >>> Curve.constant(3.0)(12.5)
        3.0
        """
        return cls((0.0,), (float(value),), label=label)

    @classmethod
    def from_samples(cls, times: Sequence[float] | np.ndarray, values: Sequence[float] | np.ndarray, *,
                     label: str = "") -> Curve:
        """Straight lines through measured samples (an envelope, a track); holds the ends.

        >>> c = Curve.from_samples([0.0, 1.0, 2.0], [0.0, 10.0, 0.0])
        >>> c(0.5), c(1.5), c(5.0)
        (5.0, 5.0, 0.0)
        """
        t = np.asarray(times, dtype=np.float64).ravel()
        v = np.asarray(values, dtype=np.float64).ravel()
        if t.size != v.size or t.size == 0:
            raise FilmkitError(f"from_samples needs as many times as values (at least one); got {t.size} times and "
                               f"{v.size} values.")
        if np.any(np.diff(t) < 0):
            order = np.argsort(t, kind="stable")
            t, v = t[order], v[order]
        if not np.all(np.isfinite(v)):
            raise FilmkitError("from_samples got NaN or infinite values; clean them first (e.g. np.nan_to_num).")
        return cls(tuple(t.tolist()), tuple(v.tolist()), label=label)

    @classmethod
    def from_frames(cls, values: Sequence[float] | np.ndarray, *, fps: float, label: str = "") -> Curve:
        """One value per frame (frame ``i`` at ``i / fps``), straight lines between.

        >>> Curve.from_frames([0, 1, 4], fps=2)(0.75)
        2.5
        """
        v = np.asarray(values, dtype=np.float64).ravel()
        return cls.from_samples(np.arange(v.size) / float(fps), v, label=label)

    # --- reading ------------------------------------------------------------------------------------------
    @property
    def start(self) -> float:
        """Time of the first keyframe (seconds)."""
        return self.times[0]

    @property
    def end(self) -> float:
        """Time of the last keyframe (seconds)."""
        return self.times[-1]

    @property
    def is_constant(self) -> bool:
        """True when the curve has one value everywhere (a single key, or equal keys with no custom ``fn``)."""
        return self.fn is None and len(set(self.values)) == 1

    def __call__(self, t: float | np.ndarray) -> Any:
        """The value at time ``t`` (seconds): a float for a float, an array for an array."""
        x = np.asarray(t, dtype=np.float64)
        if self.fn is not None:
            y = np.asarray(self.fn(x), dtype=np.float64)
            return _out(t, np.broadcast_to(y, x.shape).copy() if y.shape != x.shape else y)
        return _out(t, self._keyed(x))

    def _keyed(self, x: np.ndarray) -> np.ndarray:
        times = np.asarray(self.times)
        values = np.asarray(self.values)
        if times.size == 1:
            return np.full(x.shape, values[0])
        fns = [get_easing(e) for e in self.eases]
        if all(f is linear for f in fns):
            return np.asarray(np.interp(x, times, values), dtype=np.float64)
        seg = np.clip(np.searchsorted(times, x, side="right") - 1, 0, times.size - 2)
        t0, t1 = times[seg], times[seg + 1]
        v0, v1 = values[seg], values[seg + 1]
        span = np.where(t1 > t0, t1 - t0, 1.0)
        u = np.clip((x - t0) / span, 0.0, 1.0)
        u = np.where(t1 > t0, u, 1.0)
        out = np.empty(x.shape, dtype=np.float64)
        seg_fn = np.array([id(f) for f in fns])[seg]
        for f in {id(f): f for f in fns}.values():  # one vectorised call per distinct easing
            m = seg_fn == id(f)
            if np.any(m):
                out[m] = v0[m] + (v1[m] - v0[m]) * np.asarray(f(u[m]), dtype=np.float64)
        return out

    def n_frames(self, fps: float, duration: float | None = None) -> int:
        """How many frames :meth:`sample` returns for this ``fps`` and ``duration``."""
        if duration is None:
            return int(round(self.end * fps)) + 1
        return max(1, int(round(float(duration) * fps)))

    def sample(self, fps: float, duration: float | None = None) -> np.ndarray:
        """One value per frame: frame ``i`` at time ``i / fps``.

        With ``duration`` (seconds) you get ``round(duration * fps)`` frames (the frames of a clip that long);
        without it, every frame from 0 up to and including the last keyframe.

        >>> keyframes({0: 0.0, 1: 1.0}).sample(fps=4).tolist()
        [0.0, 0.25, 0.5, 0.75, 1.0]
        >>> keyframes({0: 0.0, 1: 1.0}).sample(4, duration=1).tolist()
        [0.0, 0.25, 0.5, 0.75]
        """
        if fps <= 0:
            raise FilmkitError(f"fps must be positive; got {fps}.")
        n = self.n_frames(fps, duration)
        return np.asarray(self(np.arange(n) / float(fps)), dtype=np.float64)

    # --- new curves from this one ------------------------------------------------------------------------
    def _map(self, fn: Callable[[np.ndarray], np.ndarray], label: str) -> Curve:
        src = self
        return dataclasses.replace(self, fn=lambda x: fn(np.asarray(src(x), dtype=np.float64)), label=label)

    def scale(self, factor: float) -> Curve:
        """Every value multiplied by ``factor`` (keyframes stay keyframes).

        >>> keyframes({0: 1.0, 1: 2.0}).scale(3).values
        (3.0, 6.0)
        """
        if self.fn is None:
            return dataclasses.replace(self, values=tuple(v * float(factor) for v in self.values))
        return self._map(lambda y: y * float(factor), self.label)

    def offset(self, amount: float) -> Curve:
        """Every value plus ``amount`` (keyframes stay keyframes)."""
        if self.fn is None:
            return dataclasses.replace(self, values=tuple(v + float(amount) for v in self.values))
        return self._map(lambda y: y + float(amount), self.label)

    def clamp(self, low: float | None = None, high: float | None = None) -> Curve:
        """Values limited to ``[low, high]`` (either may be ``None``).

        >>> keyframes({0: -1.0, 1: 2.0}).clamp(0, 1).sample(2).tolist()
        [0.0, 0.5, 1.0]
        """
        if low is not None and high is not None and low > high:
            raise FilmkitError(f"clamp(low={low}, high={high}): low must not be above high.")
        return self._map(lambda y: np.clip(y, low, high), self.label)

    def map(self, fn: Callable[[np.ndarray], np.ndarray], *, label: str | None = None) -> Curve:
        """A curve whose values pass through ``fn`` (vectorised, e.g. ``np.sqrt``)."""
        return self._map(fn, self.label if label is None else label)

    def smooth(self, seconds: float = 0.1, *, fps: float = 24, method: str = "average",
               duration: float | None = None) -> Curve:
        """A smoothed copy, sampled at ``fps``: a centred moving average over ``seconds`` (``method="average"``),
        or a one-pole low-pass with time constant ``seconds`` (``method="one_pole"``, lags like a real filter;
        good for audio envelopes that should fall slowly).

        >>> steps = Curve.from_frames([0, 0, 0, 1, 1, 1], fps=1)
        >>> steps.smooth(3, fps=1).sample(1).round(3).tolist()
        [0.0, 0.0, 0.333, 0.667, 1.0, 1.0]
        """
        if seconds < 0:
            raise FilmkitError(f"smooth(seconds={seconds}): use a positive window in seconds, e.g. 0.1.")
        v = self.sample(fps, duration)
        if method == "average":
            k = max(1, int(round(seconds * fps)))
            if k > 1:
                pad_l, pad_r = (k - 1) // 2, k // 2
                padded = np.concatenate([np.full(pad_l, v[0]), v, np.full(pad_r, v[-1])])
                v = np.convolve(padded, np.ones(k) / k, mode="valid")
        elif method == "one_pole":
            a = 1.0 - np.exp(-1.0 / max(seconds * fps, 1e-9))
            out = np.empty_like(v)
            acc = v[0]
            for i, x in enumerate(v):
                acc += a * (x - acc)
                out[i] = acc
            v = out
        else:
            raise FilmkitError(f"smooth(method={method!r}): use 'average' or 'one_pole'.")
        return Curve.from_frames(v, fps=fps, label=self.label)

    def shift(self, seconds: float) -> Curve:
        """The same curve, later by ``seconds`` (earlier if negative).

        >>> keyframes({0: 0.0, 1: 1.0}).shift(2)(2.5)
        0.5
        """
        times = tuple(t + float(seconds) for t in self.times)
        if self.fn is None:
            return dataclasses.replace(self, times=times)
        src = self
        return dataclasses.replace(self, times=times, fn=lambda x: np.asarray(src(x - float(seconds))))

    def with_label(self, label: str) -> Curve:
        """A copy with this label (used by plots)."""
        return dataclasses.replace(self, label=label)

    # --- arithmetic ----------------------------------------------------------------------------------------
    def _combine(self, other: CurveLike, op: Callable[[np.ndarray, np.ndarray], np.ndarray], sym: str) -> Curve:
        if isinstance(other, (int, float, np.floating, np.integer)):
            k = float(other)
            if sym == "*":
                return self.scale(k)
            if sym == "+":
                return self.offset(k)
            return self._map(lambda y: op(y, np.full_like(y, k)), self.label)
        if not isinstance(other, Curve):
            return NotImplemented
        a, b = self, other
        times = tuple(sorted(set(a.times) | set(b.times)))
        label = f"{a.label or 'a'} {sym} {b.label or 'b'}" if (a.label or b.label) else ""
        return Curve(times, tuple(0.0 for _ in times), label=label,
                     fn=lambda x: op(np.asarray(a(x), np.float64), np.asarray(b(x), np.float64)))

    def __add__(self, other: CurveLike) -> Curve:
        return self._combine(other, np.add, "+")

    __radd__ = __add__

    def __mul__(self, other: CurveLike) -> Curve:
        return self._combine(other, np.multiply, "*")

    __rmul__ = __mul__

    def __sub__(self, other: CurveLike) -> Curve:
        if isinstance(other, (int, float, np.floating, np.integer)):
            return self.offset(-float(other))
        return self._combine(other, np.subtract, "-")

    def __rsub__(self, other: CurveLike) -> Curve:
        return (self * -1.0) + other

    def __truediv__(self, other: CurveLike) -> Curve:
        if isinstance(other, (int, float, np.floating, np.integer)):
            if other == 0:
                raise FilmkitError("cannot divide a curve by 0.")
            return self.scale(1.0 / float(other))
        return self._combine(other, np.divide, "/")

    def __neg__(self) -> Curve:
        return self.scale(-1.0)

    # --- display --------------------------------------------------------------------------------------------
    def plot(self, *, fps: float = 24, duration: float | None = None, ax: Any = None, label: str | None = None,
             **kw: Any) -> Any:
        """A matplotlib Figure of the curve (one point per frame, keyframes marked); shows inline in Jupyter."""
        plt = _pyplot()
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 2.6), dpi=100)
        else:
            fig = ax.figure
        end = self.end if duration is None else duration
        n = max(2, int(round(max(end, 1.0 / fps) * fps)) + 1)
        t = np.arange(n) / fps
        ax.plot(t, self(t), label=label or self.label or None, **kw)
        if self.fn is None and len(self.times) > 1:
            ax.plot(self.times, self.values, "o", ms=4, color=ax.lines[-1].get_color())
        ax.set_xlabel("seconds")
        ax.grid(alpha=0.3)
        if label or self.label:
            ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        plt.close(fig)  # returned for inline display, not shown twice
        return fig

    def _repr_png_(self) -> bytes:
        return figure_png(self.plot())

    def __repr__(self) -> str:
        name = f"{self.label!r}, " if self.label else ""
        if self.fn is not None:
            return f"Curve({name}{self.start:g}–{self.end:g} s, computed)"
        keys = ", ".join(f"{t:g}: {v:g}" for t, v in zip(self.times, self.values))
        eases = {ease_name(e) for e in self.eases}
        ease = f", ease={next(iter(eases))!r}" if len(eases) == 1 else (
            f", eases={[ease_name(e) for e in self.eases]}" if eases else "")
        return f"Curve({name}{{{keys}}}{ease})"


def _pyplot() -> Any:
    from ._lazy import require

    mpl = require("matplotlib")
    import os

    if "MPLBACKEND" not in os.environ and "ipykernel" not in __import__("sys").modules:
        mpl.use("Agg")
    return require("matplotlib.pyplot")


def keyframes(keys: Mapping[float, Any] | Sequence[tuple[float, Any]], *,
              ease: EaseLike | Sequence[EaseLike] = "linear",
              fps: float | None = None, label: str = "") -> Curve:
    """A curve through keyframes ``{time: value}``, eased between them.

    Parameters
    ----------
    keys
        ``{seconds: value}`` (or frames, with ``fps=``). A value may be ``(value, "ease_out_cubic")`` to choose the
        easing of the segment that *arrives* at that key.
    ease
        One easing for every segment, or a list with one per segment.
    fps
        When given, the keys are frame numbers (frame ``f`` is at ``f / fps`` seconds).

    Examples
    --------
    >>> c = keyframes({0: 0.0, 1: (10.0, "ease_out_quad"), 3: 10.0})
    >>> c(0.5), c(2.0)
    (7.5, 10.0)
    >>> keyframes({0: 1.0, 48: 1.2}, fps=24).end
    2.0
    """
    items = sorted(dict(keys).items() if isinstance(keys, Mapping) else list(keys), key=lambda kv: float(kv[0]))
    if not items:
        raise FilmkitError("keyframes() needs at least one key, e.g. keyframes({0: 1.0, 2.5: 1.2}).")
    times, values, arriving = [], [], []
    for k, v in items:
        try:
            t = float(k) / float(fps) if fps else float(k)
        except (TypeError, ValueError):
            raise FilmkitError(f"keyframe time {k!r} is not a number; use seconds (2.5) or frames with fps=.") from None
        e: EaseLike = None
        if isinstance(v, (tuple, list)):
            if len(v) != 2:
                raise FilmkitError(f"keyframe {k!r}: use a number or (value, easing); got {v!r}.")
            v, e = v
        try:
            values.append(float(v))
        except (TypeError, ValueError):
            raise FilmkitError(f"keyframe {k!r} has value {v!r}, which is not a number.") from None
        times.append(t)
        arriving.append(e)
    n_seg = len(times) - 1
    if isinstance(ease, (list, tuple)):
        if len(ease) != n_seg:
            raise FilmkitError(f"{len(times)} keyframes make {n_seg} segments; got {len(ease)} easings.")
        seg = list(ease)
    else:
        seg = [ease] * n_seg
    eases = tuple(arriving[i + 1] if arriving[i + 1] is not None else seg[i] for i in range(n_seg))
    return Curve(tuple(times), tuple(values), eases, label=label)


def as_curve(value: CurveLike | Mapping[float, Any], *, label: str = "") -> Curve:
    """A :class:`Curve` from a curve, a number (constant) or a ``{time: value}`` dict.

    >>> as_curve(2.0)(100.0), as_curve({0: 0, 2: 1})(1.0)
    (2.0, 0.5)
    """
    if isinstance(value, Curve):
        return value
    if isinstance(value, Mapping):
        return keyframes(value, label=label)
    try:
        return Curve.constant(float(value), label=label)
    except (TypeError, ValueError):
        raise FilmkitError(f"expected a Curve, a number or {{time: value}}; got {value!r}.") from None


def figure_png(fig: Any) -> bytes:
    """A matplotlib figure as PNG bytes (how curves, schedules and camera paths display in a notebook)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
