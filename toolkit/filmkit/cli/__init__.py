"""The ``filmkit`` command. Thin: each subcommand parses arguments and calls one public function.

A :class:`~filmkit.errors.FilmkitError` becomes one line on stderr and exit code 2; bad arguments exit 2 too.
Subcommands live in one module per area (``filmkit.cli._prompt`` …), each with ``register(subparsers)``.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from ..errors import FilmkitError

__all__ = ["main", "build_parser"]

# the modules that add subcommands, in the order `filmkit --help` lists them
AREAS = ["_doctor", "_prompt", "_studio", "_credits", "_library", "_motion", "_edit", "_course", "_film",
         "_continuity"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="filmkit", description="AI film art workshop kit (offline by default).")
    parser.add_argument("--version", action="version", version="filmkit " + __import__("filmkit").__version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in AREAS:
        importlib.import_module(f".{area}", __name__).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except FilmkitError as exc:
        print(f"filmkit {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"filmkit {args.command}: interrupted", file=sys.stderr)
        return 130
