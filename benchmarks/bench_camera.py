"""Ken Burns push-in, measured side by side (issue 4, "Speed, measured side by side"). Not a test: run it.

    .venv/bin/python benchmarks/bench_camera.py [--runs 3] [--seconds 5] [--keep DIR]

For a 1280×720, 5 s, 24 fps push-in (zoom 1.0 → 1.2, linear, centred) on a detailed still made in code
(checkerboard + texture + text + hairlines), it times, interleaved, ``--runs`` times each (median reported):

1. **filmkit**: ``fk.push_in(still, ...).save(...)`` — a float ``cv2.warpAffine`` per frame piped to x264;
2. **zoompan**: ffmpeg's own ``zoompan`` filter on the same PNG;
3. **moviepy**: the idiomatic ``CompositeVideoClip([ImageClip(...).resized(lambda t: ...)
   .with_position("center")], size=..., bg_color=(0, 0, 0)).write_videofile(...)``;
4. **encode floor**: our frames rendered beforehand into a raw file, then ffmpeg encoding that file alone.

All four use libx264 ``-preset medium -crf 23``, yuv420p. Then it decodes every output, registers each frame to
the still (``cv2.findTransformECC``, affine), and reports the jitter: the RMS of the frame-to-frame motion error of
five points against the ideal path (px), its maximum, and the RMS position error. Wall and CPU (user+sys of the
process and its children) are printed per method, then the ratios the issue asks for.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "toolkit"))

import filmkit as fk
from filmkit._ffmpeg import ffmpeg_exe, iter_video, probe
from filmkit.camera import CameraPath, _affine
from filmkit.curves import keyframes

W, H, FPS, ZOOM = 1280, 720, 24, 1.2
X264 = ["-c:v", "libx264", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]


def detailed_still(w: int = W, h: int = H, seed: int = 0) -> np.ndarray:
    """A 16 px checkerboard with seeded texture, text and 1 px hairlines (grey, so chroma subsampling is moot)."""
    import cv2

    rng = np.random.default_rng(seed)
    board = (np.indices((h, w)).sum(0) // 16 % 2 * 180 + 40).astype(np.float32)
    texture = cv2.GaussianBlur(rng.normal(0, 50, (h, w)).astype(np.float32), (0, 0), 1.5)
    img = np.clip(board + texture, 0, 255).astype(np.uint8)
    for i, word in enumerate(["FILMKIT", "push-in 1.0 -> 1.2", "sub-pixel or bust"]):
        cv2.putText(img, word, (80 + 200 * i, 160 + 180 * i), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 255, 5, cv2.LINE_AA)
        cv2.putText(img, word, (80 + 200 * i, 160 + 180 * i), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 0, 2, cv2.LINE_AA)
    for k in range(12):
        x0 = 40 + 100 * k
        cv2.line(img, (x0, 0), (x0 + 60, h - 1), 255 if k % 2 else 0, 1, cv2.LINE_AA)
        cv2.line(img, (0, 30 + 55 * k), (w - 1, 45 + 55 * k), 0 if k % 2 else 255, 1, cv2.LINE_AA)
    return np.dstack([img, img, img])


# --- the four methods ---------------------------------------------------------------------------------------------
def run_filmkit(still: np.ndarray, out: Path, seconds: float) -> None:
    fk.push_in(still, seconds=seconds, fps=FPS, zoom=ZOOM, ease="linear").save(out, crf=23, preset="medium",
                                                                                progress=False)


def run_zoompan(png: Path, out: Path, seconds: float) -> None:
    n = int(round(seconds * FPS))
    vf = (f"zoompan=z='1+{ZOOM - 1}*on/{n - 1}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
          f":d=1:s={W}x{H}:fps={FPS}")
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-loop", "1", "-framerate", str(FPS),
                    "-i", str(png), "-vf", vf, "-frames:v", str(n), *X264, str(out)], check=True)


def run_moviepy(png: Path, out: Path, seconds: float) -> None:
    from moviepy import CompositeVideoClip, ImageClip

    n = int(round(seconds * FPS))
    end = (n - 1) / FPS
    clip = CompositeVideoClip([ImageClip(str(png), duration=seconds).resized(lambda t: 1 + (ZOOM - 1) * t / end)
                               .with_position("center")], size=(W, H), bg_color=(0, 0, 0))
    clip.write_videofile(str(out), fps=FPS, codec="libx264", preset="medium", ffmpeg_params=["-crf", "23"],
                         audio=False, logger=None)
    clip.close()


def prerender_raw(still: np.ndarray, raw: Path, seconds: float) -> None:
    clip = fk.push_in(still, seconds=seconds, fps=FPS, zoom=ZOOM, ease="linear")
    with open(raw, "wb") as fh:
        fh.writelines(f.tobytes() for f in clip.frames())


def run_floor(raw: Path, out: Path) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                    "-s", f"{W}x{H}", "-r", str(FPS), "-i", str(raw), *X264, str(out)], check=True)


def timed(fn: Callable[[], None]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user+sys of this process and every child it waited for)."""
    a, ac = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    b, bc = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ((b.ru_utime - a.ru_utime) + (b.ru_stime - a.ru_stime)
           + (bc.ru_utime - ac.ru_utime) + (bc.ru_stime - ac.ru_stime))
    return wall, cpu


# --- jitter -------------------------------------------------------------------------------------------------------
def ideal_matrices(n: int) -> np.ndarray:
    path = CameraPath(zoom=keyframes({0.0: 1.0, (n - 1) / FPS: ZOOM}))
    return np.array([_affine(*path.screen(i / FPS), (W, H), (W, H)) for i in range(n)])


def register(video: Path, still: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Per decoded frame, the affine still→frame found by ECC (each frame starts from a constant-speed guess)."""
    import cv2

    g = cv2.cvtColor(still, cv2.COLOR_RGB2GRAY).astype(np.float32)
    guess = cv2.invertAffineTransform(first)
    out: list[np.ndarray] = []
    crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 100, 1e-6)
    for f in iter_video(video):
        tmpl = cv2.cvtColor(np.ascontiguousarray(f), cv2.COLOR_RGB2GRAY).astype(np.float32)
        _, warp = cv2.findTransformECC(tmpl, g, guess.astype(np.float32), cv2.MOTION_AFFINE, crit, None, 1)
        warp = warp.astype(np.float64)
        out.append(cv2.invertAffineTransform(warp))
        prev = cv2.invertAffineTransform(out[-2]) if len(out) > 1 else warp
        guess = 2 * warp - prev
    return np.array(out)


def jitter(measured: np.ndarray, ideal: np.ndarray) -> dict[str, float]:
    pts = np.array([[(W - 1) / 2, (H - 1) / 2], [W * 0.2, H * 0.2], [W * 0.8, H * 0.2], [W * 0.2, H * 0.8],
                    [W * 0.8, H * 0.8]])
    n = min(len(measured), len(ideal))

    def pos(ms: np.ndarray) -> np.ndarray:
        return np.einsum("nij,kj->nki", ms[:n, :, :2], pts) + ms[:n, None, :, 2]

    pm, pi = pos(measured), pos(ideal)
    step = np.linalg.norm(np.diff(pm, axis=0) - np.diff(pi, axis=0), axis=-1)
    return {"step_rms": float(np.sqrt((step**2).mean())), "step_max": float(step.max()),
            "pos_rms": float(np.sqrt((np.linalg.norm(pm - pi, axis=-1) ** 2).mean()))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="timed runs per method, interleaved (median reported)")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--keep", type=Path, default=None, help="write outputs here instead of a temporary folder")
    ap.add_argument("--skip-jitter", action="store_true", help="time only (registration takes a few minutes)")
    args = ap.parse_args()
    os.environ.setdefault("FILMKIT_PROGRESS", "0")
    import cv2
    from PIL import Image

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_camera_"))
    work.mkdir(parents=True, exist_ok=True)
    still = detailed_still()
    png = work / "still.png"
    Image.fromarray(still).save(png)
    raw = work / "frames.rgb"
    prerender_raw(still, raw, args.seconds)  # the encode floor's input: our frames, rendered beforehand
    outs = {name: work / f"{name}.mp4" for name in ("filmkit", "zoompan", "moviepy", "floor")}
    jobs: dict[str, Callable[[], None]] = {
        "filmkit": lambda: run_filmkit(still, outs["filmkit"], args.seconds),
        "zoompan": lambda: run_zoompan(png, outs["zoompan"], args.seconds),
        "moviepy": lambda: run_moviepy(png, outs["moviepy"], args.seconds),
        "floor": lambda: run_floor(raw, outs["floor"]),
    }
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in jobs}
    print(f"push-in {W}x{H}, {args.seconds:g} s @ {FPS} fps, zoom 1.0 -> {ZOOM}, x264 medium crf 23; "
          f"{args.runs} interleaved runs; cv2 {cv2.__version__}, threads {cv2.getNumThreads()}, "
          f"{os.cpu_count()} cpus", flush=True)
    for r in range(args.runs):
        for name, job in jobs.items():
            times[name].append(timed(job))
        print(f"  run {r + 1}: " + ", ".join(f"{k} {v[-1][0]:.2f}s" for k, v in times.items())
              + f"   (ours/floor {times['filmkit'][-1][0] / times['floor'][-1][0]:.2f}x)", flush=True)
    raw.unlink(missing_ok=True)

    n = int(round(args.seconds * FPS))
    ideal = ideal_matrices(n)
    results = {}
    for name, path in outs.items():
        info = probe(path)
        t0 = time.perf_counter()
        j = jitter(register(path, still, ideal[0]), ideal) if name != "floor" and not args.skip_jitter else None
        results[name] = (info, j, time.perf_counter() - t0)
    print(f"\n{'method':10s} {'wall s':>7s} {'CPU s':>7s} {'frames':>6s} {'step RMS px':>12s} {'step max px':>12s} "
          f"{'pos RMS px':>11s}")
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in times.items()}
    for name in jobs:
        info, j, _ = results[name]
        jt = (f"{j['step_rms']:12.3f} {j['step_max']:12.3f} {j['pos_rms']:11.3f}" if j else
              f"{'(same frames as filmkit)' if name == 'floor' else '(skipped)':>37s}")
        print(f"{name:10s} {med[name][0]:7.2f} {med[name][1]:7.2f} {info.n_frames or 0:6d} {jt}")
    ours, floor, zp = med["filmkit"][0], med["floor"][0], med["zoompan"][0]
    jit = results["filmkit"][1]
    verdict = "MET" if ours / floor <= 1.1 else "MISSED"
    print(f"\nours / encode floor = {ours / floor:.2f}x   (target <= 1.1x)  {verdict}"
          f"   [CPU {med['filmkit'][1] / med['floor'][1]:.2f}x]")
    print(f"ours / zoompan      = {ours / zp:.2f}x   (target <= 1.0x)  {'MET' if ours / zp <= 1.0 else 'MISSED'}")
    print(f"ours / moviepy      = {ours / med['moviepy'][0]:.2f}x")
    if jit is not None:
        print(f"our jitter          = {jit['step_rms']:.3f} px RMS (target <= 0.05 px)  "
              f"{'MET' if jit['step_rms'] <= 0.05 else 'MISSED'}")
    if args.keep is None:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
