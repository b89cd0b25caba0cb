"""Deforum schedule strings: read them safely, write them back, and convert Deforum's motion to camera paths.

A Deforum schedule is ``frame:(value)`` pairs separated by commas: ``"0:(1.0), 48:(1.2)"``. A value may be an
expression of ``t`` (the frame number), ``max_f`` (the last frame) and ``s`` (the seed), evaluated for every frame
from its key until the next key: ``0:(1.0025+0.002*sin(1.25*3.14*t/30))``. A frame position may itself be a quoted
expression: ``"max_f-1":(s)``. Between numeric keys values are interpolated linearly, and the first and last keys
extend to the ends (as Deforum's pandas interpolation does).

How filmkit reads them, and why it is safer than Deforum:

- **A real tokenizer**: commas inside an expression are fine (``0:(where(t>5, 1, 0))``, ``max(a, b)``); a broken
  keyframe is named by its position and text in a :class:`~filmkit.errors.ScheduleError`, with the fix.
- **A safe evaluator**: each expression is parsed with :mod:`ast` and only numbers, the names ``t``, ``max_f``,
  ``s``, ``pi``, ``e``, arithmetic (``+ - * / ** %``), comparisons, ``&``/``|`` and the functions ``sin cos tan abs
  min max floor ceil sqrt exp log where clip`` are allowed. Nothing is passed to ``eval``; attribute access,
  imports, lambdas and any other name are refused. Evaluation is vectorised with numpy over all frames at once.

Deforum's **motion** schedules (``zoom``, ``angle``, ``translation_x/y``) are *per-frame rates that compound*:
a zoom of 1.02 held for 30 frames magnifies 1.02³⁰ ≈ 1.81×. :func:`deforum_to_path` integrates them into an
absolute :class:`~filmkit.camera.CameraPath` and :func:`path_to_deforum` turns a path back into rates.

Examples
--------
>>> from filmkit.schedules import parse_schedule
>>> zoom = parse_schedule("0:(1.0), 4:(1.2)", max_frames=6)
>>> zoom.values.round(2).tolist()
[1.0, 1.05, 1.1, 1.15, 1.2, 1.2]
>>> str(zoom)
'0:(1.0), 4:(1.2)'
>>> parse_schedule("0:(where(t>2, 1, 0))", max_frames=5).values.tolist()
[0.0, 0.0, 0.0, 1.0, 1.0]
"""
from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from .curves import Curve
from .errors import ScheduleError

if TYPE_CHECKING:
    from .camera import CameraPath

__all__ = [
    "FUNCTIONS",
    "NAMES",
    "Keyframe",
    "Schedule",
    "ScheduleLike",
    "deforum_to_path",
    "format_schedule",
    "parse_schedule",
    "path_to_deforum",
    "safe_eval",
]

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "abs": np.abs,
    "min": lambda *a: _reduce(np.minimum, a), "max": lambda *a: _reduce(np.maximum, a),
    "floor": np.floor, "ceil": np.ceil, "sqrt": np.sqrt, "exp": np.exp, "log": np.log,
    "where": lambda c, a, b: np.where(c, a, b), "clip": lambda x, lo, hi: np.clip(x, lo, hi),
}
"""The functions a schedule expression may call (numpy versions, vectorised over frames)."""
NAMES = ("t", "max_f", "s", "pi", "e")
"""The names a schedule expression may use: frame ``t``, last frame ``max_f``, seed ``s``, and two constants."""

_ARITY = {"where": (3, 3), "clip": (3, 3), "min": (2, 99), "max": (2, 99)}
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.Pow: operator.pow, ast.Mod: np.mod, ast.FloorDiv: np.floor_divide,
    ast.BitAnd: np.logical_and, ast.BitOr: np.logical_or,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
_ALLOWED = ", ".join(NAMES) + "; functions " + " ".join(FUNCTIONS)


def _reduce(fn: Callable[[Any, Any], Any], args: Sequence[Any]) -> Any:
    out = args[0]
    for a in args[1:]:
        out = fn(out, a)
    return out


ScheduleLike = Union["Schedule", str, float, int, Sequence[float], np.ndarray]
"""What the Deforum converters accept: a schedule string, a parsed :class:`Schedule`, a number, or per-frame values."""


# --- the safe evaluator ----------------------------------------------------------------------------------------
Compiled = Callable[[Mapping[str, Any]], Any]


def _compile(node: ast.AST, src: str) -> Compiled:
    """Turn a checked AST node into a closure ``env -> value``; refuse anything not on the whitelist."""
    if isinstance(node, ast.Expression):
        return _compile(node.body, src)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueError(f"only numbers are allowed, not {node.value!r}")
        value = float(node.value)
        return lambda env: value
    if isinstance(node, ast.Name):
        if node.id not in NAMES:
            hint = f" ({node.id} is a function: call it, e.g. {node.id}(t))" if node.id in FUNCTIONS else ""
            raise ValueError(f"unknown name {node.id!r}{hint}; allowed: {_ALLOWED}")
        name = node.id
        return lambda env: env[name]
    if isinstance(node, ast.UnaryOp):
        inner = _compile(node.operand, src)
        if isinstance(node.op, ast.USub):
            return lambda env: -inner(env)
        if isinstance(node.op, ast.UAdd):
            return inner
        if isinstance(node.op, (ast.Invert, ast.Not)):
            return lambda env: np.logical_not(inner(env))
        raise ValueError(f"operator {type(node.op).__name__} is not allowed")
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.BitXor):
            raise ValueError("'^' is not a power here; write t**2 for t squared")
        binop = _BINOPS.get(type(node.op))
        if binop is None:
            raise ValueError(f"operator {type(node.op).__name__} is not allowed; use + - * / ** %")
        left, right = _compile(node.left, src), _compile(node.right, src)
        return lambda env: binop(left(env), right(env))
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, src) for v in node.values]
        fn = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        return lambda env: _reduce(fn, [p(env) for p in parts])
    if isinstance(node, ast.Compare):
        items = [_compile(node.left, src)] + [_compile(c, src) for c in node.comparators]
        ops = []
        for op in node.ops:
            f = _CMPOPS.get(type(op))
            if f is None:
                raise ValueError(f"comparison {type(op).__name__} is not allowed; use < <= > >= == !=")
            ops.append(f)

        def compare(env: Mapping[str, Any]) -> Any:
            vals = [i(env) for i in items]
            return _reduce(np.logical_and, [f(a, b) for f, a, b in zip(ops, vals, vals[1:])])

        return compare
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):
            raise ValueError(f"attribute access ({ast.unparse(node.func)}) is not allowed")
        if not isinstance(node.func, ast.Name):
            raise ValueError("only plain function calls like sin(t) are allowed (no attributes or methods)")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ValueError(f"function {name!r} is not allowed; allowed: {' '.join(FUNCTIONS)}")
        if node.keywords:
            raise ValueError(f"{name}() takes no keyword arguments")
        lo, hi = _ARITY.get(name, (1, 1))
        if not lo <= len(node.args) <= hi:
            want = f"{lo}" if lo == hi else f"at least {lo}"
            raise ValueError(f"{name}() takes {want} argument(s); got {len(node.args)}")
        args = [_compile(a, src) for a in node.args]
        func = FUNCTIONS[name]
        return lambda env: func(*[a(env) for a in args])
    if isinstance(node, ast.Attribute):
        raise ValueError(f"attribute access ({ast.unparse(node)}) is not allowed")
    if isinstance(node, ast.Lambda):
        raise ValueError("lambda is not allowed")
    raise ValueError(f"{type(node).__name__} is not allowed in a schedule expression")


def _parse_expr(text: str) -> Compiled:
    if len(text) > 2000:
        raise ValueError("expression longer than 2000 characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not a valid expression ({exc.msg})") from None
    return _compile(tree, text)


def safe_eval(expr: str, **names: Any) -> Any:
    """Evaluate one schedule expression with the whitelist (vectorised when ``t`` is an array).

    >>> safe_eval("1 + 2*t", t=3)
    7.0
    >>> safe_eval("__import__('os')")
    Traceback (most recent call last):
    ...
    filmkit.errors.ScheduleError: cannot evaluate "__import__('os')": function '__import__' is not allowed; ...
    """
    try:
        fn = _parse_expr(expr)
    except ValueError as exc:
        raise ScheduleError(f"cannot evaluate {expr!r}: {exc}.", keyframe=expr) from None
    env: dict[str, Any] = {"pi": math.pi, "e": math.e, "t": 0.0, "max_f": 0.0, "s": 0.0}
    env.update({k: (np.asarray(v, np.float64) if np.ndim(v) else float(v)) for k, v in names.items()})
    with np.errstate(all="ignore"):
        out = fn(env)
    return float(out) if np.ndim(out) == 0 else np.asarray(out, np.float64)


# --- tokenizer -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Keyframe:
    """One ``frame:(value)`` pair as written: its position in the string, text, frame and value text."""

    index: int
    text: str
    frame_text: str
    value_text: str
    frame: int = -1
    number: float | None = None

    @property
    def is_expression(self) -> bool:
        """True when the value is an expression evaluated per frame (not a plain number)."""
        return self.number is None


def _where(i: int, text: str, kind: str = "keyframe") -> str:
    return f"{kind} {i + 1} ({text.strip()!r})"


def _tokenize(text: str) -> list[tuple[int, str, str, str]]:
    """Split ``text`` into (index, raw text, frame text, value text); commas inside (...) or quotes are kept."""
    out: list[tuple[int, str, str, str]] = []
    i, n = 0, len(text)

    def skip_ws(j: int) -> int:
        while j < n and text[j] in " \t\r\n":
            j += 1
        return j

    while True:
        i = skip_ws(i)
        while i < n and text[i] == ",":  # stray or trailing commas are harmless
            i = skip_ws(i + 1)
        if i >= n:
            break
        start, k = i, len(out)
        # frame position: a number, or a quoted expression
        if text[i] in "'\"":
            q = text[i]
            j = text.find(q, i + 1)
            if j < 0:
                raise ScheduleError(f"{_where(k, text[start:start + 30])}: the quote {q} before the frame position "
                                    f"is never closed; write it like \"max_f-1\":(1.0).", keyframe=text[start:])
            frame_text = text[i + 1:j]
            i = skip_ws(j + 1)
        else:
            j = i
            while j < n and text[j] not in ":,()":
                j += 1
            frame_text = text[i:j].strip()
            i = j
        if i >= n or text[i] != ":":
            raw = text[start:i + 1].strip() or text[start:start + 20]
            raise ScheduleError(f"{_where(k, raw)}: expected 'frame:(value)' with a colon after the frame, "
                                f"e.g. 0:(1.0); got {raw!r}.", keyframe=raw)
        if not frame_text:
            raise ScheduleError(f"{_where(k, text[start:i + 1])}: the frame number before ':' is missing; "
                                "write e.g. 0:(1.0).", keyframe=text[start:i + 1])
        i = skip_ws(i + 1)
        # value: (balanced parentheses), or bare text up to the next comma at depth 0
        if i < n and text[i] == "(":
            depth, j = 0, i
            while j < n:
                c = text[j]
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if depth != 0:
                raw = text[start:].strip()
                raise ScheduleError(f"{_where(k, raw)}: '(' was never closed; every value needs its closing "
                                    "parenthesis, e.g. 0:(1.0).", keyframe=raw)
            value_text = text[i + 1:j]
            i = j + 1
        else:
            depth, j = 0, i
            while j < n and not (text[j] == "," and depth == 0):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if depth < 0:
                    break
                j += 1
            value_text = text[i:j].strip()
            i = j
        raw = text[start:i].strip()
        if not value_text.strip():
            raise ScheduleError(f"{_where(k, raw)}: the value is empty; write a number or an expression, "
                                "e.g. 0:(1.0).", keyframe=raw)
        i = skip_ws(i)
        if i < n and text[i] != ",":
            more = text[start:min(n, i + 10)].strip()
            raise ScheduleError(f"{_where(k, more)}: expected a comma after {raw!r}; separate keyframes with "
                                "commas, e.g. 0:(1.0), 30:(1.2).", keyframe=raw)
        out.append((k, raw, frame_text, value_text))
    return out


def _number(text: str) -> float | None:
    s = text.strip()
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


# --- schedules -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Schedule:
    """A parsed schedule: its keyframes and one value per frame (``values``, a float64 array of ``max_frames``).

    Examples
    --------
    >>> import filmkit as fk
    >>> strength = fk.parse_schedule("0:(0.65), 12:(0.4)", max_frames=16)
    >>> strength
    Schedule('0:(0.65), 12:(0.4)', max_frames=16)
    >>> len(strength), strength[0], round(strength[6], 3), strength[15]
    (16, 0.65, 0.525, 0.4)
    >>> round(strength.to_curve(fps=8)(0.75), 3)             # frame 6 at 8 fps
    0.525
    """

    text: str
    max_frames: int
    keyframes: tuple[Keyframe, ...]
    values: np.ndarray = field(repr=False)
    seed: int | None = None

    def __len__(self) -> int:
        return self.max_frames

    def __getitem__(self, frame: int) -> float:
        return float(self.values[frame])

    def to_curve(self, fps: float, *, label: str = "") -> Curve:
        """The values as a :class:`~filmkit.curves.Curve` over time (frame ``i`` at ``i / fps``).

        >>> parse_schedule("0:(0), 24:(1)", max_frames=25).to_curve(24)(0.5)
        0.5
        """
        return Curve.from_frames(self.values, fps=fps, label=label)

    def plot(self, *, fps: float | None = None, ax: Any = None, **kw: Any) -> Any:
        """A matplotlib Figure of the values per frame (or per second with ``fps``), keyframes marked."""
        from .curves import _pyplot

        plt = _pyplot()
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 2.6), dpi=100)
        else:
            fig = ax.figure
        x = np.arange(self.max_frames) / (fps or 1.0)
        ax.plot(x, self.values, **kw)
        keys = [k.frame for k in self.keyframes if 0 <= k.frame < self.max_frames]
        ax.plot(np.asarray(keys) / (fps or 1.0), self.values[keys], "o", ms=4, color=ax.lines[-1].get_color())
        ax.set_xlabel("seconds" if fps else "frame")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        plt.close(fig)
        return fig

    def _repr_png_(self) -> bytes:
        from .curves import figure_png

        return figure_png(self.plot())

    def __str__(self) -> str:
        parts = []
        for k in self.keyframes:
            frame = k.frame_text.strip()
            frame = frame if _number(frame) is not None else f'"{frame}"'
            parts.append(f"{frame}:({k.value_text.strip()})")
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"Schedule({str(self)!r}, max_frames={self.max_frames})"


def parse_schedule(text: str, *, max_frames: int, seed: int | None = None) -> Schedule:
    """Read a Deforum schedule string into one value per frame.

    Parameters
    ----------
    text
        ``"0:(1.0), 48:(1.2)"``; values may be expressions of ``t``, ``max_f`` (= ``max_frames - 1``) and ``s``
        (the seed); frame positions may be quoted expressions like ``"max_f-1"``.
    max_frames
        How many frames to produce (Deforum's ``max_frames``). Keys at or past it are ignored, as in Deforum.
    seed
        The value of ``s`` (needed only when the schedule uses ``s``).

    Raises
    ------
    ScheduleError
        Naming the broken keyframe (its position and text, in ``.keyframe``) and how to write it.

    Examples
    --------
    >>> parse_schedule('0:(s), 1:(-1), "max_f-2":(-1), "max_f-1":(s)', max_frames=6, seed=7).values.tolist()
    [7.0, -1.0, -1.0, -1.0, 7.0, 7.0]
    >>> parse_schedule("0:(1.0), 10:(os.system('ls'))", max_frames=20)
    Traceback (most recent call last):
    ...
    filmkit.errors.ScheduleError: keyframe 2 ("10:(os.system('ls'))"): attribute access (os.system) is not allowed. ...
    """
    if not isinstance(text, str):
        raise ScheduleError(f"a schedule is a string like \"0:(1.0), 48:(1.2)\"; got {type(text).__name__}.")
    if int(max_frames) < 1:
        raise ScheduleError(f"max_frames must be at least 1; got {max_frames}.")
    max_frames = int(max_frames)
    tokens = _tokenize(text)
    if not tokens:
        raise ScheduleError("the schedule is empty; write at least one keyframe, e.g. \"0:(1.0)\".", keyframe="")
    max_f = float(max_frames - 1)
    s = float(seed) if seed is not None else float("nan")
    frames_env = {"pi": math.pi, "e": math.e, "max_f": max_f, "s": s, "t": 0.0}

    def fail(k: int, raw: str, why: str, fix: str) -> ScheduleError:
        return ScheduleError(f'keyframe {k + 1} ("{raw}"): {why}. {fix}', keyframe=raw)

    keys: list[Keyframe] = []
    for k, raw, frame_text, value_text in tokens:
        # the frame position
        num = _number(frame_text)
        if num is None:
            try:
                fn = _parse_expr(frame_text)
            except ValueError as exc:
                raise fail(k, raw, f"the frame position {frame_text!r} cannot be read: {exc}",
                           "Write a whole frame number, or a quoted expression of max_f and s like \"max_f-1\".")
            if "t" in {n.id for n in ast.walk(ast.parse(frame_text.strip(), mode="eval")) if isinstance(n, ast.Name)}:
                raise fail(k, raw, "a frame position cannot use t", "Use a number or an expression of max_f.")
            with np.errstate(all="ignore"):
                num = float(fn(frames_env))
            if not math.isfinite(num):
                raise fail(k, raw, f"the frame position {frame_text!r} has no value" + (
                    " (it uses s but no seed was given)" if seed is None else ""),
                    "Pass seed= to parse_schedule, or use a number.")
        frame = int(num)
        if frame < 0:
            raise fail(k, raw, f"frame {frame} is negative", "Frames count from 0.")
        value = _number(value_text)
        if value is None:
            try:
                _parse_expr(value_text)
            except ValueError as exc:
                raise fail(k, raw, str(exc),
                           "Values are numbers or expressions like 1.0025+0.002*sin(1.25*3.14*t/30).")
        keys.append(Keyframe(index=k, text=raw, frame_text=frame_text, value_text=value_text, frame=frame,
                             number=value))

    # Deforum's rule: a numeric key sets its frame; an expression key is evaluated on every frame from its key
    # until the next key (in frame order); the rest is filled by linear interpolation, ends extended.
    by_frame: dict[int, Keyframe] = {}
    for key in keys:
        by_frame[key.frame] = key  # a later duplicate wins, as in Deforum's dict
    ordered = sorted((f, key) for f, key in by_frame.items() if f < max_frames)
    values = np.full(max_frames, np.nan)
    with np.errstate(all="ignore"):
        for idx, (f, key) in enumerate(ordered):
            if key.number is not None:
                values[f] = key.number
                continue
            stop = ordered[idx + 1][0] if idx + 1 < len(ordered) else max_frames
            t = np.arange(f, stop, dtype=np.float64)
            env = dict(frames_env, t=t)
            if seed is None and "s" in {n.id for n in ast.walk(ast.parse(key.value_text.strip(), mode="eval"))
                                         if isinstance(n, ast.Name)}:
                raise fail(key.index, key.text, "it uses s (the seed) but no seed was given",
                           "Pass seed= to parse_schedule.")
            try:
                out = np.broadcast_to(np.asarray(_parse_expr(key.value_text)(env), dtype=np.float64), t.shape)
            except (TypeError, ValueError) as exc:
                raise fail(key.index, key.text, f"the value cannot be evaluated ({exc})",
                           "Check the parentheses and the number of arguments.")
            bad = ~np.isfinite(out)
            if bad.any():
                at = int(t[np.argmax(bad)])
                raise fail(key.index, key.text, f"the value is not a finite number at frame {at} "
                           "(a division by zero, or the log/sqrt of a negative number?)",
                           "Change the expression so it stays finite on every frame.")
            values[f:stop] = out
    ok = np.isfinite(values)
    if not ok.any():
        raise ScheduleError(f"no keyframe of {text!r} falls inside the {max_frames} frames; the first frame is 0 and "
                            f"the last {max_frames - 1}.", keyframe=text)
    if not ok.all():
        frame_idx = np.arange(max_frames)
        values = np.interp(frame_idx, frame_idx[ok], values[ok])
    values.flags.writeable = False  # a Schedule is a value: its numbers do not change behind its back
    return Schedule(text=text, max_frames=max_frames, keyframes=tuple(keys), values=values, seed=seed)


def _fmt(v: float, precision: int) -> str:
    return np.format_float_positional(round(float(v), precision), trim="0")


def format_schedule(values: Curve | Schedule | Sequence[float] | np.ndarray, fps: float | None = None, *,
                    every: int | None = None, duration: float | None = None, precision: int = 6) -> str:
    """Write per-frame values (or a curve sampled at ``fps``) as a Deforum schedule string.

    With ``every=None`` only the frames needed to reproduce the values by linear interpolation are written;
    ``every=n`` writes every n-th frame (and the last).

    >>> format_schedule([1.0, 1.05, 1.1, 1.15, 1.2, 1.2])
    '0:(1.0), 4:(1.2)'
    >>> from filmkit.curves import keyframes
    >>> format_schedule(keyframes({0: 0.0, 1: 1.0}, ease="ease_in_quad"), fps=4, every=2)
    '0:(0.0), 2:(0.25), 4:(1.0)'
    """
    if isinstance(values, Curve):
        if fps is None:
            raise ScheduleError("format_schedule(curve) needs fps= to know where the frames are, e.g. fps=24.")
        v = values.sample(fps, duration)
    elif isinstance(values, Schedule):
        v = values.values
    else:
        v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0:
        raise ScheduleError("format_schedule needs at least one value.")
    n = v.size
    if every is not None:
        if every < 1:
            raise ScheduleError(f"every={every}: use a positive number of frames, e.g. every=12.")
        frames = list(range(0, n, every))
        if frames[-1] != n - 1:
            frames.append(n - 1)
    else:
        tol = 10.0 ** (-precision) / 2
        frames = [0]
        for i in range(1, n - 1):
            a = frames[-1]
            # keep frame i if the line from the last kept key to frame i+1 misses any value in between
            seg = np.arange(a, i + 2)
            line = v[a] + (v[i + 1] - v[a]) * (seg - a) / (i + 1 - a)
            if np.max(np.abs(line - v[a:i + 2])) > tol:
                frames.append(i)
        if n > 1:
            frames.append(n - 1)
        if n > 1 and abs(v[-1] - v[frames[-2]]) <= tol and len(frames) > 1:
            frames.pop()  # the last key repeats the one before: the value extends by itself
    return ", ".join(f"{f}:({_fmt(v[f], precision)})" for f in frames)


# --- Deforum motion <-> camera paths ------------------------------------------------------------------------------
def _per_frame(value: ScheduleLike, name: str, n: int | None, seed: int | None) -> np.ndarray | float:
    if isinstance(value, Schedule):
        return value.values
    if isinstance(value, str):
        if n is None:
            raise ScheduleError(f"{name} is a schedule string; pass max_frames= so it can be read.", keyframe=value)
        try:
            return parse_schedule(value, max_frames=n, seed=seed).values
        except ScheduleError as exc:
            raise ScheduleError(f"{name}: {exc}", keyframe=exc.keyframe) from None
    if np.isscalar(value):
        return float(value)  # type: ignore[arg-type]
    return np.asarray(value, dtype=np.float64).ravel()


def _rot(deg: float) -> np.ndarray:
    r = math.radians(deg)
    c, s = math.cos(r), math.sin(r)
    return np.array([[c, s], [-s, c]])  # counter-clockwise on screen (y points down), like cv2


def deforum_to_path(*, zoom: ScheduleLike = 1.0, angle: ScheduleLike = 0.0, translation_x: ScheduleLike = 0.0,
                    translation_y: ScheduleLike = 0.0, fps: float = 24, max_frames: int | None = None,
                    size: tuple[int, int] = (512, 512), seed: int | None = None) -> CameraPath:
    """Integrate Deforum's 2D per-frame motion rates into an absolute :class:`~filmkit.camera.CameraPath`.

    Deforum warps the *previous* frame each step (``anim_frame_warp_2d``: translate by ``translation_x/y`` px, then
    rotate by ``angle`` degrees and scale by ``zoom`` about the centre), so frame ``i`` has been warped by the
    rates of frames 1…i: zoom multiplies (cumulative product), angle adds (cumulative sum), and translations add
    after being carried through the later zooms and turns. Frame 0 is the untouched image. ``size`` is Deforum's
    W×H, which converts its pixel translations into the path's frame-width units.

    Examples
    --------
    >>> path = deforum_to_path(zoom="0:(1.02)", max_frames=31, fps=24)
    >>> round(path.zoom_at(30 / 24), 6) == round(1.02 ** 30, 6)
    True
    >>> round(deforum_to_path(angle="0:(0.5)", max_frames=11, fps=10).rotation(1.0), 6)
    5.0
    """
    from .camera import CameraPath

    given = [("zoom", zoom), ("angle", angle), ("translation_x", translation_x), ("translation_y", translation_y)]
    if max_frames is None:  # the longest per-frame array (or parsed schedule) sets the length
        lengths = [len(v) for _, v in given if isinstance(v, (Schedule, np.ndarray, list, tuple))]
        if not lengths:
            raise ScheduleError("deforum_to_path needs max_frames= when no rate is a per-frame array.")
        max_frames = max(lengths)
    rates = {name: _per_frame(v, name, max_frames, seed) for name, v in given}
    n = int(max_frames)

    def full(v: np.ndarray | float) -> np.ndarray:
        if isinstance(v, np.ndarray):
            return np.concatenate([v[:n], np.full(max(0, n - v.size), v[-1] if v.size else 0.0)])
        return np.full(n, float(v))

    z, a, tx, ty = (full(rates[k]) for k in ("zoom", "angle", "translation_x", "translation_y"))
    if np.any(z <= 0):
        bad = int(np.argmax(z <= 0))
        raise ScheduleError(f"zoom is {z[bad]:g} at frame {bad}; Deforum's zoom is a factor per frame and must be "
                            "positive (1.0 = still, 1.01 = slowly in, 0.99 = slowly out).")
    w, h = size
    zooms, angles, xs, ys = np.ones(n), np.zeros(n), np.zeros(n), np.zeros(n)
    Z, A, T = 1.0, 0.0, np.zeros(2)
    for i in range(1, n):
        R = _rot(a[i])
        T = z[i] * R @ (T + np.array([tx[i], ty[i]]))
        Z *= z[i]
        A += a[i]
        # our path: p_out = c + Z R(A) (p - c - d)  =>  d = -(Z R(A))^-1 T  (view offset in pixels)
        d = -np.linalg.solve(Z * _rot(A), T)
        zooms[i], angles[i], xs[i], ys[i] = Z, A, d[0] / w, d[1] / h
    times = np.arange(n) / float(fps)
    return CameraPath(zoom=Curve.from_samples(times, zooms, label="zoom"),
                      x=Curve.from_samples(times, xs, label="x"), y=Curve.from_samples(times, ys, label="y"),
                      rotation=Curve.from_samples(times, angles, label="rotation"))


def path_to_deforum(path: CameraPath, *, fps: float = 24, max_frames: int | None = None,
                    size: tuple[int, int] = (512, 512), precision: int = 8) -> dict[str, str]:
    """Turn an absolute camera path into Deforum's per-frame rate schedules (the inverse of :func:`deforum_to_path`).

    Returns ``{"zoom": ..., "angle": ..., "translation_x": ..., "translation_y": ...}`` ready to paste into
    Deforum (2D mode). Frame 0 holds the neutral values; each later frame holds the change from the frame before.

    >>> import numpy as np
    >>> from filmkit.camera import CameraPath
    >>> from filmkit.curves import Curve
    >>> path = CameraPath(zoom=Curve.from_frames(1.02 ** np.arange(31), fps=24))   # 1.81x over 30 frames
    >>> path_to_deforum(path, fps=24)["zoom"]
    '0:(1.0), 1:(1.02)'
    >>> path_to_deforum(deforum_to_path(angle="0:(0.5)", max_frames=25), fps=24)["angle"]
    '0:(0.0), 1:(0.5)'
    """
    n = int(max_frames) if max_frames is not None else int(round(path.duration * fps)) + 1
    w, h = size
    t = np.arange(n) / float(fps)
    Z, A, X, Y = path.screen(t)
    out = {"zoom": np.ones(n), "angle": np.zeros(n), "translation_x": np.zeros(n), "translation_y": np.zeros(n)}
    prev_T = np.zeros(2)
    for i in range(n):
        d = np.array([X[i] * w, Y[i] * h])
        T = -(Z[i] * _rot(A[i])) @ d
        if i > 0:
            zi, ai = Z[i] / Z[i - 1], A[i] - A[i - 1]
            tr = np.linalg.solve(zi * _rot(ai), T) - prev_T
            out["zoom"][i], out["angle"][i] = zi, ai
            out["translation_x"][i], out["translation_y"][i] = tr
        prev_T = T
    return {k: format_schedule(v, precision=precision) for k, v in out.items()}
