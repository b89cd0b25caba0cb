"""Manifests, credits and disclosure: honest about which tools made what, and never carrying a key."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from filmkit.assets import Asset, Provenance
from filmkit.provenance import Manifest, credits_text, disclosure


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
