"""The visual library: catalogue, search, variation trees, hostile imports, contact sheets, selects."""
from __future__ import annotations

import hashlib
import io
import json
import multiprocessing as mp
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

import filmkit as fk
from filmkit.assets import Asset, Provenance
from filmkit.catalog import Catalog, ImportLimits, contact_sheet, import_downloads, open_catalog
from filmkit.cli import main
from filmkit.errors import CatalogError

JOB = "4f6b2a1c-9d3e-4b8a-a1f2-0c9e8d7b6a51"


def _picture(seed: int, size: tuple[int, int] = (128, 72)) -> Image.Image:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (9, 16, 3), dtype=np.uint8)
    return Image.fromarray(base).resize(size, Image.Resampling.BICUBIC)


def _png_bytes(img: Image.Image, description: str | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    if description:
        info.add_text("Description", description)
        info.add_text("Author", "someone")
    buf = io.BytesIO()
    img.save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


def _asset(tmp: Path, seed: int, *, prompt: str = "harbour at dawn", parents: tuple[str, ...] = (),
           op: str = "generate", provider: str = "previz") -> Asset:
    p = tmp / f"img{seed}.png"
    _picture(seed).save(p)
    prov = Provenance(provider=provider, model="previz-1", prompt=prompt, seed=seed, parents=parents, operation=op)
    return Asset.from_file(p, prov)


def test_tags_ratings_selects_and_search(tmp_path: Path) -> None:
    cat = open_catalog()
    a = cat.add(_asset(tmp_path, 1, prompt="misty harbour at dawn --ar 16:9"), tags=["Harbour", "dawn"])
    b = cat.add(_asset(tmp_path, 2, prompt="neon city at night", provider="runway"), tags=["city"])
    cat.rate(a, 4)
    cat.select(b)
    cat.note(a, "the mood we want")
    assert [e.id for e in cat.search("harbour dawn")] == [a.id]
    assert [e.id for e in cat.search(tags=["harbour"])] == [a.id]  # tags are normalised
    assert [e.id for e in cat.search(provider="runway")] == [b.id]
    assert [e.id for e in cat.search(selects=True)] == [b.id]
    assert [e.id for e in cat.search(min_rating=3)] == [a.id]
    assert cat.get(a.id).notes == "the mood we want"
    assert len(cat) == 2
    again = cat.add(_asset(tmp_path, 1, prompt="misty harbour at dawn --ar 16:9"), tags=["keeper"])
    assert len(cat) == 2 and set(again.tags) == {"harbour", "dawn", "keeper"}
    with pytest.raises(CatalogError, match="0 to 5"):
        cat.rate(a, 7)
    with pytest.raises(CatalogError, match="not in the library"):
        cat.select("nope")


def test_variation_tree_from_any_member(tmp_path: Path) -> None:
    cat = open_catalog()
    root = cat.add(_asset(tmp_path, 10))
    v1 = cat.add(_asset(tmp_path, 11, parents=(root.id,), op="vary"))
    v2 = cat.add(_asset(tmp_path, 12, parents=(root.id,), op="vary"))
    up = cat.add(_asset(tmp_path, 13, parents=(v1.id,), op="upscale"))
    tree = cat.tree(up)
    assert tree.entry.id == root.id and len(tree) == 4
    assert [c.entry.id for c in tree.children] == [v1.id, v2.id]
    assert tree.children[0].children[0].highlight
    assert [e.id for e in cat.search(parent=root)] == [v1.id, v2.id]
    assert "upscale" in str(tree) and "you are here" in str(tree)
    img = tree.render(thumb=96)
    assert img.width >= 2 * 96 and img.height > 3 * 54  # three generations, two side by side


def test_contact_sheet_draws_thumbnails_and_captions(tmp_path: Path) -> None:
    assets = [_asset(tmp_path, s, prompt=f"shot {s} of the lighthouse") for s in range(5)]
    sheet = contact_sheet(assets, columns=3, thumb=160)
    th = int(160 * 9 / 16)
    assert sheet.width == 3 * 170 + 10
    arr = np.asarray(sheet).astype(int)
    caption = arr[10 + th + 3: 10 + th + 30, 10:170]
    assert (caption > 150).any(), "the caption text should be drawn under the first thumbnail"
    thumb = arr[10:10 + th, 10:170]
    assert thumb.std() > 20, "the first thumbnail should show the picture, not a blank"


def test_import_folder_recovers_prompts_and_skips_duplicates(tmp_path: Path) -> None:
    src = tmp_path / "downloads"
    src.mkdir()
    (src / "a.png").write_bytes(_png_bytes(_picture(1), f"a misty harbour at dawn --ar 16:9 --v 7 Job ID: {JOB}"))
    _picture(2).save(src / f"user_lighthouse_in_a_storm_{JOB[:-1]}0_2.png")
    _picture(1, (256, 144)).save(src / "same-as-a-bigger.png")  # a near duplicate
    (src / "notes.txt").write_text("not an image")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    report = import_downloads(src, tags=["import"])
    assert len(report.imported) == 2
    by_name = {e.source_name: e for e in report.imported}
    a = by_name["a.png"]
    assert a.asset.provenance.provider == "midjourney-import"
    assert a.asset.provenance.task_id == JOB
    assert "misty harbour" in (a.asset.provenance.prompt or "")
    assert [name for name, _ in report.duplicates] == ["same-as-a-bigger.png"]
    assert dict(report.skipped)["notes.txt"].startswith("not a readable image")
    # originals untouched, copies live in the workspace
    assert before == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    assert fk.config.workspace in a.asset.path.parents
    # importing again adds nothing
    assert len(import_downloads(src).imported) == 0


def test_hostile_zip_is_defused_and_reported(tmp_path: Path) -> None:
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("good/frame.png", _png_bytes(_picture(5)))
        zf.writestr("../escape.png", _png_bytes(_picture(6)))
        zf.writestr("/abs/escape2.png", _png_bytes(_picture(7)))
        zf.writestr("bomb.png", b"\0" * (20 * 1024 * 1024))  # compresses about 1000:1
        zf.writestr("readme.md", "# hi")
        huge = Image.new("1", (9000, 9000))  # 81 MP decoded, tiny on disk
        buf = io.BytesIO()
        huge.save(buf, format="PNG")
        zf.writestr("huge.png", buf.getvalue())
        zf.writestr("broken.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
        link = zipfile.ZipInfo("link.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    report = import_downloads(z)
    reasons = dict(report.skipped)
    assert [e.source_name for e in report.imported] == ["frame.png"]
    assert "zip-slip" in reasons["../escape.png"] and "zip-slip" in reasons["/abs/escape2.png"]
    assert "decompression bomb" in reasons["bomb.png"]
    assert "MP limit" in reasons["huge.png"]
    assert "not a PNG" in reasons["readme.md"] or "not a readable image" in reasons["readme.md"]
    assert "not a readable image" in reasons["broken.png"]
    assert "symbolic link" in reasons["link.png"]
    assert not (tmp_path.parent / "escape.png").exists() and not Path("/abs/escape2.png").exists()
    assert "Imported 1 image(s)" in str(report)


def test_limits_are_configurable(tmp_path: Path) -> None:
    src = tmp_path / "d"
    src.mkdir()
    (src / "big.png").write_bytes(_png_bytes(_picture(3, (512, 288))))
    report = import_downloads(src, limits=ImportLimits(max_file_bytes=1000))
    assert "over the" in dict(report.skipped)["big.png"]


def test_export_selects_never_overwrites(tmp_path: Path) -> None:
    cat = open_catalog()
    e = cat.add(_asset(tmp_path, 20))
    with pytest.raises(CatalogError, match="no selects"):
        cat.export_selects(tmp_path / "out")
    cat.select(e)
    out = tmp_path / "out"
    out.mkdir()
    mine = out / f"{e.id}.png"
    mine.write_text("the learner's own file")
    manifest = cat.export_selects(out)
    assert mine.read_text() == "the learner's own file"
    data = json.loads(manifest.read_text())
    assert data["count"] == 1
    exported = out / data["selects"][0]["file"]
    assert exported != mine and Image.open(exported).size == (128, 72)
    assert data["selects"][0]["asset"]["provenance"]["seed"] == 20


def _writer(db: str, start: int, folder: str) -> None:
    cat = Catalog(db)
    for s in range(start, start + 15):
        p = Path(folder) / f"w{s}.png"
        _picture(s, (32, 18)).save(p)
        cat.add(Asset.from_file(p, Provenance(provider="previz", model="m", seed=s)), tags=[f"t{s % 3}"], phash="0")


def test_two_processes_can_write_at_once(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite"
    Catalog(db)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db), k * 100, str(tmp_path))) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert len(Catalog(db)) == 30


def test_cli_import_and_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "dl"
    src.mkdir()
    for s in range(3):
        _picture(30 + s).save(src / f"p{s}.png")
    assert main(["library", "import", str(src), "--tag", "board"]) == 0
    assert "Imported 3 image(s)" in capsys.readouterr().out
    out = tmp_path / "sheet.png"
    assert main(["library", "sheet", "--tag", "board", "--out", str(out)]) == 0
    assert Image.open(out).width > 300
    assert main(["library", "sheet", "--out", str(out)]) == 2  # never overwrites
    assert "already exists" in capsys.readouterr().err
