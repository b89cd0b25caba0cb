"""Sound analysis: beats, onsets and band envelopes measured against synthetic music with known beats."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import filmkit as fk
import numpy as np
import pytest
from filmkit._ffmpeg import ffmpeg_exe
from filmkit.audio import ANALYSIS_RATE, AudioAnalysis
from filmkit.curves import Curve
from filmkit.errors import MediaError

ROOT = Path(__file__).resolve().parents[1]


def f_measure(found: np.ndarray, truth: np.ndarray, tol: float = 0.07) -> float:
    """mir_eval-style greedy one-to-one matching within ``tol`` seconds."""
    found, truth = list(np.sort(found)), list(np.sort(truth))
    used: set[int] = set()
    hits = 0
    for t in truth:
        best = None
        for j, f in enumerate(found):
            if j not in used and abs(f - t) <= tol and (best is None or abs(f - t) < abs(found[best] - t)):
                best = j
        if best is not None:
            used.add(best)
            hits += 1
    if not found or not truth or not hits:
        return 0.0
    p, r = hits / len(found), hits / len(truth)
    return 2 * p * r / (p + r)


@pytest.fixture(scope="module")
def track120() -> tuple[fk.Audio, object, AudioAnalysis]:
    music, truth = fk.synth_music(6.0, bpm=120, seed=0)
    return music, truth, fk.analyse_audio(music, fps=24, bpm=120)


@pytest.mark.parametrize("bpm", [87, 120, 140])
def test_beats_with_given_bpm_match_truth(bpm: int) -> None:
    music, truth = fk.synth_music(6.0, bpm=bpm, seed=1)
    a = fk.analyse_audio(music, fps=24, bpm=bpm)
    assert a.tempo == bpm and a.bpm_given
    assert f_measure(a.beat_times, truth.beat_times) >= 0.95
    # beat times are rounded to video frames
    assert np.allclose(a.beat_times * 24, np.round(a.beat_times * 24))


def test_onsets_find_kicks_and_hats(track120: tuple) -> None:
    _, truth, a = track120
    assert f_measure(a.onset_times, truth.hat_times, tol=0.05) >= 0.95  # hats fall on every 8th, kicks too


def test_low_band_peaks_on_kicks_and_high_band_on_hats(track120: tuple) -> None:
    _, truth, a = track120
    low, high = a.envelope("low"), a.envelope("high")
    beat_f = np.round(truth.beat_times * 24).astype(int)
    offbeat_f = np.round((truth.beat_times + 0.25) * 24).astype(int)     # hats + bass, no kick
    assert low[beat_f].min() > 0.8
    assert low[beat_f].mean() > 2.5 * low[offbeat_f].mean()
    hat_f = np.round(truth.hat_times * 24).astype(int)
    between_f = np.round((truth.hat_times + 0.125) * 24).astype(int)     # the 16ths: nothing plays
    between_f = between_f[between_f < a.n_frames]
    assert high[hat_f].mean() > 10 * high[between_f].mean()
    # each band's local maxima sit on its instrument
    padded = np.concatenate([[-1.0], low, [-1.0]])
    peaks = np.array([i for i in range(a.n_frames)
                      if padded[i + 1] >= padded[i] and padded[i + 1] > padded[i + 2] and low[i] > 0.5])
    assert len(peaks) == len(beat_f)
    assert np.abs(peaks - beat_f).max() <= 1
    assert a.envelopes.min() >= 0 and a.envelopes.max() == pytest.approx(1.0)


def test_everything_becomes_a_curve(track120: tuple) -> None:
    _, truth, a = track120
    low = a.band("low")
    assert isinstance(low, Curve)
    assert np.allclose(low.sample(24, a.duration), a.envelope("low"))
    pulse = a.beat_pulse(decay=0.25).sample(24, a.duration)
    for f in a.beat_frames:
        assert pulse[f] == pytest.approx(1.0)
    # ~5 % after `decay` seconds (6 frames at 24 fps) when no other beat came
    assert pulse[a.beat_frames[0] + 6] == pytest.approx(np.exp(-3), abs=1e-6)
    assert np.allclose(a.onset_curve().sample(24, a.duration), a.onset_strength)


def test_custom_bands_and_clear_errors() -> None:
    music, _ = fk.synth_music(2.0, bpm=120, seed=0)
    a = fk.analyse_audio(music, fps=12, bpm=120, bands={"kick": (30, 120), "air": (6000, 11000)})
    assert list(a.bands) == ["kick", "air"] and a.envelopes.shape == (2, 24)
    b = fk.analyse_audio(music, fps=12, bpm=120, bands=[(30, 120)])
    assert np.allclose(b.envelopes[0], a.envelope("kick"))
    with pytest.raises(MediaError, match="no band called 'bass'"):
        a.band("bass")
    with pytest.raises(MediaError, match="unknown band 'sub'"):
        fk.analyse_audio(music, bands=("sub",))
    with pytest.raises(MediaError, match="bpm"):
        fk.analyse_audio(music, bpm=1000)


def test_plot_shows_waveform_bands_beats_and_curves(track120: tuple) -> None:
    _, _, a = track120
    fig = a.plot(curves={"zoom": a.beat_pulse().scale(0.05).offset(1.0)})
    axes = fig.get_axes()
    assert len(axes) == 3
    assert len(axes[1].get_lines()) >= 3                      # one line per band (plus beat markers)
    zoom_line = axes[2].get_lines()[0].get_ydata()
    assert max(zoom_line) == pytest.approx(1.05) and min(zoom_line) >= 1.0
    assert len(a.plot().get_axes()) == 2


def test_loads_wav_m4a_and_mp3(tmp_path: Path) -> None:
    music, truth = fk.synth_music(4.0, bpm=120, seed=2)
    wav = music.save(tmp_path / "beat.wav")
    results = {}
    for ext, codec in (("m4a", ["-c:a", "aac", "-b:a", "128k"]), ("mp3", ["-c:a", "libmp3lame", "-b:a", "128k"])):
        out = tmp_path / f"beat.{ext}"
        subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(wav), *codec, str(out)], check=True)
        results[ext] = fk.load_audio(out)
    results["wav"] = fk.load_audio(wav)
    for ext, audio in results.items():
        assert audio.sample_rate == ANALYSIS_RATE
        assert audio.duration == pytest.approx(4.0, abs=0.08), ext       # encoders pad a little
        a = fk.analyse_audio(audio, fps=24, bpm=120)
        assert f_measure(a.beat_times, truth.beat_times) >= 0.95, ext
    assert np.corrcoef(results["wav"].samples[:80000], music.samples[:80000])[0, 1] > 0.999
    # a path works directly too
    assert fk.analyse_audio(tmp_path / "beat.m4a", bpm=120).n_frames == 96


def test_analysis_resamples_other_rates() -> None:
    music, truth = fk.synth_music(3.0, bpm=120, seed=0, sample_rate=44100)
    a = fk.analyse_audio(music, fps=24, bpm=120)
    assert a.n_frames == 72 and f_measure(a.beat_times, truth.beat_times) >= 0.95


_FIRST_ANALYSIS = """
import filmkit as fk
music, _ = fk.synth_music(5.0, bpm=120, seed=0)
a = fk.analyse_audio(music, fps=24, bpm=120)
b = fk.analyse_audio(music, fps=24)          # without bpm: the tempo estimate path
print(len(a.beat_times), len(b.beat_times))
"""


def _cache_files(env: dict[str, str]) -> dict[str, float]:
    """numba's cache files for librosa: in NUMBA_CACHE_DIR if set, else beside librosa's modules."""
    import librosa

    roots = [Path(env["NUMBA_CACHE_DIR"])] if env.get("NUMBA_CACHE_DIR") else [Path(librosa.__file__).parent]
    out = {}
    for root in roots:
        for p in root.rglob("*"):
            if p.suffix in (".nbi", ".nbc"):
                out[str(p)] = p.stat().st_mtime_ns
    return out


@pytest.mark.slow
def test_first_analysis_in_a_fresh_process_compiles_nothing(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    """After the workshop installer's warm-up, a fresh kernel's first analysis finds every numba kernel it
    needs in the cache: it writes no new cache entries (numba writes one whenever it compiles)."""
    sys.path.insert(0, str(ROOT))
    try:
        import workshop
    finally:
        sys.path.remove(str(ROOT))
    env = dict(os.environ)
    monkeypatch.setattr(workshop, "VENV", tmp_path)                     # no "already warm" stamp
    monkeypatch.setattr(workshop, "_venv_python", lambda: Path(sys.executable))
    monkeypatch.setattr(workshop, "_say", lambda msg: None)
    workshop.warm_numba()                                               # exactly what the installer runs
    before = _cache_files(env)
    assert before, "the warm-up left no numba cache files"
    out = subprocess.run([sys.executable, "-c", _FIRST_ANALYSIS], capture_output=True, text=True, env=env,
                         check=True)
    assert out.stdout.split() == ["10", "10"]
    after = _cache_files(env)
    new_or_changed = sorted(p for p, m in after.items() if before.get(p) != m)
    assert new_or_changed == [], f"the first analysis compiled kernels the warm-up missed: {new_or_changed}"


def test_audio_shows_itself_as_a_player_of_a_wav_in_the_workspace() -> None:
    import re

    from filmkit.settings import config

    music, _ = fk.synth_music(0.5, bpm=120, seed=0)
    page = music._repr_html_()
    assert page.startswith("<figure><audio controls src='") and "synth 120 BPM: 0.50 s" in page
    src = re.search(r"src='([^']+)'", page).group(1)
    path = Path(src).resolve()
    assert path.parent == (config.ensure_workspace() / "previews").resolve() and path.suffix == ".wav"
    back = fk.load_audio(path)
    assert back.sample_rate == 22050 and len(back.samples) == len(music.samples)
    assert np.abs(back.samples - music.samples).max() < 1e-3
    assert music._repr_html_() == page                                    # the same sound is written once


def test_a_slow_track_is_heard_at_double_time_unless_the_bpm_is_given() -> None:
    """What lesson 09 shows: why you give the BPM (a 64 BPM track is estimated near 128)."""
    music, truth = fk.synth_music(6.0, bpm=64, seed=4)
    guess = fk.analyse_audio(music, fps=12)
    given = fk.analyse_audio(music, fps=12, bpm=64)
    assert guess.tempo / 64 == pytest.approx(2.0, abs=0.1) and not guess.bpm_given
    assert len(guess.beat_times) > 1.5 * len(truth.beat_times)         # a beat on every kick and every off-beat
    assert f_measure(given.beat_times, truth.beat_times) == 1.0


def _peak_frames(v: np.ndarray, floor: float = 0.5) -> np.ndarray:
    """Frames where ``v`` is a local maximum above ``floor`` (a plateau counts once, at its first frame)."""
    padded = np.concatenate([[-1.0], v, [-1.0]])
    return np.array([i for i in range(len(v))
                     if padded[i + 1] >= padded[i] and padded[i + 1] > padded[i + 2] and v[i] > floor], int)


@pytest.mark.parametrize("bpm, fps", [(64, 12), (64, 24), (87, 12), (87, 24)])
def test_band_peaks_beats_and_onsets_land_on_the_kicks_frame(bpm: int, fps: int) -> None:
    """Issue 6: a kick between two frames peaked in the low band one frame before its beat marker.

    Every part of the analysis maps a moment to the frame nearest to it. At 64 BPM every other kick falls
    exactly halfway between two frames at 24 fps (and every fourth at 12 fps): a tie, which goes to the later
    frame (the kick is loudest 3.5 ms after it starts, past the half).
    """
    music, truth = fk.synth_music(6.0, bpm=bpm, seed=4)
    a = fk.analyse_audio(music, fps=fps, bpm=bpm)
    x = truth.beat_times * fps
    kick_f = np.where(x % 1 == 0.5, np.ceil(x), np.round(x)).astype(int)   # nearest frame; a tie goes later
    assert (np.abs(x - np.round(x)) > 0.2).sum() >= 2                       # kicks between frames are tested
    low = a.envelope("low")
    assert _peak_frames(low).tolist() == kick_f.tolist()              # the bass peaks on the kick's frame
    assert a.beat_frames.tolist() == kick_f.tolist()                  # so does the beat marker
    pulse = a.pulse_values()
    assert np.flatnonzero(pulse == 1.0).tolist() == kick_f.tolist()   # and the pulse: the same frames
    onset_f = np.round(a.onset_times * fps).astype(int)
    assert set(kick_f) <= set(onset_f.tolist())                       # each kick is an onset, on its frame
    onset = a.onset_strength
    for f in kick_f:                                                  # where the onset curve peaks
        assert onset[f] >= onset[max(f - 1, 0)] and onset[f] >= onset[min(f + 1, a.n_frames - 1)], f


def test_a_kick_just_before_the_half_frame_counts_where_it_is_loudest() -> None:
    """At 140 BPM and 24 fps kick 5 starts 3 ms before the half-frame mark between frames 51 and 52; its low
    band peaks 3.5 ms after it starts, past the mark. The beat follows the band peak (the frame where the hit
    is loudest, picture a hair after sound rather than before it), so they still agree."""
    music, truth = fk.synth_music(6.0, bpm=140, seed=4)
    a = fk.analyse_audio(music, fps=24, bpm=140)
    assert truth.beat_times[5] * 24 == pytest.approx(51.43, abs=0.01)
    assert _peak_frames(a.envelope("low")).tolist() == a.beat_frames.tolist()
    assert a.beat_frames[5] == 52
    # the kicks shown a frame after their nearest frame are exactly those that start within 3.5 ms before a
    # half-frame mark (kicks 5 and 12: the pattern repeats every 7 beats)
    x = truth.beat_times * 24
    late = (x - np.floor(x) > 0.5 - 0.0035 * 24) & (x - np.floor(x) < 0.5)
    assert np.flatnonzero(late).tolist() == [5, 12]
    assert (a.beat_frames - np.round(x)).tolist() == late.astype(int).tolist()


def test_band_energy_is_measured_around_each_frame_time() -> None:
    """Frame ``i`` hears the half frame either side of ``i / fps``: a click a third of a frame before a
    frame's time belongs to that frame, not to the one before it."""
    sr, fps = ANALYSIS_RATE, 10
    y = np.zeros(sr, np.float32)
    t = np.arange(int(0.03 * sr)) / sr
    for at in (0.2 - 0.1 / 3, 0.6 + 0.1 / 3):                        # frame 2 (a third early), frame 6 (late)
        a = int(round(at * sr))
        y[a:a + len(t)] += (np.sin(2 * np.pi * 100 * t) * np.exp(-t / 0.01)).astype(np.float32)
    low = fk.analyse_audio(fk.Audio(y, sr), fps=fps, bpm=120).envelope("low")
    assert _peak_frames(low).tolist() == [2, 6]
    assert low[[1, 3, 5, 7]].max() < 0.5
