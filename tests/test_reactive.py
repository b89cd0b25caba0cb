"""Audio-reactive rendering: measure the frames and check they follow the music."""
from __future__ import annotations

from pathlib import Path

import filmkit as fk
import numpy as np
import pytest
from filmkit._ffmpeg import probe, read_video
from filmkit.errors import MediaError


@pytest.fixture(scope="module")
def analysis() -> fk.AudioAnalysis:
    music, _ = fk.synth_music(3.0, bpm=120, seed=0)
    return fk.analyse_audio(music, fps=24, bpm=120)


def _target(w: int = 160, h: int = 90) -> np.ndarray:
    """A dark frame with a bright square in the middle: its size measures zoom, its light measures glow."""
    img = np.full((h, w, 3), 25, np.uint8)
    img[h // 2 - 12:h // 2 + 12, w // 2 - 12:w // 2 + 12] = (230, 200, 120)
    return img


def _width(frame: np.ndarray) -> float:
    """Sub-pixel width of the bright square along the middle row (area under its red profile)."""
    row = frame[45, :, 0].astype(float)
    return float(np.clip((row - 25) / (230 - 25), 0, None).sum())


def test_pulse_zooms_on_the_beat(analysis: fk.AudioAnalysis) -> None:
    clip = fk.audio_reactive(_target(), analysis, pulse=("beat", 0.2))
    assert clip.n_frames == analysis.n_frames and clip.fps == 24 and clip.size == (160, 90)
    # measured zoom = width of the bright square / its width at rest
    widths = np.array([_width(clip.frame(i)) for i in range(clip.n_frames)])
    zoom = widths / _width(_target())
    expected = 1 + 0.2 * analysis.pulse_values()
    assert np.corrcoef(zoom, expected)[0, 1] > 0.95
    assert np.abs(zoom - expected).max() < 0.02          # within half a pixel of 24
    assert zoom[analysis.beat_frames].min() > 1.15        # on each beat the camera bumps in


def test_glow_follows_the_low_band(analysis: fk.AudioAnalysis) -> None:
    clip = fk.audio_reactive(_target(), analysis, glow=("low", 1.0))
    brightness = np.array([clip.frame(i).mean() for i in range(clip.n_frames)])
    assert np.corrcoef(brightness, analysis.envelope("low"))[0, 1] > 0.95
    # bloom spreads light beyond the square's edge
    quiet = int(np.argmin(analysis.envelope("low")))
    loud = int(np.argmax(analysis.envelope("low")))
    assert clip.frame(loud)[45, 80 + 16].mean() > clip.frame(quiet)[45, 80 + 16].mean() + 20


def test_colour_shift_turns_hue_with_a_curve(analysis: fk.AudioAnalysis) -> None:
    from filmkit.curves import keyframes

    sweep = keyframes({0: 0.0, 3: 1.0})
    clip = fk.audio_reactive(_target(), analysis, colour_shift=(sweep, 120.0))
    first = clip.frame(0)[45, 80].astype(int)
    last = clip.frame(clip.n_frames - 1)[45, 80].astype(int)
    assert np.abs(first - (230, 200, 120)).max() <= 1          # no shift at t=0
    assert np.argmax(last) != 0                                 # the orange has turned (to green/blue)
    # luma is kept while the hue turns
    luma = lambda c: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
    assert abs(luma(first) - luma(last)) < 12


def test_layers_get_parallax_and_opacity(analysis: fk.AudioAnalysis) -> None:
    h, w = 90, 160
    back = np.zeros((h, w, 4), np.uint8)
    back[..., :3] = (30, 40, 90)
    back[..., 3] = 255
    back[:, ::16, :3] = 200                                     # stripes to see the far layer move
    front = np.zeros((h, w, 4), np.uint8)
    front[30:60, 70:90] = (250, 250, 250, 255)
    clip = fk.audio_reactive([back, front], analysis, parallax=("beat", 10.0))
    faded = fk.audio_reactive([back, front], analysis, opacity=("beat", 1.0))

    def front_centre(i: int) -> float:
        cols = np.nonzero(clip.frame(i)[45, :, 0] > 240)[0]
        return float(cols.mean()) if cols.size else float("nan")

    b = int(analysis.beat_frames[1])
    quiet = b + 8                                                # long after the beat: pulse ≈ 0
    # the near layer moves by the full amount on the beat, the far layer does not
    assert front_centre(b) - front_centre(quiet) == pytest.approx(10.0, abs=1.0)
    # front layer opacity follows the pulse: opaque on the beat, nearly gone in between
    assert faded.frame(b)[45, 76].min() > 240
    assert faded.frame(quiet)[45, 76].max() < 120


def test_parallax_without_layers_says_what_to_do(analysis: fk.AudioAnalysis) -> None:
    with pytest.raises(MediaError, match="parallax needs layers"):
        fk.audio_reactive(_target(), analysis, parallax=5.0)
    with pytest.raises(MediaError, match="no band called"):
        fk.audio_reactive(_target(), analysis, glow="sub-bass")


def test_clip_source_and_render_with_audio(analysis: fk.AudioAnalysis, tmp_path: Path) -> None:
    source = fk.Clip.from_frames(np.stack([_target()] * 12), fps=24)
    clip = fk.audio_reactive(source, analysis, pulse=0.1, seconds=1.0)
    assert clip.n_frames == 24 and clip.audio is not None
    asset = clip.save(tmp_path / "reactive.mp4", preset="ultrafast")
    info = probe(asset.path)
    assert info.has_audio and info.n_frames == 24 and info.size == (160, 90)
    frames, _ = read_video(asset.path)
    widths = np.array([_width(f) for f in frames])
    beat_f = analysis.beat_frames[analysis.beat_frames < 24]
    others = np.setdiff1d(np.arange(24), np.concatenate([beat_f, beat_f + 1, beat_f + 2]))
    assert widths[beat_f].mean() > widths[others].mean() + 1.5  # the pulse survives encoding


def test_previz_asset_layers_drive_parallax(analysis: fk.AudioAnalysis, tmp_path: Path) -> None:
    from PIL import Image

    h, w = 90, 160
    sky = np.zeros((h, w, 4), np.uint8)
    sky[..., :3], sky[..., 3] = (20, 30, 80), 255
    subject = np.zeros((h, w, 4), np.uint8)
    subject[40:50, 75:85] = (255, 255, 255, 255)
    paths = {}
    for name, arr in (("sky", sky), ("subject", subject)):
        paths[name] = tmp_path / f"{name}.png"
        Image.fromarray(arr).save(paths[name])
    flat = tmp_path / "frame.png"
    Image.fromarray(sky[..., :3]).save(flat)
    asset = fk.Asset.from_file(flat, layers=paths)
    clip = fk.audio_reactive(asset, analysis, parallax=("beat", 8.0))
    b = int(analysis.beat_frames[2])

    def subject_x(i: int) -> float:
        row = clip.frame(i)[45, :, 0].astype(float)
        weight = np.clip(row - 20, 0, None)
        return float((weight * np.arange(w)).sum() / weight.sum())

    assert subject_x(b) - subject_x(b + 9) == pytest.approx(8.0, abs=0.5)


def test_glow_and_pulse_peak_together_on_kicks_between_frames() -> None:
    """Issue 6: at 64 BPM and 12 fps the kick at 1.875 s falls halfway between two frames. The glow (driven
    by the low band) and the camera pulse (driven by the beats) must peak on the same frame for every kick."""
    music, truth = fk.synth_music(6.0, bpm=64, seed=4)
    a = fk.analyse_audio(music, fps=12, bpm=64)
    glow = fk.audio_reactive(_target(), a, glow=("low", 1.0))
    push = fk.audio_reactive(_target(), a, pulse=("beat", 0.2))
    brightness = np.array([glow.frame(i).mean() for i in range(glow.n_frames)])
    widths = np.array([_width(push.frame(i)) for i in range(push.n_frames)])
    beats = a.beat_frames.tolist()
    assert len(beats) == len(truth.beat_times) and 23 in beats            # the halfway kick: the later frame
    for k, f in enumerate(beats):
        lo = 0 if k == 0 else (beats[k - 1] + f) // 2 + 1
        hi = glow.n_frames if k == len(beats) - 1 else (f + beats[k + 1]) // 2 + 1
        assert lo + int(np.argmax(brightness[lo:hi])) == f
        assert lo + int(np.argmax(widths[lo:hi])) == f
