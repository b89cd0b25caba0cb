"""The ffmpeg seam: real encodes checked by decoding them."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from filmkit._ffmpeg import VideoWriter, probe, read_audio, read_video, write_wav
from filmkit.errors import MediaError


def _ramp(i: int, w: int = 96, h: int = 54) -> np.ndarray:
    f = np.zeros((h, w, 3), np.uint8)
    f[:, :, 0] = (i * 20) % 256
    f[:, : (i * 4) % w, 1] = 255
    return f


def test_written_video_decodes_with_the_asked_properties(tmp_path: Path) -> None:
    out = tmp_path / "ramp.mp4"
    with VideoWriter(out, size=(96, 54), fps=24, crf=10) as w:
        for i in range(30):
            w.write(_ramp(i))
    info = probe(out)
    assert (info.size, info.fps, info.n_frames, info.has_audio) == ((96, 54), 24.0, 30, False)
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.duration == pytest.approx(1.25, abs=0.05)
    frames, fps = read_video(out)
    assert frames.shape == (30, 54, 96, 3)
    # content survives the encode: the red channel ramps, the green bar grows
    assert abs(int(frames[10, 20, 80, 0]) - 200) < 12
    assert frames[10, 20, 30, 1] > 200 and frames[2, 20, 30, 1] < 60


def test_audio_is_muxed_as_aac_and_reads_back(tmp_path: Path) -> None:
    sr = 22050
    t = np.arange(sr) / sr
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    wav = write_wav(tmp_path / "tone.wav", tone, sr)
    out = tmp_path / "tone.mp4"
    with VideoWriter(out, size=(64, 36), fps=24, audio=wav) as w:
        for i in range(24):
            w.write(_ramp(i, 64, 36))
    info = probe(out)
    assert info.has_audio and info.audio_codec == "aac"
    back = read_audio(out, sample_rate=sr)
    assert 0.3 < np.sqrt(np.mean(back[2000:20000] ** 2)) / np.sqrt(np.mean(tone ** 2)) * 0.5 / 0.5 < 1.2
    spectrum = np.abs(np.fft.rfft(back[:sr]))
    assert abs(np.argmax(spectrum) * sr / len(back[:sr]) - 440) < 5


def test_odd_size_and_bad_frames_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="even width and height"):
        VideoWriter(tmp_path / "x.mp4", size=(101, 50), fps=24)
    with pytest.raises(MediaError, match="64×36×3"):
        with VideoWriter(tmp_path / "y.mp4", size=(64, 36), fps=24) as w:
            w.write(np.zeros((10, 10, 3), np.uint8))
    # a failed write leaves no file behind and no process running
    assert not (tmp_path / "y.mp4").exists()
    assert not list(tmp_path.glob(".*partial*"))


def test_writer_closes_its_process(tmp_path: Path) -> None:
    w = VideoWriter(tmp_path / "z.mp4", size=(32, 32), fps=12)
    proc = w._proc
    w.write(np.zeros((32, 32, 3), np.uint8))
    w.close()
    assert proc is not None and proc.returncode == 0


def test_probe_refuses_non_media(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video")
    with pytest.raises(MediaError, match="cannot read"):
        probe(fake)
    with pytest.raises(MediaError, match="does not exist"):
        probe(tmp_path / "missing.mp4")
