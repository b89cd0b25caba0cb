"""Manifests, credits and disclosure: honest about which tools made what, and never carrying a key."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from filmkit.assets import Asset, Provenance
from filmkit.errors import ProjectError
from filmkit.provenance import Consent, Manifest, credits_text, disclosure


def _a(tmp: Path, name: str, provider: str, model: str, kind: str = "image", *, parents=(), cost=0.0,
       request=None) -> Asset:
    return Asset(path=tmp / name, kind=kind, id=name.split(".")[0],
                 provenance=Provenance(provider=provider, model=model, prompt=f"prompt for {name}", seed=1,
                                       parents=tuple(parents), cost_credits=cost, request=request or {}))


def test_manifest_graph_and_relative_paths(tmp_path: Path) -> None:
    key = _a(tmp_path, "key.png", "runway", "gen4_image", cost=5)
    clip = _a(tmp_path, "clip.mp4", "runway", "gen4_turbo", "video", parents=["key"], cost=25,
              request={"output": "https://dnznrvs05pmza.cloudfront.net/x.mp4?_jwt=SECRET"})
    film = _a(tmp_path, "film.mp4", "filmkit", "timeline", "video", parents=["clip"])
    m = Manifest(title="Tide", authors=("A. Learner",), assets=(key, clip), film=film,
                 roles={"Directed by": "A. Learner"}, human_edits=("The edit was cut by hand.",))
    out = m.write(tmp_path / "manifest.json")
    data = json.loads(out.read_text())
    assert [e for e in data["edges"]] == [{"from": "key", "to": "clip"}]
    assert data["credits_total"] == 30
    assert data["assets"][0]["path"] == "key.png" and data["film"]["path"] == "film.mp4"
    assert "_jwt" not in out.read_text()  # signed URLs are stripped
    assert {(t["provider"], t["model"]) for t in data["tools"]} == {("runway", "gen4_image"), ("runway", "gen4_turbo")}


def test_manifest_refuses_keys(tmp_path: Path) -> None:
    leaky = _a(tmp_path, "k.png", "runway", "gen4_image", request={"h": "key_" + "a" * 128})
    with pytest.raises(ValueError, match="API key"):
        Manifest(title="x", assets=(leaky,)).to_dict()


def test_disclosure_names_generative_tools_and_is_honest_about_previz(tmp_path: Path) -> None:
    gen = Manifest(title="Tide", authors=("A",), assets=(
        _a(tmp_path, "a.png", "runway", "gen4_image"), _a(tmp_path, "b.mp4", "runway", "gen4_turbo", "video"),
        _a(tmp_path, "c.png", "midjourney-import", "midjourney")))
    text = disclosure(gen)
    assert "with generative AI tools (Midjourney, Runway)" in text
    assert "1 image and 1 video were generated with Runway" in text
    assert "1 image was generated with Midjourney and imported" in text
    offline = Manifest(title="Sketch", assets=(_a(tmp_path, "p.png", "previz", "previz-1"),))
    assert "no generative AI model made any of its images" in disclosure(offline)
    assert "not a generative AI model" in disclosure(offline)


def test_credits_list_people_then_tools(tmp_path: Path) -> None:
    m = Manifest(title="Tide", authors=("A. Learner",), roles={"Directed by": "A. Learner", "Music": "B. Friend"},
                 assets=(_a(tmp_path, "a.png", "runway", "gen4_image", cost=5),
                         _a(tmp_path, "b.png", "previz", "previz-1")))
    text = credits_text(m)
    assert text.index("Directed by") < text.index("Tools and models") < text.index("AI disclosure")
    assert "Runway — gen4_image (1 image, 5 credits)" in text
    assert "filmkit previz — previz-1 (1 image)" in text


# --- lesson 12: consent for likeness, manifests from a learner's own assets -----------------------------------------


def test_consent_records_the_form_name_only_and_checks_its_words() -> None:
    mara = Consent("Mara Quinn", role="The wanderer", shots=["wanderer"], covers=["likeness", "voice"],
                   scope=["this film", "festival"], date="2026-11-20", form="/home/prod/releases/mara.pdf")
    assert mara.form == "mara.pdf" and mara.shots == ("wanderer",) and mara.signed and not mara.is_synthetic
    assert Consent.from_dict(mara.to_dict()) == mara
    with pytest.raises(ProjectError, match="covers 'face' is not one of"):
        Consent("Mara Quinn", covers=("face",))
    with pytest.raises(ProjectError, match="scope 'cinema' is not one of"):
        Consent("Mara Quinn", scope=("cinema",))
    with pytest.raises(ProjectError, match="YYYY-MM-DD"):
        Consent("Mara Quinn", date="20/11/2026", form="a.pdf")
    with pytest.raises(ProjectError, match="file name of the signed release"):
        Consent("Mara Quinn", form="I, Mara Quinn, agree that my likeness may be used\nSigned: MQ")
    with pytest.raises(ProjectError, match="needs no release form"):
        Consent("synthetic performer", form="a.pdf")
    synth = Consent.synthetic(role="The walker", shots=("walk",))
    assert synth.is_synthetic and synth.signed and synth.problem() is None


def test_a_real_person_without_a_release_is_refused_naming_the_shot_and_the_fix(tmp_path: Path) -> None:
    pending = Consent("Mara Quinn", role="The wanderer", shots=("wanderer", "shore"))
    assert not pending.signed
    with pytest.raises(ProjectError) as err:
        Manifest.from_assets("Salt", [_a(tmp_path, "a.png", "previz", "previz-1")], cast=[pending])
    text = str(err.value)
    assert "Mara Quinn appears in shots 'wanderer' and 'shore'" in text
    assert "form='release-" in text and "fk.Consent.synthetic(role='The wanderer'" in text


def test_manifest_from_assets_dedupes_and_writes_the_cast(tmp_path: Path) -> None:
    key = _a(tmp_path, "key.png", "previz", "previz-1")
    clip = _a(tmp_path, "walk.mp4", "runway", "gen4_turbo", "video", parents=["key"], cost=25)
    mara = Consent("Mara Quinn", role="The wanderer", shots=("walk",), form="release-mq.pdf", date="2026-11-20")
    m = Manifest.from_assets("Salt", [key, clip, key], authors="A. Learner", cast=[mara, Consent.synthetic(
        role="The walker", shots=("dunes",))])
    assert [a.id for a in m.assets] == ["key", "walk"] and m.authors == ("A. Learner",)
    data = json.loads(m.write(tmp_path / "manifest.json").read_text())
    assert [c["name"] for c in data["cast"]] == ["Mara Quinn", "synthetic performer"]
    assert data["cast"][0]["form"] == "release-mq.pdf" and data["cast"][1]["synthetic"] is True
    assert "cast: The wanderer (consent on file), The walker (synthetic)" in repr(m)
    with pytest.raises(ProjectError, match="save a clip first"):
        Manifest.from_assets("Salt", [type("FakeClip", (), {"frame_fn": None})()])
    assert json.loads(Manifest(title="Old").write(tmp_path / "old.json").read_text())["cast"] == []


def test_disclosure_and_credits_say_who_appears_and_on_what_terms(tmp_path: Path) -> None:
    mara = Consent("Mara Quinn", role="The wanderer", shots=("walk",), covers=("likeness", "voice"),
                   scope=("this film", "festival"), form="release-mq.pdf", date="2026-11-20")
    walker = Consent.synthetic(role="The walker", shots=("dunes",))
    m = Manifest.from_assets("Salt", [_a(tmp_path, "a.png", "previz", "previz-1")], authors=["A. Learner"],
                             cast=[mara, walker])
    text = disclosure(m)
    assert ("Mara Quinn (the wanderer) appears in shot 'walk' with their written consent to the use of their "
            "likeness in live footage and their voice, for this film and festival screenings.") in text
    assert "The performer (the walker) in shot 'dunes' is synthetic footage made in code; no real person appears." \
        in text
    assert "release-mq.pdf" not in text  # the form is for the producer's records, not the screen
    credits = credits_text(m)
    assert credits.index("Cast") < credits.index("Tools and models")
    assert "The wanderer — Mara Quinn (written consent: likeness, voice; this film, festival, signed 2026-11-20)" \
        in credits
    assert "The walker — a synthetic performer (no real person)" in credits
    assert "Cast" not in credits_text(Manifest(title="Tide", assets=m.assets))
