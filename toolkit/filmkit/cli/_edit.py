"""Subcommands of the edit area: ``filmkit storyboard`` and ``filmkit animatic``.

Both read a small TOML file of panels (image paths are relative to the file)::

    title = "Liminal Spaces"          # optional, printed on the sheet
    music = "theme.wav"               # optional, for the animatic
    bpm = 96                          # optional: snap the animatic's cuts to this beat

    [[panel]]
    image = "keys/door.png"
    description = "A door stands in the sea. Slow push in."
    seconds = 3
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import FileFormatError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this area's subcommands."""
    p = sub.add_parser("storyboard", help="lay out a storyboard sheet (PNG or PDF) from a panels TOML file")
    p.add_argument("file", type=Path, help="TOML file with [[panel]] tables (image, description, seconds)")
    p.add_argument("--out", type=Path, required=True, help="board.png or board.pdf")
    p.add_argument("--columns", type=int, default=3)
    p.add_argument("--rows-per-page", type=int, default=3, help="PDF only")
    p.set_defaults(func=_storyboard)

    a = sub.add_parser("animatic", help="render the panels in time (captions burned in, cuts on the beat) to mp4")
    a.add_argument("file", type=Path, help="TOML file with [[panel]] tables (image, description, seconds)")
    a.add_argument("--out", type=Path, required=True, help="animatic.mp4")
    a.add_argument("--music", type=Path, default=None, help="a sound file under the animatic")
    a.add_argument("--bpm", type=float, default=None, help="snap cuts to this tempo")
    a.add_argument("--fps", type=float, default=24)
    a.add_argument("--size", default="1280x720", help="WxH, e.g. 1280x720")
    a.set_defaults(func=_animatic)


def _read(path: Path) -> tuple[dict[str, Any], list[Any]]:
    from .._tomlfile import read_toml
    from ..storyboards import Panel

    data, index = read_toml(path)  # a syntax error names its line; works on Python 3.10 too (tomli)
    rows = data.get("panel")
    if not isinstance(rows, list) or not rows:
        raise FileFormatError(path, [(None, "no panels: add [[panel]] tables with image = \"...\"")])
    problems: list[tuple[int | None, str]] = []
    panels = []
    for i, row in enumerate(rows, 1):
        img = row.get("image") if isinstance(row, dict) else None
        if not isinstance(img, str):
            problems.append((index.line("panel", i - 1), f"panel {i} needs image = \"path/to/image.png\""))
            continue
        img_path = (path.parent / img).resolve()
        if not img_path.is_file():
            problems.append((index.line("panel", i - 1, "image"),
                             f"panel {i}: image {img!r} not found (paths are relative to {path.name})"))
            continue
        try:
            panels.append(Panel(img_path, number=row.get("number", i), description=str(row.get("description", "")),
                                seconds=float(row.get("seconds", 2.0))))
        except (TypeError, ValueError) as exc:
            problems.append((index.line("panel", i - 1), f"panel {i}: {exc}"))
    if problems:
        raise FileFormatError(path, problems)
    return data, panels


def _storyboard(args: argparse.Namespace) -> int:
    from ..storyboards import save_storyboard

    data, panels = _read(args.file)
    out = save_storyboard(panels, args.out, columns=args.columns, rows_per_page=args.rows_per_page,
                          title=data.get("title"))
    print(out)
    return 0


def _animatic(args: argparse.Namespace) -> int:
    from ..storyboards import animatic

    data, panels = _read(args.file)
    try:
        w, h = (int(v) for v in str(args.size).lower().split("x"))
    except ValueError:
        raise FileFormatError(args.size, [(None, "--size must look like WxH, e.g. 1280x720")]) from None
    music = args.music or (args.file.parent / data["music"] if "music" in data else None)
    bpm = args.bpm if args.bpm is not None else data.get("bpm")
    clip = animatic(panels, music, bpm=bpm, fps=args.fps, size=(w, h))
    print(clip.save(args.out).path)
    return 0
