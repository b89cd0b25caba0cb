"""The generation cache: canonical keys, atomic files, SQLite in WAL mode, safe across two real processes."""
from __future__ import annotations

import multiprocessing as mp
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
from filmkit.assets import Asset, Provenance
from filmkit.studio.cache import GenerationCache, canonical_json, generation_cache, key_for
from PIL import Image


def make_asset(folder: Path, name: str, value: int, *, layers: bool = False) -> Asset:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    Image.fromarray(np.full((8, 12, 3), value % 256, np.uint8)).save(path)
    lay = {}
    if layers:
        lp = folder / f"{name}.sky.png"
        Image.fromarray(np.full((8, 12, 4), 200, np.uint8)).save(lp)
        lay["sky"] = lp
    prov = Provenance(provider="previz", model="previz-1", prompt="test", seed=value, request={"v": value})
    return Asset.from_file(path, prov, layers=lay)


def test_keys_are_canonical_and_include_the_seed() -> None:
    a = key_for("previz", "previz-1", {"prompt": "harbour", "seed": 1, "options": {"a": 1, "b": 2}})
    b = key_for("previz", "previz-1", {"options": {"b": 2, "a": 1}, "seed": 1, "prompt": "harbour"})
    assert a == b and len(a) == 64
    assert a != key_for("previz", "previz-1", {"prompt": "harbour", "seed": 2, "options": {"a": 1, "b": 2}})
    assert a != key_for("runway", "previz-1", {"prompt": "harbour", "seed": 1, "options": {"a": 1, "b": 2}})
    assert a != key_for("previz", "gen4_image", {"prompt": "harbour", "seed": 1, "options": {"a": 1, "b": 2}})
    assert canonical_json({"p": Path("/x")}) == '{"p":"/x"}'


def test_a_request_holding_an_api_key_is_refused() -> None:
    with pytest.raises(ValueError, match="API key"):
        key_for("runway", "gen4_image", {"auth": "key_" + "ab" * 32})


def test_put_copies_files_in_and_get_returns_them(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path / "db.sqlite", tmp_path / "cache")
    key = key_for("previz", "previz-1", {"seed": 1})
    assert cache.get(key) is None
    src = make_asset(tmp_path / "staging", "a", 10, layers=True)
    stored = cache.put(key, [src])
    (tmp_path / "staging" / "a.png").unlink()  # the staging copy can go: the cache has its own
    got = cache.get(key)
    assert got is not None and len(got) == 1
    a = got[0]
    assert a.id == src.id and a.path.is_relative_to((tmp_path / "cache").resolve())
    assert np.asarray(Image.open(a.path))[0, 0].tolist() == [10, 10, 10]
    assert a.layers["sky"].is_file() and a.layers["sky"].is_relative_to((tmp_path / "cache").resolve())
    assert a.provenance.seed == 10 and a.provenance.request == {"v": 10}
    assert [x.path for x in stored] == [a.path]
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_the_index_is_sqlite_in_wal_mode(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path / "db.sqlite", tmp_path / "cache")
    cache.put("k" * 64, [make_asset(tmp_path / "s", "a", 1)])
    with sqlite3.connect(tmp_path / "db.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM generation_cache").fetchone()[0] == 1


def test_first_writer_wins_unless_replacing(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path / "db.sqlite", tmp_path / "cache")
    key = "a" * 64
    first = cache.put(key, [make_asset(tmp_path / "s1", "a", 1)])
    second = cache.put(key, [make_asset(tmp_path / "s2", "a", 2)])
    assert second[0].id == first[0].id  # a racing second answer does not replace the first
    third = cache.put(key, [make_asset(tmp_path / "s3", "a", 3)], replace=True)
    assert third[0].id != first[0].id and cache.get(key)[0].id == third[0].id  # type: ignore[index]


def test_a_deleted_file_is_a_miss_not_a_broken_asset(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path / "db.sqlite", tmp_path / "cache")
    stored = cache.put("b" * 64, [make_asset(tmp_path / "s", "a", 5)])
    stored[0].path.unlink()
    assert cache.get("b" * 64) is None


def test_fetch_or_make_calls_make_once(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path / "db.sqlite", tmp_path / "cache")
    calls: list[Path] = []

    def make(out: Path) -> list[Asset]:
        calls.append(out)
        return [make_asset(out, "x", 7)]

    a, hit_a = cache.fetch_or_make("c" * 64, make)
    b, hit_b = cache.fetch_or_make("c" * 64, make)
    assert (hit_a, hit_b) == (False, True) and len(calls) == 1 and a[0].id == b[0].id
    assert not calls[0].exists()  # the staging folder is cleaned up
    cache.fetch_or_make("c" * 64, make, refresh=True)
    assert len(calls) == 2


def test_workspace_cache_lives_in_the_workspace(workspace: Path) -> None:
    cache = generation_cache()
    assert cache.db_path == workspace / "filmkit.sqlite" and cache.cache_dir == workspace / "cache"


# --- two real processes ---------------------------------------------------------------------------------------------
def _hammer(root: str, worker: int, rounds: int, queue: mp.Queue[object]) -> None:
    cache = GenerationCache(Path(root) / "db.sqlite", Path(root) / "cache")
    seen = []
    for i in range(rounds):
        key = f"{i % 4:064d}"
        asset = make_asset(Path(root) / f"staging-{worker}-{i}", "img", 1000 * worker + i, layers=True)
        stored = cache.put(key, [asset])
        got = cache.get(key)
        assert got is not None and got[0].id == stored[0].id
        assert np.asarray(Image.open(got[0].path)).shape == (8, 12, 3)  # never a half-written file
        seen.append((key, stored[0].id))
    queue.put(seen)


def _make_once(root: str, worker: int, queue: mp.Queue[object]) -> None:
    cache = GenerationCache(Path(root) / "db.sqlite", Path(root) / "cache")

    def make(out: Path) -> list[Asset]:
        (Path(root) / f"made-by-{worker}").write_text("1")  # one "paid" request
        time.sleep(0.3)
        return [make_asset(out, "paid", 100 + worker)]

    assets, hit = cache.fetch_or_make("d" * 64, make)
    queue.put((worker, assets[0].id, hit))


def test_two_processes_hammering_the_same_keys_agree(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    q: mp.Queue[object] = ctx.Queue()
    procs = [ctx.Process(target=_hammer, args=(str(tmp_path), w, 24, q)) for w in (1, 2)]
    for p in procs:
        p.start()
    results = [q.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    by_key: dict[str, set[str]] = {}
    for seen in results:
        for key, aid in seen:  # type: ignore[union-attr]
            by_key.setdefault(key, set()).add(aid)
    assert len(by_key) == 4 and all(len(ids) == 1 for ids in by_key.values())  # one answer per key, for both
    cache = GenerationCache(tmp_path / "db.sqlite", tmp_path / "cache")
    assert len(cache.keys()) == 4
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_two_processes_asking_for_the_same_generation_pay_once(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    q: mp.Queue[object] = ctx.Queue()
    procs = [ctx.Process(target=_make_once, args=(str(tmp_path), w, q)) for w in (1, 2)]
    for p in procs:
        p.start()
    results = sorted(q.get(timeout=120) for _ in procs)  # type: ignore[type-var]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert len(list(tmp_path.glob("made-by-*"))) == 1  # the second process waited and got the first's answer
    assert results[0][1] == results[1][1]  # type: ignore[index]
    assert sorted(r[2] for r in results) == [False, True]  # type: ignore[index]
