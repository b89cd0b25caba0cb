"""Content credentials: signed with the workshop certificate, verified by c2pa's own reader."""
from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from filmkit._ffmpeg import VideoWriter, probe
from filmkit.credentials import SOURCE_TYPES, read_credentials, sign_file, source_type_for, workshop_certificate
from filmkit.errors import MediaError


@pytest.fixture()
def still(tmp_path: Path) -> Path:
    p = tmp_path / "key.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (72, 128, 3), dtype=np.uint8)).save(p)
    return p


@pytest.fixture()
def film(tmp_path: Path) -> Path:
    p = tmp_path / "film.mp4"
    with VideoWriter(p, size=(64, 36), fps=12) as w:
        for i in range(12):
            w.write(np.full((36, 64, 3), i * 20, np.uint8))
    return p


def test_workshop_certificate_is_made_once_with_private_key_kept_private(workspace: Path) -> None:
    cert = workshop_certificate()
    assert cert.key_path.parent == workspace / "credentials"
    assert stat.S_IMODE(cert.key_path.stat().st_mode) == 0o600
    assert b"filmkit workshop (not a trusted authority)" not in cert.key_path.read_bytes()
    first = cert.chain_path.read_bytes()
    assert workshop_certificate().chain_path.read_bytes() == first  # reused, not remade


def test_signed_still_declares_generated_media(still: Path) -> None:
    sign_file(still, provenance={"provider": "runway", "model": "gen4_image", "seed": 7})
    cc = read_credentials(still)
    assert cc.valid and not cc.trusted and cc.workshop_signed
    assert cc.source_types == (SOURCE_TYPES["generated"],) and cc.generated and cc.ai_generated
    assert cc.assertions["filmkit.provenance"]["seed"] == 7
    assert "not trusted" in str(cc) and "workshop certificate" in str(cc)
    assert Image.open(still).size == (128, 72)  # still an ordinary PNG


def test_signed_film_is_a_composite_with_ingredients_and_still_plays(film: Path, still: Path) -> None:
    sign_file(still)
    sign_file(film, source_type="composite", ingredients=[still], title="Harbour", author="A. Learner")
    cc = read_credentials(film)
    assert cc.valid and cc.title == "Harbour"
    assert cc.source_types == (SOURCE_TYPES["composite"],)
    assert cc.ingredients == ("key.png",)
    assert probe(film).n_frames == 12


def test_tampering_is_detected(still: Path, tmp_path: Path) -> None:
    sign_file(still)
    data = bytearray(still.read_bytes())
    data[-200] ^= 0xFF
    bad = tmp_path / "tampered.png"
    bad.write_bytes(bytes(data))
    cc = read_credentials(bad)
    assert not cc.valid and any("hash" in f.lower() for f in cc.failures)


def test_unsigned_files_and_bad_arguments_are_explained(still: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no readable content credentials"):
        read_credentials(still)
    with pytest.raises(MediaError, match="source_type must be one of"):
        sign_file(still, source_type="ai")
    with pytest.raises(ValueError, match="API key"):
        sign_file(still, provenance={"auth": "key_" + "0" * 128})
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_an_asset_signs_with_its_own_provenance_and_reads_back_author_and_kind(tmp_path: Path, still: Path) -> None:
    from filmkit.assets import Asset, Provenance

    key = Asset.from_file(still, Provenance(provider="previz", model="previz-1", prompt="salt flat", seed=4,
                                            request={"url": "https://example.invalid/x?sig=1"}))
    before = still.read_bytes()
    signed = sign_file(key, out=tmp_path / "key_signed.png", author="A. Learner", title="Salt: key")
    assert still.read_bytes() == before  # the cached original is left alone
    cc = read_credentials(signed)
    assert cc.valid and cc.generated and cc.authors == ("A. Learner",)
    assert dict(cc.provenance) == {"provider": "previz", "model": "previz-1", "prompt": "salt flat", "seed": 4,
                                   "operation": "generate"}  # the request (with its URL) is not copied in
    assert "author: A. Learner" in str(cc) and "made with: previz / previz-1" in str(cc)
    captured = read_credentials(sign_file(still, source_type="captured", out=tmp_path / "photo.png"))
    assert not captured.generated and captured.authors == () and dict(captured.provenance) == {}


def test_a_previz_asset_is_declared_algorithmic_not_ai(still: Path, tmp_path: Path) -> None:
    """previz is an offline procedural renderer, not a trained model: its credentials must not claim generative AI."""
    from filmkit.assets import Asset, Provenance

    key = Asset.from_file(still, Provenance(provider="previz", model="previz-1", prompt="salt flat", seed=4))
    cc = read_credentials(sign_file(key, out=tmp_path / "previz.png"))
    assert cc.source_types == (SOURCE_TYPES["algorithmic"],) and cc.made_as == ("algorithmicMedia",)
    assert cc.generated and not cc.ai_generated  # made by an algorithm, but no trained model was involved
    assert "made as: algorithmicMedia (an algorithm, no trained model)" in str(cc)
    assert "trained" not in SOURCE_TYPES["algorithmic"] and "AI" not in str(cc).split("note:")[0]


@pytest.mark.parametrize("provider", ["runway", "midjourney-import"])
def test_a_generative_provider_is_declared_trained_algorithmic_media(still: Path, tmp_path: Path,
                                                                     provider: str) -> None:
    from filmkit.assets import Asset, Provenance

    clip = Asset.from_file(still, Provenance(provider=provider, model="gen4_image", prompt="grey sea", seed=2))
    cc = read_credentials(sign_file(clip, out=tmp_path / f"{provider}.png"))
    assert cc.made_as == ("trainedAlgorithmicMedia",) and cc.generated and cc.ai_generated
    assert "made as: trainedAlgorithmicMedia (AI: a trained generative model)" in str(cc)
    # a Provenance passed for a plain path chooses the same way
    cc = read_credentials(sign_file(still, out=tmp_path / "p.png", provenance=clip.provenance))
    assert cc.made_as == ("trainedAlgorithmicMedia",)


def test_an_explicit_source_type_is_honoured_over_the_provider(still: Path, tmp_path: Path) -> None:
    prov = {"provider": "previz", "model": "previz-1", "seed": 1}
    told = read_credentials(sign_file(still, out=tmp_path / "a.png", provenance=prov, source_type="generated"))
    assert told.made_as == ("trainedAlgorithmicMedia",) and told.ai_generated
    edited = read_credentials(sign_file(still, out=tmp_path / "b.png", provenance={"provider": "runway", "model": "x"},
                                        source_type="edited"))
    assert edited.made_as == ("humanEdits",) and not edited.generated and not edited.ai_generated
    own = {"provider": "human", "model": "file"}
    human = read_credentials(sign_file(still, out=tmp_path / "c.png", provenance=own))
    assert human.made_as == ("humanEdits",) and not human.generated


def test_a_film_takes_its_kind_from_what_it_was_made_from(still: Path, film: Path, tmp_path: Path) -> None:
    previz_key = sign_file(still, out=tmp_path / "previz_key.png", provenance={"provider": "previz", "model": "p"})
    runway_key = sign_file(still, out=tmp_path / "runway_key.png", provenance={"provider": "runway", "model": "g"})
    edit = {"provider": "filmkit", "model": "composite"}
    cc = read_credentials(sign_file(film, out=tmp_path / "a.mp4", provenance=edit, ingredients=[previz_key]))
    assert cc.made_as == ("compositeSynthetic",) and cc.generated and not cc.ai_generated
    assert "none from a trained model" in str(cc)
    cc = read_credentials(sign_file(film, out=tmp_path / "b.mp4", provenance=edit,
                                    ingredients=[previz_key, runway_key]))
    assert cc.made_as == ("compositeWithTrainedAlgorithmicMedia",) and cc.ai_generated
    assert "(AI in part: a composite with material from a trained generative model)" in str(cc)
    with pytest.raises(MediaError, match="source_type='synthetic'"):  # an edit of unknown material: ask, don't guess
        sign_file(film, out=tmp_path / "c.mp4", provenance=edit)
    assert not (tmp_path / "c.mp4").exists()


def test_source_type_for_providers() -> None:
    assert [source_type_for(p) for p in ("previz", "runway", "midjourney-import", "human", "import")] == [
        "algorithmic", "generated", "generated", "edited", "edited"]
    assert source_type_for("some-new-model-api") == "generated"  # unknown: never understate AI
    assert source_type_for("previz", "filmkit", "human", film=True) == "synthetic"
    assert source_type_for("previz", "filmkit", "midjourney-import", film=True) == "composite"
    with pytest.raises(MediaError, match="film=True"):
        source_type_for("previz", "runway")
