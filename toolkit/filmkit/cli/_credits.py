"""``filmkit credits``: what the workspace has spent, per day, per notebook and per provider, and the cap."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``filmkit credits``."""
    p = sub.add_parser("credits", help="credits spent per day, notebook and provider (from the workspace ledger)",
                       description="Print the credits this workspace has spent or reserved, per day, per notebook "
                                   "and per provider, and the budget left.")
    p.add_argument("--budget", type=float, default=None, metavar="CREDITS",
                   help="show what is left against this cap (default: FILMKIT_BUDGET / filmkit.toml)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..settings import config
    from ..studio.ledger import credits_report

    if args.budget is not None:
        config.set(budget_credits=args.budget)
    print(credits_report())
    return 0
