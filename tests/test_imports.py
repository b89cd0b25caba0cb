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


def test_modules_new_in_python_311_come_through_one_shim() -> None:
    """filmkit supports Python 3.10, which has no ``tomllib``: every module takes it from ``_tomlfile`` (which
    falls back to ``tomli``). A bare ``import tomllib`` elsewhere passes on 3.11+ and breaks learners on 3.10."""
    import re
    from pathlib import Path

    import filmkit

    root = Path(filmkit.__file__).parent
    bare = [str(p.relative_to(root)) for p in root.rglob("*.py") if p.name != "_tomlfile.py"
            and re.search(r"^\s*(import tomllib|from tomllib import)", p.read_text(encoding="utf-8"), re.M)]
    assert bare == [], f"import tomllib through filmkit._tomlfile in: {', '.join(bare)}"
