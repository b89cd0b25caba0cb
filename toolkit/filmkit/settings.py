"""One settings object for the whole kit: ``fk.config``.

Settings come from, lowest to highest priority:

1. built-in defaults (offline ``previz`` provider, no credit cap);
2. a ``filmkit.toml`` file: ``$FILMKIT_CONFIG`` if set, else the first one found in the current folder or a
   parent (the repository ships one at its root, so every lesson shares one workspace);
3. environment variables ``FILMKIT_WORKSPACE``, ``FILMKIT_PROVIDER``, ``FILMKIT_BUDGET``;
4. ``fk.config.set(...)`` in a notebook, or a temporary ``with fk.config.override(...):`` block.

API keys are **not** settings: they are read from the environment (``RUNWAYML_API_SECRET``) or a credentials
file outside the repository by :func:`runway_api_key`, never stored on this object, never shown in its repr.

Examples
--------
>>> import filmkit as fk
>>> with fk.config.override(provider="previz", budget_credits=50):
...     fk.config.provider, fk.config.budget_credits
('previz', 50.0)
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ._tomlfile import tomllib  # tomllib, or tomli on Python 3.10
from .errors import ConfigError

__all__ = ["Settings", "Config", "config", "runway_api_key", "find_config_file"]

PROVIDERS = ("previz", "runway")
CONFIG_NAME = "filmkit.toml"


@dataclass(frozen=True)
class Settings:
    """The values in force. Paths are absolute."""

    workspace: Path
    provider: str = "previz"
    budget_credits: float | None = None
    runway_base_url: str | None = None
    notebook: str | None = None
    source: tuple[str, ...] = field(default=(), compare=False)

    @property
    def cache_dir(self) -> Path:
        """Where generated assets are stored, keyed by content."""
        return self.workspace / "cache"

    @property
    def db_path(self) -> Path:
        """The workspace's SQLite file: generation cache index, credit ledger, visual library."""
        return self.workspace / "filmkit.sqlite"

    @property
    def previews_dir(self) -> Path:
        """Small preview files shown inline in notebooks."""
        return self.workspace / "previews"


def find_config_file(start: Path | None = None) -> Path | None:
    """The ``filmkit.toml`` in force: ``$FILMKIT_CONFIG``, else the nearest one at or above ``start``."""
    env = os.environ.get("FILMKIT_CONFIG")
    if env:
        p = Path(env).expanduser()
        if not p.is_file():
            raise ConfigError(f"FILMKIT_CONFIG points at {p}, which is not a file; fix the path or unset it.")
        return p
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        cand = d / CONFIG_NAME
        if cand.is_file():
            return cand
    return None


def _coerce(name: str, value: Any, origin: str) -> Any:
    if name == "provider":
        v = str(value).strip().lower()
        if v not in PROVIDERS:
            raise ConfigError(f"provider must be one of {', '.join(PROVIDERS)}; got {value!r} (from {origin}).")
        return v
    if name == "budget_credits":
        if value is None or value == "":
            return None
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"budget_credits must be a number of credits like 200; got {value!r} "
                              f"(from {origin}).") from None
        if v < 0:
            raise ConfigError(f"budget_credits cannot be negative; got {v} (from {origin}).")
        return v
    if name == "workspace":
        return Path(value).expanduser().resolve()
    return value


_FIELDS = {f.name for f in dataclasses.fields(Settings)} - {"source"}


def _load(start: Path | None = None) -> Settings:
    values: dict[str, Any] = {}
    sources: list[str] = ["defaults"]
    base = (start or Path.cwd()).resolve()
    path = find_config_file(start)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}. Fix that line or delete the file.") from None
        table = data.get("filmkit", data)
        for key, val in table.items():
            if key == "api_key" or "secret" in key.lower():
                raise ConfigError(f"{path} holds an API key ({key!r}). Keys never live in the repository: "
                                  "set RUNWAYML_API_SECRET in your environment instead, and remove the line.")
            if key not in _FIELDS:
                raise ConfigError(f"{path}: unknown setting {key!r}; known: {', '.join(sorted(_FIELDS))}.")
            if key == "workspace":
                val = (path.parent / str(val)) if not Path(str(val)).expanduser().is_absolute() else val
            values[key] = _coerce(key, val, str(path))
        sources.append(str(path))
    env_map = {"FILMKIT_WORKSPACE": "workspace", "FILMKIT_PROVIDER": "provider", "FILMKIT_BUDGET": "budget_credits",
               "RUNWAYML_BASE_URL": "runway_base_url"}
    for env, key in env_map.items():
        if os.environ.get(env):
            values[key] = _coerce(key, os.environ[env], f"${env}")
            sources.append(f"${env}")
    values.setdefault("workspace", (base / "filmkit-workspace").resolve())
    return Settings(source=tuple(sources), **values)


class Config:
    """The live settings of this Python process (``fk.config``).

    Read any setting as an attribute (``fk.config.provider``); change it for the rest of the session with
    :meth:`set`, or for one block with :meth:`override`. :meth:`reload` reads files and environment again.
    """

    def __init__(self) -> None:
        self._stack: list[Settings] = []

    @property
    def current(self) -> Settings:
        """The :class:`Settings` in force right now."""
        if not self._stack:
            self._stack.append(_load())
        return self._stack[-1]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.current, name)

    def _apply(self, changes: dict[str, Any]) -> Settings:
        for key in changes:
            if key not in _FIELDS:
                raise ConfigError(f"unknown setting {key!r}; known: {', '.join(sorted(_FIELDS))}.")
        coerced = {k: _coerce(k, v, "fk.config") for k, v in changes.items()}
        return dataclasses.replace(self.current, **coerced)

    def set(self, **changes: Any) -> Settings:
        """Change settings for the rest of this session; returns the new :class:`Settings`."""
        new = self._apply(changes)
        self._stack[-1] = new
        return new

    @contextlib.contextmanager
    def override(self, **changes: Any) -> Iterator[Settings]:
        """Change settings inside a ``with`` block only."""
        new = self._apply(changes)
        self._stack.append(new)
        try:
            yield new
        finally:
            self._stack.pop()

    def reload(self) -> Settings:
        """Forget changes and read ``filmkit.toml`` and the environment again."""
        self._stack = [_load()]
        return self._stack[0]

    def ensure_workspace(self) -> Path:
        """Create the workspace folder if needed and return it."""
        ws = self.current.workspace
        try:
            ws.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the workspace {ws}: {exc.strerror}. Set FILMKIT_WORKSPACE to a "
                              "folder you can write to.") from None
        return ws

    def __repr__(self) -> str:
        s = self.current
        budget = "no cap" if s.budget_credits is None else f"{s.budget_credits:g} credits"
        key = "set" if runway_api_key(required=False) else "not set"
        return (f"<filmkit config: provider={s.provider!r}, workspace={str(s.workspace)!r}, budget={budget}, "
                f"Runway key {key}>")


def runway_api_key(*, required: bool = True) -> str | None:
    """The Runway API key from ``RUNWAYML_API_SECRET``, or ``~/.config/filmkit/credentials.toml``.

    Never print the result. With ``required=False`` a missing key returns ``None``.
    """
    key = os.environ.get("RUNWAYML_API_SECRET", "").strip()
    if not key:
        cred = Path(os.environ.get("FILMKIT_CREDENTIALS", "~/.config/filmkit/credentials.toml")).expanduser()
        if cred.is_file():
            try:
                key = str(tomllib.loads(cred.read_text(encoding="utf-8")).get("runway_api_secret", "")).strip()
            except tomllib.TOMLDecodeError:
                raise ConfigError(f"{cred} is not valid TOML; it should hold one line: "
                                  'runway_api_secret = "key_..."') from None
    if not key:
        if required:
            from .errors import StudioAuthError

            raise StudioAuthError("no Runway API key: set RUNWAYML_API_SECRET (from dev.runwayml.com) in the "
                                  "environment that starts Jupyter, or keep working offline with provider='previz'.")
        return None
    return key


def mask_secret(value: str | None) -> str:
    """Show at most the last 4 characters of a secret: ``'…ab12'``; ``'not set'`` when empty."""
    if not value:
        return "not set"
    return "set (…" + value[-4:] + ")" if len(value) >= 12 else "set"


config = Config()
