"""The provider seam: one small protocol every image/video source implements.

``previz`` (offline, embedded, the default) and ``runway`` (the real API) are registered by import path, so
neither is imported until used. A provider returns :class:`~filmkit.assets.Asset` values whose provenance
names the provider and model honestly.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Protocol, Sequence, runtime_checkable

from ..assets import Asset
from ..errors import ConfigError

__all__ = ["Provider", "get_provider", "PROVIDERS"]

# name -> "module:Class"; instantiated lazily by get_provider
PROVIDERS: dict[str, str] = {
    "previz": "filmkit.studio.previz:PrevizProvider",
    "runway": "filmkit.studio.runway:RunwayProvider",
}


@runtime_checkable
class Provider(Protocol):
    """What a studio provider can do. Each call returns finished, local assets (never remote URLs)."""

    name: str

    def text_to_image(self, prompt: Any, *, seed: int | None = None, out_dir: Path,
                      references: Sequence[Asset] = (), **options: Any) -> list[Asset]:
        """Images for a prompt (previz: a job of four candidates; Runway: one image per request)."""
        ...

    def image_to_video(self, image: Asset, *, prompt_text: str = "", seconds: float = 5.0,
                       seed: int | None = None, out_dir: Path, **options: Any) -> Asset:
        """A clip that animates ``image``."""
        ...

    def variations(self, image: Asset, *, strong: bool = False, seed: int | None = None, out_dir: Path,
                   n: int = 4) -> list[Asset]:
        """Variations of one candidate (subtle or strong), each remembering its parent."""
        ...


def get_provider(name: str | None = None, **kwargs: Any) -> Provider:
    """The provider called ``name`` (default: ``fk.config.provider``).

    Examples
    --------
    >>> import filmkit as fk
    >>> fk.get_provider("previz").name
    'previz'
    >>> fk.get_provider("midjourney")
    Traceback (most recent call last):
    ...
    filmkit.errors.ConfigError: unknown provider 'midjourney'; choose one of previz, runway.
    """
    from ..settings import config

    key = (name or config.provider).lower()
    if key not in PROVIDERS:
        raise ConfigError(f"unknown provider {name!r}; choose one of {', '.join(PROVIDERS)}.")
    mod, cls = PROVIDERS[key].split(":")
    return getattr(importlib.import_module(mod), cls)(**kwargs)  # type: ignore[no-any-return]
