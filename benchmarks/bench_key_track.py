"""Keying and tracking speed and accuracy on synthetic green-screen footage (never a timed test).

Run: ``.venv/bin/python benchmarks/bench_key_track.py [--size 640x360] [--seconds 3]``

Prints, for the footage made by ``fk.greenscreen_footage``: matte IoU and ms/frame of ``chroma_key``; RMS track
error (px, motion relative to frame 0, vs the true path) and frames/s of Lucas–Kanade (``track_points``),
TrackerMIL alone and TrackerMIL + sub-pixel refinement (``track_region``).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import filmkit as fk


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    clip, truth = fk.greenscreen_footage(args.seconds, fps=24, size=(w, h), seed=args.seed)
    frames = fk.Clip.from_frames(np.stack(list(clip.frames())), fps=24)
    n = frames.n_frames
    print(f"footage: {w}×{h}, {n} frames")

    t = time.perf_counter()
    mattes = [fk.chroma_key(frames.frame(i), warn=False) for i in range(n)]
    key_ms = (time.perf_counter() - t) / n * 1000
    ious = [m.iou(truth.mask(i)) for i, m in enumerate(mattes)]
    print(f"chroma_key     IoU mean {np.mean(ious):.3f} min {np.min(ious):.3f}   {key_ms:6.1f} ms/frame")

    for name, run in (("LK points", lambda: fk.track_points(frames, region=truth.box)),
                      ("MIL box", lambda: fk.track_region(frames, truth.box, refine=False)),
                      ("MIL + refine", lambda: fk.track_region(frames, truth.box))):
        t = time.perf_counter()
        track = run()
        fps = n / (time.perf_counter() - t)
        print(f"{name:14s} RMS error {track.error(truth.path):6.3f} px   {fps:6.0f} frames/s")


if __name__ == "__main__":
    main()
