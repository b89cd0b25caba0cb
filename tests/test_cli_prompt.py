"""``filmkit prompt parse|expand|check``."""
from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from filmkit.cli import main


def test_parse_json_prints_exactly_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["prompt", "parse", "<https://s.mj.run/a1> misty harbour::2 fog::-.5 —ar 16:9 --tile --v 6.1",
                 "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert json.loads(out) == {
        "text": "misty harbour::2 fog::-.5",
        "params": {"aspect": "16:9", "tile": True, "version": "6.1"},
        "weights": [{"text": "misty harbour", "weight": 2}, {"text": "fog", "weight": -0.5}],
        "image_prompts": ["https://s.mj.run/a1"],
    }
    assert list(json.loads(out)) == ["text", "params", "weights", "image_prompts"]


def test_parse_json_without_weights_is_null(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompt", "parse", "koi pond", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["weights"] is None


def test_invalid_prompt_exits_2_with_problems_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["prompt", "parse", "koi --chaos 150 --stylise 9", "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert json.loads(out)["params"] == {"chaos": "150", "stylise": "9"}
    assert "--chaos must be 0–100; got 150" in err and "Did you mean --stylize?" in err


def test_version_option_picks_the_model_to_check(capsys: pytest.CaptureFixture[str]) -> None:
    text = "a girl reading --cref https://s.mj.run/a1"
    assert main(["prompt", "parse", text, "--json"]) == 2
    assert "--oref" in capsys.readouterr().err
    assert main(["prompt", "parse", text, "--json", "--version", "6"]) == 0
    assert capsys.readouterr().err == ""


def test_warnings_do_not_fail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompt", "parse", "koi --style raw --v 7", "--json"]) == 0
    assert "warning: [uncertain]" in capsys.readouterr().err


def test_plan_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompt", "parse", "a {1,2,3} {4,5} bird", "--json"]) == 0
    assert main(["prompt", "parse", "a {1,2,3} {4,5} bird", "--json", "--plan", "basic"]) == 2
    assert "too-many-jobs" in capsys.readouterr().err


def test_readable_breakdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompt", "parse", "https://s.mj.run/a.png", "koi", "pond --no trees --tile"]) == 0
    out = capsys.readouterr().out
    assert "image    https://s.mj.run/a.png" in out and "text     'koi pond'" in out
    assert "trees" in out and "(flag)" in out and "seamless" in out


def test_expand_prints_one_prompt_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompt", "expand", "a {red, green} bird --ar {1:1, 2:3}"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "a red bird --ar 1:1", "a red bird --ar 2:3", "a green bird --ar 1:1", "a green bird --ar 2:3"]
    assert main(["prompt", "expand", "a {red bird"]) == 2
    assert "do not balance" in capsys.readouterr().err


def test_check_calls_the_style_module(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                      tmp_path) -> None:
    seen = []

    def check_library_file(path: str) -> list[str]:
        seen.append(path)
        return ["lib.toml:3: --chaos must be 0–100; got 150."] if "bad" in str(path) else []

    fake = types.ModuleType("filmkit.style")
    fake.check_library_file = check_library_file  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "filmkit.style", fake)
    assert main(["prompt", "check", "bad.toml"]) == 1
    assert capsys.readouterr().out == "lib.toml:3: --chaos must be 0–100; got 150.\n"
    assert main(["prompt", "check", "good.toml"]) == 0
    assert "OK" in capsys.readouterr().out
    assert seen == ["bad.toml", "good.toml"]


def test_console_script_runs() -> None:
    script = Path(sys.executable).with_name("filmkit")
    fallback = [sys.executable, "-c", "import sys; from filmkit.cli import main; sys.exit(main())"]
    cmd = [str(script)] if script.exists() else fallback
    out = subprocess.run([*cmd, "prompt", "parse", "koi --ar 2:3 --c 500", "--json"], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 2
    assert json.loads(out.stdout)["params"] == {"aspect": "2:3", "chaos": "500"}
    assert "error: [out-of-range] --chaos must be 0–100; got 500" in out.stderr
