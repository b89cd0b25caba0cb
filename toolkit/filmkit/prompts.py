"""Midjourney's prompt language: read it, check it per model version, write it back, expand permutations.

A Midjourney prompt reads ``[image URLs…] text [--parameter value …]``. :func:`parse_prompt` turns such a line into
a :class:`Prompt`, an immutable value; ``str(prompt)`` writes it back in canonical form, and
``parse_prompt(str(p)) == p`` holds for every prompt the parser can produce. :func:`validate_prompt` lists the
:class:`Problem` s a prompt has for a model version (each message names the value *and* the fix), and
:func:`expand_prompt` lists the prompts a permutation ``{a, b}`` makes.

Choices made here (the reference note, ``midjourney_syntax.md`` §10, leaves them open):

* **Parsing never refuses a string.** Everything Midjourney might accept is read; what it would refuse is a
  :class:`Problem` from :func:`validate_prompt`. Unbalanced braces are such a problem (``unbalanced-braces``);
  only :func:`expand_prompt`, which cannot expand them, raises :class:`~filmkit.errors.PromptSyntaxError`.
* **Canonical form** writes the short names Midjourney itself echoes (``--ar``, ``--c``, ``--s``, ``--q``, ``--v``,
  ``--r``, ``--w``, ``--p``) and every other parameter by its documented name, in the order written.
  ``Prompt.params`` is keyed by canonical long names (``aspect``, ``chaos``, …).
* **Text** is trimmed, and trailing commas before the parameters are dropped (``poppies, --ar 2:3`` has the text
  ``poppies``), so that formatting and parsing again gives the same prompt.
* **Permutation groups stay literal** in a parsed prompt (``a {red, green} bird`` is its text); ``--`` markers
  inside a group belong to the group. Validation checks every expansion.
* Two prompts are equal when their images, text and parameters are; the order of parameters does not matter.

Examples
--------
>>> from filmkit.prompts import parse_prompt, validate_prompt
>>> p = parse_prompt("misty harbour at dawn, --ar 16:9 --s 250 —v 6.1")
>>> p.text, dict(p.params), p.version
('misty harbour at dawn', {'aspect': '16:9', 'stylize': '250', 'version': '6.1'}, '6.1')
>>> str(p)
'misty harbour at dawn --ar 16:9 --s 250 --v 6.1'
>>> [str(problem) for problem in validate_prompt("a red bird --chaos 150")]
['--chaos must be 0–100; got 150. Use 100 or less.']
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import html
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, Union

from . import _mj_params as T
from .errors import PromptError, PromptSyntaxError, PromptValidationError

__all__ = [
    "Problem",
    "Prompt",
    "PromptLike",
    "WeightedPart",
    "expand_prompt",
    "format_prompt",
    "parse_prompt",
    "validate_prompt",
]

ParamValue = Union[str, bool]  # noqa: UP007 (a runtime alias; 3.10 safe either way)

# --- regular expressions, compiled once ----------------------------------------------------------------------
# R1: a parameter marker: at the start or after whitespace, `--` / one or two em dashes / one or two en dashes,
# then a name (letters, or a permutation group such as `{v 5, niji}`), then whitespace or the end.
_MARKER = re.compile(r"(?<!\S)(--|——?|––?)([A-Za-z]+|\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})(?!\S)")
# R2: a leading image prompt, bare or in <angle brackets>
_IMAGE = re.compile(r"\s*(?:<(https?://[^\s<>]+)>|(https?://\S+))(?=\s|\Z)", re.IGNORECASE)
_TRAIL = re.compile(r"[\s,]+\Z")
_END_MARKER = re.compile(r"(?<!\S)(?:--|——?|––?)(?:[A-Za-z]+|\{.*\})\Z")
_BRACE = re.compile(r"[{}]")
_WEIGHT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_WEIGHT_AFTER = re.compile(r"::([^\s]*)")
_GLUED = re.compile(r"(?<=\S)(--|—|–)([A-Za-z]+)(?!\S)")  # poppies--ar
_NO_SPACE = re.compile(r"(?<!\S)(--|—|–)([A-Za-z]+?)(\d\S*)")  # --ar16:9
_SPACED = re.compile(r"(?<!\S)(--|—|–|- -)\s+([A-Za-z]+)\s+(\S+)")  # — v 6, - - ar 16:9
# after a dash in prose ("yes—no"), only names that are not English words count as glued parameters
_TECH_NAMES = frozenset({"ar", "c", "s", "q", "v", "r", "w", "p", "iw", "sw", "sv", "cw", "ow", "sref", "cref",
                         "oref", "exp", "niji", "hd", "bs", "stylize"})

_INT = re.compile(r"[+-]?\d+\Z")
_NUM = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)\Z")
_ASPECT = re.compile(r"(\d+):(\d+)\Z")
_ASPECT_DEC = re.compile(r"(\d*\.?\d+):(\d*\.?\d+)\Z")
_ASPECT_X = re.compile(r"(\d+)\s*[xX×/]\s*(\d+)\Z")
_REF = re.compile(r"(?:https?://\S+?|\d+|random)(?:::-?(?:\d+\.?\d*|\.\d+))?\Z", re.IGNORECASE)
_URL = re.compile(r"<?https?://\S+?>?\Z", re.IGNORECASE)
_SPACES = re.compile(r" {2,}")
_STYLE_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_ESCAPED_COMMA = re.compile(r"\s*\\,")
_IMAGE_EXT = (".png", ".gif", ".webp", ".jpg", ".jpeg")
_MJ_HOSTS = ("s.mj.run/", "cdn.midjourney.com/", "media.discordapp.net/", "cdn.discordapp.com/")

# kinds whose value is one token: more words after it are text after the parameters
_SINGLE = frozenset({"flag", "int", "number", "aspect", "choice", "url", "version", "niji", "quality", "style",
                     "repeat"})
_KNOWN_NAMES = sorted(T.ALIASES)


def _is_param_name(dash: str, name: str) -> bool:
    """Whether ``name`` after ``dash`` is a parameter someone meant to write (not prose such as 'yes—no')."""
    low = name.lower()
    return low in T.ALIASES if dash == "--" else low in _TECH_NAMES


# --- values ------------------------------------------------------------------------------------------------------
class _Params(Mapping[str, ParamValue]):
    """A read-only, hashable mapping of parameters that remembers the order they were written in."""

    __slots__ = ("_hash", "_map")

    def __init__(self, items: Iterable[tuple[str, ParamValue]] = ()) -> None:
        self._map: dict[str, ParamValue] = dict(items)
        self._hash: int | None = None

    def __getitem__(self, key: str) -> ParamValue:
        return self._map[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def __contains__(self, key: object) -> bool:
        return key in self._map

    def get(self, key: str, default: Any = None) -> Any:
        return self._map.get(key, default)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Params):
            return self._map == other._map
        if isinstance(other, Mapping):
            return self._map == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._map.items()))
        return self._hash

    def __repr__(self) -> str:
        return repr(self._map)

    def __reduce__(self) -> tuple[Any, ...]:
        # never pickle the cached hash: string hashes differ between processes
        return (_Params, (tuple(self._map.items()),))


def _canonical(name: str) -> str:
    low = name.lower()
    return T.ALIASES.get(low, low) if not name.startswith("{") else name


def _norm_value(value: object) -> ParamValue | None:
    if value is None or value is False:
        return None
    if value is True:
        return True
    if isinstance(value, float):
        text = repr(value)
        text = text.removesuffix(".0")
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if text else True


def _clean_text(text: str) -> str:
    if text and (text[-1] == "," or text[-1].isspace() or text[0].isspace()):
        clean = _TRAIL.sub("", text).strip()
        # dropping the commas must not turn `--ar,` into a parameter or `<https://x>,` into an image prompt
        text = clean if not (_END_MARKER.search(clean) or _IMAGE.match(clean)) else text.strip()
    return text


def _strip_angle(url: str) -> str:
    url = url.strip()
    return url[1:-1] if url.startswith("<") and url.endswith(">") else url


@dataclass(frozen=True)
class WeightedPart:
    """One part of a multi-prompt: the text before a ``::`` and its weight.

    Examples
    --------
    >>> from filmkit.prompts import parse_prompt
    >>> parse_prompt("still life painting:: fruit::-.5").weights
    (WeightedPart(text='still life painting', weight=1), WeightedPart(text='fruit', weight=-0.5))
    """

    text: str
    weight: float


@dataclass(frozen=True)
class Problem:
    """One thing wrong (``severity="error"``) or doubtful (``"warning"``) in a prompt.

    ``code`` is a stable slug (``out-of-range``, ``unknown-parameter``, ``not-in-version`` …), ``message`` names
    the value and the fix, ``param`` the canonical parameter name when one is involved. ``str(problem)`` is the
    message.

    Examples
    --------
    >>> from filmkit.prompts import validate_prompt
    >>> problem = validate_prompt("poppies --stylise 500")[0]
    >>> problem.code, problem.severity, problem.param
    ('unknown-parameter', 'error', 'stylise')
    >>> print(problem)
    --stylise is not a Midjourney parameter. Did you mean --stylize?
    """

    code: str
    message: str
    severity: Literal["error", "warning"] = "error"
    param: str | None = None

    def __str__(self) -> str:
        return self.message

    @property
    def is_error(self) -> bool:
        """True for errors (Midjourney would refuse the prompt), False for warnings."""
        return self.severity == "error"


@dataclass(frozen=True)
class Prompt:
    """A Midjourney prompt as an immutable value: image prompts, text, and parameters by canonical name.

    Build one with :func:`parse_prompt` (or ``Prompt.parse``), or directly. ``params`` accepts a mapping or pairs;
    names may be aliases (``ar``) and are stored canonically (``aspect``). ``with_param``, ``without_param`` and
    ``with_text`` return modified copies. ``str(prompt)`` is canonical Midjourney syntax, and
    ``Prompt.parse(str(p)) == p`` for every prompt :func:`parse_prompt` makes; text you set yourself keeps that
    promise as long as it holds no ``--name`` of its own and does not start with an image URL.

    Examples
    --------
    >>> from filmkit.prompts import Prompt
    >>> p = Prompt("hot::2 dog", params={"ar": "3:2", "tile": True})
    >>> p
    Prompt('hot::2 dog --ar 3:2 --tile')
    >>> p.params["aspect"], p.weights[0]
    ('3:2', WeightedPart(text='hot', weight=2))
    >>> wide = p.with_param("ar", "21:9").without_param("tile")
    >>> str(wide), str(p)
    ('hot::2 dog --ar 21:9', 'hot::2 dog --ar 3:2 --tile')
    >>> Prompt.parse(str(wide)) == wide
    True
    """

    text: str = ""
    params: Mapping[str, ParamValue] = field(default_factory=_Params)
    image_prompts: tuple[str, ...] = ()
    # how the source was written (dash style, upper-case names); informs warnings, not equality
    _notes: tuple[tuple[str, str, str], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"Prompt text must be a str; got {type(self.text).__name__}. Use parse_prompt(...).")
        text = _clean_text(self.text)
        if text is not self.text:
            object.__setattr__(self, "text", text)
        if not isinstance(self.params, _Params):
            items = self.params.items() if isinstance(self.params, Mapping) else self.params
            clean: dict[str, ParamValue] = {}
            for name, value in items:
                v = _norm_value(value)
                if v is not None:
                    clean[_canonical(str(name).lstrip("-—–"))] = v
            object.__setattr__(self, "params", _Params(clean.items()))
        if type(self.image_prompts) is not tuple or any(u.startswith("<") for u in self.image_prompts):
            urls = (self.image_prompts,) if isinstance(self.image_prompts, str) else self.image_prompts
            object.__setattr__(self, "image_prompts", tuple(_strip_angle(u) for u in urls))

    # -- reading ----------------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Prompt:
        """Read Midjourney syntax; the same as :func:`parse_prompt`.

        >>> Prompt.parse("a {red, green} bird --ar 3:2").text
        'a {red, green} bird'
        """
        return parse_prompt(text)

    @property
    def weights(self) -> tuple[WeightedPart, ...] | None:
        """The multi-prompt parts (``::``) with their weights, or None when the text has no ``::``.

        A weight is the number right after ``::`` and belongs to the part before it; the default is 1.

        >>> [(w.text, w.weight) for w in Prompt("cup::2 cake:: illustration").weights]
        [('cup', 2), ('cake', 1), ('illustration', 1)]
        >>> Prompt("a hot dog").weights is None
        True
        """
        return _weights(self.text)

    @property
    def version(self) -> str | None:
        """The model the prompt names with ``--v`` or ``--niji`` (``"7"``, ``"6.1"``, ``"niji 6"``), else None.

        >>> Prompt.parse("koi pond --niji 6").version, Prompt.parse("koi pond --v 7").version
        ('niji 6', '7')
        """
        niji = self.params.get("niji")
        if niji is not None:
            return "niji" if niji is True else f"niji {niji}"
        v = self.params.get("version")
        return v if isinstance(v, str) else None

    @property
    def permutations(self) -> int:
        """How many jobs the permutation groups ``{…}`` make (1 without groups; 0 if braces are unbalanced).

        >>> Prompt.parse("a {red, green} bird in the {jungle, desert}").permutations
        4
        """
        s = str(self)
        if "{" not in s and "}" not in s:
            return 1
        return _count_jobs(s) if _group_spans(s) is not None else 0

    # -- copies -------------------------------------------------------------------------------------------------
    def with_param(self, name: str, value: object = True) -> Prompt:
        """A copy with parameter ``name`` (an alias is fine) set to ``value``; ``True`` makes a flag.

        >>> str(Prompt("koi pond").with_param("ar", "2:3").with_param("s", 250).with_param("tile"))
        'koi pond --ar 2:3 --s 250 --tile'
        """
        v = _norm_value(value)
        if v is None:
            return self.without_param(name)
        key = _canonical(name.lstrip("-—–"))
        items = dict(self.params.items())
        items[key] = v
        return dataclasses.replace(self, params=_Params(items.items()), _notes=())

    def without_param(self, name: str) -> Prompt:
        """A copy without parameter ``name`` (an alias is fine); unchanged if it is not there.

        >>> str(Prompt.parse("koi pond --ar 2:3 --v 6").without_param("v"))
        'koi pond --ar 2:3'
        """
        key = _canonical(name.lstrip("-—–"))
        if key not in self.params:
            return self
        return dataclasses.replace(self, params=_Params((k, v) for k, v in self.params.items() if k != key),
                                   _notes=())

    def with_text(self, text: str) -> Prompt:
        """A copy with new text (``::`` weights and ``{…}`` groups included), keeping images and parameters.

        >>> str(Prompt.parse("koi pond --ar 2:3").with_text("lotus pond at dusk"))
        'lotus pond at dusk --ar 2:3'
        """
        return dataclasses.replace(self, text=text, _notes=())

    def with_image_prompts(self, *urls: str) -> Prompt:
        """A copy whose leading image prompts are ``urls`` (none removes them).

        >>> str(Prompt("koi pond").with_image_prompts("https://s.mj.run/a1"))
        'https://s.mj.run/a1 koi pond'
        """
        return dataclasses.replace(self, image_prompts=tuple(_strip_angle(u) for u in urls), _notes=())

    # -- checking ---------------------------------------------------------------------------------------------
    def problems(self, version: str | float | None = None, *, plan: str = "standard") -> list[Problem]:
        """What :func:`validate_prompt` finds in this prompt (errors and warnings).

        >>> [p.code for p in Prompt.parse("koi pond --cref https://s.mj.run/a1 --v 7").problems()]
        ['not-in-version']
        """
        return validate_prompt(self, version=version, plan=plan)

    def check(self, version: str | float | None = None, *, plan: str = "standard") -> Prompt:
        """Return this prompt if it has no errors, else raise :class:`~filmkit.errors.PromptValidationError`.

        Warnings never raise. The error's ``.problems`` lists every error.

        >>> Prompt.parse("koi pond --ar 2:3").check() == Prompt.parse("koi pond --ar 2:3")
        True
        >>> Prompt.parse("koi pond --ar 2x3").check()
        Traceback (most recent call last):
        ...
        filmkit.errors.PromptValidationError: the prompt has 1 problem(s):
          - --ar must look like W:H with whole numbers (e.g. 16:9); got '2x3'. Write --ar 2:3.
        """
        errors = [p for p in self.problems(version, plan=plan) if p.is_error]
        if errors:
            raise PromptValidationError(errors, prompt=str(self))
        return self

    def expand(self) -> list[Prompt]:
        """The prompts this permutation makes; see :func:`expand_prompt`.

        >>> [str(p) for p in Prompt.parse("a {red, green} bird").expand()]
        ['a red bird', 'a green bird']
        """
        return expand_prompt(self)

    # -- writing ----------------------------------------------------------------------------------------------
    def __str__(self) -> str:
        return format_prompt(self)

    def __repr__(self) -> str:
        return f"Prompt({str(self)!r})"

    def _repr_html_(self) -> str:
        esc = html.escape
        chips = []
        for url in self.image_prompts:
            chips.append(f'<span style="background:#e3f2fd;color:#0d47a1;padding:1px 4px;border-radius:3px"'
                         f' title="image prompt">{esc(url)}</span>')
        parts = self.weights
        if parts:
            for part in parts:
                colour = "#1b5e20" if part.weight > 0 else "#b71c1c"
                chips.append(f'<span style="color:{colour}" title="weight {part.weight}">{esc(part.text)}'
                             f'<sub>{part.weight}</sub></span>')
        elif self.text:
            chips.append(f'<span title="text">{esc(self.text)}</span>')
        for name, value in self.params.items():
            spec = T.SPECS.get(name)
            tip = esc(spec.help if spec else "unknown parameter")
            shown = "--" + T.SHORT.get(name, name) + ("" if value is True else " " + str(value))
            chips.append(f'<span style="background:#fff3e0;color:#e65100;padding:1px 4px;border-radius:3px"'
                         f' title="{name}: {tip}">{esc(shown)}</span>')
        return '<div style="font-family:monospace;line-height:1.8">' + " ".join(chips) + "</div>"


PromptLike = Union[Prompt, str]  # noqa: UP007


def format_prompt(prompt: PromptLike) -> str:
    """Canonical Midjourney syntax for a prompt: images, text, then ``--name value`` in the order written.

    Examples
    --------
    >>> from filmkit.prompts import format_prompt
    >>> format_prompt("<https://s.mj.run/a1>  koi pond,  --ASPECT 2:3 —stylize 50")
    'https://s.mj.run/a1 koi pond --ar 2:3 --s 50'
    """
    p = parse_prompt(prompt)
    out = list(p.image_prompts)
    if p.text:
        out.append(p.text)
    for name, value in p.params.items():
        short = T.SHORT.get(name, name)
        out.append(f"--{short}" if value is True else f"--{short} {value}")
    return " ".join(out)


def _weights(text: str) -> tuple[WeightedPart, ...] | None:
    if "::" not in text:
        return None
    segments = text.split("::")
    parts: list[WeightedPart] = []
    current = segments[0]
    for seg in segments[1:]:
        m = _WEIGHT.match(seg)
        weight: float = 1
        if m:
            w = float(m.group())
            weight = int(w) if w.is_integer() else w
            seg = seg[m.end():]
        part = current.strip()
        if part:
            parts.append(WeightedPart(part, weight))
        current = seg
    last = current.strip()
    if last:
        parts.append(WeightedPart(last, 1))
    return tuple(parts)


# --- parsing -----------------------------------------------------------------------------------------------------
def _group_spans(s: str) -> list[tuple[int, int]] | None:
    """Top-level ``{…}`` spans as (start, end); None when the braces do not balance."""
    depth = 0
    start = 0
    spans: list[tuple[int, int]] = []
    for m in _BRACE.finditer(s):
        if m.group() == "{":
            if depth == 0:
                start = m.start()
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                spans.append((start, m.end()))
    return spans if depth == 0 else None


def parse_prompt(text: PromptLike) -> Prompt:
    """Read a Midjourney prompt the way Midjourney does.

    Accepts ``--`` or an em dash ``—`` (and, with a warning from :func:`validate_prompt`, an en dash) before a
    parameter name; aliases (``--ar`` → ``aspect``); flags without values; values of several words
    (``--no trees, people``, ``--sref 123 456``); leading image URLs, also in ``<…>``; ``::`` weights; and
    permutation groups ``{a, b}`` anywhere, kept literally. Every string can be read: what Midjourney would refuse
    is reported by :func:`validate_prompt`, not here. A :class:`Prompt` is returned unchanged.

    Examples
    --------
    >>> from filmkit.prompts import parse_prompt
    >>> p = parse_prompt("<https://s.mj.run/a1> https://example.com/b.png koi pond --no trees, people --tile")
    >>> p.image_prompts
    ('https://s.mj.run/a1', 'https://example.com/b.png')
    >>> p.text, p.params["no"], p.params["tile"]
    ('koi pond', 'trees, people', True)
    >>> parse_prompt("poppies--ar 2:3").text    # glued to the text: not a parameter
    'poppies--ar 2:3'
    >>> dict(parse_prompt("cat --sref 123 --sref 456 --p").params)
    {'sref': '123 456', 'profile': True}
    """
    if isinstance(text, Prompt):
        return text
    if not isinstance(text, str):
        raise TypeError(f"parse_prompt needs a str; got {type(text).__name__}.")
    markers = list(_MARKER.finditer(text))
    if markers and "{" in text:
        spans = _group_spans(text)
        if spans:
            markers = [m for m in markers if not any(a < m.start() < b for a, b in spans)]
    head = text[: markers[0].start()] if markers else text

    images: list[str] = []
    pos = 0
    while True:
        m = _IMAGE.match(head, pos)
        if m is None:
            break
        images.append(m.group(1) or m.group(2))
        pos = m.end()
    body = head[pos:] if pos else head

    params: dict[str, ParamValue] = {}
    notes: list[tuple[str, str, str]] = []
    n = len(markers)
    for i, m in enumerate(markers):
        end = markers[i + 1].start() if i + 1 < n else len(text)
        value: ParamValue = " ".join(text[m.end():end].split()) or True
        dash, written = m.group(1), m.group(2)
        if written[0] == "{":
            name = written
        else:
            low = written.lower()
            name = T.ALIASES.get(low, low)
            if low != written:
                notes.append(("uppercase", name, dash + written))
        if dash != "--" and dash != "—":
            notes.append(("dash", name, dash + written))
        old = params.get(name)
        if old is not None:
            if value is True:
                value = old
            elif old is not True and name in T.JOIN_SPACE:
                value = f"{old} {value}"
            elif old is not True and name in T.JOIN_COMMA:
                value = f"{old}, {value}"
        params[name] = value
    return Prompt(_clean_text(body), _Params(params.items()), tuple(images), tuple(notes))


# --- permutations ------------------------------------------------------------------------------------------------
def _split_options(inner: str) -> list[str]:
    """Split a group's inside on top-level commas that are not escaped as ``\\,``."""
    out: list[str] = []
    depth = 0
    start = 0
    prev = ""
    for i, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0 and prev != "\\":
            out.append(inner[start:i])
            start = i + 1
        prev = ch
    out.append(inner[start:])
    return [o.strip() for o in out]


def _expand_str(s: str) -> Iterator[str]:
    spans = _group_spans(s)
    if not spans:
        yield s
        return
    pieces: list[list[str]] = []
    last = 0
    for a, b in spans:
        pieces.append([s[last:a]])
        options: list[str] = []
        for opt in _split_options(s[a + 1:b - 1]):
            options.extend(_expand_str(opt))
        pieces.append(options)
        last = b
    pieces.append([s[last:]])
    for combo in itertools.product(*pieces):
        yield "".join(combo)


def _count_jobs(s: str) -> int:
    spans = _group_spans(s)
    if not spans:
        return 1
    total = 1
    for a, b in spans:
        total *= sum(_count_jobs(opt) for opt in _split_options(s[a + 1:b - 1]))
    return total


def _finish(s: str) -> str:
    return _SPACES.sub(" ", _ESCAPED_COMMA.sub(",", s)).strip()


def expand_prompt(prompt: PromptLike) -> list[Prompt]:
    """The prompts a permutation prompt makes, in Midjourney's order (the first group varies slowest).

    Groups may sit anywhere (text, image URLs, parameter values and names, weights) and nest; options are split on
    top-level commas and trimmed; ``\\,`` is a literal comma. A prompt without groups gives a list of itself.

    Raises :class:`~filmkit.errors.PromptSyntaxError` when the braces do not balance.

    Examples
    --------
    >>> from filmkit.prompts import expand_prompt
    >>> [str(p) for p in expand_prompt("a {red, green} bird in the {jungle, desert}")]
    ['a red bird in the jungle', 'a red bird in the desert', 'a green bird in the jungle', 'a green bird in the desert']
    >>> [str(p) for p in expand_prompt("a fruit salad bird --{v 5, niji}")]
    ['a fruit salad bird --v 5', 'a fruit salad bird --niji']
    >>> [p.text for p in expand_prompt(r"{red\\, white, blue} bird")]
    ['red, white bird', 'blue bird']
    """
    p = parse_prompt(prompt)
    s = prompt if isinstance(prompt, str) else str(p)
    if "{" not in s and "}" not in s:
        return [p]
    if _group_spans(s) is None:
        raise PromptSyntaxError(f"the braces in {s!r} do not balance ({s.count('{')} '{{' vs {s.count('}')} '}}'); "
                                "close every {group, like this} before expanding.")
    return [parse_prompt(_finish(e)) for e in _expand_str(s)]


# --- validation --------------------------------------------------------------------------------------------------
def _norm_version(value: object) -> str | None:
    """'v7' → '7', 'niji6' → 'niji 6', 6.1 → '6.1', 'niji' → 'niji 6'; None if not a version at all."""
    s = str(value).strip().lower()
    if s.startswith("niji"):
        rest = s[4:].strip()
        if not rest:
            return T.DEFAULT_NIJI
        return f"niji {rest}" if rest in T.NIJI_VALUES else None
    s = s.lstrip("v").strip()
    s = s.removesuffix(".0")
    return s if s in T.V_VALUES else None


def _fmt_num(x: float) -> str:
    if float(x).is_integer():
        return str(int(x))
    return f"{x:g}".replace("0.", ".", 1) if 0 < x < 1 else f"{x:g}"


def _dn(name: str) -> str:
    """How messages name a parameter: its documented long name, except --ar, which everyone writes."""
    return "--ar" if name == "aspect" else "--" + name


class _Report:
    __slots__ = ("items", "seen")

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, code: str, message: str, param: str | None = None, severity: str = "error") -> None:
        key = (code, message)
        if key not in self.seen:
            self.seen.add(key)
            self.items.append(Problem(code, message, severity, param))  # type: ignore[arg-type]

    def warn(self, code: str, message: str, param: str | None = None) -> None:
        self.add(code, message, param, "warning")


def validate_prompt(prompt: PromptLike, *, version: str | float | None = None,
                    plan: str = "standard") -> list[Problem]:
    """Every problem a prompt has for a model version: errors Midjourney would refuse, and warnings.

    ``version`` is ``"7"``, ``"6.1"``, ``"v5.2"``, ``"niji 6"`` …; without it, the version the prompt names
    (``--v`` / ``--niji``), else V7. ``plan`` (``basic``, ``standard``, ``pro``, ``mega``) sets the permutation
    job limit (4 / 10 / 40 / 40) and the ``--repeat`` range. Points the documentation leaves uncertain (§11 of the
    reference note) are warnings. A prompt with ``{…}`` groups is checked expansion by expansion.

    Examples
    --------
    >>> from filmkit.prompts import validate_prompt
    >>> for problem in validate_prompt("misty harbour --ar 16:0 --c 150 --oref https://s.mj.run/a1", version="6.1"):
    ...     print(problem.code, "|", problem)
    bad-aspect | --ar needs two sides above zero; got '16:0'. Use a ratio such as 16:9.
    out-of-range | --chaos must be 0–100; got 150. Use 100 or less.
    not-in-version | --oref does not exist in V6.1 (it needs V7). Use --cref instead, or add --v 7.
    >>> [p.severity for p in validate_prompt("misty harbour --style raw --v 7")]
    ['warning']
    >>> validate_prompt("misty harbour --ar 2:3 --v 6")
    []
    """
    p = parse_prompt(prompt)
    limit = T.PLAN_JOBS.get(str(plan).lower())
    if limit is None:
        raise PromptError(f"plan must be one of {', '.join(T.PLAN_JOBS)}; got {plan!r}. Use plan='standard'.")
    explicit = None
    if version is not None:
        explicit = _norm_version(version)
        if explicit is None:
            raise PromptError(f"version must be a Midjourney model such as '7', '6.1' or 'niji 6'; got {version!r}.")
    report = _Report()
    _check_notes(p, report)
    has_braces = ("{" in prompt or "}" in prompt) if isinstance(prompt, str) else _braces(p)
    if has_braces:
        s = prompt if isinstance(prompt, str) else str(p)
        if _group_spans(s) is None:
            report.add("unbalanced-braces",
                       f"the braces in this prompt do not balance ({s.count('{')} '{{' and {s.count('}')} '}}'); "
                       "close every permutation group, like {red, green}, or remove the stray brace.")
            return report.items
        jobs = _count_jobs(s)
        if jobs > limit:
            report.add("too-many-jobs",
                       f"this permutation prompt makes {jobs} jobs; the {plan} plan allows {limit} per prompt. "
                       "Remove options from the {…} groups or split the prompt.")
        if jobs > 1 and "relax" in p.params:
            report.add("permutation-in-relax", "permutation prompts {…} run in Fast mode only; remove --relax.",
                       "relax")
        for expanded in itertools.islice(_expand_str(s), T.PLAN_JOBS["pro"]):
            _check_one(parse_prompt(_finish(expanded)), explicit, limit, plan, report)
        return report.items
    _check_one(p, explicit, limit, plan, report)
    return report.items


def _braces(p: Prompt) -> bool:
    if "{" in p.text or "}" in p.text or any("{" in u or "}" in u for u in p.image_prompts):
        return True
    return any("{" in k or "}" in k or (isinstance(v, str) and ("{" in v or "}" in v)) for k, v in p.params.items())


def _check_notes(p: Prompt, report: _Report) -> None:
    for kind, name, written in p._notes:
        if kind == "dash":
            dash = written[: len(written) - len(written.lstrip("—–-"))]
            report.warn("dash-style", f"{written} starts with {dash!r}; Midjourney documents only -- and a single "
                        f"em dash —, so this may be read as text. Write --{written[len(dash):].lower()}.", name)
        elif kind == "uppercase":
            report.warn("uppercase-name", f"{written} has capital letters; whether Midjourney accepts them is "
                        f"undocumented. Write --{written.lstrip('-—–').lower()}.", name)


def _check_one(p: Prompt, explicit: str | None, limit: int, plan: str, report: _Report) -> None:
    params = p.params._map if isinstance(p.params, _Params) else dict(p.params)
    # -- values: split off text after a one-word value, commas between parameters --------------------------
    values: dict[str, ParamValue] = {}
    for name, value in params.items():
        spec = T.SPECS.get(name)
        if isinstance(value, str) and ("-" in value or "—" in value or "–" in value):
            m = _GLUED.search(value) or _NO_SPACE.search(value)
            if m and _is_param_name(m.group(1), m.group(2)):
                report.add("glued-parameter", f"{m.group(0)!r} in the value of {_dn(name)} is glued; put a space "
                           f"before and after each parameter name (e.g. --ar 16:9).", name)
        if spec is not None and spec.kind in _SINGLE and isinstance(value, str):
            if spec.kind == "flag":
                report.add("text-after-parameters",
                           f"{value!r} follows {_dn(name)}, which takes no value; Midjourney reads parameters last. "
                           f"Move {value!r} before the parameters.", name)
                value = True
            else:
                first, _, rest = value.partition(" ")
                if rest:
                    report.add("text-after-parameters",
                               f"{rest!r} follows {_dn(name)} {first}; parameters go last and nothing may follow "
                               f"them. Move {rest!r} before the parameters.", name)
                if first.endswith(",") and len(first) > 1:
                    report.add("comma-between-parameters",
                               f"{_dn(name)} {first} ends with a comma; separate parameters with spaces only "
                               f"(write {_dn(name)} {first.rstrip(',')}).", name)
                    first = first.rstrip(",")
                value = first
        values[name] = value

    # -- which model ------------------------------------------------------------------------------------------
    v, niji = values.get("version"), values.get("niji")
    named: str | None = None
    if v is not None and niji is not None:
        both = "--v" + ("" if v is True else f" {v}") + " and --niji" + ("" if niji is True else f" {niji}")
        report.add("version-and-niji", f"{both} both choose a model; keep one (remove --niji for Midjourney's "
                   "model, or --v for the anime model).", "version")
    if v is not None:
        if v is True:
            report.add("missing-value", "--v needs a version number; write e.g. --v 7.", "version")
        else:
            named = _norm_version(v)
            if named is None:
                report.add("bad-version", f"--v must be one of {', '.join(T.V_VALUES)}; got {v!r}. "
                           "Use --v 7 (the current default).", "version")
    if niji is not None:
        n = T.DEFAULT_NIJI if niji is True else _norm_version(f"niji {niji}")
        if n is None:
            report.add("bad-version", f"--niji must be one of {', '.join(T.NIJI_VALUES)} (or bare --niji); "
                       f"got {niji!r}. Use --niji 6.", "niji")
        elif named is None:
            named = n
    ver = explicit or named or T.DEFAULT_VERSION
    if ver in T.OTHER_VERSIONS:
        checked = T.OTHER_VERSIONS[ver]
        report.warn("version-unchecked", f"filmkit has no rules of its own for {_vname(ver)}; checked it against "
                    f"{_vname(checked)}'s rules.", "version")
        ver = checked

    # -- the prompt as a whole ----------------------------------------------------------------------------------
    text = p.text
    images = p.image_prompts
    if not text and not images:
        report.add("empty-prompt", "the prompt has no text and no image; describe what to show, e.g. "
                   "'misty harbour at dawn'.")
    elif not text and len(images) == 1:
        report.add("image-only-single", "an image prompt needs a second image or some text; add a few words "
                   "describing what to make, or a second image URL.")
    if not text and images:
        for name in ("stylize", "weird"):
            if name in values:
                report.add("not-for-image-only", f"image-only prompts cannot take --{name}; add text or "
                           f"remove --{name}.", name)
    for url in images:
        bare = url.split("?")[0].lower()
        if not bare.endswith(_IMAGE_EXT) and not any(h in bare for h in _MJ_HOSTS):
            report.warn("image-url", f"image prompt {url!r} does not end in .png, .gif, .webp, .jpg or .jpeg; "
                        "Midjourney needs a direct link to an image file.")
    length = len(text)
    if length > 1000 or len(params) > 8 or images:
        length = len(str(p))
    if length > 2000:
        report.warn("too-long", f"the prompt is {length} characters; services cut prompts at about 2000 and "
                    "Midjourney pays less attention to late words. Shorten it.")

    # -- text: glued parameters, weights ------------------------------------------------------------------------
    if "-" in text or "—" in text or "–" in text:
        for m in _GLUED.finditer(text):
            if _is_param_name(m.group(1), m.group(2)):
                start = text.rfind(" ", 0, m.start()) + 1
                word = text[start:m.end()]
                report.add("glued-parameter", f"{word!r} glues --{m.group(2)} to the text, so Midjourney reads it "
                           f"as words; put a space before {m.group(1)}{m.group(2)}.", T.ALIASES[m.group(2).lower()])
        for m in _NO_SPACE.finditer(text):
            if _is_param_name(m.group(1), m.group(2)):
                report.add("glued-parameter", f"{m.group(0)!r} needs a space between the name and the value: "
                           f"write --{m.group(2)} {m.group(3)}.", T.ALIASES[m.group(2).lower()])
        for m in _SPACED.finditer(text):
            if _is_param_name("--" if m.group(1) in ("--", "- -") else "—", m.group(2)):
                report.warn("spaced-parameter", f"{m.group(0)!r} has a space after the dash, so it is read as "
                            f"text, not a parameter; write --{m.group(2).lower()} {m.group(3)}.",
                            T.ALIASES[m.group(2).lower()])
    if "::" in text:
        _check_weights(text, ver, report)

    # -- each parameter -----------------------------------------------------------------------------------------
    for name, value in values.items():
        spec = T.SPECS.get(name)
        if spec is None:
            if name.startswith("{"):
                continue
            close = _suggest(name)
            hint = f" Did you mean --{close}?" if close else " See the parameter list in the docs."
            report.add("unknown-parameter", f"{_dn(name)} is not a Midjourney parameter.{hint}", name)
            continue
        if name in ("version", "niji"):
            continue
        if ver not in spec.versions:
            if ver in spec.uncertain:
                if spec.kind != "legacy":
                    report.warn("uncertain", f"{spec.uncertain[ver]}; it may be ignored in {_vname(ver)}.", name)
            else:
                instead = spec.instead.get(ver)
                allowed = _versions_text(spec.versions)
                fix = f" Use {instead} instead" if instead else " Remove it"
                fix += f", or add --v {_first_version(spec.versions)}." if allowed else "."
                report.add("not-in-version", f"{_dn(name)} does not exist in {_vname(ver)}"
                           f"{f' (it needs {allowed})' if allowed else ''}.{fix}", name)
                continue
        _check_value(name, spec, value, ver, limit, plan, p, report)

    # -- combinations -------------------------------------------------------------------------------------------
    for needs, has, what in (("sw", "sref", "--sref"), ("cw", "cref", "--cref"), ("ow", "oref", "--oref"),
                             ("sv", "sref", "--sref")):
        if needs in values and has not in values:
            report.warn("needs-companion", f"--{needs} only matters together with {what}; add {what} or remove "
                        f"--{needs}.", needs)
    if "iw" in values and not images:
        report.warn("needs-companion", "--iw weighs image prompts, but the prompt has none; put an image URL "
                    "first or remove --iw.", "iw")
    if "oref" in values and values.get("quality") == "4":
        report.warn("uncertain", "--oref is reported not to work with --q 4 (third-party guides); use --q 1 or 2.",
                    "oref")
    modes = [m for m in ("fast", "relax", "turbo") if m in values]
    if len(modes) > 1:
        report.warn("conflicting-modes", f"{' and '.join('--' + m for m in modes)} pick different speed modes; "
                    "keep one.", modes[1])
    if "stealth" in values and "public" in values:
        report.warn("conflicting-modes", "--stealth and --public contradict each other; keep one.", "public")


@functools.lru_cache(maxsize=1024)
def _suggest(name: str) -> str | None:
    close = difflib.get_close_matches(name, _KNOWN_NAMES, n=1, cutoff=0.6)
    return close[0] if close else None


def _vname(ver: str) -> str:
    return ver.replace("niji", "Niji") if ver.startswith("niji") else f"V{ver}"


def _versions_text(versions: frozenset[str]) -> str:
    ordered = [v for v in T.CHECKED_VERSIONS if v in versions]
    return ", ".join(_vname(v) for v in ordered)


def _first_version(versions: frozenset[str]) -> str:
    for v in reversed(T.CHECKED_VERSIONS[:7]):
        if v in versions:
            return v
    return T.DEFAULT_VERSION


def _check_weights(text: str, ver: str, report: _Report) -> None:
    for m in _WEIGHT_AFTER.finditer(text):
        after = m.group(1)
        if not after or after[0] not in "-.0123456789":
            continue
        w = _WEIGHT.match(after)
        if w is None or w.end() != len(after) and after[w.end()] not in "{},":
            report.add("bad-weight", f"'::{after}' is not a weight; write a number right after :: "
                       "(e.g. ::2, ::0.5 or ::-.5) followed by a space.")
    parts = _weights(text) or ()
    total = sum(part.weight for part in parts)
    if parts and total <= 0:
        listed = ", ".join(f"{part.text}::{_fmt_num(part.weight)}" for part in parts)
        report.add("weights-sum", f"the multi-prompt weights add up to {_fmt_num(total)} ({listed}); the sum must "
                   "be positive. Raise a positive weight or soften the negative one.")
    if ver == T.V7:
        report.warn("uncertain", "V7 support for :: multi-prompts is not documented (sources disagree); the "
                    "weights may be ignored. Test it, or use --v 6.1 for weighted prompts.")


def _number(name: str, raw: str, *, whole: bool, lo: float, hi: float, report: _Report,
            example: str = "") -> float | None:
    ok = _INT.match(raw) if whole else _NUM.match(raw)
    if not ok:
        kind = "a whole number" if whole else "a number"
        report.add("not-a-number", f"{_dn(name)} needs {kind} from {_fmt_num(lo)} to {_fmt_num(hi)}; got {raw!r}. "
                   f"Use a value like {example or _fmt_num(hi)}.", name)
        return None
    return float(raw)


def _check_value(name: str, spec: T.ParamSpec, value: ParamValue, ver: str, limit: int, plan: str, p: Prompt,
                 report: _Report) -> None:
    kind = spec.kind
    if kind == "flag":
        return
    if kind == "legacy":
        report.warn("legacy-parameter", f"{_dn(name)} is a legacy parameter (V1–V3 era) that current models refuse "
                    f"or ignore; remove it.", name)
        return
    if value is True:
        if kind == "words" and name == "profile":
            return
        example = spec.example or "…"
        report.add("missing-value", f"{_dn(name)} needs a value; write e.g. --{T.SHORT.get(name, name)} {example}.",
                   name)
        return
    assert isinstance(value, str)
    if kind in ("int", "number"):
        lo, hi = spec.ranges.get(ver) or spec.ranges["*"]
        x = _number(name, value, whole=kind == "int", lo=lo, hi=hi, report=report, example=spec.example)
        if x is not None and name == "ow" and x == 0:
            report.warn("uncertain", "--ow 0: the lower bound of --ow is 0 or 1 depending on the source; "
                        "use --ow 1 to be safe.", name)
        elif x is not None and not lo <= x <= hi:
            where = f" in {_vname(ver)}" if ver in spec.ranges else ""
            fix = f"{_fmt_num(hi)} or less" if x > hi else f"{_fmt_num(lo)} or more"
            report.add("out-of-range", f"{_dn(name)} must be {_fmt_num(lo)}–{_fmt_num(hi)}{where}; got {value}. "
                       f"Use {fix}.", name)
        elif x is not None and name == "bs" and x == 3:
            report.warn("uncertain", "--bs 3: video batch sizes are reported as 1, 2 or 4; use one of those.", name)
    elif kind == "aspect":
        _check_aspect(value, ver, report)
    elif kind == "quality":
        x = _number(name, value, whole=False, lo=0.25, hi=4, report=report, example="1")
        if x is None:
            return
        ok = T.QUALITY_OK.get(ver, frozenset())
        unsure = T.QUALITY_UNSURE.get(ver, frozenset())
        allowed = ", ".join(_fmt_num(q) for q in sorted(ok))
        if x in unsure:
            report.warn("uncertain", f"--q {value} in {_vname(ver)} is undocumented (the documented values are "
                        f"{allowed}); it may be refused. Use --q 1 to be safe.", name)
        elif x not in ok:
            report.add("bad-value", f"--quality in {_vname(ver)} takes {allowed}; got {value}. Use --q 1.", name)
    elif kind == "repeat":
        top = limit
        x = _number(name, value, whole=True, lo=2, hi=top, report=report, example="4")
        if x is not None and not 2 <= x <= top:
            more = " (the pro plan allows 40)" if top < 40 else ""
            report.add("out-of-range", f"--repeat must be 2–{top} on the {plan} plan; got {value}. Use "
                       f"{'2 or more' if x < 2 else f'{top} or less'}{more}.", name)
    elif kind == "style":
        _check_style(value, ver, report)
    elif kind == "choice":
        if value.lower() not in spec.choices:
            report.add("bad-value", f"{_dn(name)} takes {' or '.join(spec.choices)}; got {value!r}. "
                       f"Use --{name} {spec.choices[0]}.", name)
    elif kind == "url":
        if not _URL.match(value):
            report.add("bad-value", f"{_dn(name)} needs one image URL (https://…); got {value!r}.", name)
    elif kind == "refs":
        for token in value.split():
            if name == "cref" and not _URL.match(token):
                report.add("bad-value", f"--cref takes image URLs; got {token!r}. Paste the link of a "
                           "character image (https://…).", name)
            elif name == "sref" and not _REF.match(token):
                report.add("bad-value", f"--sref takes image URLs, numeric style codes or 'random'; got "
                           f"{token!r}. Use e.g. --sref 2618598419.", name)
    elif kind == "words" and name == "no":
        words = [w.strip() for w in value.split(",")]
        if any(not w for w in words[:-1]):
            report.warn("empty-no-item", f"--no {value} has an empty item between commas; remove the extra comma.",
                        name)


def _check_aspect(value: str, ver: str, report: _Report) -> None:
    m = _ASPECT.match(value)
    if m is None:
        fix = "Use a ratio such as 16:9."
        dec = _ASPECT_DEC.match(value)
        cross = _ASPECT_X.match(value)
        if dec:
            ratio = Fraction(dec.group(1)) / Fraction(dec.group(2)) if Fraction(dec.group(2)) else None
            if ratio:
                fix = f"Write --ar {ratio.numerator}:{ratio.denominator} (whole numbers only)."
        elif cross:
            fix = f"Write --ar {cross.group(1)}:{cross.group(2)}."
        report.add("bad-aspect", f"--ar must look like W:H with whole numbers (e.g. 16:9); got {value!r}. {fix}",
                   "aspect")
        return
    w, h = int(m.group(1)), int(m.group(2))
    if w == 0 or h == 0:
        report.add("bad-aspect", f"--ar needs two sides above zero; got {value!r}. Use a ratio such as 16:9.",
                   "aspect")
        return
    if ver in (T.V4, T.N4) and not 0.5 <= w / h <= 2:
        report.add("out-of-range", f"--ar in {_vname(ver)} must lie between 1:2 and 2:1; got {value}. Use 2:1 "
                   "or narrower, or --v 6 for wider frames.", "aspect")


def _check_style(value: str, ver: str, report: _Report) -> None:
    v = value.lower()
    if ver == T.V7:
        if v == "raw":
            report.warn("uncertain", "V7 documents --raw; --style raw is common in V7 prompts but undocumented. "
                        "Write --raw.", "style")
        else:
            report.add("bad-value", f"--style {value} does not exist in V7; V7 has --raw instead.", "style")
        return
    if ver == T.V52 and (v == "raw" or _STYLE_CODE.match(v)):
        return  # raw, Style Tuner codes, raw-<code>, random-<n>
    allowed = T.STYLE_VALUES.get(ver)
    if allowed and v in allowed:
        return
    if allowed:
        report.add("bad-value", f"--style in {_vname(ver)} takes {', '.join(sorted(allowed))}; got {value!r}.",
                   "style")
    else:
        report.add("not-in-version", f"--style {value} does not exist in {_vname(ver)}. Remove it, or use "
                   f"--v 6.1 for --style raw.", "style")
