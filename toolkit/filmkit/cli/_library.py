"""``filmkit library import|sheet|list|export``: the visual library from the terminal."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    lib = sub.add_parser("library", help="the visual library: import downloads, contact sheets, selects")
    cmds = lib.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    p = cmds.add_parser("import", help="import a folder or zip of Midjourney downloads")
    p.add_argument("path", type=Path)
    p.add_argument("--tag", action="append", default=[], help="tag every imported image (repeatable)")
    p.set_defaults(func=_import)
    p = cmds.add_parser("sheet", help="write a contact sheet of the library")
    p.add_argument("--tag", action="append", default=[], help="only images with this tag (repeatable)")
    p.add_argument("--search", default=None, help="only images whose prompt has these words")
    p.add_argument("--selects", action="store_true", help="only selects")
    p.add_argument("--columns", type=int, default=4)
    p.add_argument("--out", type=Path, required=True, help="PNG file to write")
    p.set_defaults(func=_sheet)
    p = cmds.add_parser("list", help="list the library")
    p.add_argument("--tag", action="append", default=[])
    p.add_argument("--search", default=None)
    p.set_defaults(func=_list)
    p = cmds.add_parser("export", help="copy the selects to a folder with a manifest")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--tag", action="append", default=[])
    p.set_defaults(func=_export)


def _import(args: argparse.Namespace) -> int:
    from ..catalog import import_downloads

    report = import_downloads(args.path, tags=args.tag)
    print(report)
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from ..catalog import open_catalog
    from ..errors import CatalogError

    if args.out.exists():
        raise CatalogError(f"{args.out} already exists; choose another --out (filmkit never overwrites your files).")
    sheet = open_catalog().contact_sheet(args.search, tags=args.tag, selects=True if args.selects else None,
                                         columns=args.columns)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out)
    print(args.out)
    return 0


def _list(args: argparse.Namespace) -> int:
    from ..catalog import open_catalog

    for e in open_catalog().search(args.search, tags=args.tag):
        print(repr(e))
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..catalog import open_catalog

    print(open_catalog().export_selects(args.out, tags=args.tag))
    return 0
