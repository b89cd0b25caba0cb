"""``filmkit doctor``."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("doctor", help="check whether this machine is ready for the workshop")
    p.add_argument("--quick", action="store_true", help="skip the JupyterLab extension check (slow)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import doctor

    report = doctor(check_extensions=not args.quick)
    print(report)
    return 0 if report.ready else 1
