"""Time a 30 s, 6-shot, 1280×720, 24 fps timeline with transitions and music against the encode floor.

Run: ``.venv/bin/python benchmarks/bench_timeline.py`` (``--seconds 10`` for a quicker look, ``--repeat 3`` for
medians). It prints:

- **ours**: ``Timeline.render`` end to end (fit the sources, compute every frame — stills of several shapes, a
  still with a push-in from :mod:`filmkit.camera`, an in-memory "video", crossfade, dip to black, wipe, flow
  morph, luma wipe, a title — mix and fade the music, encode H.264 + AAC);
- **frames only**: computing the same frames without encoding (how much of "ours" is our own work);
- **encode floor**: the same frames pre-rendered to a raw file, then ffmpeg encoding them with identical
  settings (libx264, same preset and CRF, yuv420p, AAC, faststart) — the cost of the output itself;
- the ratio ours / floor (target ≤ 1.1: the frame work hides behind the encoder).

Everything is made in code (seeded), so runs are comparable. Timings on a shared machine drift; compare the
ratio within one run.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import filmkit as fk
import numpy as np
from filmkit._ffmpeg import ffmpeg_exe, probe, write_wav
from filmkit.audio import Audio
from filmkit.clip import Clip

W, H, FPS = 1280, 720, 24


def detailed_still(seed: int, size: tuple[int, int]) -> np.ndarray:
    """A busy picture: gradients, a checkerboard, discs and fine noise (hard for the encoder, like real art)."""
    import cv2

    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([x / w * 255, y / h * 255, (x + y) / (w + h) * 255], axis=2)
    img[((x // 24 + y // 24) % 2).astype(bool)] *= 0.75
    for _ in range(25):
        c = tuple(int(v) for v in rng.integers(0, 256, 3))
        cv2.circle(img, (int(rng.integers(0, w)), int(rng.integers(0, h))), int(rng.integers(10, h // 4)), c, -1,
                   cv2.LINE_AA)
    img += rng.normal(0, 8, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def moving_clip(seconds: float) -> Clip:
    """Stands in for a decoded Runway video: 1280×768 frames in memory (24 made once, played back and forth),
    fitted (cropped) to 1280×720 by the timeline."""
    import cv2

    big = detailed_still(99, (1500, 768))
    frames = [cv2.warpAffine(big, np.float32([[1, 0, -8.0 * k], [0, 1, 0]]), (1280, 768)) for k in range(24)]
    order = [k if (k // 24) % 2 == 0 else 23 - k % 24 for k in range(48)]
    n = round(seconds * FPS)
    return Clip(frame_fn=lambda i: frames[order[i % 48] % 24], fps=FPS, n_frames=n, size=(1280, 768),
                label="video")


def push_in_move() -> object:
    """The camera module's push-in when it is there (the usual way to move a still), else none."""
    try:
        from filmkit.camera import push_in
    except ImportError:
        return None
    return push_in


def music(seconds: float, sr: int = 44100) -> Audio:
    """A simple synthesised track: a bass pulse at 96 bpm with a chord pad, stereo."""
    t = np.arange(int(seconds * sr)) / sr
    beat = (t * 96 / 60) % 1.0
    kick = np.sin(2 * np.pi * 55 * t) * np.exp(-beat * 12)
    pad = sum(np.sin(2 * np.pi * f * t) for f in (220, 277.2, 329.6)) / 3
    mono = 0.5 * kick + 0.2 * pad
    return Audio(np.stack([mono, mono * 0.9], axis=1).astype(np.float32), sr, label="synth")


def build(seconds: float) -> fk.Timeline:
    """Six shots and five transitions whose film lasts ``seconds``."""
    trans = [fk.crossfade(1.0), fk.dip_to_black(1.0), fk.wipe(0.75, "left"), fk.flow_morph(1.5),
             fk.luma_wipe(1.0, "radial")]
    overlap = sum(t.duration for t in trans)
    shot = (seconds + overlap) / 6
    stills = [detailed_still(i, s) for i, s in enumerate([(1600, 900), (1280, 720), (1024, 1024), (1920, 800),
                                                          (1280, 720)])]
    tl = fk.Timeline(fps=FPS, size=(W, H))
    move = push_in_move()
    shots = [fk.Shot(stills[0], seconds=shot), fk.Shot(stills[1], seconds=shot, move=move),
             fk.Shot(moving_clip(shot), seconds=shot), fk.Shot(stills[2], seconds=shot),
             fk.Shot(stills[3], seconds=shot), fk.Shot(stills[4], seconds=shot)]
    for i, s in enumerate(shots):
        if i:
            tl.add(trans[i - 1])
        tl.add(s.with_seconds(shot) if s.label else dataclasses.replace(s, label=f"shot {i + 1}"))
    tl.title("LIMINAL SPACES", "a benchmark in six rooms", at=0.5, seconds=3)
    tl.music(music(seconds + 5), fade_in=1.0, fade_out=2.0, volume=0.8)
    return tl


def run(seconds: float, crf: int, preset: str, tmp: Path) -> tuple[float, float, float, int]:
    tl = build(seconds)
    t0 = time.perf_counter()
    film = tl.render(tmp / "ours.mp4", crf=crf, preset=preset, progress=False)
    ours = time.perf_counter() - t0
    n = probe(film.path).n_frames or 0

    # the same frames, computed without encoding, written raw for the floor
    clip = tl.to_clip()
    raw = tmp / "frames.rgb"
    compute = 0.0
    with open(raw, "wb") as fh:
        for i in range(clip.n_frames):
            t1 = time.perf_counter()
            f = clip.frame_fn(i)
            compute += time.perf_counter() - t1
            fh.write(np.ascontiguousarray(f).tobytes())
    assert clip.audio is not None
    wav = write_wav(tmp / "music.wav", clip.audio.fit(clip.duration + 2 / FPS).samples, clip.audio.sample_rate)
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{W}x{H}", "-r", f"{float(FPS)}", "-i", str(raw), "-i", str(wav), "-map", "0:v:0", "-map", "1:a:0",
           "-c:a", "aac", "-b:a", "192k", "-shortest", "-c:v", "libx264", "-preset", preset, "-crf", str(crf),
           "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(tmp / "floor.mp4")]
    t2 = time.perf_counter()
    subprocess.run(cmd, check=True)
    floor = time.perf_counter() - t2
    raw.unlink()
    return ours, compute, floor, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--crf", type=int, default=18)
    ap.add_argument("--preset", default="medium")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for _ in range(args.repeat):
            rows.append(run(args.seconds, args.crf, args.preset, Path(d)))
    ours, compute, floor = (statistics.median(r[i] for r in rows) for i in range(3))
    n = rows[0][3]
    print(f"timeline: {args.seconds:g} s, 6 shots, 5 transitions (crossfade, dip, wipe, flow morph, luma wipe), "
          f"title, music; {W}x{H} @ {FPS} fps, {n} frames, libx264 -preset {args.preset} -crf {args.crf} + AAC; "
          f"median of {args.repeat}")
    print(f"ours (Timeline.render)       {ours:7.2f} s   {n / ours:6.1f} fps")
    print(f"frames only (no encode)      {compute:7.2f} s   {compute / n * 1000:6.1f} ms/frame")
    print(f"encode floor (raw → ffmpeg)  {floor:7.2f} s   {n / floor:6.1f} fps")
    print(f"ratio ours / floor           {ours / floor:7.2f}×   (target ≤ 1.10)")


if __name__ == "__main__":
    main()
