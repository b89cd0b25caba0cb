"""`filmkit render`: a project file becomes a signed film, storyboard, contact sheet, credits and manifest;
a second render rebuilds only what changed; nothing it writes holds an API key."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from filmkit._ffmpeg import iter_video, probe, read_audio
from filmkit.cli import main
from filmkit.credentials import read_credentials
from filmkit.errors import FileFormatError
from filmkit.hygiene import files_containing
from filmkit.project import load_project
from filmkit.render import render_project

PROJECT = '''
[film]
title = "Small Hours"
authors = ["A. Learner"]
size = "320x180"
fps = 12
seed = 5

[music]
synth = { bpm = 120, seed = 1 }
fade_out = 1.0

[[shot]]
id = "harbour"
prompt = "misty harbour at dawn, lone lighthouse --ar 16:9"
move = "push-in"
seconds = 2
description = "the harbour"
transition = { kind = "flow-morph", seconds = 0.5 }

[[shot]]
id = "plate"
asset = "plate.png"
move = "pan-right"
seconds = 2
live = { footage = "synthetic", key = "green", position = [0.5, 0.6], scale = 0.6 }
react = { pulse = "beat", glow = "low" }
transition = { kind = "crossfade", seconds = 0.5 }

[[shot]]
id = "forest"
prompt = "foggy forest, tall trees --ar 16:9"
move = "parallax"
seconds = 2

[[title]]
text = "Small Hours"
at = 0.2
seconds = 1.5

[credits]
"Directed by" = "A. Learner"
'''
FAKE_KEY = "key_" + "5a" * 64


@pytest.fixture()
def project_file(tmp_path: Path) -> Path:
    plate = np.zeros((180, 320, 3), np.uint8)
    plate[:90] = (70, 110, 170)
    plate[90:] = (150, 120, 80)
    Image.fromarray(plate).save(tmp_path / "plate.png")
    f = tmp_path / "small_hours.toml"
    f.write_text(PROJECT)
    return f


def test_render_writes_a_real_film_and_its_paperwork(project_file: Path, tmp_path: Path, workspace: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNWAYML_API_SECRET", FAKE_KEY)  # present, but previz must never write it anywhere
    out = tmp_path / "out"
    result = render_project(project_file, out=out)
    project = load_project(project_file)
    info = probe(result.film.path)
    assert info.size == (320, 180) and info.fps == 12 and info.has_audio and info.audio_codec == "aac"
    assert info.pix_fmt == "yuv420p"
    # shots minus overlaps, then a 1 s dip into 6 s of credits
    assert info.n_frames == round((project.duration - 1 + 6) * 12)
    sound = read_audio(result.film.path, sample_rate=8000)
    assert np.sqrt(np.mean(sound[8000:16000] ** 2)) > 0.01  # the music is there
    frames = list(iter_video(result.film.path))
    assert frames[-1].mean() > 0 or frames[-10].mean() > 0  # credits are drawn on the black
    # the live figure (red wardrobe) appears in the plate shot, over the flat plate colours
    plate_mid = frames[int((2 - 0.5 + 1.0) * 12)]
    r, g = plate_mid[:, :, 0].astype(int), plate_mid[:, :, 1].astype(int)
    reds = (r - g > 50) & (r > 90)  # the figure's red shirt; the plate has no such colour
    assert reds.sum() > 50
    # paperwork
    assert Image.open(result.storyboard).width > 300
    assert Image.open(result.contact_sheet).width > 300
    credits = result.credits.read_text()
    assert credits.startswith("Small Hours") and "Directed by" in credits and "AI disclosure" in credits
    manifest = json.loads(result.manifest.read_text())
    assert manifest["film"]["path"] == "film.mp4" and manifest["title"] == "Small Hours"
    providers = {a["provenance"]["provider"] for a in manifest["assets"]}
    assert {"previz", "filmkit", "human"} <= providers
    assert any(e["to"] for e in manifest["edges"])
    # content credentials: the film is a signed composite with the key stills as ingredients; previz is an
    # algorithm, not a trained model, so nothing claims generative AI (a Runway render does: see below)
    cc = read_credentials(result.film.path)
    assert cc.valid and cc.made_as == ("compositeSynthetic",) and cc.generated and not cc.ai_generated
    assert read_credentials(out / "stills" / "harbour.png").made_as == ("algorithmicMedia",)
    assert read_credentials(out / "stills" / "plate.png").made_as == ("humanEdits",)
    assert set(cc.ingredients) == {"harbour.png", "forest.png", "plate.png"}
    assert manifest["film"]["id"] == result.film.id  # the manifest describes the signed file
    # key hygiene: nothing written anywhere holds the key
    assert files_containing(out, FAKE_KEY) == []
    assert files_containing(workspace, FAKE_KEY) == []


def test_a_second_render_rebuilds_only_the_changed_shot(project_file: Path, tmp_path: Path) -> None:
    first = render_project(project_file, out=tmp_path / "a")
    assert set(first.rebuilt) == {"harbour", "plate", "forest"}
    again = render_project(project_file, out=tmp_path / "b")
    assert again.rebuilt == () and set(again.reused) == {"harbour", "plate", "forest"}
    project_file.write_text(PROJECT.replace('move = "parallax"\nseconds = 2', 'move = "parallax"\nseconds = 3'))
    changed = render_project(project_file, out=tmp_path / "c")
    assert changed.rebuilt == ("forest",)
    assert probe(changed.film.path).n_frames == probe(first.film.path).n_frames + 12


def test_bad_project_stops_before_any_work(project_file: Path, tmp_path: Path, workspace: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    project_file.write_text(PROJECT.replace('move = "push-in"', 'move = "dolly-zoom"'))
    with pytest.raises(FileFormatError, match="dolly-zoom"):
        render_project(project_file, out=tmp_path / "x")
    assert not (tmp_path / "x").exists() and not (workspace / "renders").exists()
    assert main(["render", str(project_file), "--out", str(tmp_path / "y")]) == 2
    err = capsys.readouterr().err
    assert "small_hours.toml:" in err and "is not one of push-in" in err


def test_a_runway_render_through_the_fake_api_bills_once_and_leaks_no_key(
        tmp_path: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fake_runway import FakeRunway

    with FakeRunway() as fake:
        monkeypatch.setenv("RUNWAYML_BASE_URL", fake.url)
        monkeypatch.setenv("RUNWAYML_API_SECRET", fake.key)
        monkeypatch.setenv("FILMKIT_RUNWAY_POLL_INTERVAL", "0")
        monkeypatch.setenv("FILMKIT_RUNWAY_POLL_JITTER", "0")
        f = tmp_path / "runway_film.toml"
        f.write_text('[film]\ntitle = "Gen"\nsize = "320x180"\nfps = 8\nprovider = "runway"\n\n'
                     '[[shot]]\nid = "sea"\nprompt = "grey sea at dawn, slow waves --ar 16:9"\n'
                     'move = "image-to-video"\nseconds = 2\n')
        result = render_project(f, out=tmp_path / "out")
        creates = [r for r in fake.requests if r.method == "POST" and r.path in ("/v1/text_to_image",
                                                                             "/v1/image_to_video")]
        assert [r.path for r in creates] == ["/v1/text_to_image", "/v1/image_to_video"]
        assert probe(result.film.path).size == (320, 180)
        manifest = json.loads(result.manifest.read_text())
        models = {(a["provenance"]["provider"], a["provenance"]["model"]) for a in manifest["assets"]}
        assert ("runway", "gen4_image") in models and ("runway", "gen4_turbo") in models
        assert "generative AI tools (Runway)" in result.credits.read_text()
        assert read_credentials(result.film.path).made_as == ("compositeWithTrainedAlgorithmicMedia",)
        assert read_credentials(tmp_path / "out" / "stills" / "sea.png").made_as == ("trainedAlgorithmicMedia",)
        again = render_project(f, out=tmp_path / "again")  # cached: no new spend
        assert again.rebuilt == () and len([r for r in fake.requests if r.method == "POST"
                                            and r.path.startswith("/v1/")
                                            and r.path != "/v1/uploads"]) == len(creates)
        assert files_containing(tmp_path, fake.key) == [] and files_containing(workspace, fake.key) == []


def test_the_manifest_carries_the_cast_and_names_synthetic_performers(project_file: Path, tmp_path: Path) -> None:
    """No render: the manifest stage reads the project's [[cast]] (lesson 12)."""
    from filmkit.provenance import disclosure
    from filmkit.render import RenderState, _manifest

    st = RenderState(project_path=project_file, out_dir=tmp_path / "out", provider=None, progress=print)
    st.project = load_project(project_file)
    walker, = _manifest(st).cast  # no [[cast]]: the synthetic live shot still gets its sentence
    assert walker.is_synthetic and walker.shots == ("plate",)
    assert "in shot 'plate' is synthetic footage made in code; no real person appears" in disclosure(_manifest(st))
    project_file.write_text(PROJECT + '\n[[cast]]\nname = "Mara Quinn"\nrole = "The keeper"\nshots = ["harbour"]\n'
                            'consent = { form = "release-mq.pdf", covers = ["reference photo"] }\n')
    st.project = load_project(project_file)
    mara, walker = _manifest(st).cast
    assert mara.name == "Mara Quinn" and mara.covers == ("reference photo",) and walker.shots == ("plate",)
