"""``Asset``: a file the kit made or imported, and ``Provenance``: who made it, how, from what.

Every image, clip and sound that passes through filmkit is an :class:`Asset`. Its provenance records the
provider (``previz``, ``runway``, ``midjourney-import``, ``filmkit`` for local edits, ``human``), the model,
the prompt, the seed, the parent assets, the request, when, and the cost in credits. Provenance never holds an
API key: :meth:`Provenance.to_dict` refuses values that look like one.

Examples
--------
>>> from filmkit.assets import Provenance
>>> p = Provenance(provider="previz", model="previz-1", prompt="misty harbour at dawn", seed=7)
>>> p.to_dict()["provider"], p.seed
('previz', 7)
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, Mapping

from .errors import MediaError

__all__ = ["Asset", "Provenance", "AssetKind", "file_id", "now_iso"]

AssetKind = Literal["image", "video", "audio"]
_IMAGE_EXT = {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp", ".gif"}
_VIDEO_EXT = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"}
_AUDIO_EXT = {".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg"}
_SECRET = re.compile(r"key_[0-9a-f]{32,}|Bearer\s+\S+", re.IGNORECASE)


def now_iso() -> str:
    """The current UTC time as ISO-8601 with seconds (``2026-11-24T08:00:00Z``)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def file_id(path: str | Path) -> str:
    """A stable id for a file's bytes: the first 16 hex digits of its SHA-256."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def _scrub(value: Any, where: str) -> Any:
    if isinstance(value, str):
        if _SECRET.search(value):
            raise ValueError(f"refusing to record what looks like an API key in provenance ({where}).")
        return value
    if isinstance(value, Mapping):
        return {str(k): _scrub(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v, where) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value



def _media_figure(path: Path, kind: str, caption: str) -> str:
    """HTML that plays a video or sound file inline in a notebook, captioned (the path relative to the
    notebook's folder, so that the page can load it)."""
    import html
    import os

    try:
        src = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        src = str(path)
    src = src.replace(os.sep, "/")
    tag = "video controls loop muted playsinline width='480'" if kind == "video" else "audio controls"
    return (f"<figure><{tag} src='{html.escape(src)}'></{tag.split()[0]}>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")

@dataclass(frozen=True)
class Provenance:
    """Who made an asset, how, and from what. Immutable; ``with_*`` style copies via :func:`dataclasses.replace`.

    Examples
    --------
    >>> import dataclasses
    >>> import filmkit as fk
    >>> p = fk.Provenance(provider="previz", model="previz-1", prompt="misty harbour at dawn", seed=7)
    >>> dataclasses.replace(p, seed=8).seed, p.seed                 # a copy; p is unchanged
    (8, 7)
    >>> fk.Provenance(provider="runway", model="gen4_image", notes="key_" + "0" * 32).to_dict()
    Traceback (most recent call last):
    ...
    ValueError: refusing to record what looks like an API key in provenance (provenance.notes).
    """

    provider: str
    model: str
    prompt: str | None = None
    seed: int | None = None
    parents: tuple[str, ...] = ()
    operation: str = "generate"
    request: Mapping[str, Any] = field(default_factory=dict, hash=False)
    created: str = field(default_factory=now_iso)
    cost_credits: float = 0.0
    task_id: str | None = None
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (raises if anything in it looks like an API key)."""
        d = dataclasses.asdict(self)
        d["parents"] = list(self.parents)
        return _scrub(d, "provenance")  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Provenance":
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        kw["parents"] = tuple(kw.get("parents", ()))
        return cls(**kw)


def _kind_of(path: Path) -> AssetKind:
    ext = path.suffix.lower()
    if ext in _IMAGE_EXT:
        return "image"
    if ext in _VIDEO_EXT:
        return "video"
    if ext in _AUDIO_EXT:
        return "audio"
    raise MediaError(f"{path.name}: unknown media type {ext!r}; images are .png/.jpg/.webp, "
                     "videos .mp4/.mov/.webm, audio .wav/.mp3/.m4a.")


@dataclass(frozen=True)
class Asset:
    """A media file with its provenance. Displays itself inline in a notebook.

    ``layers`` maps layer names (``sky``, ``far``, ``mid``, ``near``, ``subject``) to RGBA PNG files when the
    asset was made in layers (previz frames), for 2.5D parallax.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> import filmkit as fk
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "harbour.png"
    >>> Image.new("RGB", (160, 90), (40, 60, 120)).save(path)
    >>> still = fk.Asset.from_file(path)
    >>> still.kind, still.size, still.provenance.provider, len(still.id)
    ('image', (160, 90), 'human', 16)
    >>> still.image().size
    (160, 90)
    """

    path: Path
    kind: AssetKind
    provenance: Provenance
    size: tuple[int, int] | None = None
    duration: float | None = None
    id: str = ""
    layers: Mapping[str, Path] = field(default_factory=dict, hash=False)

    @classmethod
    def from_file(cls, path: str | Path, provenance: Provenance | None = None, *,
                  layers: Mapping[str, Path] | None = None) -> "Asset":
        """Describe a file on disk: id from its bytes, kind from its type, size and duration by reading it."""
        p = Path(path).resolve()
        if not p.is_file():
            raise MediaError(f"{p} does not exist. Check the path (relative paths start at the notebook's folder).")
        kind = _kind_of(p)
        size: tuple[int, int] | None = None
        duration: float | None = None
        if kind == "image":
            from PIL import Image

            try:
                with Image.open(p) as im:
                    size = im.size
            except Exception as exc:  # noqa: BLE001 - PIL raises many types
                raise MediaError(f"{p.name} is not a readable image: {exc}") from None
        else:
            from ._ffmpeg import probe

            info = probe(p, count_frames=False)
            size, duration = info.size, info.duration
        prov = provenance or Provenance(provider="human", model="file", operation="import")
        return cls(path=p, kind=kind, provenance=prov, size=size, duration=duration, id=file_id(p),
                   layers=dict(layers or {}))

    def image(self) -> Any:
        """Open an image asset as an RGB ``PIL.Image`` (a copy; the file stays closed)."""
        if self.kind != "image":
            raise MediaError(f"asset {self.id} is a {self.kind}, not an image.")
        from PIL import Image

        with Image.open(self.path) as im:
            return im.convert("RGB")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description for manifests and the catalogue."""
        return {"id": self.id, "path": str(self.path), "kind": self.kind,
                "size": list(self.size) if self.size else None, "duration": self.duration,
                "layers": {k: str(v) for k, v in self.layers.items()},
                "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Asset":
        return cls(path=Path(d["path"]), kind=d["kind"], provenance=Provenance.from_dict(d["provenance"]),
                   size=tuple(d["size"]) if d.get("size") else None, duration=d.get("duration"),  # type: ignore[arg-type]
                   id=d.get("id", ""), layers={k: Path(v) for k, v in (d.get("layers") or {}).items()})

    def __repr__(self) -> str:
        what = f"{self.size[0]}×{self.size[1]}" if self.size else "?"
        if self.duration:
            what += f", {self.duration:.2f} s"
        prompt = (self.provenance.prompt or "")[:40]
        return (f"Asset({self.kind} {self.id or '?'}, {what}, by {self.provenance.provider}/{self.provenance.model}"
                + (f", prompt={prompt!r}" if prompt else "") + ")")

    def _repr_png_(self) -> bytes | None:
        if self.kind != "image":
            return None
        import io

        im = self.image()
        im.thumbnail((640, 640))
        buf = io.BytesIO()
        im.save(buf, format="PNG")
        return buf.getvalue()

    def _repr_html_(self) -> str | None:
        return None if self.kind == "image" else _media_figure(self.path, self.kind, repr(self))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)
