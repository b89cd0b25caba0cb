"""Shot and Timeline: render tiny films, decode them, and measure frames, timing and sound."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import filmkit as fk
import numpy as np
import pytest
from filmkit._ffmpeg import probe, read_audio, read_video
from filmkit.audio import Audio
from filmkit.clip import Clip
from filmkit.errors import TimelineError

W, H, FPS = 160, 90, 12


def still(rgb: tuple[int, int, int], size: tuple[int, int] = (W, H)) -> np.ndarray:
    img = np.empty((size[1], size[0], 3), np.uint8)
    img[:] = rgb
    return img


def tone(seconds: float, sr: int = 22050, amp: float = 0.5, freq: float = 440.0) -> Audio:
    t = np.arange(int(seconds * sr)) / sr
    return Audio((amp * np.sin(2 * np.pi * freq * t)).astype(np.float32), sr, label="tone")


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def ffmpeg_children() -> list[str]:
    """ffmpeg processes whose parent is this test process (Linux /proc)."""
    me, found = os.getpid(), []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        mine = int(fields.get("PPid", "0").strip()) == me and "ffmpeg" in fields.get("Name", "")
        if mine and "zombie" not in fields.get("State", ""):
            found.append(d.name)
    return found


def test_render_has_exact_length_fps_size_codecs_and_blends(tmp_path: Path) -> None:
    ramp = Clip(frame_fn=lambda i: np.full((H, W, 3), 40 + 4 * i, np.uint8), fps=FPS, n_frames=24, size=(W, H))
    tl = (fk.Timeline(fps=FPS, size=(W, H))
          .add(fk.Shot(still((255, 0, 0)), seconds=2, label="red"))
          .add(fk.crossfade(5 / FPS))
          .add(fk.Shot(still((0, 0, 255)), seconds=2, label="blue"))
          .add(fk.dip_to_black(4 / FPS))
          .add(ramp)
          .add(still((0, 255, 0)), seconds=1))                       # a cut, then 1 s of green
    expected = 24 + 24 + 24 + 12 - 5 - 4
    assert tl.n_frames == expected and tl.duration == pytest.approx(expected / FPS)
    tl.music(tone(10.0), fade_in=0.5, fade_out=0.5)
    film = tl.render(tmp_path / "film.mp4", crf=10, preset="ultrafast")
    info = probe(film.path)
    assert info.n_frames == expected and info.fps == FPS and info.size == (W, H)
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert info.has_audio and info.audio_codec == "aac"
    assert abs(info.duration - expected / FPS) < 0.1
    head = film.path.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))
    frames, _ = read_video(film.path)
    assert len(frames) == expected
    mid = frames[24 - 5 + 2][H // 2, W // 2].astype(int)            # the middle of the crossfade
    assert abs(mid[0] - 128) < 12 and mid[1] < 12 and abs(mid[2] - 127) < 12
    dip_mid = frames[19 + 24 - 4 + 1:19 + 24 - 4 + 3].mean(axis=0)  # t = 0.4, 0.6: nearly black
    assert dip_mid.max() < 40
    assert frames[-1][H // 2, W // 2, 1] > 220 and frames[-1][H // 2, W // 2, 0] < 30
    assert not ffmpeg_children()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temporary wav left
    assert film.provenance.operation == "edit"


def test_render_at_another_fps_and_size(tmp_path: Path) -> None:
    tl = fk.Timeline(fps=24, size=(320, 180)).add(still((200, 50, 50)), seconds=1).add(fk.crossfade(0.5)) \
        .add(still((50, 50, 200)), seconds=1)
    out = tl.render(tmp_path / "small.mp4", fps=10, size=(80, 46), preset="ultrafast")
    info = probe(out.path)
    assert (info.n_frames, info.fps, info.size) == (15, 10, (80, 46))
    assert not info.has_audio


def test_music_bed_fades_in_and_out_and_is_cut_to_length(tmp_path: Path) -> None:
    tl = fk.Timeline(fps=FPS, size=(W, H)).add(still((0, 0, 0)), seconds=4)
    tl.music(tone(9.0, sr=44100), fade_in=1.0, fade_out=1.0, volume=0.8)
    clip = tl.to_clip()
    assert clip.audio is not None and clip.audio.duration == pytest.approx(4.0)
    out = tl.render(tmp_path / "bed.mp4", preset="ultrafast")
    y = read_audio(out.path, sample_rate=22050)
    sr = 22050
    start, body, end = rms(y[: sr // 5]), rms(y[int(1.8 * sr): int(2.2 * sr)]), rms(y[int(3.8 * sr): int(3.98 * sr)])
    assert body == pytest.approx(0.8 * 0.5 / np.sqrt(2), rel=0.1)   # the tone's level × volume
    assert start < 0.2 * body and end < 0.2 * body
    assert len(y) / sr == pytest.approx(4.0, abs=0.1)


def test_short_music_is_padded_with_silence() -> None:
    tl = fk.Timeline(fps=FPS, size=(W, H)).add(still((0, 0, 0)), seconds=3).music(tone(1.0), fade_in=0, fade_out=0)
    a = tl.to_clip().audio
    assert a is not None and a.duration == pytest.approx(3.0)
    assert rms(a.samples[: a.sample_rate // 2]) > 0.3 and rms(a.samples[-a.sample_rate:]) == 0.0


def test_music_from_a_file(tmp_path: Path) -> None:
    path = tone(2.0).save(tmp_path / "song.wav")
    tl = fk.Timeline(fps=FPS, size=(W, H)).add(still((9, 9, 9)), seconds=1).music(path, fade_in=0, fade_out=0)
    a = tl.to_clip().audio
    assert a is not None and a.duration == pytest.approx(1.0) and rms(a.mono) > 0.3


def test_shots_own_sound_is_mixed_at_its_place() -> None:
    sr = 8000
    a = Clip.solid((0, 0, 0), seconds=1, fps=FPS, size=(W, H))
    b = Clip.solid((9, 9, 9), seconds=1, fps=FPS, size=(W, H)).with_audio(Audio(np.full(sr, 0.5, np.float32), sr))
    mix = fk.Timeline(fps=FPS, size=(W, H)).add(a).add(b).to_clip().audio
    assert mix is not None
    assert rms(mix.samples[: sr - 10]) == 0.0 and rms(mix.samples[sr + 10:]) == pytest.approx(0.5, rel=0.01)


def test_no_ffmpeg_left_and_no_file_when_a_frame_fails(tmp_path: Path) -> None:
    def bad(i: int) -> np.ndarray:
        if i == 7:
            raise RuntimeError("frame 7 is broken")
        return still((1, 2, 3))

    broken = Clip(frame_fn=bad, fps=FPS, n_frames=12, size=(W, H))
    tl = fk.Timeline(fps=FPS, size=(W, H)).add(broken).music(tone(1.0))
    with pytest.raises(RuntimeError, match="frame 7"):
        tl.render(tmp_path / "broken.mp4", preset="ultrafast")
    assert not ffmpeg_children()
    assert list(tmp_path.iterdir()) == []


def test_sources_of_another_shape_are_covered_or_letterboxed() -> None:
    square = still((255, 255, 255), size=(100, 100))
    cover = fk.Timeline(fps=FPS, size=(W, H)).add(square, seconds=1).to_clip().frame(0)
    contain = fk.Timeline(fps=FPS, size=(W, H), fit="contain").add(square, seconds=1).to_clip().frame(0)
    assert cover.shape == (H, W, 3) and cover.min() == 255
    assert contain[:, :30].max() == 0 and contain[:, -30:].max() == 0 and contain[H // 2, W // 2].min() == 255
    per_shot = fk.Timeline(fps=FPS, size=(W, H)).add(fk.Shot(square, seconds=1, fit="contain")).to_clip().frame(0)
    assert per_shot[:, :30].max() == 0


def test_clips_at_another_fps_are_retimed_not_sped_up() -> None:
    src = Clip(frame_fn=lambda i: np.full((H, W, 3), i, np.uint8), fps=30, n_frames=60, size=(W, H))
    out = fk.Timeline(fps=FPS, size=(W, H)).add(src).to_clip()
    assert out.n_frames == 24                                     # still 2 s
    assert [int(out.frame(g)[0, 0, 0]) for g in (0, 1, 5, 23)] == [0, 2, 12, 57]
    trimmed = fk.Timeline(fps=FPS, size=(W, H)).add(fk.Shot(src, start=1.0, seconds=0.5)).to_clip()
    assert trimmed.n_frames == 6 and int(trimmed.frame(0)[0, 0, 0]) == 30


def test_video_asset_shots_are_decoded_and_fitted(tmp_path: Path) -> None:
    src = Clip(frame_fn=lambda i: np.full((100, 200, 3), (20 * i, 100, 50), np.uint8), fps=10, n_frames=10,
               size=(200, 100))
    asset = src.save(tmp_path / "runway.mp4", crf=5, preset="ultrafast")
    tl = fk.Timeline(fps=10, size=(W, H)).add(fk.Shot(asset, label="from runway"))
    assert tl.n_frames == 10
    clip = tl.to_clip()
    assert clip.frame(0).shape == (H, W, 3)
    assert abs(int(clip.frame(5)[H // 2, W // 2, 0]) - 100) < 8
    held = fk.Timeline(fps=10, size=(W, H)).add(fk.Shot(asset.path, seconds=1.5)).to_clip()
    assert held.n_frames == 15 and abs(int(held.frame(14)[H // 2, W // 2, 0]) - 180) < 8  # last frame held


def test_still_with_a_camera_move_function() -> None:
    calls = {}

    def drift(image, *, seconds, fps, size, speed=1):
        calls.update(seconds=seconds, fps=fps, size=size, speed=speed)
        base = np.asarray(image)
        return Clip(frame_fn=lambda i: np.roll(base, i * speed, axis=1), fps=fps, n_frames=round(seconds * fps),
                    size=size)

    img = np.zeros((H, W, 3), np.uint8)
    img[:, :10] = 255
    shot = fk.Shot(img, seconds=1, move=drift, move_options={"speed": 2})
    clip = fk.Timeline(fps=FPS, size=(W, H)).add(shot).to_clip()
    assert calls == {"seconds": 1.0, "fps": FPS, "size": (W, H), "speed": 2}
    assert clip.frame(0)[0, 5, 0] == 255 and clip.frame(5)[0, 5, 0] == 0 and clip.frame(5)[0, 15, 0] == 255
    with pytest.raises(TimelineError, match="needs a still"):
        fk.Shot(Clip.solid((0, 0, 0), seconds=1, fps=FPS, size=(W, H)), move="push_in")


def test_bad_timelines_name_the_position_and_the_fix() -> None:
    tl = fk.Timeline(fps=FPS, size=(W, H))
    with pytest.raises(TimelineError, match="position 0: a timeline starts with a shot"):
        tl.add(fk.crossfade(0.5))
    tl.add(still((1, 1, 1)), seconds=1).add(fk.crossfade(0.25))
    with pytest.raises(TimelineError, match=r"position 2: .*follows another transition .*position 1"):
        tl.add(fk.dip_to_black(0.5))
    with pytest.raises(TimelineError, match=r"position 1: the timeline ends with crossfade.*add a shot after it"):
        tl.to_clip()
    tl.add(still((2, 2, 2)), seconds=0.5).add(fk.crossfade(1.0)).add(still((3, 3, 3)), seconds=2)
    with pytest.raises(TimelineError, match=r"shot #2 .*shorten the transition or lengthen the shot"):
        _ = tl.duration
    assert isinstance(tl.pop(), fk.Shot) and isinstance(tl.pop(), fk.Transition)
    assert tl.n_frames == 12 + 6 - 3
    with pytest.raises(TimelineError, match="no shots"):
        fk.Timeline().to_clip()
    with pytest.raises(TimelineError, match="even width"):
        fk.Timeline(size=(161, 90))
    with pytest.raises(TimelineError, match="cannot add a dict"):
        fk.Timeline().add({"not": "a shot"})
    with pytest.raises(TimelineError, match="after the film ends"):
        fk.Timeline(fps=FPS, size=(W, H)).add(still((0, 0, 0)), seconds=1).title("late", at=5).to_clip()
    with pytest.raises(TimelineError, match=".mp4"):
        fk.Timeline(fps=FPS, size=(W, H)).add(still((0, 0, 0)), seconds=1).render("film.gif")


def test_plan_lists_in_and_out_times() -> None:
    tl = (fk.Timeline(fps=24, size=(W, H)).add(fk.Shot(still((0, 0, 0)), seconds=2, label="door"))
          .add(fk.dip_to_white(1.0)).add(fk.Shot(still((9, 9, 9)), seconds=3, label="sea"))
          .title("LIMINAL", at=0.5, seconds=1).music(tone(1.0)))
    text = str(tl.plan())
    assert "2 shots, 4.00 s (96 frames)" in text
    assert "#1  00:00.00–00:02.00  2.00 s  door [still]" in text
    assert "dip_to_white 1.00 s  (00:01.00–00:02.00)" in text
    assert "#2  00:01.00–00:04.00  3.00 s  sea" in text
    assert "title 'LIMINAL'" in text and "music tone" in text
    assert repr(tl) == text


def test_to_clip_is_lazy_and_touches_no_disk(workspace: Path) -> None:
    before = sorted(p.name for p in workspace.rglob("*"))
    calls = []
    src = Clip(frame_fn=lambda i: calls.append(i) or still((5, 5, 5)), fps=FPS, n_frames=24, size=(W, H))
    clip = fk.Timeline(fps=FPS, size=(W, H)).add(src).music(tone(3.0)).to_clip()
    assert calls == [] and clip.n_frames == 24
    clip.frame(10)
    assert calls == [10]
    assert sorted(p.name for p in workspace.rglob("*")) == before


def test_notebook_preview_is_an_inline_video(workspace: Path) -> None:
    tl = fk.Timeline(fps=FPS, size=(W, H)).add(still((200, 0, 0)), seconds=1)
    html = tl._repr_html_()
    assert html is not None and "<video" in html and "#1" in html
    previews = list((workspace / "previews").glob("*.mp4"))
    assert len(previews) == 1 and probe(previews[0]).n_frames == 12


def test_shot_is_a_frozen_value() -> None:
    s = fk.Shot(still((0, 0, 0)), seconds=2)
    t = s.with_seconds(3).with_title("Ada")
    assert s.seconds == 2 and s.title is None and t.seconds == 3 and t.title == "Ada"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.seconds = 5  # type: ignore[misc]
    with pytest.raises(TimelineError, match="more than 0 seconds"):
        fk.Shot(still((0, 0, 0)), seconds=0)


def test_still_with_a_named_camera_move_from_filmkit_camera() -> None:
    img = np.zeros((H, W, 3), np.uint8)
    img[H // 2 - 10:H // 2 + 10, W // 2 - 10:W // 2 + 10] = 255           # a centred 20×20 square
    shot = fk.Shot(img, seconds=1, move="push_in", move_options={"zoom": 2.0, "ease": "linear"})
    clip = fk.Timeline(fps=FPS, size=(W, H)).add(shot).to_clip()
    area = [int((clip.frame(k)[:, :, 0] > 128).sum()) for k in (0, 6, 11)]
    assert area[0] == pytest.approx(400, rel=0.15) and area[0] < area[1] < area[2]
    assert area[2] > 2.8 * area[0]                                           # ~2× zoom → ~4× the area
    with pytest.raises(TimelineError, match="unknown camera move 'spin'; choose one of .*push_in"):
        fk.Timeline(fps=FPS, size=(W, H)).add(fk.Shot(img, move="spin")).to_clip()


def test_image_asset_shots_keep_provenance_as_parents(tmp_path: Path) -> None:
    from PIL import Image

    Image.fromarray(still((10, 200, 30), size=(320, 180))).save(tmp_path / "key.png")
    key = fk.Asset.from_file(tmp_path / "key.png", fk.Provenance(provider="previz", model="previz-1", prompt="field"))
    tl = fk.Timeline(fps=FPS, size=(W, H)).add(fk.Shot(key, seconds=0.5))
    clip = tl.to_clip()
    assert tuple(clip.frame(0)[H // 2, W // 2]) == (10, 200, 30)
    assert clip.provenance is not None and clip.provenance.parents == (key.id,)
    assert "field" in str(tl.plan())


# --- reading the edit at a time (lesson 10: the scrubber, cuts on the beat) ----------------------------------
def test_cut_times_are_where_each_shot_comes_on_screen() -> None:
    tl = (fk.Timeline(fps=FPS, size=(W, H)).add(still((200, 0, 0)), seconds=2).add(still((0, 200, 0)), seconds=1.5)
          .add(fk.crossfade(0.5)).add(still((0, 0, 200)), seconds=2))
    assert tl.cut_times == [2.0, 3.0]
    clip = tl.to_clip()
    assert clip.frame(23)[0, 0].tolist() == [200, 0, 0] and clip.frame(24)[0, 0].tolist() == [0, 200, 0]
    assert clip.frame(36)[0, 0, 2] > 0  # the dissolve has begun at 3 s: some blue already


def test_shot_at_and_frame_at_read_the_finished_film() -> None:
    tl = (fk.Timeline(fps=FPS, size=(W, H)).add(still((200, 0, 0)), seconds=1, label="red")
          .add(still((0, 0, 200)), seconds=1, label="blue").title("HELLO", at=0, seconds=1, fade=0))
    assert [tl.shot_at(t) for t in (0, 0.99, 1.0, 1.5, 50)] == [0, 0, 1, 1, 1]
    titled, plain = tl.frame_at(0.5), tl.frame_at(1.5)
    assert titled.shape == (H, W, 3) and titled.max() == 255  # white title text over the red shot
    assert plain[H // 2, W // 2].tolist() == [0, 0, 200]
    assert np.array_equal(tl.frame_at("00:01.5"), plain) and np.array_equal(tl.frame_at(99), tl.to_clip().frame(-1))
    assert tl.frame_at(0.5, size=(80, 46)).shape == (46, 80, 3)
