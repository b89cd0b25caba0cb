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
    "check_library_file": "style",
    "example_library": "style",
    # --- studio: generate, previz, cache ----------------------------------------------------------------
    "generate": "studio",
    "animate": "studio",
    "Job": "studio",
    "get_provider": "studio",
    "PrevizProvider": "studio",
    "render_previz": "studio",
    "GenerationCache": "studio",
    # --- studio: runway, credits ledger, budget ---------------------------------------------------------
    "RunwayProvider": "studio.runway",
    "budget": "studio.ledger",
    "Budget": "studio.ledger",
    "credits_report": "studio.ledger",
    "CreditsReport": "studio.ledger",
    "Ledger": "studio.ledger",
    # --- visual library (catalogue) ---------------------------------------------------------------------
    "Catalog": "catalog",
    "contact_sheet": "catalog",
    "import_downloads": "catalog",
    "open_catalog": "catalog",
    # --- motion: easing, curves, schedules, camera moves ---------------------------------------------------
    "get_easing": "easing",
    "Curve": "curves",
    "keyframes": "curves",
    "Schedule": "schedules",
    "parse_schedule": "schedules",
    "format_schedule": "schedules",
    "deforum_to_path": "schedules",
    "path_to_deforum": "schedules",
    "CameraPath": "camera",
    "camera_move": "camera",
    "push_in": "camera",
    "pull_out": "camera",
    "pan": "camera",
    "tilt": "camera",
    "truck": "camera",
    "roll": "camera",
    "parallax": "camera",
    "move_camera": "camera",
    # --- sound analysis, audio-reactive, keying, tracking, compositing ---------------------------------------
    "AudioAnalysis": "audio",
    "analyse_audio": "audio",
    "audio_reactive": "reactive",
    "chroma_key": "composite",
    "Matte": "composite",
    "KeyedClip": "composite",
    "Track": "composite",
    "track_points": "composite",
    "track_region": "composite",
    "stabilise": "composite",
    "pin": "composite",
    "match_move": "composite",
    "composite_over": "composite",
    "synth_music": "synth",
    "MusicTruth": "synth",
    "greenscreen_footage": "synth",
    "FootageTruth": "synth",
    # --- edit: transitions, shots, timeline, titles, storyboard --------------------------------------------
    "Transition": "transitions",
    "cut": "transitions",
    "crossfade": "transitions",
    "dip_to_black": "transitions",
    "dip_to_white": "transitions",
    "wipe": "transitions",
    "luma_wipe": "transitions",
    "zoom_through": "transitions",
    "flow_morph": "transitions",
    "Shot": "edit",
    "Timeline": "edit",
    "Title": "titles",
    "title_card": "titles",
    "lower_third": "titles",
    "Panel": "storyboards",
    "storyboard": "storyboards",
    "save_storyboard": "storyboards",
    "animatic": "storyboards",
    # --- grading: checks, course -------------------------------------------------------------------------
    "Palette": "look",
    "palette": "look",
    "delta_e": "look",
    "subject_point": "look",
    "thirds_offset": "look",
    "negative_space": "look",
    "leading_lines": "look",
    "composition_overlay": "look",
    "sample_frame": "look",
    "SAMPLE_FRAMES": "look",
    # --- film projects, provenance, content credentials --------------------------------------------------
    "Project": "project",
    "load_project": "project",
    "render_project": "render",
    "render_demo": "render",
    "new_project": "starter",
    "Manifest": "provenance",
    "Consent": "provenance",
    "disclosure": "provenance",
    "credits_text": "provenance",
    "credits_roll": "render",
    "sign_file": "credentials",
    "read_credentials": "credentials",
    "ContentCredentials": "credentials",
    # --- continuity: palette drift, exposure, pacing ---------------------------------------------------------
    "continuity_report": "continuity",
    "ContinuityReport": "continuity",
    "match_colour": "continuity",
    "detect_cuts": "continuity",
}

# submodules reachable as fk.<name>
_SUBMODULES = {"errors", "settings", "checks", "course", "widgets", "easing"}

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
