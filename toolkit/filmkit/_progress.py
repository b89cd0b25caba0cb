"""Progress bars that suit both notebooks and terminals, and stay quiet in tests and CI logs."""
from __future__ import annotations

import os
import sys
from typing import Any, Iterable, Iterator, TypeVar

T = TypeVar("T")


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool | None = None,
             **kw: Any) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm bar (notebook-aware); plain iteration when disabled.

    Disabled when ``FILMKIT_PROGRESS=0`` or stderr is not a terminal outside a notebook.

    >>> list(progress(range(3), enabled=False))
    [0, 1, 2]
    """
    if enabled is None:
        flag = os.environ.get("FILMKIT_PROGRESS")
        if flag is not None:
            enabled = flag not in {"0", "false", "no", ""}
        else:
            enabled = _in_notebook() or sys.stderr.isatty()
    if not enabled:
        yield from iterable
        return
    from tqdm.auto import tqdm

    bar = tqdm(iterable, total=total, desc=desc, leave=False, **kw)
    try:
        yield from bar
    finally:
        bar.close()


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()  # type: ignore[attr-defined]
    except Exception:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"
