"""Parse and validate 10,000 varied Midjourney prompts and print prompts per second.

Run: ``.venv/bin/python benchmarks/bench_prompts.py`` (``--n 50000`` for more). The target is well above
10,000 prompts/s on one core. The prompts are made deterministically (seed 0) from the kinds learners write:
plain text, parameters of every kind, image prompts, ``::`` weights, permutations, and mistakes.
"""
from __future__ import annotations

import argparse
import random
import time

from filmkit.prompts import parse_prompt, validate_prompt

SUBJECTS = ["misty harbour at dawn", "a lighthouse keeper reading by lamplight", "neon alley in the rain",
            "desert caravan under a violet sky", "koi pond, overhead shot", "astronaut on a horse",
            "still life painting:: fruit::-.5", "hot::2 dog", "a {red, green, yellow} bird",
            "A {sculpture, painting} of a {seagull {on a pier, on a beach}, poodle {on a sofa, in a truck}}",
            "poppies--ar 2:3", "cinematic portrait of an old fisherman, 35mm, Kodak Portra 400, shallow depth"]
PARAMS = ["--ar 16:9", "--ar 2.39:1", "--ar 3:2", "--s 250", "--stylize 1200", "--c 30", "--chaos 150",
          "--q 2", "--v 6.1", "--v 7", "—v 6", "--niji 6", "--style raw", "--raw", "--tile", "--seed 1234",
          "--stop 80", "--no trees, people", "--sref 2618598419 1447058389", "--sw 300", "--cref https://s.mj.run/a1",
          "--cw 40", "--oref https://s.mj.run/b2", "--ow 200", "--exp 25", "--p q9qrcqo", "--weird 500",
          "--iw 2", "--draft", "--stylise 300", "–ar 4:5", "--AR 1:1", "--r 4"]
IMAGES = ["", "", "", "https://s.mj.run/abc123 ", "<https://s.mj.run/def456> https://example.com/ref.png "]


def make_prompts(n: int, *, seed: int = 0) -> list[str]:
    """``n`` varied prompts, the same ones for the same seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        params = " ".join(rng.sample(PARAMS, rng.randint(0, 5)))
        out.append(f"{rng.choice(IMAGES)}{rng.choice(SUBJECTS)} {params}".strip())
    return out


def _best(fn, prompts: list[str], repeats: int) -> float:
    """The best of ``repeats`` CPU-time runs (other processes on a shared machine inflate wall time)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        fn(prompts)
        best = min(best, time.process_time() - t0)
    return best


def _parse_and_validate(prompts: list[str]) -> None:
    for text in prompts:
        validate_prompt(parse_prompt(text))


def _parse(prompts: list[str]) -> None:
    for text in prompts:
        parse_prompt(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3, help="report the best of this many runs")
    args = ap.parse_args()
    prompts = make_prompts(args.n)
    _parse_and_validate(prompts[:200])  # warm up
    n_problems = sum(len(validate_prompt(text)) for text in prompts)
    n_perm = sum("{" in text for text in prompts)
    dt = _best(_parse_and_validate, prompts, args.repeats)
    dt_parse = _best(_parse, prompts, args.repeats)
    print(f"{len(prompts):,} prompts ({n_perm:,} with permutations), {n_problems:,} problems found")
    print(f"parse + validate: {dt:.3f} s CPU = {len(prompts) / dt:,.0f} prompts/s")
    print(f"parse only:       {dt_parse:.3f} s CPU = {len(prompts) / dt_parse:,.0f} prompts/s")


if __name__ == "__main__":
    main()
