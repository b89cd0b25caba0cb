"""Read a human-edited TOML file and know which line each key came from, for line-numbered errors.

>>> idx = LineIndex.from_text('[film]\\ntitle = "x"\\n\\n[[shot]]\\nid = "a"\\n[[shot]]\\nid = "b"\\nseconds = 4\\n')
>>> idx.line("film", "title"), idx.line("shot", 1, "seconds"), idx.line("shot", 1, "nope")
(2, 8, 6)
"""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import FileFormatError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["LineIndex", "read_toml", "did_you_mean"]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]+\")\s*=")
_LINE = re.compile(r"line (\d+)")


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip('"') for p in dotted.split(".")]


@dataclass
class LineIndex:
    """Maps key paths like ``("shot", 2, "seconds")`` to 1-based line numbers."""

    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str) -> "LineIndex":
        idx = cls()
        counters: dict[tuple[str, ...], int] = {}
        prefix: tuple[Any, ...] = ()
        for n, raw in enumerate(text.splitlines(), start=1):
            m = _HEADER.match(raw)
            if m:
                names = tuple(_parts(m.group(2)))
                if m.group(1) == "[[":
                    counters[names] = counters.get(names, -1) + 1
                    prefix = names + (counters[names],)
                else:
                    prefix = names
                idx.lines.setdefault(prefix, n)
                continue
            k = _KEY.match(raw)
            if k:
                idx.lines.setdefault(prefix + tuple(_parts(k.group(1))), n)
        return idx

    def line(self, *path: Any) -> int | None:
        """The line of ``path``, or of its nearest enclosing table when the key itself is absent."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return None


def read_toml(path: str | Path) -> tuple[dict[str, Any], LineIndex]:
    """Parse ``path``; a syntax error becomes :class:`FileFormatError` with its line number."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileFormatError(p, [(None, "the file does not exist; check the path")]) from None
    except UnicodeDecodeError:
        raise FileFormatError(p, [(None, "the file is not UTF-8 text; save it as UTF-8")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _LINE.search(str(exc))
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise FileFormatError(p, [(int(m.group(1)) if m else None,
                                   f"TOML syntax: {msg}; check quotes, brackets and '=' on this line")]) from None
    return data, LineIndex.from_text(text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'seconds'?)`` or an empty string.

    >>> did_you_mean("secnds", ["seconds", "move"])
    " (did you mean 'seconds'?)"
    """
    best = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {best[0]!r}?)" if best else ""
