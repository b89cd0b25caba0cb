"""Continuity tools against what a user would otherwise pick: cut detection vs ffmpeg, match_colour vs encoding.

Run: ``.venv/bin/python benchmarks/bench_continuity.py`` (``--seconds 20`` for a quicker look, ``--repeat 3`` for
medians, ``--sizes 320x180`` for one size). Close other heavy programs first: timings on a shared machine drift,
so every method is timed side by side, interleaved, in one run, and the load average is printed with the table.
Compare the ratios within one run, not seconds across runs. It prints:

1. **Cut detection** on a rendered film (previz stills with camera moves; hard cuts, crossfades, a dip to black
   and a flow morph; music), made once per size in a temp dir and then read from the mp4 by:

   - **ours**: ``fk.detect_cuts(path)``;
   - **ffmpeg scdet**: ``-vf scdet`` (its default threshold, 10), the scene-change filter;
   - **ffmpeg select**: ``-vf "select='gt(scene,0.3)',showinfo"``, the recipe most answers give;
   - **decode floor**: ``ffmpeg -i film.mp4 -f null -``: decoding every frame and nothing else, the least any
     detector that reads the file can take.

   For each: wall time, ours / that method, and accuracy against the timeline's true hard cuts (a detection
   within one frame of a true cut is a hit; precision and recall), and how many detections fall inside a
   transition (a crossfade, dip or morph is gradual and must *not* count as a cut). Then, once, the time of
   ``fk.continuity_report(film, cuts=...)`` on the same file (what a user does next).

2. **A continuity report** of a 6-shot 1280×720 sequence (four stills, a still with a camera move, a video file):
   the report's wall time, and the time to read each shot (what the report does per shot before comparing).

3. **match_colour** on a 5 s 1280×720 clip, graded and encoded (libx264, the settings ``Timeline.render`` uses).
   ffmpeg has no reference-matching colour transfer: ``colorbalance``/``colortemperature``/``lut3d`` need a
   colourist to choose the numbers, and ``grayworld`` balances toward grey, not toward another shot. So the
   comparison is with the **encode floor** (the same frames encoded ungraded: the cost of the output itself) and,
   for scale, with encoding through ffmpeg's ``colorbalance`` and ``grayworld`` (not like for like: they do not
   match anything). Ratio ours / floor.

Everything is made in code (seeded previz), so runs are comparable.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import filmkit as fk
import numpy as np
from filmkit._ffmpeg import VideoWriter, ffmpeg_exe

FPS = 24
PROMPTS = [
    "misty harbour at dawn, lone lighthouse, fishing boats, pale gold light, wide shot",
    "misty harbour at dawn, fishing boats close up, pale gold light",
    "misty harbour at dawn, a fisherman mending nets, pale gold light, medium shot",
    "misty harbour at dusk, gulls over the water, violet haze",
    "misty harbour at dawn, a rowing boat at the quay, pale gold light",
    "misty harbour at dawn, the lighthouse from the sea, pale gold light",
    "desert at noon, a lone figure on a dune, harsh light",
    "neon city street at night, rain, reflections",
]
# how shot i+1 follows shot i: None is a hard cut; the rest are gradual (never a cut)
JOINS: list[Callable[[], fk.Transition] | None] = [
    None, lambda: fk.crossfade(1.0), None, lambda: fk.flow_morph(1.5), None, None,
    lambda: fk.crossfade(0.5), None, lambda: fk.dip_to_black(1.0), None, None]
MOVES = ["push_in", None, "pan", None, "push_in", None, None, "pan", None, "push_in", None, None]


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def stills(size: tuple[int, int]) -> list[np.ndarray]:
    """Eight previz stills, generated a little larger than the frame (moves need room)."""
    scale = size[0] * 1.1 / 1456                       # previz 16:9 at scale 1 is 1456×816
    return [np.asarray(fk.generate(f"{p} --ar 16:9 --seed {k + 3}", scale=scale, n=1)[0].image())
            for k, p in enumerate(PROMPTS)]


def film_timeline(seconds: float, size: tuple[int, int]) -> tuple[fk.Timeline, list[float], list[tuple[float, float]]]:
    """Twelve shots joined by hard cuts and gradual transitions, lasting about ``seconds``; music under.

    Returns the timeline, the true hard-cut times and the (start, end) of every gradual transition.
    """
    pics = stills(size)
    lengths = np.random.default_rng(7).uniform(0.6, 1.4, len(MOVES))
    lengths = lengths / lengths.sum() * (seconds + 4.0)          # 4 s of overlaps in JOINS
    tl = fk.Timeline(fps=FPS, size=size)
    for i, (sec, move) in enumerate(zip(lengths, MOVES)):
        if i:
            join = JOINS[i - 1]
            if join is not None:
                tl.add(join())
        tl.add(fk.Shot(pics[i % len(pics)], seconds=round(float(sec) * FPS) / FPS, move=move, label=f"shot {i + 1}"))
    tl.music(fk.synth_music(seconds + 5, bpm=96, seed=1)[0], fade_in=1.0, fade_out=2.0)
    hard, gradual = [], []
    for t, join in zip(tl.cut_times, JOINS):
        if join is None:
            hard.append(t)
        else:
            gradual.append((t, t + join().n_frames(FPS) / FPS))
    return tl, hard, gradual


# --- the detectors --------------------------------------------------------------------------------------------
def ffmpeg_times(film: Path, vf: str, pattern: str) -> list[float]:
    res = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "info", "-i", str(film), "-an",
                          "-vf", vf, "-f", "null", "-"], capture_output=True, text=True, errors="replace", check=True)
    return [float(m) for m in re.findall(pattern, res.stderr)]


def scdet(film: Path) -> list[float]:
    return ffmpeg_times(film, "scdet", r"lavfi\.scd\.time:\s*([0-9.]+)")


def select_scene(film: Path) -> list[float]:
    return ffmpeg_times(film, "select='gt(scene,0.3)',showinfo", r"pts_time:\s*([0-9.]+)")


def decode_floor(film: Path) -> list[float]:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(film), "-an", "-f", "null", "-"],
                   check=True)
    return []


def accuracy(found: Sequence[float], hard: Sequence[float], gradual: Sequence[tuple[float, float]]
             ) -> tuple[float, float, int]:
    """Precision, recall (hits within one frame of a true cut, each true cut hit once) and detections in transitions."""
    tol = 1.0 / FPS + 1e-6
    left = list(hard)
    hits = 0
    for t in found:
        near = [c for c in left if abs(c - t) <= tol]
        if near:
            left.remove(near[0])
            hits += 1
    in_trans = sum(any(a - tol <= t <= b + tol for a, b in gradual) for t in found)
    return (hits / len(found) if found else 1.0), hits / len(hard), in_trans


def bench_cuts(size: tuple[int, int], seconds: float, repeat: int, tmp: Path) -> None:
    tl, hard, gradual = film_timeline(seconds, size)
    t0 = time.perf_counter()
    film = Path(tl.render(tmp / f"film_{size[0]}.mp4", progress=False).path)
    made = time.perf_counter() - t0
    n = round(tl.to_clip().n_frames)
    methods: dict[str, Callable[[Path], list[float]]] = {
        "ours  fk.detect_cuts": lambda p: list(fk.detect_cuts(p)),
        "ffmpeg scdet": scdet,
        "ffmpeg select scene>0.3": select_scene,
        "decode floor (-f null)": decode_floor,
    }
    times: dict[str, list[float]] = {k: [] for k in methods}
    found: dict[str, list[float]] = {}
    for _ in range(repeat):                                   # interleaved: each round times every method once
        for name, fn in methods.items():
            t1 = time.perf_counter()
            found[name] = fn(film)
            times[name].append(time.perf_counter() - t1)
    ours = statistics.median(times["ours  fk.detect_cuts"])
    print(f"\n1. cut detection · {size[0]}x{size[1]} @ {FPS} fps, {seconds:g} s film ({n} frames, {len(hard)} hard "
          f"cuts, {len(gradual)} gradual transitions), rendered in {made:.1f} s; median of {repeat}")
    print(f"   {'method':26s} {'time':>8s} {'fps':>7s} {'ours/it':>8s} {'precision':>9s} {'recall':>7s} "
          f"{'in transitions':>14s}")
    for name in methods:
        t = statistics.median(times[name])
        if name.startswith("decode"):
            acc = f"{'—':>9s} {'—':>7s} {'—':>14s}"
        else:
            p, r, bad = accuracy(found[name], hard, gradual)
            acc = f"{p:9.2f} {r:7.2f} {bad:14d}"
        print(f"   {name:26s} {t:7.2f}s {n / t:7.0f} {ours / t:7.2f}× {acc}")
    print(f"   ratio ours / ffmpeg scdet {ours / statistics.median(times['ffmpeg scdet']):.2f}×, ours / ffmpeg select "
          f"{ours / statistics.median(times['ffmpeg select scene>0.3']):.2f}×, ours / decode floor "
          f"{ours / statistics.median(times['decode floor (-f null)']):.2f}×")
    t0 = time.perf_counter()
    report = fk.continuity_report(film, cuts=found["ours  fk.detect_cuts"])
    took = time.perf_counter() - t0
    print(f"   then fk.continuity_report(film, cuts=those cuts): {took:.2f} s for its {len(report)} shots (once)")


# --- the report and the regrade -----------------------------------------------------------------------------------
def bench_report_and_grade(repeat: int, tmp: Path, preset: str, crf: int) -> None:
    from filmkit.continuity import _source

    size = (1280, 720)
    pics = stills(size)
    video = Path(fk.Timeline(fps=FPS, size=size).add(pics[5], seconds=4, move="pan")
                 .render(tmp / "shot.mp4", progress=False).path)
    shots = {"harbour": pics[0][:720, :1280], "boats": pics[1][:720, :1280], "nets": pics[2][:720, :1280],
             "gulls": pics[3][:720, :1280], "quay (push-in)": fk.Shot(pics[4], seconds=4, move="push_in"),
             "lighthouse (video)": video}
    per_shot: dict[str, list[float]] = {k: [] for k in shots}
    whole: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = fk.continuity_report(shots, seconds=[3, 3, 3, 3, None, None])
        whole.append(time.perf_counter() - t0)
        for name, src in shots.items():
            t1 = time.perf_counter()
            _source(name, src, None)
            per_shot[name].append(time.perf_counter() - t1)
    print(f"\n2. continuity report · 6 shots at 1280x720 (4 stills, a still with a push-in, a 4 s video file); "
          f"median of {repeat}")
    print(f"   whole report {statistics.median(whole) * 1000:8.0f} ms   ({statistics.median(whole) / 6 * 1000:.0f} ms "
          f"a shot; {len(report.findings)} finding(s): {', '.join(sorted({f.kind for f in report.findings})) or '—'})")
    for name, ts in per_shot.items():
        print(f"   reading {name:22s} {statistics.median(ts) * 1000:6.0f} ms")

    # match_colour on a 5 s 720p clip: the clip is held in memory so only grading and encoding are timed
    seconds = 5.0
    move = fk.Shot(pics[3], seconds=seconds, move="push_in").to_clip(fps=FPS, size=size)
    frames = np.stack(list(move.frames()))
    clip = fk.Clip.from_frames(frames, fps=FPS, label="gulls")
    n = len(frames)
    raw = tmp / "clip.rgb"
    raw.write_bytes(frames.tobytes())

    def encode(vf: str | None, out: str) -> None:
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{size[0]}x{size[1]}", "-r", str(FPS), "-i", str(raw)]
        cmd += ["-vf", vf] if vf else []
        cmd += ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", str(tmp / out)]
        subprocess.run(cmd, check=True)

    def ours_grade_only() -> None:
        graded = fk.match_colour(clip, pics[0])
        for f in graded.frames():
            pass

    def ours_grade_encode() -> None:
        graded = fk.match_colour(clip, pics[0])
        with VideoWriter(tmp / "ours.mp4", size=size, fps=FPS, crf=crf, preset=preset) as w:
            for f in graded.frames():
                w.write(f)

    methods: dict[str, Callable[[], None]] = {
        "ours  match_colour + encode": ours_grade_encode,
        "ours  match_colour, no encode": ours_grade_only,
        "encode floor (ungraded)": lambda: encode(None, "floor.mp4"),
        "ffmpeg colorbalance + encode": lambda: encode("colorbalance=rs=-0.1:bs=0.1:rm=-0.05:bm=0.05",
                                                       "balance.mp4"),
        "ffmpeg grayworld + encode": lambda: encode("format=gbrpf32le,grayworld,format=yuv420p", "grey.mp4"),
    }
    times: dict[str, list[float]] = {k: [] for k in methods}
    for _ in range(repeat):
        for name, fn in methods.items():
            t1 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t1)
    floor = statistics.median(times["encode floor (ungraded)"])
    before = fk.continuity_report([pics[0], frames[n // 2]], reference=0)[1].drift
    after = fk.continuity_report([pics[0], fk.match_colour(clip, pics[0]).frame(n // 2)], reference=0)[1].drift
    print(f"\n3. match_colour · a {seconds:g} s 1280x720 clip ({n} frames) toward another shot, libx264 -preset "
          f"{preset} -crf {crf}; drift ΔE {before:.1f} → {after:.1f}; median of {repeat}")
    print("   (no ffmpeg filter matches one shot to another: the floor is the like-for-like; the ffmpeg filters are "
          "for scale)")
    print(f"   {'method':30s} {'time':>8s} {'ms/frame':>9s} {'it/floor':>9s}")
    for name in methods:
        t = statistics.median(times[name])
        print(f"   {name:30s} {t:7.2f}s {t / n * 1000:9.1f} {t / floor:8.2f}×")
    ours = statistics.median(times["ours  match_colour + encode"])
    print(f"   ratio ours (grade + encode) / encode floor: {ours / floor:.2f}×")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0, help="length of the test film (30–60 s is realistic)")
    ap.add_argument("--sizes", default="1280x720,320x180", help="film sizes for cut detection, comma-separated")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--preset", default="medium", help="libx264 preset for part 3 (Timeline.render's default)")
    ap.add_argument("--crf", type=int, default=18)
    ap.add_argument("--skip", default="", help="parts to skip, e.g. 'report' or 'cuts'")
    args = ap.parse_args()
    print(f"bench_continuity · {load_note()} (timings drift on a busy machine: compare the ratios)")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "cuts" not in args.skip:
            for s in args.sizes.split(","):
                w, h = (int(v) for v in s.lower().split("x"))
                bench_cuts((w, h), args.seconds, args.repeat, tmp)
        if "report" not in args.skip:
            bench_report_and_grade(args.repeat, tmp, args.preset, args.crf)
    print(f"\nend · {load_note()}")


if __name__ == "__main__":
    main()
