"""The public API is pinned: a name added or removed here is a decision, not an accident (STYLE.md rule 14)."""
from __future__ import annotations

import importlib
import inspect
import types

import pytest

import filmkit as fk

PUBLIC = [
    'Asset', 'Audio', 'AudioAnalysis', 'Budget', 'CameraPath', 'Catalog', 'Clip', 'Consent', 'ContentCredentials',
    'ContinuityReport', 'CreditsReport', 'Curve', 'FilmkitError', 'FootageTruth', 'GenerationCache', 'Job', 'KeyedClip',
    'Ledger', 'Manifest', 'Matte', 'MusicTruth', 'Palette', 'Panel', 'PrevizProvider', 'Problem', 'Project', 'Prompt',
    'PromptLibrary', 'Provenance', 'RunwayProvider', 'SAMPLE_FRAMES', 'Schedule', 'Shot', 'StyleBible', 'Timeline',
    'Title', 'Track', 'Transition', '__version__', 'analyse_audio', 'animate', 'animatic', 'audio_reactive', 'budget',
    'camera_move', 'check_library_file', 'checks', 'chroma_key', 'composite_over', 'composition_overlay', 'config',
    'contact_sheet', 'continuity_report', 'course', 'credits_report', 'credits_roll', 'credits_text', 'crossfade',
    'cut', 'deforum_to_path', 'delta_e', 'detect_cuts', 'dip_to_black', 'dip_to_white', 'disclosure', 'doctor',
    'easing', 'errors', 'example_library', 'expand_prompt', 'flow_morph', 'format_schedule', 'generate', 'get_easing',
    'get_provider', 'greenscreen_footage', 'import_downloads', 'keyframes', 'leading_lines', 'load_audio',
    'load_library', 'load_project', 'lower_third', 'luma_wipe', 'match_colour', 'match_move', 'move_camera',
    'negative_space', 'new_project', 'open_catalog', 'palette', 'pan', 'parallax', 'parse_prompt', 'parse_schedule',
    'path_to_deforum', 'pin', 'pull_out', 'push_in', 'read_credentials', 'read_midjourney_file', 'render_demo',
    'render_previz', 'render_project', 'roll', 'sample_frame', 'save_library', 'save_storyboard', 'settings',
    'sign_file', 'stabilise', 'storyboard', 'subject_point', 'synth_music', 'thirds_offset', 'tilt', 'title_card',
    'track_points', 'track_region', 'truck', 'validate_prompt', 'widgets', 'wipe', 'zoom_through',
]


def test_all_is_pinned() -> None:
    assert sorted(fk.__all__) == sorted(PUBLIC)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(fk, name) is not None


def _doc(name: str) -> str:
    obj = getattr(fk, name)
    if isinstance(obj, types.ModuleType):
        return obj.__doc__ or ""
    if not (callable(obj) or inspect.isclass(obj)) or name == "config":
        # a value (the config object, a table of names): the module that defines it documents it
        return importlib.import_module(f"filmkit.{fk._EXPORTS[name]}").__doc__ or ""
    return inspect.getdoc(obj) or ""


@pytest.mark.parametrize("name", [n for n in PUBLIC if n != "__version__"])
def test_every_public_name_shows_a_runnable_example(name: str) -> None:
    """Docstrings show a notebook cell; pytest --doctest-modules runs it (pyproject addopts)."""
    assert ">>>" in _doc(name), f"fk.{name} has no docstring example: add an Examples section"


def test_public_names_never_shadow_modules() -> None:
    """Importing filmkit.x sets the attribute fk.x to the module, so no public object may be called like a module."""
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(fk.__path__)}
    clashes = [n for n in fk._EXPORTS if n in modules]
    assert clashes == []
