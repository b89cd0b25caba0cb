"""``filmkit generate "PROMPT"``: make a job's images (offline previz by default) and print their paths."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this area's subcommands."""
    p = sub.add_parser("generate", help="make images from a prompt (previz offline by default) and print their paths",
                       description="Make a job of candidate images for a Midjourney-style prompt. Repeating a "
                                   "prompt is a cache hit: nothing is re-rendered or re-bought.")
    p.add_argument("prompt", help='the prompt, quoted: "misty harbour at dawn --ar 16:9"')
    p.add_argument("--provider", choices=["previz", "runway"], default=None,
                   help="previz (offline, default from the config) or runway (needs RUNWAYML_API_SECRET)")
    p.add_argument("--seed", type=int, default=None, help="seed (default: the prompt's --seed, else from the prompt)")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="copy the images into DIR (default: print their paths in the workspace cache)")
    p.add_argument("--scale", type=float, default=None,
                   help="previz only: render at this fraction of the full size, for quick drafts (e.g. 0.25)")
    p.add_argument("--refresh", action="store_true", help="ask the provider again even if the result is cached")
    p.set_defaults(func=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    from ..studio import generate

    options = {} if args.scale is None else {"scale": args.scale}
    job = generate(args.prompt, provider=args.provider, seed=args.seed, refresh=args.refresh, **options)
    paths = job.save(args.out) if args.out else [a.path for a in job]
    for path in paths:
        print(path)
    return 0
