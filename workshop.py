#!/usr/bin/env python3
"""filmkit's two commands, for any machine with Python 3.10+ and nothing else.

    python3 workshop.py          # set everything up, then open the workshop in JupyterLab (offline)
    python3 workshop.py test     # set up what the tests need, then run the whole test suite

On Windows use ``py workshop.py`` / ``py workshop.py test``; on macOS ``python3`` as above.

Everything lands in ``.venv/`` beside this file (an isolated environment, never your system Python).
Steps are skipped when already done, so running a command twice is quick. The steps, in order:

1. ``venv``     create ``.venv`` with the Python running this script (must be 3.10+)
2. ``install``  ``pip install -e .[test]`` (re-run only when ``pyproject.toml`` changes)
3. ``kernel``   register the environment as the Jupyter kernel ``python3`` inside ``.venv``
4. ``warm``     compile librosa's numba kernels once, so the first beat analysis in a lesson does not stall
5. then either JupyterLab on ``lessons/`` (``start``), ``filmkit demo`` (``start --headless``), or pytest (``test``)

The workshop is offline by default: the ``previz`` provider is used unless ``RUNWAYML_API_SECRET`` is set
*and* you choose ``FILMKIT_PROVIDER=runway``.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MIN_PYTHON = (3, 10)


def _say(msg: str) -> None:
    print(f"[workshop] {msg}", flush=True)


def _venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _venv_bin() -> Path:
    return _venv_python().parent


def _run(cmd: list[str], **kw: object) -> None:
    env = dict(os.environ)
    # nbgrader shells out to `alembic`: the venv's bin must be on PATH.
    env["PATH"] = str(_venv_bin()) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, **kw)  # type: ignore[call-overload]


def ensure_venv() -> None:
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"filmkit needs Python 3.10 or newer; this is {sys.version.split()[0]}. "
                 "Install a newer Python (python.org) and run this script with it.")
    if not _venv_python().exists():
        _say(f"creating an isolated environment in {VENV.name}/ …")
        import venv

        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)


def ensure_install(extras: str = "test") -> None:
    stamp = VENV / f".filmkit-installed-{extras}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    _say("installing filmkit and its dependencies (first time: a few minutes) …")
    py = str(_venv_python())
    _run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    _run([py, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"])
    stamp.write_text(digest)


def ensure_kernel() -> None:
    spec = VENV / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    if spec.exists():
        return
    _say("registering the Jupyter kernel …")
    _run([str(_venv_python()), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3",
          "--display-name", "Python 3 (filmkit)"])


def warm_numba() -> None:
    stamp = VENV / ".filmkit-numba-warm"
    if stamp.exists():
        return
    _say("warming librosa's numba cache (once) …")
    code = (
        "import numpy as np, librosa\n"
        "sr = 22050; t = np.arange(sr * 4) / sr\n"
        "y = (np.sin(2 * np.pi * 60 * t) * (np.mod(t, 0.5) < 0.05)).astype('float32')\n"
        "librosa.beat.beat_track(y=y, sr=sr, bpm=120.0)\n"
        "librosa.onset.onset_detect(y=y, sr=sr)\n"
        "librosa.resample(y, orig_sr=sr, target_sr=16000)\n"
    )
    _run([str(_venv_python()), "-c", code])
    stamp.write_text("ok")


def setup(extras: str = "test") -> None:
    ensure_venv()
    ensure_install(extras)
    ensure_kernel()
    warm_numba()


def start(argv: list[str]) -> int:
    setup()
    filmkit = str(_venv_bin() / ("filmkit.exe" if os.name == "nt" else "filmkit"))
    _run([filmkit, "doctor"])
    if "--headless" in argv or os.environ.get("CI"):
        _say("headless: rendering the offline demo film instead of opening JupyterLab")
        _run([filmkit, "demo", "--out", str(ROOT / "out" / "demo")])
        return 0
    _say("opening JupyterLab on lessons/ (offline previz studio; Ctrl-C here to stop)")
    lab = [str(_venv_python()), "-m", "jupyter", "lab", "--notebook-dir", str(ROOT),
           "--LabApp.default_url=/lab/tree/lessons"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # workshop containers and VMs often run as root
        lab.append("--allow-root")
    try:
        _run(lab)
    except KeyboardInterrupt:
        pass
    return 0


def test(argv: list[str]) -> int:
    setup()
    env_py = str(_venv_python())
    cmd = [env_py, "-m", "pytest", *argv]
    _say("running the test suite: " + " ".join(cmd[1:]))
    env = dict(os.environ)
    env["PATH"] = str(_venv_bin()) + os.pathsep + env.get("PATH", "")
    env.setdefault("FILMKIT_PROVIDER", "previz")
    env.pop("RUNWAYML_API_SECRET", None)  # the suite never spends real credits
    return subprocess.call(cmd, env=env, cwd=ROOT)


def main(argv: list[str]) -> int:
    if argv and argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    if argv and argv[0] == "test":
        return test(argv[1:])
    if argv and argv[0] == "start":
        argv = argv[1:]
    return start(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
