"""fk.generate and Job: Midjourney-style jobs on previz, cached, with upscale, vary, animate and the CLI."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import filmkit as fk
import numpy as np
import pytest
from filmkit import studio
from filmkit.assets import Asset
from filmkit.cli import main
from filmkit.studio import Job, animate, generate
from filmkit.studio.previz import PrevizProvider, composite, default_seed
from PIL import Image

PROMPT = "misty harbour at dawn, lone lighthouse --ar 16:9"
SMALL = {"scale": 0.1}  # 146×82 frames: fast


def pixels(a: Asset) -> np.ndarray:
    return np.asarray(a.image(), np.int16)


class CountingProvider(PrevizProvider):
    """previz, counting how often it is really asked."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def text_to_image(self, prompt: Any, **kw: Any) -> list[Asset]:
        self.calls.append("text_to_image")
        return super().text_to_image(prompt, **kw)

    def image_to_video(self, image: Asset, **kw: Any) -> Asset:
        self.calls.append("image_to_video")
        return super().image_to_video(image, **kw)


@pytest.fixture()
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingProvider:
    prov = CountingProvider()
    monkeypatch.setattr(studio, "get_provider", lambda name=None, **kw: prov)
    return prov


def test_public_names() -> None:
    assert fk.generate is generate and fk.Job is Job and fk.PrevizProvider is PrevizProvider
    assert fk.get_provider("previz").name == "previz"


def test_generate_returns_a_job_of_four_honest_candidates() -> None:
    job = generate(PROMPT, **SMALL)
    assert isinstance(job, Job) and len(job) == 4 and job.provider == "previz" and job.model == "previz-1"
    assert job.seed == default_seed(PROMPT)
    ids = {a.id for a in job}
    assert len(ids) == 4  # four different candidates
    for a in job:
        assert a.kind == "image" and a.size == (146, 82)
        p = a.provenance
        assert (p.provider, p.model, p.operation, p.seed) == ("previz", "previz-1", "text_to_image", job.seed)
        assert p.prompt == PROMPT and p.parents == ()
        assert "previz" in p.notes and "not a generated image" in p.notes
    with pytest.raises(IndexError, match="job\\[0\\] to job\\[3\\]"):
        job[4]


def test_png_files_say_they_are_previz_frames() -> None:
    a = generate("desert at dusk --seed 9", **SMALL)[0]
    with Image.open(a.path) as im:
        text = dict(im.text)  # type: ignore[attr-defined]
    assert text["Provider"] == "previz" and "previz" in text["Software"]
    assert "not an image from Midjourney, Runway" in text["Description"]
    assert text["Prompt"] == "desert at dusk --seed 9" and text["Seed"] == "9"


def test_layers_are_saved_beside_the_image_and_composite_back() -> None:
    a = generate("snowy mountains at dusk, a lone figure", **SMALL)[0]
    assert list(a.layers)[:5] == ["sky", "far", "mid", "near", "subject"]
    arrays = {}
    for name, path in a.layers.items():
        with Image.open(path) as im:
            assert im.mode == "RGBA" and im.size == a.size
            arrays[name] = np.asarray(im)
    assert np.abs(composite(arrays).astype(int) - pixels(a)).max() <= 1


def test_full_size_follows_the_aspect_ratio() -> None:
    job = generate("a lone tree on a hill --ar 9:16", n=1)
    assert job[0].size == (816, 1456)


def test_asking_again_is_a_cache_hit_that_never_calls_the_provider(counting: CountingProvider) -> None:
    a = generate(PROMPT, **SMALL)
    b = generate(PROMPT, **SMALL)
    assert counting.calls == ["text_to_image"] and not a.cached and b.cached
    assert [x.id for x in a] == [x.id for x in b] and [x.path for x in a] == [x.path for x in b]
    generate(PROMPT, refresh=True, **SMALL)
    assert counting.calls == ["text_to_image"] * 2  # refresh asks again, on purpose
    generate(PROMPT, seed=1, **SMALL)
    assert len(counting.calls) == 3  # the seed is part of the key


def test_seeds_make_jobs_repeatable_and_distinct() -> None:
    a = generate("forest at night --seed 4", **SMALL)
    b = generate("forest at night", seed=4, **SMALL)
    c = generate("forest at night", seed=5, **SMALL)
    assert np.array_equal(pixels(a[0]), pixels(b[0]))
    assert not np.array_equal(pixels(a[0]), pixels(c[0]))


def test_upscale_renders_the_candidate_again_at_twice_the_size() -> None:
    job = generate(PROMPT, **SMALL)
    big = job.upscale(2)
    assert big.size == (292, 164) and big.provenance.parents == (job[2].id,)
    assert big.provenance.operation == "upscale" and big.provenance.provider == "previz"
    small_again = np.asarray(big.image().resize(job[2].size, Image.Resampling.BOX), np.int16)
    assert np.abs(small_again - pixels(job[2])).mean() < 12  # the same picture, sharper
    assert job.upscale(2).path == big.path  # cached


def test_vary_subtle_stays_closer_than_strong() -> None:
    job = generate("desert at dusk, lone figure", **SMALL)
    subtle, strong = job.vary(1), job.vary(1, strong=True)
    assert len(subtle) == 4 and subtle.operation == "vary_subtle" and strong.operation == "vary_strong"
    for a in (*subtle, *strong):
        assert a.provenance.parents == (job[1].id,)
    assert {a.provenance.operation for a in subtle} == {"vary_subtle"}
    parent = pixels(job[1])
    d_subtle = np.mean([np.abs(pixels(a) - parent).mean() for a in subtle])
    d_strong = np.mean([np.abs(pixels(a) - parent).mean() for a in strong])
    assert 0 < d_subtle < d_strong
    again = job.vary(1, seed=99)
    assert [a.id for a in again] == [a.id for a in job.vary(1, seed=99)]
    assert [a.id for a in again] != [a.id for a in subtle]
    grand = subtle.vary(0)
    assert grand[0].provenance.parents == (subtle[0].id,)  # a variation tree


def test_a_job_shows_itself_as_a_two_by_two_grid() -> None:
    job = generate(PROMPT, **SMALL)
    im = Image.open(io.BytesIO(job._repr_png_()))
    assert im.width == 768 and im.height > im.width * 82 / 146  # two rows of two, plus a caption
    grid = np.asarray(job.grid(width=400).convert("RGB"), np.int16)
    cell_w = (400 - 3 * 6) // 2
    left, right = grid[10:30, 6 + 10:6 + cell_w - 10], grid[10:30, 12 + cell_w + 10:12 + 2 * cell_w - 10]
    assert left.std() > 0 and np.abs(left - right).mean() > 0  # two different candidates side by side
    assert "previz" in repr(job) and "seed" in repr(job)


def test_job_save_never_overwrites_a_different_file(tmp_path: Path) -> None:
    job = generate(PROMPT, **SMALL)
    paths = job.save(tmp_path)
    assert len(paths) == 4 and all(p.read_bytes() == a.path.read_bytes() for p, a in zip(paths, job))
    assert job.save(tmp_path) == paths  # same bytes: no duplicates
    paths[0].write_bytes(b"a learner's own file")
    new = job.save(tmp_path)
    assert new[0] != paths[0] and paths[0].read_bytes() == b"a learner's own file"


def test_animate_is_an_honest_local_camera_move(counting: CountingProvider) -> None:
    from filmkit._ffmpeg import read_video

    still = generate("desert at dusk, lone figure", **SMALL)[0]
    clip = animate(still, "slow push", seconds=1.0)
    p = clip.provenance
    assert clip.kind == "video" and (p.provider, p.model, p.operation) == ("previz", "previz-motion-1",
                                                                           "image_to_video")
    assert p.parents == (still.id,) and "not a generated video" in p.notes
    frames, fps = read_video(clip.path)
    assert abs(len(frames) - 24) <= 1 and fps == pytest.approx(24, abs=0.5)
    first, last = frames[0].astype(np.int16), frames[-1].astype(np.int16)
    ref = np.asarray(still.image().resize((first.shape[1], first.shape[0])), np.int16)
    assert np.abs(first - ref).mean() < 12  # starts on the still
    assert np.abs(last - first).mean() > 2  # and moves
    again = animate(still, "slow push", seconds=1.0)
    assert again.path == clip.path and counting.calls.count("image_to_video") == 1  # cached


def test_animate_falls_back_to_a_simple_zoom_without_the_camera_module(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from filmkit._ffmpeg import read_video

    monkeypatch.setitem(sys.modules, "filmkit.camera", None)  # importing it now raises ImportError
    still = generate("forest at dawn --seed 2", **SMALL)[0]
    clip = animate(still, seconds=0.5)
    frames, _ = read_video(clip.path)
    assert abs(len(frames) - 12) <= 1 and clip.provenance.model == "previz-motion-1"
    centre = lambda f: f[f.shape[0] // 4:3 * f.shape[0] // 4, f.shape[1] // 4:3 * f.shape[1] // 4]
    assert np.abs(centre(frames[-1]).astype(int) - centre(frames[0])).mean() > 1  # it zooms


# --- CLI -----------------------------------------------------------------------------------------------------------
def test_cli_generate_writes_images_and_prints_their_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    out = tmp_path / "frames"
    assert main(["generate", "neon city street at night, rain --ar 16:9", "--scale", "0.1", "--out", str(out),
                 "--seed", "3"]) == 0
    printed = [Path(line) for line in capsys.readouterr().out.split()]
    assert len(printed) == 4 and all(p.parent == out.resolve() for p in printed)
    for p in printed:
        with Image.open(p) as im:
            assert im.size == (146, 82) and im.info["Provider"] == "previz"
    assert main(["generate", "neon city street at night, rain --ar 16:9", "--scale", "0.1", "--out", str(out),
                 "--seed", "3"]) == 0
    assert [Path(line) for line in capsys.readouterr().out.split()] == printed
    assert len(list(out.iterdir())) == 4


def test_cli_generate_without_out_prints_cache_paths(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "forest at dawn", "--scale", "0.05"]) == 0
    printed = [Path(line) for line in capsys.readouterr().out.split()]
    assert len(printed) == 4 and all(p.is_relative_to(workspace.resolve()) and p.is_file() for p in printed)


def test_cli_bad_prompt_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "harbour --ar 16x9", "--scale", "0.1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("filmkit generate:") and "16x9" in err and len(err.strip().splitlines()) == 1
