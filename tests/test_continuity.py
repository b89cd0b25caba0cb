"""Continuity reports: planted drift, exposure and pacing problems are found (and only there), fixes clear them."""
from __future__ import annotations

import json

import filmkit as fk
import numpy as np
import pytest
from filmkit.clip import Clip
from filmkit.continuity import THRESHOLDS, Finding

SIZE = (64, 36)


def _frame(rgb: tuple[int, int, int], *, seed: int = 0, horizon: float = 0.55) -> np.ndarray:
    """A small 'landscape': sky over sea in the given light, with a little texture."""
    rng = np.random.default_rng(seed)
    h, w = SIZE[1], SIZE[0]
    f = np.empty((h, w, 3), float)
    f[:] = rgb
    f[int(h * horizon):] *= 0.55
    f += rng.normal(0, 4, f.shape)
    return np.clip(f, 0, 255).astype(np.uint8)


DAWN = (210, 180, 150)


def _dawn_sequence() -> dict[str, np.ndarray]:
    return {f"dawn {k}": _frame(DAWN, seed=k, horizon=0.6 + 0.03 * k) for k in range(5)}


def _previz(prompt: str) -> np.ndarray:
    from PIL import Image

    asset = fk.generate(prompt + " --ar 16:9", scale=0.25)[0]
    with Image.open(asset.path) as im:
        return np.asarray(im.convert("RGB").resize((160, 90)))


def test_planted_drift_is_found_and_only_there() -> None:
    shots = _dawn_sequence()
    shots["dawn 2"] = _frame((150, 125, 175), seed=2)                 # graded at dusk by mistake
    report = fk.continuity_report(shots, seconds=3)
    assert report.flagged("drift") == ["dawn 2"]
    (f,) = report.by_kind("drift")
    assert isinstance(f, Finding) and f.measure > THRESHOLDS["drift"] and f.severity in ("minor", "major")
    assert f"{f.measure:.1f}" in f.message and "dawn 2" in f.fix and "match_colour" in f.fix
    assert all(report[n].drift < 1.5 for n in shots if n != "dawn 2")
    assert not report.ok


def test_a_regraded_shot_passes_and_its_drift_falls_below_the_threshold() -> None:
    shots = _dawn_sequence()
    warm = np.clip(shots["dawn 3"] * np.array([1.2, 1.0, 0.75]), 0, 255).astype(np.uint8)
    report = fk.continuity_report({**shots, "dawn 3": warm}, seconds=3)
    assert report.flagged("drift") == ["dawn 3"]
    fixed = fk.match_colour(warm, shots["dawn 0"])
    after = report.with_shot("dawn 3", fixed)
    assert after.by_kind("drift") == [] and after["dawn 3"].drift < THRESHOLDS["drift"] / 2
    assert report["dawn 3"].drift > 2 * after["dawn 3"].drift
    fk.checks.expect_continuity(after, clean=["drift", "warmth"])
    half = fk.match_colour(warm, shots["dawn 0"], strength=0.5)
    assert after["dawn 3"].drift < report.with_shot("dawn 3", half)["dawn 3"].drift < report["dawn 3"].drift


def test_previz_dawn_harbour_with_one_dusk_shot() -> None:
    names = ["lighthouse", "boats", "nets", "gulls", "quay"]
    subjects = ["lone lighthouse, wide shot", "fishing boats close up", "a fisherman mending nets",
                "gulls over the water", "a rowing boat at the quay"]
    stills = {n: _previz(f"misty harbour at {'dusk, violet haze' if n == 'gulls' else 'dawn, pale gold light'}, "
                         f"{s} --seed {k + 3}") for k, (n, s) in enumerate(zip(names, subjects))}
    report = fk.continuity_report(stills)
    assert report.flagged("drift") == ["gulls"]
    assert report.by_kind("long") == []                               # stills without lengths: no pacing
    assert fk.continuity_report(stills, reference="lighthouse").flagged("drift") == ["gulls"]
    fixed = fk.match_colour(stills["gulls"], stills["lighthouse"])
    assert report.with_shot("gulls", fixed).flagged("drift") == []


def test_exposure_jump_is_blamed_on_the_odd_shot_once() -> None:
    shots = _dawn_sequence()
    shots["dawn 2"] = (shots["dawn 2"] * 0.6).astype(np.uint8)       # a stop and a half under
    report = fk.continuity_report(shots, seconds=3)
    (f,) = report.by_kind("exposure")
    assert f.shot == "dawn 2" and f.measure < -THRESHOLDS["exposure"] and f.severity == "major"
    assert "'dawn 1'" in f.message and "'dawn 3'" in f.message and f.fix.startswith("Brighten shot 'dawn 2'")
    assert report.flagged("drift") == []                              # darker is exposure, not colour


def test_white_balance_jump() -> None:
    shots = _dawn_sequence()
    shots["dawn 4"] = np.clip(shots["dawn 4"] * np.array([0.85, 1.0, 1.25]), 0, 255).astype(np.uint8)
    report = fk.continuity_report(shots, seconds=3)
    (f,) = report.by_kind("warmth")
    assert f.shot == "dawn 4" and f.measure < -THRESHOLDS["warmth"] and "cooler" in f.message
    assert f.fix.startswith("Warm shot 'dawn 4'")


def test_pacing_outlier_monotony_average_and_beats() -> None:
    shots = _dawn_sequence()
    report = fk.continuity_report(shots, seconds=[3, 3.5, 10, 2.5, 3])
    (f,) = report.by_kind("long")
    assert f.shot == "dawn 2" and f.measure == pytest.approx(10 / 3, abs=0.01)
    assert report.suggested_fixes() == ["Trim shot 'dawn 2' by 5.5 s (from 10.0 s to 4.5 s, 1.5× the median 3.0 s)."]
    assert report.with_shot("dawn 2", seconds=4.5).ok
    assert report.by_kind("monotony") == []

    metronome = fk.continuity_report(shots, seconds=[3, 3.1, 3, 2.9, 3])
    assert [f.kind for f in metronome.findings] == ["monotony"] and metronome.findings[0].shot is None
    assert fk.continuity_report(list(shots.values())[:4], seconds=3).by_kind("monotony") == []   # too few shots

    slow = fk.continuity_report(shots, seconds=[4, 5, 6, 4.5, 5.5], target_asl=3.0)
    (asl,) = slow.by_kind("asl")
    assert asl.measure == 5.0 and asl.fix.startswith("Shorten")
    assert fk.continuity_report(shots, seconds=[4, 5, 6, 4.5, 5.5], target_asl=4.5).by_kind("asl") == []

    beats = np.arange(0, 30, 0.5)                                     # 120 bpm
    cut = fk.continuity_report(shots, seconds=[2.0, 1.5, 3.0, 2.3, 2.0], beats=beats)
    assert cut.flagged("off_beat") == ["dawn 4"]                      # the cut at 8.8 s, 0.2 s off 9.0
    (ob,) = cut.by_kind("off_beat")
    assert ob.measure == pytest.approx(-0.2) and "9.00" in ob.fix


def test_intended_drift_is_a_note_not_a_failure() -> None:
    shots = _dawn_sequence()
    shots["memory"] = _frame((150, 125, 175), seed=9)
    report = fk.continuity_report(shots, seconds=[3, 4, 2, 3, 5, 3], intended=["memory"])
    assert report.ok and report.flagged("drift") == [] and report.suggested_fixes() == []
    assert report.flagged("drift", include_intended=True) == ["memory"]
    assert {f.severity for f in report.findings} == {"intended"}
    assert fk.continuity_report(shots, drift=50).flagged("drift") == []


def test_style_palette_and_reference_shot() -> None:
    shots = _dawn_sequence()
    bible = fk.palette(shots["dawn 0"], n=5)
    assert fk.continuity_report(shots, style=bible).reference_name == "the style palette"
    cold = fk.continuity_report(shots, style=["#3050a0", "#203060"])
    assert cold.flagged("drift") == list(shots)                       # every shot is far from a blue bible
    assert fk.continuity_report(shots, reference=0).reference_name == "shot 'dawn 0'"
    with pytest.raises(fk.FilmkitError, match="palette is words"):
        fk.continuity_report(shots, style=fk.StyleBible(palette="slate blue, rust"))
    with pytest.raises(fk.FilmkitError, match="not both"):
        fk.continuity_report(shots, style=bible, reference=0)


def test_clips_timeline_and_a_rendered_film_with_detected_cuts() -> None:
    shots = _dawn_sequence()
    clips = [Clip.still(f, seconds=s, fps=10) for f, s in zip(shots.values(), [2, 2, 5, 2, 2])]
    by_clip = fk.continuity_report(clips)
    assert [s.seconds for s in by_clip.shots] == [2, 2, 5, 2, 2] and by_clip.flagged("long") == ["shot 3"]

    tl = fk.Timeline(fps=10, size=SIZE)
    for name, f in shots.items():
        tl.add(fk.Shot(f, seconds=2, label=name))
    tl_report = fk.continuity_report(tl)
    assert tl_report.names == list(shots) and [s.start for s in tl_report.shots] == [0, 2, 4, 6, 8]
    dissolve = fk.Timeline(fps=10, size=SIZE).add(fk.Shot(shots["dawn 0"], seconds=2, label="a"))
    dissolve.add(fk.crossfade(1.0)).add(fk.Shot(shots["dawn 1"], seconds=2, label="b"))
    assert [s.start for s in fk.continuity_report(dissolve).shots] == [0, 1.5]    # the middle of the dissolve

    film = fk.Timeline(fps=10, size=SIZE)
    for rgb in [(200, 60, 40), (30, 60, 160), (40, 160, 60)]:
        film.add(Clip.solid(rgb, seconds=1.5, fps=10, size=SIZE))
    cuts = fk.detect_cuts(film.to_clip())
    assert cuts == [1.5, 3.0]
    split = fk.continuity_report(film.to_clip(), cuts=cuts, names=["red", "blue", "green"])
    assert [s.seconds for s in split.shots] == [1.5, 1.5, 1.5]
    assert split["blue"].lab[2] < -30 < 30 < split["red"].lab[1]
    assert fk.detect_cuts(Clip.solid((10, 10, 10), seconds=1, fps=10, size=SIZE)) == []


def test_match_colour_on_a_clip_is_lazy_and_keeps_its_shape() -> None:
    warm = _frame((240, 170, 110))
    clip = Clip.still(warm, seconds=1, fps=8)
    graded = fk.match_colour(clip, _frame(DAWN))
    assert isinstance(graded, Clip) and graded.n_frames == 8 and graded.frame(3).shape == warm.shape
    pil = fk.match_colour(fk.sample_frame("dusk"), fk.sample_frame("desert noon"))
    assert pil.size == (320, 180)
    with pytest.raises(fk.FilmkitError, match="strength"):
        fk.match_colour(warm, warm, strength=2)


def test_report_is_deterministic_and_shows_itself() -> None:
    shots = _dawn_sequence()
    shots["dawn 1"] = _frame((150, 125, 175), seed=1)
    a = fk.continuity_report(shots, seconds=[3, 3, 8, 3, 3])
    b = fk.continuity_report(dict(shots), seconds=[3, 3, 8, 3, 3])
    assert a.to_dict() == b.to_dict() and a.findings == b.findings
    data = json.loads(json.dumps(a.to_dict()))
    kinds = [f["kind"] for f in data["findings"]]
    assert data["ok"] is False and kinds[0] == "drift" and kinds[-1] == "long"
    html = a._repr_html_()
    assert html.count("<img") == 5 and "data:image/jpeg;base64," in html and "Trim shot" in html
    assert "drift" in str(a) and len(a) == 5
    fig = a.plot()
    assert len(fig.axes) == 4                        # drift, exposure (+ its warmth twin), lengths
    untimed = fk.continuity_report(shots)
    assert len(untimed.plot().axes) == 3 and [s.start for s in untimed.shots] == [0.0, None, None, None, None]


@pytest.mark.parametrize(("shots", "kw", "message"), [
    ([], {}, "got 0 shot"),
    (None, {}, "needs a sequence"),
    (np.zeros((36, 64, 3), np.uint8), {}, "got one ndarray"),
    ([np.zeros((36, 64, 3), np.uint8)], {}, "Pass at least two"),
    ([np.zeros((36, 64), np.uint8), np.zeros((36, 64, 3), np.uint8)], {}, "mono"),
    ([np.zeros((36, 64, 3), np.uint8)] * 3, {"names": ["a", "b"]}, "2 names for 3 shots"),
    ([np.zeros((36, 64, 3), np.uint8)] * 2, {"names": ["a", "a"]}, "two shots are called 'a'"),
    ([np.zeros((36, 64, 3), np.uint8)] * 2, {"seconds": [1, 2, 3]}, "3 lengths"),
    ([np.zeros((36, 64, 3), np.uint8)] * 2, {"seconds": 0}, "more than 0 seconds"),
    ([np.zeros((36, 64, 3), np.uint8)] * 2, {"intended": ["nope"]}, "not a shot of this sequence"),
    ([np.zeros((36, 64, 3), np.uint8)] * 2, {"reference": "nope"}, "neither a shot"),
    (["/no/such/still.png", "/no/such/still.png"], {}, "does not exist"),
    ([object(), object()], {}, "a shot is a Clip"),
])
def test_bad_input_gives_clear_errors(shots, kw, message) -> None:
    with pytest.raises(fk.FilmkitError, match=message):
        fk.continuity_report(shots, **kw)


def test_bad_lookups_and_cuts_give_clear_errors() -> None:
    report = fk.continuity_report(_dawn_sequence(), seconds=3)
    with pytest.raises(fk.FilmkitError, match="no shot called 'dusk'"):
        report["dusk"]
    with pytest.raises(fk.FilmkitError, match="unknown finding kind"):
        report.by_kind("colour")
    with pytest.raises(fk.FilmkitError, match="needs a new source"):
        report.with_shot(0)
    film = Clip.solid((9, 9, 9), seconds=2, fps=10, size=SIZE)
    with pytest.raises(fk.FilmkitError, match="one clip is one shot"):
        fk.continuity_report(film)
    with pytest.raises(fk.FilmkitError, match="inside the film"):
        fk.continuity_report(film, cuts=[3.0])
    with pytest.raises(AssertionError, match="should flag 'dawn 1' for drift"):
        fk.checks.expect_continuity(report, flags={"drift": ["dawn 1"]})


def test_cli_reports_a_sequence_of_files(tmp_path, capsys) -> None:
    from filmkit.cli import main
    from PIL import Image

    shots = _dawn_sequence()
    shots["dawn 2"] = _frame((150, 125, 175), seed=2)
    paths = []
    for name, f in shots.items():
        paths.append(str(tmp_path / f"{name.replace(' ', '_')}.png"))
        Image.fromarray(f).save(paths[-1])
    assert main(["continuity", *paths, "--seconds", "3", "4", "3", "3.5", "2.5"]) == 1
    out = capsys.readouterr().out
    assert "Shot 'dawn_2.png' drifts" in out and "fix: Regrade shot 'dawn_2.png'" in out
    clean = [p for p in paths if "dawn_2" not in p]
    assert main(["continuity", *clean, "--json"]) == 0
    assert '"ok": true' in capsys.readouterr().out
    assert main(["continuity", paths[0], str(tmp_path / "missing.png")]) == 2
    assert "missing.png does not exist" in capsys.readouterr().err


def test_cli_reports_a_sequence_and_one_film_and_exits_1_on_findings(tmp_path, capsys) -> None:
    from filmkit.cli import main
    from PIL import Image

    shots = _dawn_sequence()
    shots["dawn 2"] = _frame((150, 125, 175), seed=2)
    files = []
    for name, f in shots.items():
        files.append(tmp_path / f"{name.replace(' ', '_')}.png")
        Image.fromarray(f).save(files[-1])
    assert main(["continuity", *map(str, files), "--seconds", "3", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["shot"] for f in data["findings"] if f["kind"] == "drift"] == ["dawn_2.png"]

    clean = [p for p in files if p.name != "dawn_2.png"]
    assert main(["continuity", *map(str, clean), "--seconds", "3"]) == 0
    assert "fix:" not in capsys.readouterr().out

    film = fk.Timeline(fps=10, size=SIZE)
    for rgb in [(200, 60, 40), (30, 60, 160)]:
        film.add(Clip.solid(rgb, seconds=1.5, fps=10, size=SIZE))
    path = film.render(tmp_path / "film.mp4", progress=False).path
    main(["continuity", str(path), "--detect-cuts", "--json"])
    assert [s["start"] for s in json.loads(capsys.readouterr().out)["shots"]] == [0.0, 1.5]
    assert main(["continuity", str(tmp_path / "missing.png")]) != 0
    assert "does not exist" in capsys.readouterr().err


def test_lab_to_rgb_inverts_rgb_to_lab_for_every_kind_of_colour() -> None:
    from filmkit.look import lab_to_rgb, rgb_to_lab

    rgb = np.random.default_rng(7).integers(0, 256, size=(4000, 3), dtype=np.uint8)
    rgb[:4] = [[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 0, 255]]  # the corners of the gamut
    back = lab_to_rgb(rgb_to_lab(rgb))
    assert back.dtype == np.uint8 and np.array_equal(back, rgb)
    assert lab_to_rgb([[120.0, 0.0, 0.0], [50.0, 0.0, 300.0]]).tolist()[0] == [255, 255, 255]  # clipped, not wrapped
