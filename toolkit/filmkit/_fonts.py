"""The open fonts filmkit draws text with: DejaVu (Bitstream Vera licence), shipped with matplotlib."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

__all__ = ["font_path", "load_font"]

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
