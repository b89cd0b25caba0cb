"""Shared test fixtures for the tests under ``tests/`` and the doctests under ``toolkit/``: every test and every
docstring example gets its own empty workspace, offline, with progress bars off and no API key."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("FILMKIT_PROGRESS", "0")
os.environ.pop("RUNWAYML_API_SECRET", None)

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def workspace(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace for each test; ``fk.config`` is reloaded to see it."""
    ws = tmp_path_factory.mktemp("ws")
    monkeypatch.setenv("FILMKIT_WORKSPACE", str(ws))
    monkeypatch.setenv("FILMKIT_PROVIDER", "previz")
    monkeypatch.delenv("RUNWAYML_API_SECRET", raising=False)
    monkeypatch.delenv("FILMKIT_BUDGET", raising=False)
    from filmkit.settings import config

    config.reload()
    yield ws
    config._stack.clear()  # reloaded lazily on next use, after monkeypatch has restored the environment
