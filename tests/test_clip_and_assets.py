"""Clip (lazy frames → real mp4) and Asset/Provenance values."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from filmkit.assets import Asset, Provenance
from filmkit.audio import Audio
from filmkit.clip import Clip, to_seconds
from filmkit.errors import MediaError
from filmkit._ffmpeg import probe, read_video


def test_clip_save_renders_what_it_promises(tmp_path: Path) -> None:
    clip = Clip(frame_fn=lambda i: np.full((36, 64, 3), i * 10, np.uint8), fps=12, n_frames=24, size=(64, 36))
    sr = 8000
    clip = clip.with_audio(Audio(np.full(sr, 0.25, np.float32), sr))  # 1 s of sound for a 2 s clip: padded
    asset = clip.save(tmp_path / "c.mp4", crf=8)
    assert asset.kind == "video" and asset.size == (64, 36)
    info = probe(asset.path)
    assert info.n_frames == 24 and info.fps == 12 and info.has_audio
    frames, _ = read_video(asset.path)
    assert abs(int(frames[15].mean()) - 150) <= 3
    assert asset.provenance.provider == "filmkit"
    assert not list(tmp_path.glob(".*"))  # no temporary audio left behind


def test_subclip_frame_at_and_errors() -> None:
    clip = Clip(frame_fn=lambda i: np.full((4, 4, 3), i, np.uint8), fps=10, n_frames=50, size=(4, 4))
    part = clip.subclip(1, "00:02.5")
    assert part.n_frames == 15 and part.frame(0)[0, 0, 0] == 10
    assert clip.frame_at("00:03.05")[0, 0, 0] == 30
    assert clip.frame(-1)[0, 0, 0] == 49
    with pytest.raises(IndexError):
        clip.frame(50)
    with pytest.raises(MediaError, match="outside this 5.00 s clip"):
        clip.subclip(4, 6)
    with pytest.raises(ValueError, match="mm:ss"):
        to_seconds("soon")


def test_still_and_from_file_round_trip(tmp_path: Path) -> None:
    img = Image.new("RGB", (80, 40), (10, 200, 30))
    p = tmp_path / "still.png"
    img.save(p)
    clip = Clip.still(p, seconds=1, fps=8)
    assert clip.size == (80, 40) and clip.n_frames == 8
    saved = clip.save(tmp_path / "still.mp4")
    back = Clip.from_file(saved.path)
    assert back.n_frames == 8 and back.size == (80, 40)
    assert np.allclose(back.frame(4).mean(axis=(0, 1)), (10, 200, 30), atol=6)


def test_asset_from_file_measures_and_ids_by_content(tmp_path: Path) -> None:
    p = tmp_path / "a.png"
    Image.new("RGB", (30, 20), (1, 2, 3)).save(p)
    prov = Provenance(provider="previz", model="previz-1", prompt="harbour", seed=3)
    a = Asset.from_file(p, prov)
    assert a.size == (30, 20) and a.kind == "image" and len(a.id) == 16
    copy = tmp_path / "b.png"
    copy.write_bytes(p.read_bytes())
    assert Asset.from_file(copy).id == a.id  # same bytes, same id
    assert Asset.from_dict(json.loads(a.to_json())) == a
    assert a._repr_png_()[:4] == b"\x89PNG"
    with pytest.raises(MediaError, match="not a readable image"):
        bad = tmp_path / "bad.png"
        bad.write_text("nope")
        Asset.from_file(bad)


def test_provenance_refuses_api_keys() -> None:
    leaky = Provenance(provider="runway", model="gen4_turbo", request={"auth": "Bearer key_" + "a" * 128})
    with pytest.raises(ValueError, match="API key"):
        leaky.to_dict()


def test_streamed_clip_decodes_on_demand(tmp_path: Path) -> None:
    clip = Clip(frame_fn=lambda i: np.full((36, 64, 3), i * 8, np.uint8), fps=12, n_frames=30, size=(64, 36))
    path = clip.save(tmp_path / "s.mp4", crf=4).path
    streamed = Clip.from_file(path, stream=True)
    assert streamed.n_frames == 30 and streamed.size == (64, 36)
    assert abs(int(streamed.frame(20).mean()) - 160) <= 3
    assert abs(int(streamed.frame(21).mean()) - 168) <= 3
    assert abs(int(streamed.frame(3).mean()) - 24) <= 3   # going back restarts the decoder
    assert abs(int(streamed.frame(29).mean()) - 232) <= 3
