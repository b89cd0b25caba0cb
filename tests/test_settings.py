"""fk.config: defaults, filmkit.toml, environment, set/override, and keys kept out of it."""
from __future__ import annotations

from pathlib import Path

import pytest

import filmkit as fk
from filmkit.errors import ConfigError, StudioAuthError
from filmkit.settings import find_config_file, mask_secret, runway_api_key


def test_environment_sets_workspace_and_provider(workspace: Path) -> None:
    assert fk.config.workspace == workspace.resolve()
    assert fk.config.provider == "previz"
    assert fk.config.budget_credits is None


def test_toml_file_is_read_and_env_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "filmkit.toml").write_text('[filmkit]\nworkspace = "ws"\nbudget_credits = 120\n')
    sub = tmp_path / "lessons"
    sub.mkdir()
    monkeypatch.chdir(sub)
    monkeypatch.delenv("FILMKIT_WORKSPACE")
    assert find_config_file() == tmp_path / "filmkit.toml"
    s = fk.config.reload()
    assert s.workspace == (tmp_path / "ws").resolve()  # relative to the file, not the cwd
    assert s.budget_credits == 120.0
    monkeypatch.setenv("FILMKIT_BUDGET", "30")
    assert fk.config.reload().budget_credits == 30.0


def test_override_is_temporary_and_set_persists() -> None:
    with fk.config.override(provider="runway", budget_credits=10) as s:
        assert s.provider == "runway" and fk.config.budget_credits == 10
    assert fk.config.provider == "previz"
    fk.config.set(budget_credits=5)
    assert fk.config.budget_credits == 5


@pytest.mark.parametrize("changes, fragment", [
    ({"provider": "midjourney"}, "provider must be one of previz, runway"),
    ({"budget_credits": "lots"}, "budget_credits must be a number"),
    ({"budget_credits": -1}, "cannot be negative"),
    ({"colour": "red"}, "unknown setting 'colour'"),
])
def test_bad_settings_name_the_problem(changes: dict, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        fk.config.set(**changes)


def test_bad_toml_and_keys_in_toml_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "filmkit.toml").write_text("[filmkit\nprovider = 'previz'\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        fk.config.reload()
    (tmp_path / "filmkit.toml").write_text('[filmkit]\napi_key = "key_abc"\n')
    with pytest.raises(ConfigError, match="RUNWAYML_API_SECRET") as info:
        fk.config.reload()
    assert "key_abc" not in str(info.value)


def test_runway_key_is_read_but_never_shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FILMKIT_CREDENTIALS", str(tmp_path / "none.toml"))
    assert runway_api_key(required=False) is None
    with pytest.raises(StudioAuthError, match="RUNWAYML_API_SECRET"):
        runway_api_key()
    secret = "key_" + "ab12" * 32
    monkeypatch.setenv("RUNWAYML_API_SECRET", secret)
    assert runway_api_key() == secret
    assert secret not in repr(fk.config)
    assert mask_secret(secret) == "set (…ab12)"
    assert mask_secret(None) == "not set"


def test_credentials_file_outside_repo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cred = tmp_path / "credentials.toml"
    cred.write_text('runway_api_secret = "key_' + "0" * 128 + '"\n')
    monkeypatch.setenv("FILMKIT_CREDENTIALS", str(cred))
    assert runway_api_key().startswith("key_000")
