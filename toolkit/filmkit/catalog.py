"""The visual library: a SQLite catalogue of every asset, its provenance, tags, ratings and selects.

"Create variations and iterations to build a visual library" — this module keeps that library in order:

- :class:`Catalog` records assets (``add``), tags them, rates them, marks **selects** ("circle takes"), keeps
  notes, searches by prompt words, tags, provider or parent, and draws variation trees.
- :func:`import_downloads` brings a folder or a zip of Midjourney downloads in, recovering prompt and job id,
  skipping duplicates (perceptual hash), and refusing hostile archives (zip-slip paths, decompression bombs,
  non-images) with a reason for each skipped file. Originals are never moved or changed.
- :func:`contact_sheet` draws a captioned grid (id, prompt excerpt, seed); ``Catalog.export_selects`` copies the
  selects to a folder with a ``manifest.json``.

The catalogue lives in the workspace's SQLite file (``fk.config.db_path``) in WAL mode, so two notebooks can
use it at once.

Examples
--------
>>> import filmkit as fk
>>> from PIL import Image
>>> path = fk.config.ensure_workspace() / "doc-frame.png"
>>> Image.new("RGB", (64, 36), (40, 60, 90)).save(path)
>>> cat = fk.open_catalog()
>>> entry = cat.add(fk.Asset.from_file(path), tags=["harbour"])
>>> [e.id for e in cat.search(tags=["harbour"])] == [entry.id]
True
"""
from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import sqlite3
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Iterator, Sequence

from .assets import Asset, Provenance, file_id, now_iso
from .errors import CatalogError

__all__ = ["Catalog", "CatalogEntry", "ImportReport", "VariationTree", "open_catalog", "import_downloads",
           "contact_sheet", "ImportLimits"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS catalog_assets (
    id TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, width INTEGER, height INTEGER,
    duration REAL, provider TEXT, model TEXT, prompt TEXT, seed INTEGER, parents TEXT NOT NULL DEFAULT '[]',
    provenance TEXT NOT NULL, layers TEXT NOT NULL DEFAULT '{}', phash TEXT, source_name TEXT,
    rating INTEGER NOT NULL DEFAULT 0, is_select INTEGER NOT NULL DEFAULT 0, notes TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_tags (
    asset_id TEXT NOT NULL REFERENCES catalog_assets(id) ON DELETE CASCADE, tag TEXT NOT NULL,
    PRIMARY KEY (asset_id, tag)
);
CREATE TABLE IF NOT EXISTS catalog_parents (
    child TEXT NOT NULL, parent TEXT NOT NULL, PRIMARY KEY (child, parent)
);
CREATE INDEX IF NOT EXISTS catalog_parents_parent ON catalog_parents(parent);
CREATE INDEX IF NOT EXISTS catalog_assets_phash ON catalog_assets(phash);
"""


@dataclass(frozen=True)
class CatalogEntry:
    """An asset as the catalogue knows it: the :class:`Asset` plus tags, rating, select flag and notes."""

    asset: Asset
    tags: tuple[str, ...] = ()
    rating: int = 0
    is_select: bool = False
    notes: str = ""
    source_name: str | None = None
    phash: str | None = None

    @property
    def id(self) -> str:
        return self.asset.id

    def __repr__(self) -> str:
        star = "★" * self.rating
        sel = " ◉select" if self.is_select else ""
        tags = f" #{' #'.join(self.tags)}" if self.tags else ""
        return f"<{self.asset!r}{' ' + star if star else ''}{sel}{tags}>"

    def _repr_png_(self) -> bytes | None:
        return self.asset._repr_png_()


def _tag(t: str) -> str:
    tag = " ".join(str(t).strip().lower().split())
    if not tag:
        raise CatalogError("a tag cannot be empty; use a word like 'hero' or 'dawn'.")
    return tag


class Catalog:
    """The visual library in a SQLite file. Open it with :func:`open_catalog`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> import filmkit as fk
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> Image.new("RGB", (64, 36), (200, 80, 40)).save(folder / "dusk.png")
    >>> cat = fk.Catalog(folder / "library.sqlite")
    >>> entry = cat.add(fk.Asset.from_file(folder / "dusk.png"), tags=["Dusk", "hero"])
    >>> entry.tags, len(cat)
    (('dusk', 'hero'), 1)
    >>> cat.rate(entry, 4).rating, cat.select(entry).is_select       # four stars, a circle take
    (4, True)
    >>> [e.id for e in cat.search(tags=["hero"])] == [entry.id]
    True
    """

    def __init__(self, db_path: str | Path, *, store_dir: str | Path | None = None) -> None:
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.store_dir = Path(store_dir) if store_dir else self.db_path.parent / "library"
        with self._connect() as con:
            con.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA busy_timeout=30000")
        con.execute("PRAGMA foreign_keys=ON")
        con.row_factory = sqlite3.Row
        return con

    # --- adding and describing ----------------------------------------------------------------------------
    def add(self, asset: Asset, *, tags: Iterable[str] = (), notes: str = "", source_name: str | None = None,
            phash: str | None = None) -> CatalogEntry:
        """Record ``asset`` (again adding the same id only adds tags/notes). Returns its entry."""
        if not asset.id:
            raise CatalogError(f"{asset.path} has no id; make assets with Asset.from_file(...).")
        prov = asset.provenance
        if phash is None and asset.kind == "image" and Path(asset.path).is_file():
            phash = _phash(asset.path)
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT OR IGNORE INTO catalog_assets (id, path, kind, width, height, duration, provider, model,"
                " prompt, seed, parents, provenance, layers, phash, source_name, notes, added)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (asset.id, str(asset.path), asset.kind, asset.size[0] if asset.size else None,
                 asset.size[1] if asset.size else None, asset.duration, prov.provider, prov.model, prov.prompt,
                 prov.seed, json.dumps(list(prov.parents)), json.dumps(prov.to_dict()),
                 json.dumps({k: str(v) for k, v in asset.layers.items()}), phash, source_name, notes, now_iso()))
            for parent in prov.parents:
                con.execute("INSERT OR IGNORE INTO catalog_parents (child, parent) VALUES (?, ?)", (asset.id, parent))
            for t in tags:
                con.execute("INSERT OR IGNORE INTO catalog_tags (asset_id, tag) VALUES (?, ?)", (asset.id, _tag(t)))
            if notes:
                con.execute("UPDATE catalog_assets SET notes = ? WHERE id = ? AND notes = ''", (notes, asset.id))
            con.execute("COMMIT")
        return self.get(asset.id)

    def add_all(self, assets: Iterable[Asset], *, tags: Iterable[str] = ()) -> list[CatalogEntry]:
        """Record several assets (e.g. a whole job's candidates)."""
        tags = list(tags)
        return [self.add(a, tags=tags) for a in assets]

    def _id(self, asset_or_id: Asset | CatalogEntry | str) -> str:
        aid = asset_or_id if isinstance(asset_or_id, str) else asset_or_id.id
        with self._connect() as con:
            if con.execute("SELECT 1 FROM catalog_assets WHERE id = ?", (aid,)).fetchone() is None:
                raise CatalogError(f"asset {aid!r} is not in the library; add it first with catalog.add(asset).")
        return aid

    def tag(self, asset: Asset | CatalogEntry | str, *tags: str) -> CatalogEntry:
        """Add tags (lower-cased, spaces collapsed)."""
        aid = self._id(asset)
        with self._connect() as con:
            con.executemany("INSERT OR IGNORE INTO catalog_tags (asset_id, tag) VALUES (?, ?)",
                            [(aid, _tag(t)) for t in tags])
        return self.get(aid)

    def untag(self, asset: Asset | CatalogEntry | str, *tags: str) -> CatalogEntry:
        """Remove tags."""
        aid = self._id(asset)
        with self._connect() as con:
            con.executemany("DELETE FROM catalog_tags WHERE asset_id = ? AND tag = ?", [(aid, _tag(t)) for t in tags])
        return self.get(aid)

    def rate(self, asset: Asset | CatalogEntry | str, stars: int) -> CatalogEntry:
        """Rate 0–5 stars."""
        if not isinstance(stars, int) or not 0 <= stars <= 5:
            raise CatalogError(f"a rating is a whole number of stars from 0 to 5; got {stars!r}.")
        aid = self._id(asset)
        with self._connect() as con:
            con.execute("UPDATE catalog_assets SET rating = ? WHERE id = ?", (stars, aid))
        return self.get(aid)

    def select(self, asset: Asset | CatalogEntry | str, selected: bool = True) -> CatalogEntry:
        """Mark (or unmark) a select — a "circle take" that goes on to animation."""
        aid = self._id(asset)
        with self._connect() as con:
            con.execute("UPDATE catalog_assets SET is_select = ? WHERE id = ?", (int(bool(selected)), aid))
        return self.get(aid)

    def note(self, asset: Asset | CatalogEntry | str, text: str) -> CatalogEntry:
        """Replace the asset's note."""
        aid = self._id(asset)
        with self._connect() as con:
            con.execute("UPDATE catalog_assets SET notes = ? WHERE id = ?", (str(text), aid))
        return self.get(aid)

    # --- reading ----------------------------------------------------------------------------------------------
    def _entry(self, con: sqlite3.Connection, row: sqlite3.Row) -> CatalogEntry:
        tags = tuple(r[0] for r in con.execute("SELECT tag FROM catalog_tags WHERE asset_id = ? ORDER BY tag",
                                               (row["id"],)))
        asset = Asset(path=Path(row["path"]), kind=row["kind"], provenance=Provenance.from_dict(json.loads(row["provenance"])),
                      size=(row["width"], row["height"]) if row["width"] else None, duration=row["duration"],
                      id=row["id"], layers={k: Path(v) for k, v in json.loads(row["layers"]).items()})
        return CatalogEntry(asset=asset, tags=tags, rating=row["rating"], is_select=bool(row["is_select"]),
                            notes=row["notes"], source_name=row["source_name"], phash=row["phash"])

    def get(self, asset_id: str) -> CatalogEntry:
        """The entry for one id."""
        with self._connect() as con:
            row = con.execute("SELECT * FROM catalog_assets WHERE id = ?", (asset_id,)).fetchone()
            if row is None:
                raise CatalogError(f"asset {asset_id!r} is not in the library.")
            return self._entry(con, row)

    def __len__(self) -> int:
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM catalog_assets").fetchone()[0])

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.search())

    def search(self, text: str | None = None, *, tags: Sequence[str] = (), provider: str | None = None,
               parent: Asset | CatalogEntry | str | None = None, selects: bool | None = None,
               min_rating: int = 0, kind: str | None = None, limit: int | None = None) -> list[CatalogEntry]:
        """Entries matching every condition given, oldest first.

        ``text`` matches prompt words (all of them, any order, case-insensitive); ``tags`` must all be present;
        ``parent`` finds the direct children (variations, upscales, animations) of an asset.
        """
        where, args = [], []
        for word in (text or "").split():
            where.append("LOWER(COALESCE(prompt, '') || ' ' || COALESCE(source_name, '') || ' ' || notes) LIKE ?")
            args.append(f"%{word.lower()}%")
        for t in tags:
            where.append("id IN (SELECT asset_id FROM catalog_tags WHERE tag = ?)")
            args.append(_tag(t))
        if provider:
            where.append("provider = ?")
            args.append(provider)
        if parent is not None:
            pid = parent if isinstance(parent, str) else parent.id
            where.append("id IN (SELECT child FROM catalog_parents WHERE parent = ?)")
            args.append(pid)
        if selects is not None:
            where.append("is_select = ?")
            args.append(int(selects))
        if min_rating:
            where.append("rating >= ?")
            args.append(min_rating)
        if kind:
            where.append("kind = ?")
            args.append(kind)
        sql = "SELECT * FROM catalog_assets" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY added, rowid" + (f" LIMIT {int(limit)}" if limit else "")
        with self._connect() as con:
            return [self._entry(con, r) for r in con.execute(sql, args).fetchall()]

    def find_duplicate(self, phash: str, *, max_distance: int = 4) -> CatalogEntry | None:
        """An entry whose perceptual hash is within ``max_distance`` bits of ``phash``, if any."""
        target = int(phash, 16)
        with self._connect() as con:
            for row in con.execute("SELECT id, phash FROM catalog_assets WHERE phash IS NOT NULL"):
                if bin(int(row["phash"], 16) ^ target).count("1") <= max_distance:
                    return self.get(row["id"])
        return None

    def tree(self, asset: Asset | CatalogEntry | str) -> "VariationTree":
        """The variation tree that ``asset`` belongs to, from its oldest known ancestor down."""
        aid = self._id(asset)
        with self._connect() as con:
            root, seen = aid, {aid}
            while True:
                row = con.execute("SELECT parent FROM catalog_parents WHERE child = ? ORDER BY parent", (root,)).fetchone()
                if row is None or row[0] in seen:
                    break
                known = con.execute("SELECT 1 FROM catalog_assets WHERE id = ?", (row[0],)).fetchone()
                if known is None:
                    break
                root = row[0]
                seen.add(root)

            def build(node: str, depth: int) -> VariationTree:
                kids = [r[0] for r in con.execute(
                    "SELECT p.child FROM catalog_parents p JOIN catalog_assets a ON a.id = p.child "
                    "WHERE p.parent = ? ORDER BY a.added, a.rowid", (node,))]
                children = tuple(build(k, depth + 1) for k in kids if depth < 12)
                row2 = con.execute("SELECT * FROM catalog_assets WHERE id = ?", (node,)).fetchone()
                return VariationTree(entry=self._entry(con, row2), children=children, highlight=node == aid)

            return build(root, 0)

    # --- exporting ----------------------------------------------------------------------------------------------
    def export_selects(self, out_dir: str | Path, *, tags: Sequence[str] = ()) -> Path:
        """Copy every select (optionally only those with ``tags``) to ``out_dir`` with a ``manifest.json``.

        Existing files in ``out_dir`` are never overwritten: a clashing name gets a numbered suffix.
        Returns the manifest's path.
        """
        chosen = self.search(tags=tags, selects=True)
        if not chosen:
            raise CatalogError("there are no selects to export; mark some with catalog.select(asset).")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        items = []
        for e in chosen:
            src = Path(e.asset.path)
            if not src.is_file():
                raise CatalogError(f"select {e.id} points at {src}, which is missing; re-import or re-generate it.")
            dest = _free_name(out / f"{e.id}{src.suffix.lower()}")
            shutil.copy2(src, dest)
            items.append({"file": dest.name, "id": e.id, "tags": list(e.tags), "rating": e.rating, "notes": e.notes,
                          "asset": e.asset.to_dict() | {"path": dest.name}})
        manifest = _free_name(out / "manifest.json")
        manifest.write_text(json.dumps({"exported": now_iso(), "count": len(items), "selects": items}, indent=2))
        return manifest

    def contact_sheet(self, text: str | None = None, *, tags: Sequence[str] = (), selects: bool | None = None,
                      columns: int = 4, thumb: int = 256) -> Any:
        """A captioned contact sheet of the entries matching a search (see :func:`contact_sheet`)."""
        entries = self.search(text, tags=tags, selects=selects, kind="image")
        if not entries:
            raise CatalogError("nothing in the library matches; import or generate images first, or loosen the search.")
        return contact_sheet(entries, columns=columns, thumb=thumb)

    def __repr__(self) -> str:
        return f"<Catalog {self.db_path} · {len(self)} assets>"


def _free_name(path: Path) -> Path:
    if not path.exists():
        return path
    for i in range(2, 10_000):
        cand = path.with_name(f"{path.stem}-{i}{path.suffix}")
        if not cand.exists():
            return cand
    raise CatalogError(f"too many files named like {path.name} in {path.parent}.")


def open_catalog(path: str | Path | None = None) -> Catalog:
    """The visual library of the current workspace (or the SQLite file at ``path``).

    Examples
    --------
    >>> import tempfile
    >>> import filmkit as fk
    >>> with fk.config.override(workspace=tempfile.mkdtemp()):   # a lesson uses its own workspace
    ...     cat = fk.open_catalog()
    >>> len(cat), cat.db_path.name, cat.store_dir.name
    (0, 'filmkit.sqlite', 'library')
    """
    from .settings import config

    if path is None:
        config.ensure_workspace()
        return Catalog(config.db_path, store_dir=config.workspace / "library")
    return Catalog(path)


# --- variation trees ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VariationTree:
    """One asset and the variations made from it, recursively. Renders as an image inline."""

    entry: CatalogEntry
    children: tuple["VariationTree", ...] = ()
    highlight: bool = False

    def walk(self) -> Iterator[tuple[int, "VariationTree"]]:
        """(depth, node) pairs, depth first."""
        stack = [(0, self)]
        while stack:
            d, node = stack.pop()
            yield d, node
            stack.extend((d + 1, c) for c in reversed(node.children))

    def __len__(self) -> int:
        return sum(1 for _ in self.walk())

    def __str__(self) -> str:
        lines = []
        for d, node in self.walk():
            p = node.entry.asset.provenance
            mark = "◉" if node.entry.is_select else "·"
            lines.append(f"{'  ' * d}{mark} {node.entry.id} {p.operation} seed={p.seed} "
                         f"{(p.prompt or '')[:40]!r}{'  ← you are here' if node.highlight else ''}")
        return "\n".join(lines)

    def render(self, *, thumb: int = 160) -> Any:
        """Draw the tree: one row per generation, lines from each parent to its children."""
        from PIL import Image, ImageDraw

        from ._fonts import load_font

        rows: dict[int, list[VariationTree]] = {}
        for d, node in self.walk():
            rows.setdefault(d, []).append(node)
        gap, cap = 24, 34
        cols = max(len(v) for v in rows.values())
        th = int(thumb * 9 / 16)
        W = cols * (thumb + gap) + gap
        H = len(rows) * (th + cap + gap * 2) + gap
        sheet = Image.new("RGB", (W, H), (24, 24, 28))
        draw = ImageDraw.Draw(sheet)
        font = load_font(12)
        pos: dict[int, tuple[int, int]] = {}
        for d, nodes in rows.items():
            total = len(nodes) * (thumb + gap) - gap
            x0 = (W - total) // 2
            y = gap + d * (th + cap + gap * 2)
            for i, node in enumerate(nodes):
                x = x0 + i * (thumb + gap)
                pos[id(node)] = (x, y)
        for d, node in self.walk():
            px, py = pos[id(node)]
            for c in node.children:
                cx, cy = pos[id(c)]
                draw.line([(px + thumb // 2, py + th + cap - 6), (cx + thumb // 2, cy)], fill=(120, 120, 130), width=2)
        for d, node in self.walk():
            x, y = pos[id(node)]
            _paste_thumb(sheet, node.entry.asset, (x, y), (thumb, th))
            if node.highlight or node.entry.is_select:
                colour = (255, 200, 60) if node.highlight else (90, 200, 120)
                draw.rectangle([x - 3, y - 3, x + thumb + 2, y + th + 2], outline=colour, width=3)
            p = node.entry.asset.provenance
            draw.text((x, y + th + 4), f"{node.entry.id[:8]} · {p.operation}", fill=(230, 230, 230), font=font)
            draw.text((x, y + th + 18), f"seed {p.seed}", fill=(160, 160, 170), font=font)
        return sheet

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.render().save(buf, format="PNG")
        return buf.getvalue()


# --- contact sheets -------------------------------------------------------------------------------------------------
def _paste_thumb(sheet: Any, asset: Asset, xy: tuple[int, int], box: tuple[int, int]) -> None:
    from PIL import Image, ImageDraw

    try:
        with Image.open(asset.path) as im:
            im = im.convert("RGB")
            im.thumbnail(box, Image.Resampling.LANCZOS)
    except Exception:  # noqa: BLE001 - a missing/broken file still gets a placeholder
        im = Image.new("RGB", box, (60, 20, 20))
        ImageDraw.Draw(im).text((6, 6), "missing", fill=(255, 160, 160))
    sheet.paste(im, (xy[0] + (box[0] - im.width) // 2, xy[1] + (box[1] - im.height) // 2))


def contact_sheet(items: Iterable[Asset | CatalogEntry], *, columns: int = 4, thumb: int = 256,
                  title: str | None = None) -> Any:
    """A grid of thumbnails captioned with id, prompt excerpt and seed, as a ``PIL.Image``.

    >>> from filmkit.catalog import contact_sheet
    >>> contact_sheet([]).size
    (256, 64)
    """
    from PIL import Image, ImageDraw

    from ._fonts import load_font

    assets = [i.asset if isinstance(i, CatalogEntry) else i for i in items]
    if columns < 1:
        raise CatalogError(f"columns must be at least 1; got {columns}.")
    font, small = load_font(max(10, thumb // 18)), load_font(max(9, thumb // 22))
    th = int(thumb * 9 / 16)
    cap = max(30, thumb // 6) + 8
    pad = 10
    head = 36 if title else 0
    n = len(assets)
    cols = min(columns, max(n, 1))
    rows_n = max(1, -(-n // cols))
    W = cols * (thumb + pad) + pad
    H = head + rows_n * (th + cap + pad) + pad
    if n == 0:
        return Image.new("RGB", (thumb, 64), (24, 24, 28))
    sheet = Image.new("RGB", (W, H), (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    if title:
        draw.text((pad, 8), title, fill=(240, 240, 240), font=load_font(20, "sans-bold"))
    for k, a in enumerate(assets):
        r, c = divmod(k, cols)
        x, y = pad + c * (thumb + pad), head + pad + r * (th + cap + pad)
        _paste_thumb(sheet, a, (x, y), (thumb, th))
        p = a.provenance
        excerpt = (p.prompt or Path(a.path).name).replace("\n", " ")
        while excerpt and draw.textlength(excerpt, font=small) > thumb:
            excerpt = excerpt[:-2].rstrip() + "…" if len(excerpt) > 2 else ""
            if excerpt.endswith("……"):
                excerpt = excerpt[:-1]
        draw.text((x, y + th + 3), f"{a.id[:10]}  seed {p.seed if p.seed is not None else '–'}", fill=(235, 235, 235),
                  font=font)
        draw.text((x, y + th + 5 + font.size), excerpt, fill=(165, 165, 175), font=small)
    return sheet


# --- importing downloads -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportLimits:
    """Safety limits for imports. A file over any limit is skipped with the reason."""

    max_file_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_ratio: float = 200.0          # uncompressed / compressed size of one zip member
    max_pixels: int = 64_000_000      # a decoded image larger than this is a decompression bomb
    max_files: int = 10_000


@dataclass(frozen=True)
class ImportReport:
    """What an import did: ``imported`` entries, ``duplicates`` (name → existing id), ``skipped`` (name → reason)."""

    source: str
    imported: tuple[CatalogEntry, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        lines = [f"Imported {len(self.imported)} image(s) from {self.source}; "
                 f"{len(self.duplicates)} duplicate(s), {len(self.skipped)} skipped."]
        lines += [f"  + {e.id} {e.source_name} {('— ' + (e.asset.provenance.prompt or '')[:50]) if e.asset.provenance.prompt else ''}"
                  for e in self.imported]
        lines += [f"  = {name}: duplicate of {dup}" for name, dup in self.duplicates]
        lines += [f"  ✘ {name}: {why}" for name, why in self.skipped]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"


_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}


def _phash(path: Path | str) -> str:
    from PIL import Image

    from ._lazy import require

    imagehash = require("imagehash")
    with Image.open(path) as im:
        return str(imagehash.phash(im.convert("RGB")))


def _safe_member_name(name: str) -> str | None:
    """The member's path if it stays inside the archive; None for zip-slip attempts."""
    if "\\" in name:
        name = name.replace("\\", "/")
    p = PurePosixPath(name)
    if p.is_absolute() or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [x for x in p.parts if x not in ("", ".")]
    if any(x == ".." for x in parts) or not parts:
        return None
    return "/".join(parts)


def import_downloads(source: str | Path, *, catalog: Catalog | None = None, tags: Iterable[str] = (),
                     limits: ImportLimits = ImportLimits(), duplicate_distance: int = 4) -> ImportReport:
    """Import a folder or a ``.zip`` of Midjourney downloads into the visual library.

    Each image is copied into the workspace library (originals stay untouched), its prompt and job id recovered
    from the file's metadata or name (:func:`filmkit.read_midjourney_file`), and recorded with provenance
    ``provider="midjourney-import"``. Near-identical images (perceptual hash) are reported as duplicates, not
    imported twice. Zip members that escape the archive (``../``, absolute paths), decompression bombs,
    over-large and non-image files are skipped, each with its reason.

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> from PIL import Image
    >>> import filmkit as fk
    >>> downloads = pathlib.Path(tempfile.mkdtemp())
    >>> name = "lumi_misty_harbour_--ar_16_9_0f5c6f9e-8f1c-4c55-9a53-2b8f6c3d9e01_0.png"
    >>> Image.new("RGB", (64, 36), (40, 60, 90)).save(downloads / name)
    >>> _ = shutil.copy(downloads / name, downloads / "take2.png")       # the same picture, downloaded twice
    >>> _ = (downloads / "notes.txt").write_text("shot list")
    >>> cat = fk.Catalog(pathlib.Path(tempfile.mkdtemp()) / "library.sqlite")
    >>> report = fk.import_downloads(downloads, catalog=cat, tags=["harbour"])
    >>> len(report.imported), len(report.duplicates), [name for name, _ in report.skipped]
    (1, 1, ['notes.txt'])
    >>> report.imported[0].asset.provenance.prompt, report.imported[0].tags
    ('misty harbour --ar 16:9', ('harbour',))
    """
    src = Path(source)
    cat = catalog if catalog is not None else open_catalog()  # an empty Catalog is falsy (__len__)
    tags = [_tag(t) for t in tags]
    if not src.exists():
        raise CatalogError(f"{src} does not exist; give a folder or a .zip of downloads.")
    dest_dir = cat.store_dir / "imports"
    dest_dir.mkdir(parents=True, exist_ok=True)
    imported: list[CatalogEntry] = []
    duplicates: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []

    def consider(name: str, data: bytes) -> None:
        entry_or_reason = _import_one(cat, name, data, dest_dir, tags, limits, duplicate_distance)
        if isinstance(entry_or_reason, CatalogEntry):
            imported.append(entry_or_reason)
        elif entry_or_reason[0] == "duplicate":
            duplicates.append((name, entry_or_reason[1]))
        else:
            skipped.append((name, entry_or_reason[1]))

    if src.is_dir():
        files = sorted(p for p in src.rglob("*") if p.is_file() or p.is_symlink())
        total = 0
        for p in files[: limits.max_files]:
            rel = p.relative_to(src).as_posix()
            if p.is_symlink():
                skipped.append((rel, "a symbolic link; copy the real file into the folder instead"))
                continue
            size = p.stat().st_size
            if size > limits.max_file_bytes:
                skipped.append((rel, f"{size / 1e6:.0f} MB is over the {limits.max_file_bytes / 1e6:.0f} MB limit"))
                continue
            total += size
            if total > limits.max_total_bytes:
                skipped.append((rel, "the import is over its total size limit; import the rest separately"))
                continue
            consider(rel, p.read_bytes())
        for p in files[limits.max_files:]:
            skipped.append((p.relative_to(src).as_posix(), f"more than {limits.max_files} files in one import"))
    elif zipfile.is_zipfile(src):
        total = 0
        with zipfile.ZipFile(src) as zf:
            for k, info in enumerate(zf.infolist()):
                if info.is_dir():
                    continue
                name = _safe_member_name(info.filename)
                if name is None:
                    skipped.append((info.filename, "its path points outside the archive (zip-slip); not extracted"))
                    continue
                if k >= limits.max_files:
                    skipped.append((name, f"more than {limits.max_files} files in one import"))
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    skipped.append((name, "a symbolic link inside the archive; not extracted"))
                    continue
                if info.file_size > limits.max_file_bytes:
                    skipped.append((name, f"it would unpack to {info.file_size / 1e6:.0f} MB, over the "
                                          f"{limits.max_file_bytes / 1e6:.0f} MB limit (a decompression bomb?)"))
                    continue
                if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
                    skipped.append((name, f"it compresses {info.file_size / info.compress_size:.0f}:1, far more than "
                                          "any real image (a decompression bomb?)"))
                    continue
                total += info.file_size
                if total > limits.max_total_bytes:
                    skipped.append((name, "the archive is over the total size limit; split it"))
                    continue
                with zf.open(info) as fh:
                    data = fh.read(limits.max_file_bytes + 1)
                if len(data) > limits.max_file_bytes:
                    skipped.append((name, "it unpacks to more than its header claimed (a decompression bomb?)"))
                    continue
                consider(name, data)
    else:
        raise CatalogError(f"{src.name} is neither a folder nor a zip archive; give a folder or a .zip of downloads.")
    return ImportReport(source=str(src), imported=tuple(imported), duplicates=tuple(duplicates), skipped=tuple(skipped))


def _import_one(cat: Catalog, name: str, data: bytes, dest_dir: Path, tags: list[str], limits: ImportLimits,
                duplicate_distance: int) -> CatalogEntry | tuple[str, str]:
    from PIL import Image

    base = PurePosixPath(name).name
    if base.startswith(".") or base.startswith("__MACOSX") or "__MACOSX/" in name:
        return ("skip", "a hidden or system file")
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format
            w, h = im.size
            if fmt not in _IMAGE_FORMATS:
                return ("skip", f"a {fmt or 'unknown'} file, not a PNG, JPEG or WebP image")
            if w * h > limits.max_pixels:
                return ("skip", f"{w}×{h} pixels is over the {limits.max_pixels / 1e6:.0f} MP limit "
                                "(a decompression bomb?)")
            im.load()
    except Image.DecompressionBombError:
        return ("skip", "Pillow refused it as a decompression bomb")
    except Exception as exc:  # noqa: BLE001 - anything Pillow cannot read is not an image
        return ("skip", f"not a readable image ({type(exc).__name__})")
    ext = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}[fmt]
    # keep the original file name while reading metadata: older downloads carry the prompt only in their name
    work = Path(tempfile.mkdtemp(dir=dest_dir, prefix=".import-"))
    safe_base = "".join(ch if ch.isalnum() or ch in "-_.," else "_" for ch in base)[:200] or f"image{ext}"
    tmp_path = work / safe_base
    tmp_path.write_bytes(data)
    try:
        ph = _phash(tmp_path)
        dup = cat.find_duplicate(ph, max_distance=duplicate_distance)
        if dup is not None:
            return ("duplicate", dup.id)
        prompt = job_id = None
        info_source = "none"
        try:
            from .mj_files import read_midjourney_file

            mj = read_midjourney_file(tmp_path)
            prompt = mj.raw_prompt or None
            job_id = mj.job_id
            info_source = mj.source
        except ImportError:
            pass
        except Exception:  # noqa: BLE001 - metadata is a bonus; a file without it still imports
            pass
        aid = file_id(tmp_path)
        final = dest_dir / f"{aid}{ext}"
        os.replace(tmp_path, final)
        prov = Provenance(provider="midjourney-import" if (job_id or prompt) else "import", model="midjourney"
                          if job_id or prompt else "file", prompt=prompt, seed=None, operation="import",
                          task_id=job_id, request={"file": base, "metadata": info_source})
        asset = dataclasses.replace(Asset.from_file(final, prov), id=aid)
        return cat.add(asset, tags=tags, source_name=base, phash=ph)
    finally:
        shutil.rmtree(work, ignore_errors=True)
