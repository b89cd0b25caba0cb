"""``filmkit continuity``: the continuity report of a sequence of stills or videos, or of one film."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("continuity", help="report palette drift, exposure/white-balance jumps and pacing of a "
                                          "sequence (stills or videos in order, or one film with --cuts)")
    p.add_argument("files", nargs="+", help="the shots, in order (images or videos), or one rendered film")
    p.add_argument("--seconds", type=float, nargs="+", help="lengths of stills (one for all, or one per shot)")
    p.add_argument("--cuts", type=float, nargs="+", help="cut times of one film, in seconds")
    p.add_argument("--detect-cuts", action="store_true", help="find the hard cuts of one film (not dissolves)")
    p.add_argument("--reference", help="a shot name (its file name) or an image the palette should match")
    p.add_argument("--target-asl", type=float, help="the average shot length the film is cut to (seconds)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from ..continuity import continuity_report, detect_cuts
    from ..errors import FilmkitError

    files = [Path(f) for f in args.files]
    for f in files:
        if not f.is_file():
            raise FilmkitError(f"{f} does not exist.")
    seconds = None
    if args.seconds:
        seconds = args.seconds[0] if len(args.seconds) == 1 else args.seconds
    if args.cuts or args.detect_cuts:
        if len(files) != 1:
            raise FilmkitError(f"--cuts and --detect-cuts split one film; got {len(files)} files.")
        from ..clip import Clip

        film = Clip.from_file(files[0])
        cuts = args.cuts or detect_cuts(film)
        if not cuts:
            raise FilmkitError(f"no hard cuts found in {files[0].name}; give them with --cuts 2.5 6.0 ...")
        report = continuity_report(film, cuts=cuts, reference=args.reference, target_asl=args.target_asl)
    else:
        names = [f.name for f in files]
        reference = args.reference
        if reference is not None and reference not in names:
            reference = Path(reference)
        report = continuity_report(files, names=names, seconds=seconds, reference=reference,
                                   target_asl=args.target_asl)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1, ensure_ascii=False))
    else:
        print(report)
        for fix in report.suggested_fixes():
            print(f"  fix: {fix}")
    return 0 if report.ok else 1
