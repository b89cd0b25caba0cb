"""Synthetic test media: the music plays what its truth says, the footage shows what its truth says."""
from __future__ import annotations

import filmkit as fk
import numpy as np
import pytest
from filmkit.errors import MediaError


def _band_energy(samples: np.ndarray, sr: int, times: np.ndarray, lo: float, hi: float, win: float = 0.05
                 ) -> np.ndarray:
    """Energy between lo and hi Hz in a short window starting at each time."""
    n = int(win * sr)
    freqs = np.fft.rfftfreq(n, 1 / sr)
    sel = (freqs >= lo) & (freqs < hi)
    out = []
    for t in times:
        a = int(round(t * sr))
        seg = samples[a:a + n]
        seg = np.pad(seg, (0, n - len(seg)))
        out.append(float((np.abs(np.fft.rfft(seg * np.hanning(n)))[sel] ** 2).sum()))
    return np.array(out)


def test_music_truth_and_what_is_heard_agree() -> None:
    music, truth = fk.synth_music(4.0, bpm=120, seed=0)
    assert music.sample_rate == 22050 and music.duration == pytest.approx(4.0)
    assert truth.beat_times.tolist() == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
    assert np.allclose(np.diff(truth.hat_times), 0.25)
    y = music.samples
    assert 0.8 < np.abs(y).max() <= 0.9 + 1e-6
    # kicks: far more low-frequency energy right at each beat than a 16th note later
    on = _band_energy(y, 22050, truth.beat_times, 30, 150)
    off = _band_energy(y, 22050, truth.beat_times + 0.125, 30, 150)
    assert np.all(on > 3 * off)
    # hats: high-frequency bursts on every 8th, quiet on the 16ths between
    on_h = _band_energy(y, 22050, truth.hat_times, 6000, 11000, win=0.02)
    off_h = _band_energy(y, 22050, truth.hat_times[:-1] + 0.125, 6000, 11000, win=0.02)
    assert np.median(on_h) > 20 * np.median(off_h)


def test_music_is_deterministic_per_seed() -> None:
    a, _ = fk.synth_music(1.0, seed=4)
    b, _ = fk.synth_music(1.0, seed=4)
    c, _ = fk.synth_music(1.0, seed=5)
    assert np.array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, c.samples)


def test_music_rejects_silly_tempo() -> None:
    with pytest.raises(MediaError, match="bpm"):
        fk.synth_music(2.0, bpm=5)


def test_footage_matches_its_truth() -> None:
    clip, truth = fk.greenscreen_footage(1.0, fps=12, size=(160, 90), seed=2)
    assert clip.n_frames == 12 and clip.size == (160, 90)
    assert truth.alpha.shape == (12, 90, 160) and truth.path.shape == (12, 2)
    for i in (0, 6, 11):
        frame = clip.frame(i).astype(int)
        x, y = truth.path[i]
        assert truth.alpha[i][int(round(y)), int(round(x))] > 0.99
        # where the truth says "screen", the frame is green-dominant; where it says "subject", it is not
        screen = truth.alpha[i] < 0.01
        subject = truth.alpha[i] > 0.99
        g_excess = frame[..., 1] - np.maximum(frame[..., 0], frame[..., 2])
        assert np.mean(g_excess[screen] > 40) > 0.99
        assert np.mean(g_excess[subject] > 40) < 0.05
    # the figure walks to the right
    assert truth.path[-1, 0] - truth.path[0, 0] > 30


def test_footage_is_deterministic_and_noisy() -> None:
    a, _ = fk.greenscreen_footage(0.25, fps=12, size=(96, 54), seed=1)
    b, _ = fk.greenscreen_footage(0.25, fps=12, size=(96, 54), seed=1)
    assert np.array_equal(a.frame(1), b.frame(1))
    # sensor noise: neighbouring screen pixels differ
    f = a.frame(0).astype(int)
    assert np.std(f[2:10, 2:10, 1] - f[3:11, 2:10, 1]) > 1.0


def test_blue_screen_and_green_wardrobe_options() -> None:
    blue, truth = fk.greenscreen_footage(0.25, fps=12, size=(160, 90), seed=0, colour="blue")
    f = blue.frame(0).astype(int)
    screen = truth.alpha[0] < 0.01
    assert np.mean(f[..., 2][screen] > f[..., 1][screen]) > 0.99
    green, truth = fk.greenscreen_footage(0.25, fps=12, size=(160, 90), seed=0, wardrobe="green")
    x, y = truth.path[0]
    chest = green.frame(0)[int(y) - 3:int(y) + 4, int(x) - 3:int(x) + 4].astype(int)
    assert np.mean(chest[..., 1] > chest[..., 0]) > 0.8
    with pytest.raises(MediaError, match="colour"):
        fk.greenscreen_footage(0.25, colour="magenta")
