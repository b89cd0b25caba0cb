"""`import filmkit` is quick: it loads none of the heavy libraries, and missing extras say what to install."""
from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ["moviepy", "cv2", "librosa", "ipywidgets", "httpx", "runwayml", "c2pa", "matplotlib", "nbgrader", "numba"]


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_import_filmkit_loads_no_heavy_library() -> None:
    assert _loaded_after("import filmkit") == []


def test_touching_light_public_names_stays_light() -> None:
    code = ("import filmkit as fk\n"
            "fk.config.provider; fk.Provenance; fk.FilmkitError; fk.Asset; fk.Clip; fk.Audio\n")
    assert _loaded_after(code) == []


def test_missing_dependency_names_the_package() -> None:
    from filmkit._lazy import require
    from filmkit.errors import MissingDependency

    with pytest.raises(MissingDependency, match="pip install") as info:
        require("definitely_not_a_module_xyz")
    assert isinstance(info.value, ImportError)
