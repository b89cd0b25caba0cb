"""Storyboard sheets (PNG/PDF) and animatics timed to the beat, measured by decoding what they write."""
from __future__ import annotations

import re
from pathlib import Path

import filmkit as fk
import numpy as np
import pytest
from filmkit._ffmpeg import probe, read_video
from filmkit.audio import Audio
from filmkit.errors import TimelineError
from filmkit.storyboards import beat_cuts
from PIL import Image

COLOURS = [(220, 40, 40), (40, 200, 40), (40, 40, 220), (220, 220, 40), (200, 40, 200)]


def panels(n: int = 5, seconds: float = 1.0) -> list[fk.Panel]:
    out = []
    for i in range(n):
        img = np.empty((90, 160, 3), np.uint8)
        img[:] = COLOURS[i % len(COLOURS)]
        out.append(fk.Panel(img, description=f"panel {i + 1}: the door opens a little more", seconds=seconds))
    return out


def test_sheet_places_panels_in_a_grid_with_numbers_and_captions() -> None:
    sheet = fk.storyboard(panels(5), columns=3, panel_width=200, title="LIMINAL SPACES")
    arr = np.asarray(sheet)
    assert sheet.mode == "RGB"
    ph = round(200 * 9 / 16)
    # find each panel's colour block; columns are ordered left to right, rows top to bottom
    centres = []
    for c in COLOURS:
        ys, xs = np.nonzero(np.all(np.abs(arr.astype(int) - c) <= 2, axis=2))
        assert len(ys) > 0.9 * 200 * ph
        centres.append((ys.mean(), xs.mean()))
    assert centres[0][0] == pytest.approx(centres[2][0]) and centres[0][1] < centres[1][1] < centres[2][1]
    assert centres[3][0] > centres[0][0] + ph and centres[3][1] == pytest.approx(centres[0][1])
    # text below the first panel: dark pixels in the caption strip, none in the margin to its right
    ys, xs = np.nonzero(np.all(np.abs(arr.astype(int) - COLOURS[0]) <= 2, axis=2))
    strip = arr[ys.max() + 4: ys.max() + 60, xs.min(): xs.max()]
    assert (strip.max(axis=2) < 100).sum() > 100


def test_sheet_from_a_timeline_has_one_panel_per_shot() -> None:
    tl = fk.Timeline(fps=12, size=(160, 90))
    for i, p in enumerate(panels(4)):
        if i:
            tl.add(fk.crossfade(0.25))
        tl.add(fk.Shot(p.image, seconds=1, label=f"s{i}", description=p.description))
    ps = tl.panels()
    assert [p.number for p in ps] == [1, 2, 3, 4] and ps[1].seconds == 1.0
    arr = np.asarray(fk.storyboard(tl, columns=2, panel_width=160))
    for c in COLOURS[:4]:
        assert np.all(np.abs(arr.astype(int) - c) <= 2, axis=2).sum() > 5000


def test_save_png_and_multipage_pdf(tmp_path: Path) -> None:
    png = fk.save_storyboard(panels(5), tmp_path / "board.png", columns=3)
    with Image.open(png) as im:
        assert im.format == "PNG" and im.size[0] > 3 * 360
    pdf = fk.save_storyboard(panels(5), tmp_path / "board.pdf", columns=2, rows_per_page=1)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 3      # 5 panels, 2 per page
    with pytest.raises(TimelineError, match=".png or .pdf"):
        fk.save_storyboard(panels(1), tmp_path / "board.txt")


def test_beat_cuts_snap_to_the_grid_or_to_given_beats() -> None:
    assert beat_cuts([1.0, 1.0]) == [1.0, 2.0]
    assert beat_cuts([0.9, 0.2, 1.3], bpm=120) == [1.0, 1.5, 2.5]   # every panel keeps at least one beat
    assert beat_cuts([1.0], bpm=60, offset=0.25) == [1.25]
    assert beat_cuts([1.0, 1.0, 1.0], beats=[0.4, 1.1, 1.8]) == [1.1, 1.8, 3.2]  # beats continue past the list
    with pytest.raises(TimelineError, match="bpm must be positive"):
        beat_cuts([1.0], bpm=0)


def _cuts(frames: np.ndarray) -> list[int]:
    """Frame indices where the picture's centre colour changes."""
    centre = frames[:, 20:50, 60:100].reshape(len(frames), -1, 3).mean(axis=1)
    jumps = np.abs(np.diff(centre, axis=0)).max(axis=1)
    return [int(i) + 1 for i in np.nonzero(jumps > 40)[0]]


def test_animatic_cuts_land_on_the_beat_with_captions_and_music(tmp_path: Path) -> None:
    sr, bpm, fps = 22050, 100, 24
    t = np.arange(int(6 * sr)) / sr
    music = Audio((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), sr, label="pulse")
    ps = [p.with_seconds(s) for p, s in zip(panels(4), [1.1, 0.5, 1.4, 0.9])]
    clip = fk.animatic(ps, music, bpm=bpm, fps=fps, size=(160, 90))
    out = clip.save(tmp_path / "animatic.mp4", crf=12, preset="ultrafast")
    info = probe(out.path)
    beat = 60 / bpm
    expected_cuts = beat_cuts([1.1, 0.5, 1.4, 0.9], bpm=bpm)
    assert info.has_audio and info.audio_codec == "aac"
    assert info.n_frames == round(expected_cuts[-1] * fps)
    frames, _ = read_video(out.path)
    cuts = _cuts(frames)
    assert len(cuts) == 3
    for c in cuts:
        beats_in = c / fps / beat
        assert abs(beats_in - round(beats_in)) * beat * fps <= 1.0       # within one frame of a beat
    # captions: the bottom band differs from the plain panel colour, the top does not
    top, bottom = frames[5][:20].astype(int), frames[5][-12:].astype(int)
    assert np.abs(top - COLOURS[0]).max() < 25 and np.abs(bottom - COLOURS[0]).max() > 100


def test_animatic_without_music_uses_panel_durations() -> None:
    clip = fk.animatic(panels(3, seconds=0.5), fps=12, size=(160, 90), captions=False)
    assert clip.n_frames == 18 and clip.audio is None
    assert tuple(clip.frame(7)[45, 80]) == COLOURS[1]


def test_cli_storyboard_and_animatic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from filmkit.cli import main

    for i, p in enumerate(panels(3)):
        Image.fromarray(np.asarray(p.image)).save(tmp_path / f"p{i}.png")
    toml = tmp_path / "board.toml"
    toml.write_text('title = "Liminal"\n' + "".join(
        f'[[panel]]\nimage = "p{i}.png"\ndescription = "shot {i}"\nseconds = 0.5\n' for i in range(3)))
    assert main(["storyboard", str(toml), "--out", str(tmp_path / "b.png"), "--columns", "3"]) == 0
    with Image.open(tmp_path / "b.png") as im:
        arr = np.asarray(im.convert("RGB"))
    assert all(np.all(np.abs(arr.astype(int) - c) <= 2, axis=2).sum() > 5000 for c in COLOURS[:3])
    assert main(["animatic", str(toml), "--out", str(tmp_path / "a.mp4"), "--fps", "12", "--size", "160x90"]) == 0
    assert probe(tmp_path / "a.mp4").n_frames == 18
    bad = tmp_path / "bad.toml"
    bad.write_text('[[panel]]\nimage = "missing.png"\n')
    assert main(["storyboard", str(bad), "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "bad.toml:2:" in err and "'missing.png' not found" in err and "relative to bad.toml" in err
    bad.write_text('[[panel]]\nimage = "p0.png\n')  # an unclosed quote
    assert main(["storyboard", str(bad), "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "bad.toml:2:" in err and "TOML syntax" in err
    assert not (tmp_path / "x.png").exists()
