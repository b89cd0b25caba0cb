"""The open fonts filmkit draws text with: DejaVu (Bitstream Vera licence), shipped with matplotlib."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

__all__ = ["font_path", "load_font", "wrap_text"]

_FILES = {"sans": "DejaVuSans.ttf", "sans-bold": "DejaVuSans-Bold.ttf", "serif": "DejaVuSerif.ttf",
          "mono": "DejaVuSansMono.ttf", "serif-italic": "DejaVuSerif-Italic.ttf"}


def font_path(style: str = "sans") -> Path:
    """Path of a bundled TTF (``sans``, ``sans-bold``, ``serif``, ``serif-italic``, ``mono``).

    >>> font_path("sans").name
    'DejaVuSans.ttf'
    """
    if style not in _FILES:
        raise ValueError(f"unknown font style {style!r}; choose one of {', '.join(_FILES)}.")
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        from .errors import MissingDependency

        raise MissingDependency("drawing text needs matplotlib's bundled fonts: pip install matplotlib")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / _FILES[style]


@functools.lru_cache(maxsize=64)
def load_font(size: int, style: str = "sans") -> Any:
    """A Pillow ``FreeTypeFont`` of ``size`` pixels."""
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(style)), size=max(1, int(size)))


def wrap_text(draw: Any, text: str, font: Any, width: float, *, max_lines: int | None = None) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels (paragraphs kept; an overlong end gets "…").

    >>> from PIL import Image, ImageDraw
    >>> draw = ImageDraw.Draw(Image.new("RGB", (8, 8)))
    >>> wrap_text(draw, "a misty harbour at dawn", load_font(12), 60)
    ['a misty', 'harbour', 'at dawn']
    >>> wrap_text(draw, "a misty harbour at dawn", load_font(12), 60, max_lines=2)
    ['a misty', 'harbour…']
    """
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for word in para.split():
            trial = f"{line} {word}".strip()
            if line and draw.textlength(trial, font=font) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and draw.textlength(lines[-1] + "…", font=font) > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] += "…"
    return lines
