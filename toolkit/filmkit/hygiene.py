"""Key hygiene: find API keys and oversized outputs before they reach a notebook, a commit or a manifest.

Used by ``filmkit check-notebooks`` (in CI, and as a git pre-commit hook for learners — see
``.pre-commit-hooks.yaml``) and by tests that scan everything a render or a Runway session wrote.

Examples
--------
>>> from filmkit.hygiene import find_secrets
>>> find_secrets("RUNWAYML_API_SECRET = 'key_" + "ab" * 64 + "'")
['Runway API key', 'RUNWAYML_API_SECRET assignment']
>>> find_secrets("nothing to see")
[]
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

__all__ = ["find_secrets", "Finding", "scan_notebook", "scan_notebooks", "files_containing"]

_PATTERNS = [
    ("Runway API key", re.compile(r"key_[0-9a-fA-F]{64,}")),
    ("RUNWAYML_API_SECRET assignment", re.compile(
        r"RUNWAYML_API_SECRET['\"]?\s*[:=]\s*\\?['\"][A-Za-z0-9_\-]{16,}")),
    ("bearer token", re.compile(r"Bearer\s+[A-Za-z0-9._\-]{24,}")),
    ("OpenAI-style key", re.compile(r"\bsk-[A-Za-z0-9_\-]{24,}")),
]


def find_secrets(text: str) -> list[str]:
    """Names of the kinds of secret found in ``text`` (each kind once)."""
    return [name for name, rx in _PATTERNS if rx.search(text)]


@dataclass(frozen=True)
class Finding:
    """One problem in one file."""

    path: Path
    problem: str
    cell: int | None = None

    def __str__(self) -> str:
        where = f" (cell {self.cell})" if self.cell is not None else ""
        return f"{self.path}{where}: {self.problem}"


def scan_notebook(path: str | Path, *, max_output_bytes: int = 1_000_000,
                  max_file_bytes: int = 3_000_000) -> list[Finding]:
    """Secrets anywhere in the notebook, and outputs or files over the size limits."""
    p = Path(path)
    raw = p.read_text(encoding="utf-8", errors="replace")
    findings = [Finding(p, f"contains what looks like a {kind}; remove it and use the environment variable "
                           "RUNWAYML_API_SECRET instead (then rotate the key: it may have been shared)")
                for kind in find_secrets(raw)]
    if len(raw.encode("utf-8")) > max_file_bytes:
        findings.append(Finding(p, f"is {len(raw) / 1e6:.1f} MB, over {max_file_bytes / 1e6:.1f} MB: clear large "
                                   "outputs (display media from files, not embedded)"))
    try:
        nb = json.loads(raw)
    except json.JSONDecodeError as exc:
        return findings + [Finding(p, f"is not valid notebook JSON ({exc.msg} at line {exc.lineno})")]
    for i, cell in enumerate(nb.get("cells", [])):
        size = len(json.dumps(cell.get("outputs", [])).encode("utf-8"))
        if size > max_output_bytes:
            findings.append(Finding(p, f"outputs are {size / 1e6:.1f} MB (limit {max_output_bytes / 1e6:.1f} MB): "
                                       "show a thumbnail or write media to a file", cell=i))
    return findings


def scan_notebooks(paths: Iterable[str | Path], **limits: int) -> list[Finding]:
    """Scan notebooks, and every ``*.ipynb`` under folders given (checkpoints skipped)."""
    findings: list[Finding] = []
    for entry in paths:
        p = Path(entry)
        files = sorted(p.rglob("*.ipynb")) if p.is_dir() else [p]
        for f in files:
            if ".ipynb_checkpoints" in f.parts or ".venv" in f.parts:
                continue
            findings += scan_notebook(f, **limits)
    return findings


def files_containing(folder: str | Path, secret: str) -> list[Path]:
    """Every file under ``folder`` whose bytes contain ``secret`` (text or binary, any depth)."""
    needle = secret.encode("utf-8")
    hits = []
    for f in sorted(Path(folder).rglob("*")):
        if f.is_file() and not f.is_symlink():
            with open(f, "rb") as fh:
                if needle in fh.read():
                    hits.append(f)
    return hits
