"""The generation cache: ask twice, pay once.

A generation is keyed by provider, model and the canonical request (seed included): :func:`key_for` is the
SHA-256 of that as canonical JSON. The first answer's files are copied into the workspace's ``cache/`` folder
(atomically: a temporary file, then ``os.replace``) and recorded in the workspace's SQLite file (WAL mode, with a
busy timeout), so two notebook kernels can generate at once. Asking again returns the stored assets without
calling the provider; ``refresh=True`` in :func:`filmkit.generate` asks on purpose.

The API is small, for every provider (previz here, Runway in ``studio/runway.py``):

* ``GenerationCache(db_path, cache_dir)``, or :func:`generation_cache` for the current workspace;
* ``key_for(provider, model, request) -> str``;
* ``get(key) -> list[Asset] | None`` — ``None`` also when a stored file has gone missing;
* ``put(key, assets, replace=False) -> list[Asset]`` — the stored assets (the first writer wins a race);
* ``fetch_or_make(key, make, refresh=False) -> (assets, was_cached)`` — the whole pattern: look up, else call
  ``make(staging_dir)`` while holding a per-key lock, so a second kernel asking for the same key waits for the
  first one's answer instead of paying for it again.

Examples
--------
>>> import tempfile, pathlib
>>> from filmkit.studio.cache import GenerationCache, key_for
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> cache = GenerationCache(root / "filmkit.sqlite", root / "cache")
>>> key = key_for("previz", "previz-1", {"prompt": "misty harbour", "seed": 7})
>>> len(key), cache.get(key) is None
(64, True)
>>> key == key_for("previz", "previz-1", {"seed": 7, "prompt": "misty harbour"})
True
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..assets import _SECRET, Asset, now_iso
from ..errors import StudioError

__all__ = ["GenerationCache", "canonical_json", "generation_cache", "key_for"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS generation_cache (
    key      TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model    TEXT NOT NULL,
    created  TEXT NOT NULL,
    assets   TEXT NOT NULL
)
"""
BUSY_TIMEOUT_S = 60.0


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, Asset):
        return {"asset": value.id}
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "text") and hasattr(value, "params"):  # a parsed Prompt
        return str(value)
    raise TypeError(f"cannot use {type(value).__name__} in a cache key; pass plain values (str, numbers, lists).")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal requests give equal text.

    >>> canonical_json({"b": 1, "a": [1.0, "x"]})
    '{"a":[1.0,"x"],"b":1}'
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def key_for(provider: str, model: str, request: Mapping[str, Any]) -> str:
    """The cache key of a generation: SHA-256 (hex) of the canonical JSON of provider, model and request.

    Put everything that changes the output in ``request`` (prompt, seed, size, options). Never an API key:
    a request that looks like it holds one is refused.

    >>> key_for("previz", "previz-1", {"seed": 1}) != key_for("previz", "previz-1", {"seed": 2})
    True
    """
    text = canonical_json({"provider": provider, "model": model, "request": dict(request)})
    if _SECRET.search(text):
        raise ValueError("refusing to build a cache key from a request that contains an API key; pass the key "
                         "through the environment (RUNWAYML_API_SECRET), never in a request.")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class GenerationCache:
    """Stored generations of one workspace: files under ``cache_dir``, an index in the SQLite file ``db_path``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> import filmkit as fk
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> cache = fk.GenerationCache(root / "filmkit.sqlite", root / "cache")
    >>> def make(staging):                         # the expensive call: runs only on a cache miss
    ...     Image.new("RGB", (64, 36), (40, 60, 90)).save(staging / "frame.png")
    ...     return fk.Asset.from_file(staging / "frame.png")
    >>> key = cache.key_for("previz", "previz-1", {"prompt": "misty harbour", "seed": 7})
    >>> assets, was_cached = cache.fetch_or_make(key, make)
    >>> was_cached, cache.fetch_or_make(key, make)[1], cache.keys() == [key]
    (False, True, True)
    >>> assets[0].path.is_relative_to(root / "cache")
    True
    """

    def __init__(self, db_path: str | Path, cache_dir: str | Path) -> None:
        self.db_path = Path(db_path)
        self.cache_dir = Path(cache_dir)
        self._ready = False

    key_for = staticmethod(key_for)

    def __repr__(self) -> str:
        return f"GenerationCache({str(self.db_path)!r}, {str(self.cache_dir)!r})"

    # --- SQLite ------------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if not self._ready:
                self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
                self._retry(lambda: conn.execute(_SCHEMA))
                self._ready = True
            yield conn
        finally:
            conn.close()

    @staticmethod
    def _retry(fn: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StudioError(f"the workspace database stayed busy ({exc}): another program holds it. "
                                      "Close other kernels using this workspace, or wait and try again.") from None
                time.sleep(0.05)

    # --- records ------------------------------------------------------------------------------------------------
    def _encode(self, assets: Sequence[Asset]) -> str:
        out = []
        for a in assets:
            d = a.to_dict()
            d["path"] = os.path.relpath(a.path, self.cache_dir)
            # a list of pairs, not a mapping: canonical JSON sorts keys, and layer order is compositing order
            d["layers"] = [[k, os.path.relpath(v, self.cache_dir)] for k, v in a.layers.items()]
            out.append(d)
        return canonical_json(out)

    def _decode(self, text: str) -> list[Asset] | None:
        assets = []
        for d in json.loads(text):
            layers = d.pop("layers", None) or []
            pairs = layers.items() if isinstance(layers, dict) else layers
            a = Asset.from_dict(d)
            a = dataclasses.replace(a, path=(self.cache_dir / a.path).resolve(),
                                    layers={k: (self.cache_dir / v).resolve() for k, v in pairs})
            if not a.path.is_file() or not all(p.is_file() for p in a.layers.values()):
                return None  # a file was deleted by hand: treat as a miss and make it again
            assets.append(a)
        return assets

    def get(self, key: str) -> list[Asset] | None:
        """The assets stored under ``key``, or ``None`` (never stored, or a stored file has gone)."""
        if not self.db_path.exists():
            return None
        with self._connect() as conn:
            row = self._retry(lambda: conn.execute("SELECT assets FROM generation_cache WHERE key = ?",
                                                   (key,)).fetchone())
        return None if row is None else self._decode(row[0])

    def _store_file(self, src: Path, folder: Path, name: str) -> Path:
        dest = folder / name
        if dest.is_file() and dest.stat().st_size == src.stat().st_size:
            return dest.resolve()  # content-addressed: same name, same bytes
        tmp = folder / f".{name}.{uuid.uuid4().hex}.tmp"
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        return dest.resolve()

    def put(self, key: str, assets: Sequence[Asset] | Asset, *, replace: bool = False) -> list[Asset]:
        """Copy ``assets`` (and their layers) into the cache and record them under ``key``.

        Returns the stored assets, whose paths point into the cache. If another process stored ``key`` first,
        its assets are kept and returned (``replace=True`` overwrites the record instead).
        """
        items = [assets] if isinstance(assets, Asset) else list(assets)
        if not items:
            raise StudioError("nothing to cache: the provider returned no assets.")
        folder = self.cache_dir / key[:2] / key[:16]
        folder.mkdir(parents=True, exist_ok=True)
        stored: list[Asset] = []
        for a in items:
            fid = a.id or hashlib.sha256(a.path.read_bytes()).hexdigest()[:16]
            path = self._store_file(a.path, folder, f"{fid}{a.path.suffix.lower()}")
            layers = {n: self._store_file(Path(p), folder, f"{fid}.{n}{Path(p).suffix.lower()}")
                      for n, p in a.layers.items()}
            stored.append(dataclasses.replace(a, path=path, layers=layers, id=fid))
        first = stored[0].provenance
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"

        def write(conn: sqlite3.Connection) -> str:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(f"{verb} INTO generation_cache (key, provider, model, created, assets) "
                             "VALUES (?, ?, ?, ?, ?)", (key, first.provider, first.model, now_iso(),
                                                        self._encode(stored)))
                row = conn.execute("SELECT assets FROM generation_cache WHERE key = ?", (key,)).fetchone()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return str(row[0])

        with self._connect() as conn:
            text = self._retry(lambda: write(conn))
        return self._decode(text) or stored

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold an inter-process lock on ``key`` (a second kernel asking for it waits here)."""
        folder = self.cache_dir / ".locks"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{key[:32]}.lock", "a+b") as fh:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows: no advisory lock, the database still stays safe
                yield
                return
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def fetch_or_make(self, key: str, make: Callable[[Path], Sequence[Asset] | Asset], *,
                      refresh: bool = False) -> tuple[list[Asset], bool]:
        """The stored assets for ``key``, or ``make(staging_dir)``'s, stored. Returns ``(assets, was_cached)``.

        ``make`` runs at most once per key at a time across processes; a concurrent caller waits and then
        gets the stored result. ``refresh=True`` always calls ``make`` and replaces the record.
        """
        if not refresh:
            hit = self.get(key)
            if hit is not None:
                return hit, True
        with self.lock(key):
            if not refresh:
                hit = self.get(key)
                if hit is not None:
                    return hit, True
            staging = self.cache_dir / ".staging" / uuid.uuid4().hex
            staging.mkdir(parents=True, exist_ok=True)
            try:
                made = make(staging)
                return self.put(key, made, replace=refresh), False
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def keys(self) -> list[str]:
        """Every stored key (oldest first)."""
        if not self.db_path.exists():
            return []
        with self._connect() as conn:
            return [r[0] for r in conn.execute("SELECT key FROM generation_cache ORDER BY created, key")]


def generation_cache() -> GenerationCache:
    """The cache of the current workspace (``fk.config.workspace``)."""
    from ..settings import config

    s = config.current
    return GenerationCache(s.db_path, s.cache_dir)
