"""filmkit: a Jupyter workshop kit for AI film art.

``import filmkit as fk`` is quick: every name below is loaded on first use, and heavy libraries (moviepy,
OpenCV, librosa, ipywidgets, httpx) only when a function needs them.

>>> import filmkit as fk
>>> fk.parse_prompt("misty harbour at dawn --ar 16:9").params["aspect"]
'16:9'
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (relative to this package), grouped by area.
# Rule: a public name never equals a module name (importing `filmkit.x` would replace the attribute `fk.x`).
_EXPORTS: dict[str, str] = {
    # --- foundation ----------------------------------------------------------------------------------
    "config": "settings",
    "FilmkitError": "errors",
    "Asset": "assets",
    "Provenance": "assets",
    "Clip": "clip",
    "Audio": "audio",
    "load_audio": "audio",
    "doctor": "diagnostics",
    # --- prompts (Midjourney's language) -----------------------------------------------------------------
    "Prompt": "prompts",
    "Problem": "prompts",
    "parse_prompt": "prompts",
    "validate_prompt": "prompts",
    "expand_prompt": "prompts",
    "read_midjourney_file": "mj_files",
    # --- style bible & prompt library ---------------------------------------------------------------------
    "StyleBible": "style",
    "PromptLibrary": "style",
    "load_library": "style",
    "save_library": "style",
    # --- studio: generate, previz, cache ----------------------------------------------------------------
    # --- studio: runway, credits ledger, budget ---------------------------------------------------------
    # --- visual library (catalogue) ---------------------------------------------------------------------
    "Catalog": "catalog",
    "contact_sheet": "catalog",
    "import_downloads": "catalog",
    "open_catalog": "catalog",
    # --- motion: easing, curves, schedules, camera moves ---------------------------------------------------
    # --- sound analysis, audio-reactive, keying, tracking, compositing ---------------------------------------
    # --- edit: transitions, shots, timeline, titles, storyboard --------------------------------------------
    # --- grading: checks, course -------------------------------------------------------------------------
}

# submodules reachable as fk.<name>
_SUBMODULES = {"errors"}

__all__ = sorted([*_EXPORTS, *_SUBMODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'filmkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{target}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
