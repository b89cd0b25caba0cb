"""previz frames: deterministic, honest, parameter-aware, vocabulary-driven, layered. Tiny sizes keep it fast."""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from filmkit.errors import FileFormatError, PromptSyntaxError
from filmkit.studio.previz import composite, load_vocabulary, previz_size, render_previz

SIZE = (160, 90)


def lum(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


def sat(img: np.ndarray) -> float:
    f = img.astype(np.float32)
    return float((f.max(axis=2) - f.min(axis=2)).mean())


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def render(prompt: str, **kw: object) -> np.ndarray:
    return render_previz(prompt, size=kw.pop("size", SIZE), **kw).image  # type: ignore[arg-type]


# --- determinism --------------------------------------------------------------------------------------------------
def test_same_prompt_and_seed_give_identical_pixels() -> None:
    a = render("misty harbour at dawn, lone lighthouse", seed=11)
    b = render("misty harbour at dawn, lone lighthouse", seed=11)
    assert a.shape == (90, 160, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)


def test_a_different_seed_gives_a_different_frame() -> None:
    a = render("misty harbour at dawn, lone lighthouse", seed=11)
    b = render("misty harbour at dawn, lone lighthouse", seed=12)
    assert diff(a, b) > 1.0


def test_prompt_seed_parameter_is_the_default_seed() -> None:
    assert np.array_equal(render("desert at dusk --seed 5"), render("desert at dusk", seed=5))
    assert render_previz("desert at dusk --seed 5", size=SIZE).seed == 5


def test_unknown_words_still_change_the_frame_deterministically() -> None:
    base = render("desert at dusk, lone figure", seed=3)
    odd = render("desert at dusk, lone figure, quixotic marmalade", seed=3)
    assert diff(base, odd) > 0.5
    assert np.array_equal(odd, render("desert at dusk, lone figure, quixotic marmalade", seed=3))
    assert render_previz("desert at dusk, quixotic", size=SIZE).scene["unknown_words"] == ["quixotic"]


# --- parameters ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ar, size", [("1:1", (1024, 1024)), ("16:9", (1456, 816)), ("9:16", (816, 1456)),
                                      ("4:3", (1232, 928)), ("3:2", (1344, 896)), ("21:9", (1680, 720)),
                                      ("32:18", (1456, 816))])
def test_aspect_uses_midjourneys_pixel_sizes(ar: str, size: tuple[int, int]) -> None:
    assert previz_size(ar) == size


def test_other_aspects_keep_about_a_megapixel_in_multiples_of_16() -> None:
    w, h = previz_size("239:100")
    assert w % 16 == 0 and h % 16 == 0
    assert abs(w / h - 2.39) < 0.05 and 0.9e6 < w * h < 1.2e6


def test_aspect_gives_the_exact_frame_size() -> None:
    frame = render_previz("a lone figure in the desert --ar 9:16", seed=1)
    assert frame.size == (816, 1456) and frame.image.shape == (1456, 816, 3)
    assert render_previz("a lone figure --ar 16:9", scale=0.125).size == (182, 102)


@pytest.mark.parametrize("bad", ["16x9", "0:9", "abc"])
def test_bad_aspect_says_how_to_write_it(bad: str) -> None:
    with pytest.raises(PromptSyntaxError, match="W:H"):
        previz_size(bad)


def test_out_of_range_chaos_is_refused_with_the_range() -> None:
    with pytest.raises(PromptSyntaxError, match="between 0 and 100"):
        render("desert --chaos 150")


def test_no_removes_the_subject() -> None:
    with_tree = render_previz("a lone tree on a hill at golden hour", seed=2, size=SIZE)
    without = render_previz("a lone tree on a hill at golden hour --no tree", seed=2, size=SIZE)
    assert with_tree.scene["subjects"] == ["tree"] and without.scene["subjects"] == []
    assert with_tree.layers["subject"][..., 3].astype(int).sum() > 200 * 255
    assert without.layers["subject"][..., 3].max() == 0
    assert diff(with_tree.image, without.image) > 0.3


def test_no_removes_weather_too() -> None:
    wet = render_previz("city street at night, rain", seed=2, size=SIZE)
    dry = render_previz("city street at night, rain --no rain", seed=2, size=SIZE)
    assert "weather" in wet.layers and "weather" not in dry.layers


def test_no_also_stops_automatic_stars_and_clouds() -> None:
    def specks(prompt: str) -> int:  # pixels much brighter than their neighbours on the row
        sky = lum(render_previz(prompt, seed=8, size=SIZE).layers["sky"][:30, :, :3])
        return int((sky[:, 1:-1] - np.maximum(sky[:, :-2], sky[:, 2:]) > 12).sum())

    assert specks("mountains at night --no moon") > 3
    assert specks("mountains at night --no moon, stars") == 0
    cloudy = render_previz("plains at noon, clouds", seed=8, size=SIZE).layers["sky"][:40, :, :3]
    bare = render_previz("plains at noon, clouds --no clouds", seed=8, size=SIZE).layers["sky"][:40, :, :3]
    assert lum(bare).std(axis=1).mean() < lum(cloudy).std(axis=1).mean()  # an even gradient, row by row


def _candidate_spread(prompt: str) -> float:
    imgs = [render(prompt, seed=7, index=i) for i in range(4)]
    return float(np.mean([diff(a, b) for a, b in itertools.combinations(imgs, 2)]))


def test_chaos_makes_the_four_candidates_more_different() -> None:
    calm = _candidate_spread("desert at dusk, lone figure --chaos 0")
    wild = _candidate_spread("desert at dusk, lone figure --chaos 100")
    assert calm > 0.2  # the four candidates of a job always differ a little
    assert wild > 1.8 * calm


def test_tile_makes_the_edges_wrap() -> None:
    plain = render("mountains at noon, lone tower", seed=4).astype(np.int16)
    tiled = render("mountains at noon, lone tower --tile", seed=4).astype(np.int16)
    inner = float(np.abs(np.diff(tiled, axis=1)).mean())  # a typical step between neighbouring columns
    assert float(np.abs(tiled[:, 0] - tiled[:, -1]).mean()) < 2 * inner + 1
    assert float(np.abs(tiled[0] - tiled[-1]).mean()) < 2 * float(np.abs(np.diff(tiled, axis=0)).mean()) + 1
    assert float(np.abs(plain[0] - plain[-1]).mean()) > 20  # sky above, ground below: no wrap without --tile


def test_stylize_strengthens_the_look() -> None:
    raw = render("forest at golden hour --stylize 0", seed=9)
    strong = render("forest at golden hour --stylize 1000", seed=9)
    assert float(lum(strong).std()) > float(lum(raw).std()) * 1.05
    assert sat(strong) > sat(raw) * 1.05


def test_weird_shifts_palette_and_geometry() -> None:
    assert diff(render("plains at noon --weird 3000", seed=1), render("plains at noon", seed=1)) > 5


# --- vocabulary ------------------------------------------------------------------------------------------------------
def test_night_is_darker_than_noon() -> None:
    night = render("mountains at night", seed=3)
    noon = render("mountains at noon", seed=3)
    assert lum(night).mean() < 0.5 * lum(noon).mean()


def test_fog_lowers_contrast() -> None:
    clear = render("forest at golden hour", seed=5)
    fog = render("foggy forest at golden hour", seed=5)
    assert lum(fog).std() < 0.8 * lum(clear).std()


def test_the_prompt_is_read_into_a_scene() -> None:
    sc = render_previz("close-up of a lone astronaut on a desert planet at dusk, teal and orange, 85mm",
                       size=SIZE).scene
    assert sc["environment"] == "desert" and sc["time"] == "dusk"
    assert sc["subjects"] == ["figure"] and "planet" in sc["sky"]
    assert sc["shot"] == "close_up" and sc["palette"] == ["teal_and_orange"] and sc["lens"] == ["telephoto"]


def test_golden_hour_is_a_time_not_the_colour_gold() -> None:
    sc = render_previz("field at golden hour", size=SIZE).scene
    assert sc["time"] == "golden_hour" and sc["colours"] == []


def test_close_up_subject_is_bigger_than_wide() -> None:
    def cover(p: str) -> int:
        return int((render_previz(p, seed=1, size=SIZE).layers["subject"][..., 3] > 128).sum())

    assert cover("close-up of a lone figure in a field") > 3 * cover("wide shot of a lone figure in a field")


def test_instructors_can_extend_the_vocabulary(workspace: Path) -> None:
    (workspace / "previz_vocabulary.toml").write_text(
        '[environment.swamp]\nwords = ["bayou", "swamp"]\nfar = [0.2, 0.3, 0.2]\nmid = [0.1, 0.2, 0.1]\n'
        'near = [0.05, 0.08, 0.05]\n\n[subject.figure]\nwords = ["heron"]\n', encoding="utf-8")
    v = load_vocabulary()
    assert "heron" in v["subject"]["figure"]["words"] and "person" in v["subject"]["figure"]["words"]
    sc = render_previz("a heron in the bayou at dawn", size=SIZE).scene
    assert sc["environment"] == "swamp" and sc["subjects"] == ["figure"]


def test_a_broken_vocabulary_file_names_the_problem(workspace: Path) -> None:
    (workspace / "previz_vocabulary.toml").write_text('[weather.fog\nwords = ["x"]\n', encoding="utf-8")
    with pytest.raises(FileFormatError, match="previz_vocabulary.toml"):
        render("foggy forest")
    (workspace / "previz_vocabulary.toml").write_text('[genre.noir]\nwords = ["noir"]\n', encoding="utf-8")
    with pytest.raises(FileFormatError, match="unknown category"):
        render("foggy forest")


# --- layers ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("prompt", ["misty harbour at dawn, lone lighthouse", "neon city street at night, rain",
                                    "snowy mountains at dusk, a lone figure --tile", "a bayou --stylize 800"])
def test_layers_composite_back_to_the_frame(prompt: str) -> None:
    frame = render_previz(prompt, seed=6, size=SIZE)
    names = list(frame.layers)
    assert names[:5] == ["sky", "far", "mid", "near", "subject"]
    for arr in frame.layers.values():
        assert arr.shape == (90, 160, 4) and arr.dtype == np.uint8
    assert frame.layers["sky"][..., 3].min() == 255  # the sky is opaque; the others have alpha
    assert frame.layers["near"][..., 3].min() == 0 and frame.layers["near"][..., 3].max() == 255
    assert np.abs(composite(frame.layers).astype(int) - frame.image).max() <= 1


def test_far_layers_are_hazier_than_near_ones() -> None:
    frame = render_previz("mountains at noon", seed=2, size=(320, 180))
    sky = lum(frame.layers["sky"][..., :3])[:60].mean()

    def layer_lum(name: str) -> float:
        arr = frame.layers[name]
        return float(lum(arr[..., :3])[arr[..., 3] == 255].mean())

    # atmospheric perspective: the far ridge sits closer to the sky's brightness than the near ground
    assert abs(layer_lum("far") - sky) < abs(layer_lum("near") - sky)
