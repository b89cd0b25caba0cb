"""``filmkit doctor``."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("doctor", help="check whether this machine is ready for the workshop")
    p.add_argument("--quick", action="store_true", help="skip the JupyterLab extension check (slow)")
    p.set_defaults(func=run)
    c = sub.add_parser("check-notebooks", help="fail on notebooks holding an API key or oversized outputs "
                                               "(use in CI or as a git pre-commit hook)")
    c.add_argument("paths", nargs="*", default=["."], help="notebooks or folders (default: here)")
    c.add_argument("--max-output-kb", type=int, default=1000, help="largest output of one cell (KB)")
    c.add_argument("--max-file-kb", type=int, default=3000, help="largest notebook file (KB)")
    c.set_defaults(func=check_notebooks)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import doctor

    report = doctor(check_extensions=not args.quick)
    print(report)
    return 0 if report.ready else 1


def check_notebooks(args: argparse.Namespace) -> int:
    from ..hygiene import scan_notebooks

    findings = scan_notebooks(args.paths, max_output_bytes=args.max_output_kb * 1000,
                              max_file_bytes=args.max_file_kb * 1000)
    for f in findings:
        print(f)
    if not findings:
        print("notebooks OK: no keys, no oversized outputs")
    return 1 if findings else 0
