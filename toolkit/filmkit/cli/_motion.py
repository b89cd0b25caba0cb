"""``filmkit animate`` (camera moves on a still) and ``filmkit schedule`` (read a Deforum schedule).

* ``filmkit animate IMAGE --move push-in|pull-out|pan-left|pan-right|tilt-up|tilt-down|truck-left|truck-right|roll
  --seconds 5 --fps 24 [--size 1280x720] [--ease NAME] [--amount A] [--motion-blur S] --out clip.mp4``
  renders the move with :func:`filmkit.camera.animate` and prints the written file.
* ``filmkit schedule TEXT --frames N [--seed S]`` prints one value per frame (checks a pasted Deforum string).
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..errors import FilmkitError


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[x×X:]\s*(\d+)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"--size must look like WIDTHxHEIGHT (e.g. 1280x720); got {text!r}")
    return int(m.group(1)), int(m.group(2))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``filmkit animate`` and ``filmkit schedule``."""
    from ..camera import MOVES

    p = sub.add_parser("animate", help="animate a still with a camera move (push-in, pan, tilt, truck, roll) to mp4")
    p.add_argument("image", help="the still (png, jpg, webp …)")
    p.add_argument("--move", default="push-in", choices=MOVES, help="the camera move (default: push-in)")
    p.add_argument("--seconds", type=float, default=5.0, help="length in seconds (default 5)")
    p.add_argument("--fps", type=float, default=24.0, help="frames per second (default 24)")
    p.add_argument("--size", type=_size, default=None, metavar="WxH",
                   help="output size, even numbers (default: the image's aspect at ≤1280 px wide)")
    p.add_argument("--ease", default="ease_in_out_sine", help="easing name from easings.net (default ease_in_out_sine)")
    p.add_argument("--amount", type=float, default=None,
                   help="push-in/pull-out: magnification (1.2); pan/tilt/truck: frame widths (0.2); roll: degrees (5)")
    p.add_argument("--motion-blur", type=float, default=0.0, metavar="SHUTTER",
                   help="shutter as a fraction of a frame, 0–1 (0.5 = 180°; default 0 = none)")
    p.add_argument("--out", required=True, help="the mp4 to write")
    p.set_defaults(func=_animate)

    p = sub.add_parser("schedule", help="read a Deforum schedule string and print one value per frame")
    p.add_argument("text", help="the schedule, e.g. '0:(1.0), 48:(1.2)' (quote it)")
    p.add_argument("--frames", type=int, required=True, help="max_frames: how many frames to print")
    p.add_argument("--seed", type=int, default=None, help="the value of s, if the schedule uses it")
    p.set_defaults(func=_schedule)


def _animate(args: argparse.Namespace) -> int:
    from ..camera import animate

    image = Path(args.image)
    if not image.is_file():
        raise FilmkitError(f"{image} does not exist; give the path of a still image.")
    clip = animate(image, args.move, seconds=args.seconds, fps=args.fps, size=args.size, ease=args.ease,
                   amount=args.amount, motion_blur=args.motion_blur)
    asset = clip.save(args.out)
    print(f"{asset.path}  ({clip.size[0]}×{clip.size[1]}, {clip.duration:.2f} s @ {clip.fps:g} fps, {args.move})")
    return 0


def _schedule(args: argparse.Namespace) -> int:
    from ..schedules import parse_schedule

    sched = parse_schedule(args.text, max_frames=args.frames, seed=args.seed)
    for i, v in enumerate(sched.values):
        print(f"{i}\t{v:.6g}")
    return 0
