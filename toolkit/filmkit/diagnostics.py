"""``filmkit doctor``: one screen that says whether this machine is ready for the workshop.

Examples
--------
>>> from filmkit.diagnostics import Check, DoctorReport
>>> r = DoctorReport([Check("Python", "ok", "3.11.7"), Check("Runway key", "info", "not set")])
>>> r.ready
True
"""
from __future__ import annotations

import importlib.metadata as md
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["Check", "DoctorReport", "doctor"]

Status = Literal["ok", "warn", "fail", "info"]
_MARK = {"ok": "✔", "warn": "!", "fail": "✘", "info": "·"}


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class DoctorReport:
    """The checks, in order. ``ready`` is False when any check failed."""

    checks: list[Check]

    @property
    def ready(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def __str__(self) -> str:
        width = max(len(c.name) for c in self.checks)
        lines = ["filmkit doctor — is this machine workshop-ready?", ""]
        for c in self.checks:
            lines.append(f" {_MARK[c.status]} {c.name.ljust(width)}  {c.detail}")
            if c.fix and c.status in ("warn", "fail"):
                lines.append(f"   {' ' * width}  → {c.fix}")
        lines += ["", "READY for the workshop." if self.ready else "NOT READY: fix the ✘ lines above."]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        colour = {"ok": "#2a7", "warn": "#c80", "fail": "#c22", "info": "#888"}
        rows = "".join(
            f"<tr><td style='color:{colour[c.status]}'>{_MARK[c.status]}</td><td>{html.escape(c.name)}</td>"
            f"<td>{html.escape(c.detail)}{'<br><i>' + html.escape(c.fix) + '</i>' if c.fix and c.status != 'ok' else ''}"
            f"</td></tr>" for c in self.checks)
        verdict = "READY for the workshop." if self.ready else "NOT READY: fix the red lines."
        return f"<table>{rows}</table><p><b>{verdict}</b></p>"


def _version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def _labextensions() -> str:
    exe = Path(sys.executable).with_name("jupyter" + (".exe" if os.name == "nt" else ""))
    cmd = [str(exe) if exe.exists() else "jupyter", "labextension", "list"]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return re.sub(r"\x1b\[[0-9;]*m", "", res.stdout + res.stderr)


def _ext_check(listing: str, ext: str, label: str) -> Check:
    for line in listing.splitlines():
        if ext in line:
            ok = "enabled" in line and "OK" in line
            if ok:
                return Check(label, "ok", line.strip())
            if "enabled" in line:  # enabled but marked X: built for another JupyterLab version
                return Check(label, "fail", line.strip(),
                             "this extension does not match the installed JupyterLab version; re-run "
                             "`python3 workshop.py`, which installs matching versions")
            return Check(label, "fail", line.strip(),
                         f"run `jupyter labextension enable {ext}` in the workshop environment")
    return Check(label, "fail", "not installed", "run `python3 workshop.py` to install everything")


def doctor(*, check_extensions: bool = True) -> DoctorReport:
    """Check Python, ffmpeg, JupyterLab and its extensions, the workspace, disk and the Runway key.

    Examples
    --------
    >>> import tempfile
    >>> import filmkit as fk
    >>> with fk.config.override(workspace=tempfile.mkdtemp(), provider="previz"):
    ...     report = fk.doctor(check_extensions=False)          # skip the slow JupyterLab extension listing
    >>> [c.name for c in report.checks][:3], report.checks[-1].detail
    (['Python', 'ffmpeg', 'JupyterLab'], 'previz (offline pre-visualisation)')
    >>> print(report)
    filmkit doctor — is this machine workshop-ready?
    ...
    """
    from .settings import config, mask_secret, runway_api_key

    checks: list[Check] = []
    v = sys.version_info
    checks.append(Check("Python", "ok" if v >= (3, 10) else "fail",
                        f"{platform.python_version()} ({sys.executable})", "install Python 3.10 or newer"))
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
        first = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=30).stdout.splitlines()[0]
        checks.append(Check("ffmpeg", "ok", f"{first.split(' Copyright')[0]} (imageio-ffmpeg)"))
    except Exception as exc:  # noqa: BLE001 - any failure means no ffmpeg
        checks.append(Check("ffmpeg", "fail", f"not usable: {exc}", "pip install imageio-ffmpeg"))
    lab = _version("jupyterlab")
    checks.append(Check("JupyterLab", "ok" if lab else "fail", lab or "not installed", "pip install jupyterlab"))
    if check_extensions:
        listing = _labextensions()
        checks.append(_ext_check(listing, "@jupyter-widgets/jupyterlab-manager", "widgets extension"))
        checks.append(_ext_check(listing, "@jupyter/nbgrader", "nbgrader extension"))
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
        checks.append(Check("Jupyter kernel", "ok" if "python3" in specs else "fail",
                            "python3 → " + specs.get("python3", "missing"),
                            "run `python -m ipykernel install --sys-prefix --name python3`"))
    except Exception as exc:  # noqa: BLE001
        checks.append(Check("Jupyter kernel", "fail", str(exc), "pip install ipykernel"))
    for mod, dist, why in (("cv2", "opencv-python-headless", "tracking"), ("librosa", "librosa", "beats"),
                           ("runwayml", "runwayml", "Runway"), ("c2pa", "c2pa-python", "content credentials")):
        ver = _version(dist)
        checks.append(Check(f"{dist}", "ok" if ver else "warn", ver or f"missing ({why} will not work)",
                            f"pip install {dist}"))
    try:
        ws = config.ensure_workspace()
        with tempfile.NamedTemporaryFile(dir=ws, prefix=".doctor-", delete=True):
            pass
        checks.append(Check("workspace", "ok", f"{ws} (writable)"))
        free_gb = shutil.disk_usage(ws).free / 1e9
        checks.append(Check("free disk", "ok" if free_gb >= 2 else ("warn" if free_gb >= 0.5 else "fail"),
                            f"{free_gb:.1f} GB free", "renders need about 2 GB: free some space"))
    except Exception as exc:  # noqa: BLE001
        checks.append(Check("workspace", "fail", str(exc), "set FILMKIT_WORKSPACE to a writable folder"))
    key = runway_api_key(required=False)
    checks.append(Check("Runway key", "info", f"RUNWAYML_API_SECRET {mask_secret(key)}"
                        + ("" if key else " — lessons run offline on previz")))
    checks.append(Check("provider", "info", f"{config.provider}"
                        + (" (offline pre-visualisation)" if config.provider == "previz" else "")))
    return DoctorReport(checks)
