"""`filmkit doctor` tells an instructor whether a machine is ready, and never shows a key."""
from __future__ import annotations

import pytest

from filmkit.cli import main
from filmkit.diagnostics import doctor


def test_doctor_reports_the_workshop_essentials(monkeypatch: pytest.MonkeyPatch) -> None:
    report = doctor(check_extensions=False)
    names = [c.name for c in report.checks]
    for expected in ("Python", "ffmpeg", "JupyterLab", "Jupyter kernel", "workspace", "free disk", "Runway key"):
        assert expected in names
    by_name = {c.name: c for c in report.checks}
    assert by_name["ffmpeg"].status == "ok" and "ffmpeg" in by_name["ffmpeg"].detail
    assert by_name["Runway key"].detail.startswith("RUNWAYML_API_SECRET not set")
    assert report.ready


def test_doctor_masks_the_key(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    secret = "key_" + "9f3c" * 32
    monkeypatch.setenv("RUNWAYML_API_SECRET", secret)
    assert main(["doctor", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "set (…9f3c)" in out
    assert secret[:-4] not in out and secret not in out


def test_doctor_fails_on_unwritable_workspace(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("FILMKIT_WORKSPACE", str(blocker / "ws"))
    from filmkit.settings import config

    config.reload()
    report = doctor(check_extensions=False)
    ws = {c.name: c for c in report.checks}["workspace"]
    assert ws.status == "fail" and "FILMKIT_WORKSPACE" in ws.fix
    assert not report.ready


def test_extension_checks_tell_enabled_broken_and_missing_apart() -> None:
    from filmkit.diagnostics import _ext_check

    listing = ("        @jupyter-widgets/jupyterlab-manager v5.0.16 enabled OK (python, jupyterlab_widgets)\n"
               "        @jupyter/nbgrader v0.9.5 enabled  X\n")
    assert _ext_check(listing, "@jupyter-widgets/jupyterlab-manager", "widgets").status == "ok"
    broken = _ext_check(listing, "@jupyter/nbgrader", "nbgrader")
    assert broken.status == "fail" and "does not match the installed JupyterLab" in broken.fix
    missing = _ext_check(listing, "@jupyter/other", "other")
    assert missing.status == "fail" and "workshop.py" in missing.fix
