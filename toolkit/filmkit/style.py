"""A style bible and a prompt library: the method of "a set of core prompts, then systematically test variations".

A :class:`StyleBible` holds what every image of a film shares: the medium, palette, lighting, lens, era and texture
words, shared Midjourney parameters (``--ar``, ``--sref`` codes, ``--s``, ``--v`` …), a seed strategy and a
negative list (``--no``). ``bible.apply(prompt)`` dresses any prompt in that look.

A :class:`PromptLibrary` pairs a bible with named **core prompts** (the subjects of the film) and **variation axes**
(time of day, weather, shot size, camera angle, mood …). ``library.grid()`` is the systematic test: every core
prompt crossed with every option of every axis, each with a stable id such as ``quay/dawn/fog/wide-shot``.

Choices made here:

* **Grid order** is the file's order: core prompts one after another; within a core, the axes vary like an
  odometer (the *last* axis fastest), the same order as ``itertools.product`` and Midjourney's own permutations.
* **Ids** are the core id followed by one slug per varied axis option, in axis order (``golden hour`` →
  ``golden-hour``). An id depends only on those words, so adding another core prompt, another option or editing
  the bible never changes the id of an existing prompt. Slugs must be unique within the library's options.
* **Prompt text** is the core text, then the axis options, then the bible's tokens (medium, palette, lighting,
  lens, era, texture), joined with commas: subject first, because Midjourney weighs early words most.
* **The core prompt wins**: a parameter a core prompt sets explicitly (``--ar 2:3``) is kept; the bible fills in
  the rest. ``--no`` is the exception: the bible's negatives are merged into the core's list.
* **Seeds**: ``"fixed"`` gives every prompt ``--seed base_seed``; ``"per-prompt"`` derives a seed from the prompt
  id and ``base_seed`` with SHA-256 (stable across runs and machines); ``"none"`` adds no seed.

The file format is TOML (``load_library`` / ``save_library``), made to be edited by hand::

    [bible]
    name = "Harbour of Mists"
    medium = ["oil painting"]
    palette = ["slate blue", "rust"]
    seed = "per-prompt"
    base_seed = 1207
    negative = ["text", "watermark"]

    [bible.params]
    aspect = "16:9"
    stylize = 250

    [cores]
    quay = "a fishing boat moored at a stone quay"

    [axes]
    time_of_day = ["dawn", "night"]

Examples
--------
>>> from filmkit.style import StyleBible, PromptLibrary
>>> bible = StyleBible("Harbour", medium=["oil painting"], palette="slate blue, rust", params={"ar": "16:9"})
>>> lib = PromptLibrary(bible, cores={"quay": "a fishing boat at the quay"}, axes={"time": ["dawn", "night"]})
>>> for item in lib.grid():
...     print(item.id, "|", item.prompt)
quay/dawn | a fishing boat at the quay, dawn, oil painting, slate blue, rust --ar 16:9
quay/night | a fishing boat at the quay, night, oil painting, slate blue, rust --ar 16:9
"""
from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import html
import io
import itertools
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ._tomlfile import tomllib  # tomllib, or tomli on Python 3.10
from .errors import FileFormatError, FilmkitError, PromptError
from .prompts import Prompt, PromptLike, parse_prompt, validate_prompt

__all__ = [
    "EXAMPLE_PATH",
    "SEED_STRATEGIES",
    "TOKEN_FIELDS",
    "CoverageReport",
    "LibraryPrompt",
    "PromptLibrary",
    "StyleBible",
    "check_library_file",
    "example_library",
    "load_library",
    "save_library",
    "slug",
]

#: the bible's token fields, in the order their words are added to a prompt
TOKEN_FIELDS = ("medium", "palette", "lighting", "lens", "era", "texture")
#: how a bible gives prompts a ``--seed``
SEED_STRATEGIES = ("none", "fixed", "per-prompt")
#: the bundled example library (a misty northern harbour town), used by the lessons
EXAMPLE_PATH = Path(__file__).parent / "data" / "style_example.toml"

_SEED_MAX = 4294967295
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_SLUG_DROP = re.compile(r"[\W_]+")
_BIBLE_KEYS = ("name", *TOKEN_FIELDS, "negative", "seed", "base_seed", "params")
_TOP_KEYS = ("bible", "cores", "axes")
_MODEL = ("version", "niji")

Tokens = str | Sequence[str]
PathLike = str | os.PathLike[str]


# --- small values ------------------------------------------------------------------------------------------------
class _Frozen(Mapping[str, Any]):
    """A read-only, hashable mapping that keeps the order it was given (equal to a dict with the same items)."""

    __slots__ = ("_map",)

    def __init__(self, items: Iterable[tuple[str, Any]] = ()) -> None:
        self._map: dict[str, Any] = dict(items)

    def __getitem__(self, key: str) -> Any:
        return self._map[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._map == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._map.items()))

    def __repr__(self) -> str:
        return repr(self._map)


def _tokens(value: Tokens | None, what: str) -> tuple[str, ...]:
    """A string is split on commas; a list keeps each item whole. Blank items are dropped."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: Iterable[Any] = value.split(",")
    elif isinstance(value, Iterable):
        items = value
    else:
        raise PromptError(f"{what} must be words or a list of words, e.g. ['oil painting']; got {value!r}.")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise PromptError(f"{what} must hold words; got {item!r}. Put it in quotes: {str(item)!r}.")
        word = " ".join(item.split())
        if word and word not in out:
            out.append(word)
    return tuple(out)


def slug(text: str) -> str:
    """The id form of an option: lower case, accents dropped, words joined by ``-``.

    >>> slug("Golden hour"), slug("close-up"), slug("  low angle (worm's eye) "), slug("Café Fjørd")
    ('golden-hour', 'close-up', 'low-angle-worm-s-eye', 'cafe-fjørd')
    """
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _SLUG_DROP.sub("-", plain.lower()).strip("-")


def _contains(text: str, token: str) -> bool:
    """Whether ``token`` appears in ``text`` as whole words, ignoring case."""
    return re.search(r"(?<!\w)" + re.escape(token.lower()) + r"(?!\w)", text.lower()) is not None


def _split_no(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


# --- the style bible ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StyleBible:
    """What every image of a film shares: look words, shared parameters, a seed strategy and a negative list.

    Token fields (``medium``, ``palette``, ``lighting``, ``lens``, ``era``, ``texture``, ``negative``) take a
    list of words, or one string that is split on commas. ``params`` maps Midjourney parameter names (aliases
    such as ``ar`` are fine) to values; ``True`` is a flag. ``seed`` is ``"none"``, ``"fixed"`` (every prompt
    gets ``--seed base_seed``) or ``"per-prompt"`` (a stable seed derived from each prompt's id).

    Examples
    --------
    >>> from filmkit.style import StyleBible
    >>> bible = StyleBible("Harbour", medium="oil painting", lighting=["low winter sun"],
    ...                    params={"ar": "16:9", "s": 250}, negative=["text", "people"])
    >>> bible.tokens
    ('oil painting', 'low winter sun')
    >>> dict(bible.params)
    {'aspect': '16:9', 'stylize': '250'}
    >>> bible.with_params(ar="21:9").params["aspect"]
    '21:9'
    """

    name: str = "untitled"
    medium: Tokens = ()
    palette: Tokens = ()
    lighting: Tokens = ()
    lens: Tokens = ()
    era: Tokens = ()
    texture: Tokens = ()
    params: Mapping[str, Any] = field(default_factory=_Frozen)
    seed: str = "none"
    base_seed: int = 0
    negative: Tokens = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise PromptError(f"a style bible's name must be text; got {self.name!r}. Write name = \"Harbour\".")
        for name in (*TOKEN_FIELDS, "negative"):
            object.__setattr__(self, name, _tokens(getattr(self, name), name))
        if not isinstance(self.params, _Frozen):
            raw = self.params.items() if isinstance(self.params, Mapping) else self.params
            params = Prompt("", params={k: _param_value(k, v) for k, v in raw}).params
            object.__setattr__(self, "params", _Frozen(params.items()))
        if "seed" in self.params:
            raise PromptError("a style bible sets seeds with its seed strategy, not a --seed parameter; use "
                              f"seed='fixed', base_seed={self.params['seed']} instead.")
        if self.seed not in SEED_STRATEGIES:
            raise PromptError(f"seed must be one of {', '.join(map(repr, SEED_STRATEGIES))}; got {self.seed!r}."
                              + _suggest(str(self.seed), SEED_STRATEGIES))
        if isinstance(self.base_seed, bool) or not isinstance(self.base_seed, int) \
                or not 0 <= self.base_seed <= _SEED_MAX:
            raise PromptError(f"base_seed must be a whole number from 0 to {_SEED_MAX}; got {self.base_seed!r}.")

    @property
    def tokens(self) -> tuple[str, ...]:
        """Every look word, in the order they are added to prompts (medium, palette, lighting, lens, era, texture).

        >>> StyleBible(era="1920s", medium="ink wash").tokens
        ('ink wash', '1920s')
        """
        out: list[str] = []
        for name in TOKEN_FIELDS:
            out.extend(t for t in getattr(self, name) if t not in out)
        return tuple(out)

    def seed_for(self, key: str) -> int | None:
        """The seed a prompt with id ``key`` gets: None, ``base_seed``, or a stable hash of key and base seed.

        >>> StyleBible(seed="per-prompt", base_seed=7).seed_for("quay/dawn")
        2693158716
        >>> StyleBible(seed="fixed", base_seed=7).seed_for("quay/dawn"), StyleBible().seed_for("quay/dawn")
        (7, None)
        """
        if self.seed == "fixed":
            return self.base_seed
        if self.seed == "per-prompt":
            digest = hashlib.sha256(f"{self.base_seed}/{key}".encode()).digest()
            return int.from_bytes(digest[:4], "big")
        return None

    def apply(self, prompt: PromptLike, *, key: str | None = None) -> Prompt:
        """Dress a prompt in this bible: add its tokens, parameters, negatives and seed.

        A token already in the text (whole words, any case) is not added again, so applying twice changes
        nothing. A parameter the prompt sets itself is kept (a prompt's ``--niji`` also keeps the bible's ``--v``
        out, and the other way round); the bible's ``--no`` items are merged into the prompt's. ``key`` names the prompt for the ``"per-prompt"`` seed (default: the prompt's text).

        Examples
        --------
        >>> from filmkit.style import StyleBible
        >>> bible = StyleBible(medium="oil painting", palette="slate blue", params={"ar": "16:9", "s": 250},
        ...                    negative="text")
        >>> p = bible.apply("a lighthouse in fog, Oil Painting --ar 2:3 --no people")
        >>> str(p)
        'a lighthouse in fog, Oil Painting, slate blue --ar 2:3 --no people, text --s 250'
        >>> bible.apply(p) == p
        True
        """
        p = parse_prompt(prompt)
        missing = [t for t in self.tokens if not _contains(p.text, t)]
        if missing:
            p = p.with_text(", ".join([p.text, *missing]) if p.text else ", ".join(missing))
        for name, value in self.params.items():
            taken = _MODEL if name in _MODEL else (name,)   # --v and --niji both pick the model: one slot
            if not any(t in p.params for t in taken):
                p = p.with_param(name, value)
        if self.negative:
            have = _split_no(p.params.get("no"))
            lower = {item.lower() for item in have}
            merged = have + [n for n in self.negative if n.lower() not in lower]
            if merged != have:
                p = p.with_param("no", ", ".join(merged))
        if "seed" not in p.params:
            seed = self.seed_for(key if key is not None else p.text)
            if seed is not None:
                p = p.with_param("seed", str(seed))
        return p

    def with_params(self, **params: Any) -> StyleBible:
        """A copy with parameters set (``None`` or ``False`` removes one); aliases such as ``ar`` are fine.

        >>> dict(StyleBible(params={"ar": "16:9", "s": 50}).with_params(s=None, v=7, c=0).params)
        {'aspect': '16:9', 'version': '7', 'chaos': '0'}
        """
        p = Prompt("", params=self.params)
        for name, value in params.items():
            if value is None or value is False:
                p = p.without_param(name)
            else:
                p = p.with_param(name, _param_value(name, value))
        return dataclasses.replace(self, params=_Frozen(p.params.items()))

    def with_tokens(self, **fields: Tokens) -> StyleBible:
        """A copy with token fields replaced, e.g. ``with_tokens(palette=["amber", "ink black"])``.

        >>> StyleBible(palette="grey").with_tokens(palette="amber, ink black").palette
        ('amber', 'ink black')
        """
        unknown = [f for f in fields if f not in (*TOKEN_FIELDS, "negative")]
        if unknown:
            raise PromptError(f"{unknown[0]!r} is not a token field; use one of {', '.join(TOKEN_FIELDS)}, "
                              f"negative.{_suggest(unknown[0], (*TOKEN_FIELDS, 'negative'))}")
        return dataclasses.replace(self, **fields)  # type: ignore[arg-type]


def _canonical_name(name: str) -> str:
    """The canonical name of a parameter (``ar`` → ``aspect``)."""
    return next(iter(Prompt("", params={name: True}).params), name)


def _param_value(name: str, value: Any) -> Any:
    """TOML-friendly parameter values: a list becomes one value joined by spaces (``--no``: by commas)."""
    if isinstance(value, (list, tuple)):
        return (", " if _canonical_name(name) == "no" else " ").join(str(v) for v in value)
    return value


# --- the library -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LibraryPrompt:
    """One cell of a library's grid: its stable ``id``, the ``core`` id, the axis ``choices``, the final ``prompt``
    and its ``seed`` (None when the prompt has none).

    Examples
    --------
    >>> from filmkit.style import example_library
    >>> item = example_library().grid()[0]
    >>> item.id, item.core, dict(item.choices)
    ('quay/dawn/sea-fog/wide-shot', 'quay', {'time_of_day': 'dawn', 'weather': 'sea fog', 'shot_size': 'wide shot'})
    >>> str(item) == str(item.prompt)
    True
    """

    id: str
    core: str
    choices: Mapping[str, str]
    prompt: Prompt
    seed: int | None = None

    def __str__(self) -> str:
        return str(self.prompt)

    def _repr_html_(self) -> str:
        return f"<div><code>{html.escape(self.id)}</code></div>" + self.prompt._repr_html_()


@dataclass(frozen=True)
class PromptLibrary:
    """A style bible, named core prompts and variation axes: the systematic grid of a film's visual language.

    ``cores`` maps an id (lower case letters, digits, ``-`` and ``_``) to a core prompt, which may carry its own
    parameters. ``axes`` maps an axis name to its options, the words each option adds to the prompt. See the
    module docstring for the grid's order, ids and seeds.

    Examples
    --------
    >>> from filmkit.style import PromptLibrary, StyleBible
    >>> lib = PromptLibrary(StyleBible(medium="ink wash"), cores={"quay": "a stone quay"},
    ...                     axes={"weather": ["fog", "rain"], "shot": ["wide shot", "close-up"]})
    >>> [item.id for item in lib.grid()]
    ['quay/fog/wide-shot', 'quay/fog/close-up', 'quay/rain/wide-shot', 'quay/rain/close-up']
    >>> lib2 = lib.with_core("bell", "a brass ship's bell").with_axis("time", ["dawn"])
    >>> len(lib2.grid()), len(lib.grid())
    (8, 4)
    """

    bible: StyleBible = field(default_factory=StyleBible)
    cores: Mapping[str, str] = field(default_factory=_Frozen)
    axes: Mapping[str, Sequence[str]] = field(default_factory=_Frozen)

    def __post_init__(self) -> None:
        if not isinstance(self.bible, StyleBible):
            raise PromptError(f"bible must be a StyleBible; got {type(self.bible).__name__}.")
        cores = self.cores.items() if isinstance(self.cores, Mapping) else self.cores
        object.__setattr__(self, "cores", _Frozen((k, _core_text(k, v)) for k, v in cores))
        axes = self.axes.items() if isinstance(self.axes, Mapping) else self.axes
        object.__setattr__(self, "axes", _Frozen((k, _tokens(v, f"axis {k!r}")) for k, v in axes))
        problems = [message for _, message in _structure_problems(self)]
        if problems:
            raise PromptError("; ".join(problems))

    # -- copies -------------------------------------------------------------------------------------------------
    def with_core(self, id: str, text: str) -> PromptLibrary:
        """A copy with core prompt ``id`` added (or replaced).

        >>> from filmkit.style import PromptLibrary
        >>> dict(PromptLibrary().with_core("quay", "a stone quay").cores)
        {'quay': 'a stone quay'}
        """
        return dataclasses.replace(self, cores=_Frozen([*self.cores.items(), (id, text)]))

    def without_core(self, id: str) -> PromptLibrary:
        """A copy without core prompt ``id``.

        >>> from filmkit.style import PromptLibrary
        >>> dict(PromptLibrary(cores={"a": "x", "b": "y"}).without_core("a").cores)
        {'b': 'y'}
        """
        self._core_ids([id])
        return dataclasses.replace(self, cores=_Frozen((k, v) for k, v in self.cores.items() if k != id))

    def with_axis(self, name: str, options: Tokens) -> PromptLibrary:
        """A copy with axis ``name`` added at the end (or its options replaced, keeping its place).

        >>> from filmkit.style import PromptLibrary
        >>> dict(PromptLibrary().with_axis("mood", ["calm", "ominous"]).axes)
        {'mood': ('calm', 'ominous')}
        """
        return dataclasses.replace(self, axes=_Frozen([*self.axes.items(), (name, options)]))

    def without_axis(self, name: str) -> PromptLibrary:
        """A copy without axis ``name``.

        >>> from filmkit.style import PromptLibrary
        >>> dict(PromptLibrary(axes={"a": ["x"], "b": ["y"]}).without_axis("a").axes)
        {'b': ('y',)}
        """
        self._axis_names([name])
        return dataclasses.replace(self, axes=_Frozen((k, v) for k, v in self.axes.items() if k != name))

    def with_bible(self, bible: StyleBible) -> PromptLibrary:
        """A copy with another style bible.

        >>> from filmkit.style import PromptLibrary, StyleBible
        >>> PromptLibrary().with_bible(StyleBible("Noir")).name
        'Noir'
        """
        return dataclasses.replace(self, bible=bible)

    @property
    def name(self) -> str:
        """The bible's name.

        >>> from filmkit.style import example_library
        >>> example_library().name
        'Harbour of Mists'
        """
        return self.bible.name

    # -- the grid -----------------------------------------------------------------------------------------------
    def _core_ids(self, core: str | Sequence[str] | None) -> list[str]:
        ids = list(self.cores) if core is None else [core] if isinstance(core, str) else list(core)
        for cid in ids:
            if cid not in self.cores:
                raise PromptError(f"no core prompt {cid!r} in this library (it has {', '.join(self.cores) or 'none'})."
                                  + _suggest(cid, self.cores))
        return ids

    def _axis_names(self, names: Iterable[str]) -> list[str]:
        names = list(names)
        for name in names:
            if name not in self.axes:
                raise PromptError(f"no axis {name!r} in this library (it has {', '.join(self.axes) or 'none'})."
                                  + _suggest(name, self.axes))
        return names

    def grid(self, core: str | Sequence[str] | None = None,
             axes: Sequence[str] | Mapping[str, Sequence[str]] | None = None) -> list[LibraryPrompt]:
        """The systematic grid: each core prompt × every combination of axis options, with stable ids.

        ``core`` picks one core id or a list of them (default: all). ``axes`` picks the axes to vary, as a list of
        names or a mapping of name → the options to use (default: every axis, every option); the library's axis
        order is kept either way. Order: cores in library order; within a core the last axis varies fastest.

        Examples
        --------
        >>> from filmkit.style import example_library
        >>> lib = example_library()
        >>> len(lib.grid()) == len(lib.cores) * 3 * 3 * 3
        True
        >>> [item.id for item in lib.grid("lighthouse", axes={"weather": ["sea fog"], "time_of_day": ["dawn", "night"]})]
        ['lighthouse/dawn/sea-fog', 'lighthouse/night/sea-fog']
        """
        cores = self._core_ids(core)
        if axes is None:
            chosen = dict(self.axes.items())
        elif isinstance(axes, Mapping):
            self._axis_names(axes)
            chosen = {name: _tokens(axes[name], f"axis {name!r}") for name in self.axes if name in axes}
        else:
            wanted = set(self._axis_names([axes] if isinstance(axes, str) else axes))
            chosen = {name: opts for name, opts in self.axes.items() if name in wanted}
        return list(self._cells(cores, chosen))

    def _cells(self, cores: Sequence[str], chosen: Mapping[str, Sequence[str]]) -> Iterator[LibraryPrompt]:
        names = list(chosen)
        for cid in cores:
            base = parse_prompt(self.cores[cid])
            for combo in itertools.product(*(chosen[n] for n in names)):
                pid = "/".join([cid, *(slug(option) for option in combo)])
                text = ", ".join([base.text, *combo]) if base.text else ", ".join(combo)
                prompt = self.bible.apply(base.with_text(text), key=pid)
                seed = prompt.params.get("seed")
                yield LibraryPrompt(pid, cid, _Frozen(zip(names, combo)), prompt,
                                    int(seed) if isinstance(seed, str) and seed.isdigit() else None)

    # -- exports ------------------------------------------------------------------------------------------------
    def to_sheet(self, core: str | Sequence[str] | None = None,
                 axes: Sequence[str] | Mapping[str, Sequence[str]] | None = None) -> str:
        """The grid as a sheet of ``/imagine prompt:`` lines, one per prompt, ready to paste into Midjourney.

        >>> from filmkit.style import PromptLibrary
        >>> lib = PromptLibrary(cores={"quay": "a stone quay --ar 3:2"}, axes={"weather": ["fog", "rain"]})
        >>> print(lib.to_sheet())
        /imagine prompt: a stone quay, fog --ar 3:2
        /imagine prompt: a stone quay, rain --ar 3:2
        """
        return "\n".join(f"/imagine prompt: {item.prompt}" for item in self.grid(core, axes))

    def to_csv(self, path_or_buffer: PathLike | TextIO | None = None, *, overwrite: bool = False,
               core: str | Sequence[str] | None = None,
               axes: Sequence[str] | Mapping[str, Sequence[str]] | None = None) -> str:
        """The grid as CSV with columns ``id``, ``core``, one per axis, ``prompt`` and ``seed``.

        With a path the file is written atomically (an existing, different file is kept unless
        ``overwrite=True``); with an open text file it is written there. The CSV text is returned either way.

        >>> import csv, io
        >>> from filmkit.style import PromptLibrary
        >>> lib = PromptLibrary(cores={"quay": "a stone quay"}, axes={"weather": ["fog", "rain"]})
        >>> print(lib.to_csv(), end="")
        id,core,weather,prompt,seed
        quay/fog,quay,fog,"a stone quay, fog",
        quay/rain,quay,rain,"a stone quay, rain",
        >>> next(csv.DictReader(io.StringIO(lib.to_csv())))["prompt"]
        'a stone quay, fog'
        """
        items = self.grid(core, axes)
        names = list(items[0].choices) if items else list(self.axes)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["id", "core", *names, "prompt", "seed"])
        for item in items:
            writer.writerow([item.id, item.core, *(item.choices[n] for n in names), str(item.prompt),
                             "" if item.seed is None else item.seed])
        text = buf.getvalue()
        if path_or_buffer is None:
            return text
        if hasattr(path_or_buffer, "write"):
            path_or_buffer.write(text)
        else:
            _write_safely(Path(path_or_buffer), text, overwrite=overwrite)
        return text

    def coverage(self, prompts: Iterable[LibraryPrompt | PromptLike] | None = None) -> CoverageReport:
        """Check that every prompt carries the bible's tokens, parameters, negatives and seed.

        ``prompts`` defaults to the whole grid; pass your own (edited) prompts to check them. A parameter with
        another value counts as missing too (``--ar 2:3, the bible says 16:9``), so deliberate exceptions stay
        visible.

        Examples
        --------
        >>> from filmkit.style import PromptLibrary, StyleBible
        >>> lib = PromptLibrary(StyleBible(medium="ink wash", params={"ar": "16:9"}), cores={"quay": "a quay"})
        >>> lib.coverage().ok
        True
        >>> lib.coverage(["a quay, ink wash --ar 16:9", "a quay --ar 2:3"])
        CoverageReport: 1 of 2 prompts miss something
          #2: token 'ink wash'; --ar is 2:3, the bible says 16:9
        """
        bible = self.bible
        items = self.grid() if prompts is None else list(prompts)
        checked: list[str] = []
        misses: dict[str, tuple[str, ...]] = {}
        for n, item in enumerate(items, 1):
            if isinstance(item, LibraryPrompt):
                pid, p = item.id, item.prompt
            else:
                pid, p = f"#{n}", parse_prompt(item)
            checked.append(pid)
            missing = [f"token {t!r}" for t in bible.tokens if not _contains(p.text, t)]
            for name, value in bible.params.items():
                have = p.params.get(name)
                flag = "--" + _short(name)
                if have is None:
                    missing.append(f"{flag}" if value is True else f"{flag} {value}")
                elif have != value:
                    missing.append(f"{flag} is {'set' if have is True else have}, the bible says "
                                   f"{'a flag' if value is True else value}")
            no = {item.lower() for item in _split_no(p.params.get("no"))}
            missing += [f"--no {neg}" for neg in bible.negative if neg.lower() not in no]
            if bible.seed != "none" and "seed" not in p.params:
                missing.append("--seed")
            elif bible.seed == "fixed" and p.params.get("seed") != str(bible.base_seed):
                missing.append(f"--seed is {p.params.get('seed')}, the bible says {bible.base_seed}")
            if missing:
                misses[pid] = tuple(missing)
        return CoverageReport(tuple(checked), _Frozen(misses.items()), len(bible.tokens), len(bible.params))

    # -- display ------------------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        axes = ", ".join(f"{k}={len(v)}" for k, v in self.axes.items())
        return (f"PromptLibrary({self.name!r}: {len(self.cores)} core prompt(s) × axes({axes}) = "
                f"{self.size} prompts)")

    @property
    def size(self) -> int:
        """How many prompts the full grid has.

        >>> from filmkit.style import example_library
        >>> example_library().size
        81
        """
        n = len(self.cores)
        for options in self.axes.values():
            n *= len(options)
        return n

    def _repr_html_(self, limit: int = 40) -> str:
        esc = html.escape
        b = self.bible
        rows = [f"<tr><th style='text-align:left'>{esc(f)}</th><td style='text-align:left'>"
                f"{esc(', '.join(getattr(b, f)))}</td></tr>" for f in (*TOKEN_FIELDS, "negative") if getattr(b, f)]
        params = " ".join("--" + _short(k) + ("" if v is True else f" {v}") for k, v in b.params.items())
        rows.append(f"<tr><th style='text-align:left'>parameters</th><td style='text-align:left'><code>"
                    f"{esc(params)}</code></td></tr>")
        seed = b.seed + (f" (base {b.base_seed})" if b.seed != "none" else "")
        rows.append(f"<tr><th style='text-align:left'>seed</th><td style='text-align:left'>{esc(seed)}</td></tr>")
        items = list(itertools.islice(self._cells(list(self.cores), self.axes), limit))
        total = self.size
        names = list(self.axes)
        head = "".join(f"<th>{esc(h)}</th>" for h in ["id", *names, "prompt"])
        body = "".join(
            "<tr>" + f"<td style='text-align:left'><code>{esc(item.id)}</code></td>"
            + "".join(f"<td style='text-align:left'>{esc(item.choices[n])}</td>" for n in names)
            + f"<td style='text-align:left;font-family:monospace'>{esc(str(item.prompt))}</td></tr>"
            for item in items)
        more = f"<p>… and {total - limit} more (see <code>.grid()</code>).</p>" if total > limit else ""
        return (f"<div><b>{esc(self.name)}</b>: {len(self.cores)} core prompt(s) × "
                f"{' × '.join(f'{len(v)} {esc(k)}' for k, v in self.axes.items()) or 'no axes'} = "
                f"{total} prompts<table>{''.join(rows)}</table>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</div>")


def _core_text(cid: object, text: object) -> str:
    if isinstance(text, Prompt):
        return str(text)
    if not isinstance(text, str):
        raise PromptError(f"core prompt {cid!r} must be text; got {text!r}. Put it in quotes.")
    return " ".join(text.split())


def _short(name: str) -> str:
    """How Midjourney writes a canonical parameter name (``aspect`` → ``ar``)."""
    written = str(Prompt("", params={name: True}))
    return written[2:] if written.startswith("--") else name


def _structure_problems(lib: PromptLibrary) -> list[tuple[tuple[str, ...], str]]:
    """Problems with ids and axes, each with the key path it is about (for line numbers)."""
    out: list[tuple[tuple[str, ...], str]] = []

    def add(where: tuple[str, ...], message: str) -> None:
        out.append((where, message))

    for cid, text in lib.cores.items():
        if not isinstance(cid, str) or not _ID.match(cid):
            add(("cores", str(cid)), f"core id {cid!r} must be lower-case letters, digits, - or _ "
                f"(it becomes part of every prompt id); write {slug(str(cid)) or 'quay'!r}.")
        if not text.strip():
            add(("cores", str(cid)), f"core prompt {cid!r} is empty; describe the subject, e.g. "
                "\"a fishing boat at a stone quay\".")
    seen: dict[str, str] = {}
    for name, options in lib.axes.items():
        if not isinstance(name, str) or not _ID.match(name):
            add(("axes", str(name)), f"axis name {name!r} must be lower-case letters, digits, - or _; "
                f"write {slug(str(name)).replace('-', '_') or 'mood'!r}.")
        if not options:
            add(("axes", str(name)), f"axis {name!r} has no options; list some, e.g. "
                f"{name} = [\"dawn\", \"night\"], or remove the axis.")
        for option in options:
            s = slug(option)
            where = ("axes", str(name), option)
            if not s:
                add(where, f"option {option!r} of axis {name!r} has no letters or digits, so it cannot "
                    "name a prompt; use words.")
            elif s in seen:
                add(where, f"option {option!r} of axis {name!r} gives the id part {s!r}, like "
                    f"{seen[s]}; ids must be unique, so reword one of them.")
            else:
                seen[s] = f"{option!r} of axis {name!r}"
    return out


@dataclass(frozen=True)
class CoverageReport:
    """Which prompts lack something of the bible: ``checked`` (prompt ids), ``misses`` (id → what is missing).

    ``ok`` is True when nothing is missing. Displays as text and, in a notebook, as a table.

    >>> from filmkit.style import example_library
    >>> example_library().coverage()
    CoverageReport: all 81 prompts carry the bible's 9 tokens and 4 parameters
    """

    checked: tuple[str, ...]
    misses: Mapping[str, tuple[str, ...]]
    n_tokens: int = 0
    n_params: int = 0

    @property
    def ok(self) -> bool:
        """True when every prompt carries everything.

        >>> from filmkit.style import PromptLibrary, StyleBible
        >>> PromptLibrary(StyleBible(era="1950s")).coverage(["a quay", "a quay, 1950s"]).ok
        False
        """
        return not self.misses

    def __repr__(self) -> str:
        if self.ok:
            return (f"CoverageReport: all {len(self.checked)} prompts carry the bible's {self.n_tokens} tokens "
                    f"and {self.n_params} parameters")
        lines = [f"CoverageReport: {len(self.misses)} of {len(self.checked)} prompts miss something"]
        lines += [f"  {pid}: {'; '.join(items)}" for pid, items in self.misses.items()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        if self.ok:
            return (f"<div style='color:#1b5e20'>✓ all {len(self.checked)} prompts carry the bible's "
                    f"{self.n_tokens} tokens and {self.n_params} parameters</div>")
        rows = "".join(f"<tr><td style='text-align:left'><code>{esc(pid)}</code></td>"
                       f"<td style='text-align:left'>{esc('; '.join(items))}</td></tr>"
                       for pid, items in self.misses.items())
        return (f"<div><b style='color:#b71c1c'>{len(self.misses)} of {len(self.checked)} prompts miss something"
                f"</b><table><thead><tr><th>prompt</th><th>missing</th></tr></thead><tbody>{rows}</tbody>"
                "</table></div>")


# --- the file format ---------------------------------------------------------------------------------------------
_KEY = re.compile(r"""\s*((?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'))*)\s*=""")
_TABLE = re.compile(r"""\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$""")
_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _key_parts(text: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'""", text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


class _Lines:
    """Where each key of a TOML document is written: found by scanning the text (tomllib keeps no positions)."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.keys: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        in_multiline: str | None = None
        for n, line in enumerate(self.lines, 1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            m = _TABLE.match(line)
            if m and not _KEY.match(line):
                table = _key_parts(m.group(1))
                self.keys.setdefault(table, n)
                continue
            m = _KEY.match(line)
            if m:
                self.keys.setdefault(table + _key_parts(m.group(1)), n)
                rest = line[m.end():]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote

    def of(self, path: tuple[str, ...]) -> int | None:
        """The line of ``path`` (or of its nearest written parent); for an axis option, the line it is on."""
        if len(path) in (3, 4) and path[0] == "axes":
            start = self.of(path[:2])
            skip = int(path[3]) if len(path) == 4 else 0
            if start is not None:
                for n in range(start, len(self.lines) + 1):
                    text = self.lines[n - 1]
                    if n > start and (_KEY.match(text) or _TABLE.match(text)):
                        break
                    found = text.count(f'"{path[2]}"') + text.count(f"'{path[2]}'")
                    if found > skip:
                        return n
                    skip -= found
            return start
        while path:
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return None


def _type_name(value: object) -> str:
    return {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _read(path: Path, source: str) -> tuple[PromptLibrary | None, list[tuple[int | None, str]]]:
    """Parse and check a library document: the library (None if it cannot be built) and every problem found."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        return None, [_toml_problem(str(exc), source)]
    where = _Lines(source)
    problems: list[tuple[int | None, str]] = []

    def add(key: tuple[str, ...], message: str) -> None:
        problems.append((where.of(key), message))

    for key in data:
        if key not in _TOP_KEYS:
            add((key,), f"unknown table or key {key!r}; a library file has [bible], [cores] and [axes]."
                + _suggest(key, _TOP_KEYS))
    bible_raw = data.get("bible", {})
    cores_raw = data.get("cores", {})
    axes_raw = data.get("axes", {})
    for name, value in (("bible", bible_raw), ("cores", cores_raw), ("axes", axes_raw)):
        if not isinstance(value, dict):
            add((name,), f"{name} must be a table, written [{name}] on its own line; got {_type_name(value)}.")
    bible_raw = bible_raw if isinstance(bible_raw, dict) else {}
    cores_raw = cores_raw if isinstance(cores_raw, dict) else {}
    axes_raw = axes_raw if isinstance(axes_raw, dict) else {}

    # -- the bible --------------------------------------------------------------------------------------------
    kwargs: dict[str, Any] = {}
    for key, value in bible_raw.items():
        at = ("bible", key)
        if key not in _BIBLE_KEYS:
            add(at, f"unknown key {key!r} in [bible]." + (_suggest(key, _BIBLE_KEYS) or
                f" The keys are: {', '.join(_BIBLE_KEYS)}."))
        elif key in (*TOKEN_FIELDS, "negative"):
            if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                kwargs[key] = value
            else:
                add(at, f"{key} must be a list of words, e.g. {key} = [\"oil painting\", \"impasto\"]; "
                    f"got {_type_name(value)} {value!r}.")
        elif key == "name":
            if isinstance(value, str):
                kwargs[key] = value
            else:
                add(at, f"name must be text in quotes, e.g. name = \"Harbour of Mists\"; got {value!r}.")
        elif key == "seed":
            if value in SEED_STRATEGIES:
                kwargs[key] = value
            else:
                add(at, f"seed must be \"none\", \"fixed\" or \"per-prompt\"; got {value!r}."
                    + _suggest(str(value), SEED_STRATEGIES))
        elif key == "base_seed":
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _SEED_MAX:
                kwargs[key] = value
            else:
                add(at, f"base_seed must be a whole number from 0 to {_SEED_MAX}; got {value!r}.")
        elif key == "params":
            if isinstance(value, dict):
                kwargs[key] = _check_params(value, add)
            else:
                add(at, "params must be a table of Midjourney parameters, written [bible.params] with lines "
                    f"such as aspect = \"16:9\"; got {_type_name(value)}.")
    bible = StyleBible(**kwargs)
    # the bible's parameters on their own, then each core prompt dressed in the bible (new errors only)
    names = {_canonical_name(k): k for k in bible_raw.get("params", {})} if "params" in kwargs else {}
    base_errors = set()
    for problem in validate_prompt(Prompt("a harbour", params=bible.params)):
        if problem.is_error:
            base_errors.add(problem.message)
            add(("bible", "params", names.get(problem.param or "", problem.param or "")), problem.message)

    # -- core prompts -----------------------------------------------------------------------------------------
    cores: dict[str, str] = {}
    if "cores" in data and isinstance(data["cores"], dict) and not cores_raw:
        add(("cores",), "[cores] is empty; add at least one core prompt, e.g. quay = \"a boat at a stone quay\".")
    elif "cores" not in data and not difflib.get_close_matches("cores", [k for k in data if k not in _TOP_KEYS]):
        problems.append((None, ("the file has no [cores] table; add one with at least one core prompt, e.g.\n"
                                "    [cores]\n    quay = \"a fishing boat at a stone quay\"")))
    for cid, text in cores_raw.items():
        if not isinstance(text, str):
            add(("cores", cid), f"core prompt {cid!r} must be text in quotes; got {_type_name(text)} {text!r}.")
            continue
        cores[cid] = text
        if not text.strip():
            continue
        for problem in validate_prompt(bible.apply(text)):
            if problem.is_error and problem.message not in base_errors:
                add(("cores", cid), f"core prompt {cid!r}: {problem.message}")

    # -- axes -------------------------------------------------------------------------------------------------
    axes: dict[str, list[str]] = {}
    for name, options in axes_raw.items():
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            add(("axes", name), f"axis {name!r} must be a list of options in quotes, e.g. "
                f"{name} = [\"dawn\", \"night\"]; got {_type_name(options)} {options!r}.")
            continue
        axes[name] = options
        seen: set[str] = set()
        for k, option in enumerate(options):
            if " ".join(option.split()) in seen:
                add(("axes", name, option, str(options[:k].count(option))),
                    f"axis {name!r} lists {option!r} twice; remove one.")
            seen.add(" ".join(option.split()))

    lib = PromptLibrary.__new__(PromptLibrary)
    object.__setattr__(lib, "bible", bible)
    object.__setattr__(lib, "cores", _Frozen((k, _core_text(k, v)) for k, v in cores.items()))
    object.__setattr__(lib, "axes", _Frozen((k, _tokens(v, k)) for k, v in axes.items()))
    for where_, message in _structure_problems(lib):
        add(where_, message)
    problems.sort(key=lambda item: (item[0] is None, item[0] or 0))
    return (None if problems else PromptLibrary(bible, cores, axes)), problems


def _check_params(raw: dict[str, Any], add: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in raw.items():
        at = ("bible", "params", name)
        if isinstance(value, bool):
            if value:
                out[name] = True
            continue
        if isinstance(value, (str, int, float)) or (isinstance(value, list) and
                                                    all(isinstance(v, (str, int)) for v in value)):
            if _canonical_name(name) == "seed":
                add(at, f"seed in [bible.params] would give every prompt the same seed silently; use the "
                    f"bible's seed strategy instead: seed = \"fixed\" and base_seed = {value}.")
                continue
            out[name] = value
        else:
            add(at, f"parameter {name!r} must be text, a number or true; got {_type_name(value)} {value!r}.")
    return out


def _toml_problem(message: str, source: str) -> tuple[int | None, str]:
    line: int | None = None
    m = _TOML_POS.search(message)
    if m:
        line = int(m.group(1))
        message = message[: m.start()]
    elif _TOML_END.search(message):
        line = max(1, len(source.splitlines()))
        message = _TOML_END.sub("", message)
    hints = {
        "Cannot overwrite a value": "this key is written twice (duplicate id); give each entry its own name",
        "Cannot declare": "this table is written twice; merge the two [sections] into one",
        "Invalid value": "the value after = is not valid TOML; put text in \"double quotes\"",
        "Unclosed array": "a [list] is not closed; end it with ]",
        "Illegal character": "a string runs past the end of the line; close its quotes on the same line",
        "Expected '=' after a key": "a line has no = ; write key = \"value\"",
    }
    if message.startswith("Cannot overwrite a value") and line is not None:
        m = _KEY.match(source.splitlines()[line - 1]) if line <= len(source.splitlines()) else None
        if m:
            key = ".".join(_key_parts(m.group(1)))
            return line, (f"{key!r} is written twice (duplicate id); every key in a table must be unique, so "
                          "rename or remove one.")
    for start, hint in hints.items():
        if message.startswith(start):
            return line, f"{message} — {hint}."
    return line, f"{message} (TOML syntax; see https://toml.io)."


def _location(path: object) -> str:
    return str(path)


def load_library(path: PathLike) -> PromptLibrary:
    """Read a prompt library from a TOML file.

    Raises :class:`~filmkit.errors.FileFormatError` listing every problem with its line number: TOML syntax,
    unknown keys (with a "did you mean"), wrong types, a core prompt or bible parameter Midjourney would refuse,
    empty axes and duplicate ids.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from filmkit.style import load_library
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "lib.toml").write_text('[bible]\\nmedium = ["ink wash"]\\n[cores]\\nquay = "a stone quay"\\n')
    >>> load_library(folder / "lib.toml").grid()[0].id
    'quay'
    >>> _ = (folder / "bad.toml").write_text('[bible]\\nmedum = ["ink"]\\n[cores]\\nquay = "a quay --c 150"\\n')
    >>> load_library(folder / "bad.toml")
    Traceback (most recent call last):
    ...
    filmkit.errors.FileFormatError: .../bad.toml has 2 problem(s):
      .../bad.toml:2: unknown key 'medum' in [bible]. Did you mean 'medium'?
      .../bad.toml:4: core prompt 'quay': --chaos must be 0–100; got 150. Use 100 or less.
    """
    p = Path(path)
    if p.suffix.lower() in (".yaml", ".yml", ".json"):
        message = (f"prompt libraries are TOML files, not {p.suffix[1:].upper()}; write it as NAME.toml "
                   f"(start from a copy of {EXAMPLE_PATH.name}).")
        raise FileFormatError(p, [(None, message)])
    try:
        source = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        message = (f"there is no file {str(p)!r}; check the name, or start from a copy of "
                   f"{EXAMPLE_PATH.name} (filmkit.style.EXAMPLE_PATH)")
        raise FileFormatError(p, [(None, message)]) from None
    except UnicodeDecodeError as exc:
        raise FileFormatError(p, [(None, f"the file is not UTF-8 text ({exc.reason}); save it as UTF-8.")]) from None
    lib, problems = _read(p, source)
    if problems or lib is None:
        raise FileFormatError(p, problems)
    return lib


def check_library_file(path: PathLike) -> list[str]:
    """Every problem in a library file as ``"FILE:LINE: message"`` lines; an empty list when it is fine.

    This is what ``filmkit prompt check FILE`` prints.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from filmkit.style import check_library_file
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "library.toml"
    >>> _ = path.write_text('[bible.params]\\nstylize = 2000\\n[cores]\\nquay = "a quay"\\n')
    >>> [line.replace(str(path.parent) + "/", "") for line in check_library_file(path)]
    ['library.toml:2: --stylize must be 0–1000; got 2000. Use 1000 or less.']
    """
    try:
        load_library(path)
    except FileFormatError as exc:
        return [f"{_location(path)}:{line}: {message}" if line is not None else f"{_location(path)}: {message}"
                for line, message in exc.problems]
    return []


def _dump(lib: PromptLibrary) -> str:
    import tomli_w
    b = lib.bible
    bible: dict[str, Any] = {"name": b.name}
    for name in TOKEN_FIELDS:
        if getattr(b, name):
            bible[name] = list(getattr(b, name))
    if b.negative:
        bible["negative"] = list(b.negative)
    bible["seed"] = b.seed
    if b.seed != "none" or b.base_seed:
        bible["base_seed"] = b.base_seed
    params: dict[str, Any] = {}
    for name, value in b.params.items():
        params[name] = int(value) if isinstance(value, str) and value.isdigit() and str(int(value)) == value \
            and int(value) < 2 ** 63 else value
    if params:
        bible["params"] = params
    doc = {"bible": bible, "cores": dict(lib.cores.items()), "axes": {k: list(v) for k, v in lib.axes.items()}}
    header = ("# A filmkit prompt library: a style bible, core prompts and variation axes.\n"
              "# Edit it freely; `filmkit prompt check THIS_FILE` checks it. Token lists are added to every\n"
              "# prompt; seed is \"none\", \"fixed\" or \"per-prompt\"; [bible.params] are Midjourney parameters.\n\n")
    return header + tomli_w.dumps(doc)


def _write_safely(path: Path, text: str, *, overwrite: bool) -> Path:
    """Write ``text`` atomically; keep an existing different file unless ``overwrite`` (then keep a ``.bak``)."""
    if path.is_dir():
        raise FilmkitError(f"{str(path)!r} is a folder; give a file name such as {str(path / 'library.toml')!r}.")
    if path.exists():
        try:
            same = path.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if same:
            return path
        if not overwrite:
            raise FilmkitError(f"{str(path)!r} already exists and differs; it was left as it is. Choose another "
                               "name, or pass overwrite=True (the old file is kept as "
                               f"{path.name + '.bak'!r}).")
        shutil.copy2(path, path.with_name(path.name + ".bak"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_library(library: PromptLibrary, path: PathLike, *, overwrite: bool = False) -> Path:
    """Write a library as a human-editable TOML file; ``load_library`` reads it back equal.

    The write is atomic (a crash never leaves half a file). An existing file with other content is never
    replaced silently: it raises :class:`~filmkit.errors.FilmkitError` unless ``overwrite=True``, and then the
    old file is kept next to it as ``NAME.bak``. Saving the same content again is fine.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from filmkit.style import example_library, load_library, save_library
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "harbour.toml"
    >>> lib = example_library()
    >>> load_library(save_library(lib, path)) == lib
    True
    >>> save_library(lib.with_core("bell", "a brass bell"), path)
    Traceback (most recent call last):
    ...
    filmkit.errors.FilmkitError: '...harbour.toml' already exists and differs; it was left as it is. Choose another name, or pass overwrite=True (the old file is kept as 'harbour.toml.bak').
    >>> _ = save_library(lib.with_core("bell", "a brass bell"), path, overwrite=True)
    >>> sorted(p.name for p in path.parent.iterdir())
    ['harbour.toml', 'harbour.toml.bak']
    """
    if not isinstance(library, PromptLibrary):
        raise FilmkitError(f"save_library needs a PromptLibrary; got {type(library).__name__}.")
    return _write_safely(Path(path), _dump(library), overwrite=overwrite)


def example_library() -> PromptLibrary:
    """The bundled example: a misty northern harbour town (3 core prompts × 3 axes of 3 options: 81 prompts).

    >>> from filmkit.style import example_library
    >>> lib = example_library()
    >>> lib.name, list(lib.cores), list(lib.axes)
    ('Harbour of Mists', ['quay', 'lighthouse', 'net-loft'], ['time_of_day', 'weather', 'shot_size'])
    """
    return load_library(EXAMPLE_PATH)
