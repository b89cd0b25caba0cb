"""``filmkit render PROJECT``, ``filmkit demo`` and ``filmkit new PROJECT``: a whole film from a project file."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("render", help="render a film project file (TOML) to film.mp4 + storyboard, credits, manifest")
    p.add_argument("project", type=Path, help="the project file, e.g. my_film.toml")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: <workspace>/films/<name>)")
    p.add_argument("--provider", choices=["previz", "runway"], default=None,
                   help="override the project's provider (runway needs RUNWAYML_API_SECRET)")
    p.set_defaults(func=_render)
    d = sub.add_parser("demo", help="render the bundled sample film offline (previz), every stage of the pipeline")
    d.add_argument("--out", type=Path, default=None, help="output folder (default: <workspace>/films/demo)")
    d.set_defaults(func=_demo)
    n = sub.add_parser("new", help="write a commented starter project file (3 shots, music, credits, a declared length)")
    n.add_argument("project", type=Path, help="the file to write, e.g. my_film.toml (never overwritten)")
    n.add_argument("--title", default="Untitled", help="the film's title")
    n.add_argument("--author", action="append", dest="authors", default=None, metavar="NAME",
                   help="an author (repeat for several; default: A. Learner)")
    n.set_defaults(func=_new)


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _render(args: argparse.Namespace) -> int:
    from ..render import render_project

    print(render_project(args.project, out=args.out, provider=args.provider, progress=_say))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ..render import render_demo
    from ..settings import config

    out = args.out or config.ensure_workspace() / "films" / "demo"
    print(render_demo(out=out, progress=_say))
    return 0


def _new(args: argparse.Namespace) -> int:
    from ..starter import new_project

    path = new_project(args.project, title=args.title, authors=args.authors or ["A. Learner"])
    print(f"wrote {path}: edit it, then `filmkit render {path}`")
    return 0
