"""``filmkit prompt parse|expand|check``: Midjourney prompts from the terminal.

* ``filmkit prompt parse TEXT [--json] [--version V] [--plan P]`` prints the prompt's parts; exit 2 with the
  problems on stderr when it has errors for that version (warnings go to stderr too, exit 0).
* ``filmkit prompt expand TEXT`` prints one prompt per line for a permutation prompt.
* ``filmkit prompt check FILE`` checks a prompt-library file (``filmkit.style.check_library_file``).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``filmkit prompt …``."""
    top = sub.add_parser("prompt", help="read, check and expand Midjourney prompts")
    cmds = top.add_subparsers(dest="prompt_command", metavar="ACTION", required=True)

    p = cmds.add_parser("parse", help="show a prompt's text, weights, images and parameters; exit 2 if invalid")
    p.add_argument("text", nargs="+", help="the prompt (quote it: 'misty harbour --ar 16:9')")
    p.add_argument("--json", action="store_true", help="print JSON: text, params, weights, image_prompts")
    p.add_argument("--version", dest="model", default=None, metavar="V",
                   help="model to check against (7, 6.1, 'niji 6'); default: the prompt's own --v/--niji, else 7")
    p.add_argument("--plan", default="standard", choices=["basic", "standard", "pro", "mega"],
                   help="subscription plan, for permutation and --repeat limits (default: standard)")
    p.set_defaults(func=_parse)

    p = cmds.add_parser("expand", help="print the prompts a {a, b} permutation makes, one per line")
    p.add_argument("text", nargs="+")
    p.set_defaults(func=_expand)

    p = cmds.add_parser("check", help="check a prompt-library file (TOML or YAML)")
    p.add_argument("file", help="the library file")
    p.set_defaults(func=_check)


def _text(args: argparse.Namespace) -> str:
    return " ".join(args.text)


def prompt_json(prompt: Any) -> dict[str, Any]:
    """The JSON shape of ``filmkit prompt parse --json``.

    >>> from filmkit.prompts import parse_prompt
    >>> prompt_json(parse_prompt("hot::2 dog --ar 3:2 --tile"))
    {'text': 'hot::2 dog', 'params': {'aspect': '3:2', 'tile': True}, 'weights': [{'text': 'hot', 'weight': 2}, {'text': 'dog', 'weight': 1}], 'image_prompts': []}
    """
    weights = prompt.weights
    return {
        "text": prompt.text,
        "params": dict(prompt.params.items()),
        "weights": None if weights is None else [{"text": w.text, "weight": w.weight} for w in weights],
        "image_prompts": list(prompt.image_prompts),
    }


def _report(problems: list[Any]) -> int:
    errors = 0
    for problem in problems:
        print(f"{problem.severity}: [{problem.code}] {problem.message}", file=sys.stderr)
        errors += problem.is_error
    return 2 if errors else 0


def _parse(args: argparse.Namespace) -> int:
    from ..prompts import parse_prompt, validate_prompt

    text = _text(args)
    prompt = parse_prompt(text)
    problems = validate_prompt(text, version=args.model, plan=args.plan)
    if args.json:
        print(json.dumps(prompt_json(prompt), ensure_ascii=False))
    else:
        print(_breakdown(prompt))
    return _report(problems)


def _breakdown(prompt: Any) -> str:
    from .._mj_params import SPECS

    lines = [f"prompt   {prompt}"]
    for url in prompt.image_prompts:
        lines.append(f"image    {url}")
    if prompt.weights:
        for part in prompt.weights:
            lines.append(f"part     {part.text!r} weight {part.weight}")
    else:
        lines.append(f"text     {prompt.text!r}")
    for name, value in prompt.params.items():
        spec = SPECS.get(name)
        shown = "(flag)" if value is True else value
        lines.append(f"--{name:<8} {shown:<24} {spec.help if spec else 'unknown parameter'}")
    lines.append(f"model    {prompt.version or '7 (default)'}")
    if prompt.permutations != 1:
        lines.append(f"jobs     {prompt.permutations} (permutations)")
    return "\n".join(lines)


def _expand(args: argparse.Namespace) -> int:
    from ..prompts import expand_prompt

    for prompt in expand_prompt(_text(args)):
        print(prompt)
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        from ..style import check_library_file
    except ImportError as exc:
        from ..errors import FilmkitError

        raise FilmkitError(f"checking library files needs filmkit.style, which is not available ({exc}).") from None
    problems = check_library_file(args.file)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{args.file}: OK, no problems found.")
    return 0
