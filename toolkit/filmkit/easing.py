"""Easing: how a move speeds up and slows down, as plain functions ``(t) -> value`` on [0, 1].

The names follow https://easings.net (``ease_in_out_cubic`` …). Every function maps 0 to 0 and 1 to 1; between,
``back`` and ``elastic`` overshoot on purpose. Each takes a float *or* a numpy array of ``t`` (so a whole clip's
frames are eased at once) and clips ``t`` to [0, 1] first.

Film craft: a camera that starts and stops at full speed looks mechanical; ``ease_in_out_sine`` feels like an
operator's hands, ``ease_out_cubic`` like a move that lands on its subject, ``ease_out_back`` like an overshoot.

Examples
--------
>>> from filmkit import easing
>>> easing.ease_in_out_cubic(0.5)
0.5
>>> round(easing.ease_in_quad(0.5), 3), round(easing.ease_out_quad(0.5), 3)
(0.25, 0.75)
>>> easing.get_easing("ease_out_bounce")(1.0)
1.0
>>> import numpy as np
>>> easing.linear(np.array([0.0, 0.25, 2.0])).tolist()
[0.0, 0.25, 1.0]
"""
from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from typing import TypeVar, Union, overload

import numpy as np

from .errors import FilmkitError

__all__ = [
    "EASINGS",
    "EaseLike",
    "Easing",
    "ease_in_back",
    "ease_in_bounce",
    "ease_in_circ",
    "ease_in_cubic",
    "ease_in_elastic",
    "ease_in_expo",
    "ease_in_out_back",
    "ease_in_out_bounce",
    "ease_in_out_circ",
    "ease_in_out_cubic",
    "ease_in_out_elastic",
    "ease_in_out_expo",
    "ease_in_out_quad",
    "ease_in_out_quart",
    "ease_in_out_quint",
    "ease_in_out_sine",
    "ease_in_quad",
    "ease_in_quart",
    "ease_in_quint",
    "ease_in_sine",
    "ease_name",
    "ease_out_back",
    "ease_out_bounce",
    "ease_out_circ",
    "ease_out_cubic",
    "ease_out_elastic",
    "ease_out_expo",
    "ease_out_quad",
    "ease_out_quart",
    "ease_out_quint",
    "ease_out_sine",
    "get_easing",
    "linear",
    "unit_interval",
]

Easing = Callable[..., "float | np.ndarray"]
"""An easing function: ``f(t)`` for ``t`` in [0, 1] (a float or an array), with ``f(0) == 0`` and ``f(1) == 1``."""
EaseLike = Union[str, Easing, None]
"""What easing arguments accept: a name (``"ease_in_out_sine"``), a function, or ``None`` for linear."""

F = TypeVar("F", bound=Callable[..., np.ndarray])

_C1 = 1.70158
_C2 = _C1 * 1.525
_C3 = _C1 + 1
_C4 = 2 * np.pi / 3
_C5 = 2 * np.pi / 4.5


@overload
def _out(t: float, y: np.ndarray) -> float: ...
@overload
def _out(t: np.ndarray, y: np.ndarray) -> np.ndarray: ...
def _out(t: float | np.ndarray, y: np.ndarray) -> float | np.ndarray:
    return float(y) if np.ndim(t) == 0 else y


def unit_interval(fn: Callable[[np.ndarray], np.ndarray]) -> Easing:
    """Make ``fn`` (written for an array ``t`` in [0, 1]) accept floats or arrays, clip ``t``, and pin the ends.

    >>> @unit_interval
    ... def half_speed(t):
    ...     return t / 2 + t * t / 2
    >>> half_speed(0.0), half_speed(1.0), half_speed(3.0)
    (0.0, 1.0, 1.0)
    """

    @functools.wraps(fn)
    def eased(t: float | np.ndarray) -> float | np.ndarray:
        x = np.clip(np.asarray(t, dtype=np.float64), 0.0, 1.0)
        y = np.asarray(fn(x), dtype=np.float64)
        y = np.where(x <= 0.0, 0.0, np.where(x >= 1.0, 1.0, y))  # exact ends, whatever rounding did
        return _out(t, y)

    return eased


# --- the easings.net family ----------------------------------------------------------------------------------
@unit_interval
def linear(t: np.ndarray) -> np.ndarray:
    """No easing: constant speed."""
    return t


@unit_interval
def ease_in_sine(t: np.ndarray) -> np.ndarray:
    """Start gently (quarter sine)."""
    return 1 - np.cos(t * np.pi / 2)


@unit_interval
def ease_out_sine(t: np.ndarray) -> np.ndarray:
    """Land gently (quarter sine)."""
    return np.sin(t * np.pi / 2)


@unit_interval
def ease_in_out_sine(t: np.ndarray) -> np.ndarray:
    """Start and land gently (half cosine): the default for camera moves."""
    return -(np.cos(np.pi * t) - 1) / 2


def _power_family(p: int) -> tuple[Easing, Easing, Easing]:
    @unit_interval
    def ease_in(t: np.ndarray) -> np.ndarray:
        return t**p

    @unit_interval
    def ease_out(t: np.ndarray) -> np.ndarray:
        return 1 - (1 - t) ** p

    @unit_interval
    def ease_in_out(t: np.ndarray) -> np.ndarray:
        return np.where(t < 0.5, 2 ** (p - 1) * t**p, 1 - (-2 * t + 2) ** p / 2)

    return ease_in, ease_out, ease_in_out


ease_in_quad, ease_out_quad, ease_in_out_quad = _power_family(2)
ease_in_cubic, ease_out_cubic, ease_in_out_cubic = _power_family(3)
ease_in_quart, ease_out_quart, ease_in_out_quart = _power_family(4)
ease_in_quint, ease_out_quint, ease_in_out_quint = _power_family(5)


@unit_interval
def ease_in_expo(t: np.ndarray) -> np.ndarray:
    """Start almost still, then rush (exponential)."""
    return 2 ** (10 * t - 10)


@unit_interval
def ease_out_expo(t: np.ndarray) -> np.ndarray:
    """Rush, then settle for a long time (exponential)."""
    return 1 - 2 ** (-10 * t)


@unit_interval
def ease_in_out_expo(t: np.ndarray) -> np.ndarray:
    """Still, a rush through the middle, still (exponential)."""
    return np.where(t < 0.5, 2 ** (20 * t - 10) / 2, (2 - 2 ** (-20 * t + 10)) / 2)


@unit_interval
def ease_in_circ(t: np.ndarray) -> np.ndarray:
    """Start slowly, end steeply (quarter circle)."""
    return np.asarray(1 - np.sqrt(1 - t**2))


@unit_interval
def ease_out_circ(t: np.ndarray) -> np.ndarray:
    """Start steeply, end slowly (quarter circle)."""
    return np.asarray(np.sqrt(1 - (t - 1) ** 2))


@unit_interval
def ease_in_out_circ(t: np.ndarray) -> np.ndarray:
    """Circular ease at both ends."""
    a = np.sqrt(np.clip(1 - (2 * t) ** 2, 0, None))
    b = np.sqrt(np.clip(1 - (-2 * t + 2) ** 2, 0, None))
    return np.asarray(np.where(t < 0.5, (1 - a) / 2, (b + 1) / 2))


@unit_interval
def ease_in_back(t: np.ndarray) -> np.ndarray:
    """Pull back a little before moving (undershoots below 0)."""
    return _C3 * t**3 - _C1 * t**2


@unit_interval
def ease_out_back(t: np.ndarray) -> np.ndarray:
    """Overshoot the target a little, then settle (goes above 1)."""
    return 1 + _C3 * (t - 1) ** 3 + _C1 * (t - 1) ** 2


@unit_interval
def ease_in_out_back(t: np.ndarray) -> np.ndarray:
    """Pull back, move, overshoot, settle."""
    return np.where(t < 0.5, ((2 * t) ** 2 * ((_C2 + 1) * 2 * t - _C2)) / 2,
                    ((2 * t - 2) ** 2 * ((_C2 + 1) * (t * 2 - 2) + _C2) + 2) / 2)


@unit_interval
def ease_in_elastic(t: np.ndarray) -> np.ndarray:
    """Wind up like a spring, then release."""
    return -(2 ** (10 * t - 10)) * np.sin((t * 10 - 10.75) * _C4)


@unit_interval
def ease_out_elastic(t: np.ndarray) -> np.ndarray:
    """Snap to the target and wobble like a spring."""
    return 2 ** (-10 * t) * np.sin((t * 10 - 0.75) * _C4) + 1


@unit_interval
def ease_in_out_elastic(t: np.ndarray) -> np.ndarray:
    """Spring wobble at both ends."""
    s = np.sin((20 * t - 11.125) * _C5)
    return np.where(t < 0.5, -(2 ** (20 * t - 10) * s) / 2, (2 ** (-20 * t + 10) * s) / 2 + 1)


def _bounce_out(t: np.ndarray) -> np.ndarray:
    n1, d1 = 7.5625, 2.75
    return np.select(
        [t < 1 / d1, t < 2 / d1, t < 2.5 / d1],
        [n1 * t * t, n1 * (t - 1.5 / d1) ** 2 + 0.75, n1 * (t - 2.25 / d1) ** 2 + 0.9375],
        n1 * (t - 2.625 / d1) ** 2 + 0.984375,
    )


@unit_interval
def ease_out_bounce(t: np.ndarray) -> np.ndarray:
    """Drop onto the target and bounce to rest."""
    return _bounce_out(t)


@unit_interval
def ease_in_bounce(t: np.ndarray) -> np.ndarray:
    """Bounce on the start, then leave."""
    return 1 - _bounce_out(1 - t)


@unit_interval
def ease_in_out_bounce(t: np.ndarray) -> np.ndarray:
    """Bounce at both ends."""
    return np.where(t < 0.5, (1 - _bounce_out(1 - 2 * t)) / 2, (1 + _bounce_out(2 * t - 1)) / 2)


for _name, _doc in [("quad", "t²"), ("cubic", "t³"), ("quart", "t⁴"), ("quint", "t⁵")]:
    globals()[f"ease_in_{_name}"].__doc__ = f"Start slowly, accelerate ({_doc})."
    globals()[f"ease_out_{_name}"].__doc__ = f"Start fast, decelerate onto the target ({_doc})."
    globals()[f"ease_in_out_{_name}"].__doc__ = f"Accelerate, then decelerate ({_doc})."
    for _kind in ("in", "out", "in_out"):
        globals()[f"ease_{_kind}_{_name}"].__name__ = f"ease_{_kind}_{_name}"
        globals()[f"ease_{_kind}_{_name}"].__qualname__ = f"ease_{_kind}_{_name}"

EASINGS: dict[str, Easing] = {
    "linear": linear, **{n: globals()[n] for n in __all__ if n.startswith(("ease_in", "ease_out"))}}
"""Every easing by name, in the order of easings.net."""


def get_easing(ease: EaseLike) -> Easing:
    """The easing function for a name, a function, or ``None`` (linear).

    Names follow easings.net in snake case; ``"easeInOutCubic"`` and ``"ease-in-out-cubic"`` work too.

    >>> get_easing("easeOutCubic").__name__
    'ease_out_cubic'
    >>> get_easing("ease_in_out_cubicc")
    Traceback (most recent call last):
    ...
    filmkit.errors.FilmkitError: unknown easing 'ease_in_out_cubicc'; did you mean 'ease_in_out_cubic'? ...
    """
    if ease is None:
        return linear
    if callable(ease):
        return ease
    if not isinstance(ease, str):
        raise FilmkitError(f"an easing must be a name like 'ease_in_out_sine' or a function f(t); got {ease!r}.")
    key = ease.strip()
    snake = "".join("_" + c.lower() if c.isupper() else c for c in key).lstrip("_").replace("-", "_")
    snake = snake.replace(" ", "_").lower()
    if snake in EASINGS:
        return EASINGS[snake]
    close = difflib.get_close_matches(snake, list(EASINGS), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise FilmkitError(f"unknown easing {ease!r}; {hint}use one of: {', '.join(EASINGS)} (or any function f(t)).")


def ease_name(ease: EaseLike) -> str:
    """The name of an easing (``"linear"`` for ``None``; the function's name for a custom one)."""
    fn = get_easing(ease)
    return str(getattr(fn, "__name__", "custom"))
