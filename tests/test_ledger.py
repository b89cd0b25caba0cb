"""The credit ledger and budget: reserved before sending, settled after, safe across processes."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import filmkit as fk
import pytest
from filmkit.cli import main
from filmkit.errors import BudgetExceeded, ConfigError
from filmkit.studio.ledger import Ledger, estimate_credits


def test_price_table() -> None:
    assert estimate_credits("gen4_turbo", seconds=10) == 50
    assert estimate_credits("gen4_image", ratio="720:720") == 5
    assert estimate_credits("gen4_image", ratio="1920:1080") == 8
    assert estimate_credits("gen4_image", ratio="1024:1024") == 8  # not clearly 720p: the upper bound
    with pytest.raises(ConfigError, match="no price for the model 'sora'"):
        estimate_credits("sora")


def test_reserve_create_settle() -> None:
    led = Ledger()
    a = led.reserve(provider="runway", model="gen4_turbo", estimate=25, prompt="a harbour")
    b = led.reserve(provider="runway", model="gen4_image", estimate=8)
    assert led.totals() == (0, 33)
    led.created(a, task_id="t-1", estimate=25)
    led.settle(a, status="succeeded", actual=25)
    led.settle(b, status="failed", actual=0)  # refunded
    assert led.totals() == (25, 0)
    rows = led.rows()
    assert [(r["task_id"], r["status"], r["actual"]) for r in rows] == [("t-1", "succeeded", 25), (None, "failed", 0)]
    assert rows[0]["prompt"] == "a harbour" and rows[0]["notebook"] == "cli"


def test_unknown_outcome_stays_counted() -> None:
    led = Ledger()
    row = led.reserve(provider="runway", model="gen4_turbo", estimate=25)
    led.settle(row, status="unknown", actual=None)
    assert led.totals() == (25, 0)


def test_budget_refuses_past_the_cap_and_records_nothing() -> None:
    b = fk.budget(credits=30)
    assert (b.cap, b.spent, b.left) == (30, 0, 30) and fk.config.budget_credits == 30
    led = Ledger()
    led.reserve(provider="runway", model="gen4_turbo", estimate=25, cap=30)
    with pytest.raises(BudgetExceeded, match=r"up to 8 credits, but only 5 of the 30-credit budget are left"):
        led.reserve(provider="runway", model="gen4_image", estimate=8, cap=30)
    assert len(led.rows()) == 1
    led.reserve(provider="runway", model="gen4_image", estimate=5, cap=30)  # exactly to the cap is fine
    assert fk.budget().left == 0
    assert "left=0" in repr(fk.budget()) and "<code>" in fk.budget()._repr_html_()


def test_budget_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILMKIT_BUDGET", "120")
    fk.config.reload()
    assert fk.budget().cap == 120
    monkeypatch.delenv("FILMKIT_BUDGET")
    fk.config.reload()
    assert fk.budget().cap is None and fk.budget().left is None


def test_notebook_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/learner/lessons/04_runway.ipynb")
    Ledger().reserve(provider="runway", model="gen4_image", estimate=5)
    with fk.config.override(notebook="instructor-demo.ipynb"):
        Ledger().reserve(provider="runway", model="gen4_image", estimate=5)
    assert [r["notebook"] for r in Ledger().rows()] == ["04_runway.ipynb", "instructor-demo.ipynb"]


def test_credits_report_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    led = Ledger()
    monkeypatch.setenv("JPY_SESSION_NAME", "a.ipynb")
    r1 = led.reserve(provider="runway", model="gen4_turbo", estimate=25)
    led.settle(r1, status="succeeded", actual=20)
    monkeypatch.setenv("JPY_SESSION_NAME", "b.ipynb")
    led.reserve(provider="runway", model="gen4_image", estimate=8)  # still running: counted as reserved
    r3 = led.reserve(provider="runway", model="gen4_image", estimate=8)
    led.settle(r3, status="rejected", actual=0)  # a 400: not a task, not shown
    rep = fk.credits_report()
    assert rep.by_notebook == (("a.ipynb", 20, 1), ("b.ipynb", 8, 1))
    assert rep.by_provider == (("runway", 28, 2),) and rep.total == 28
    assert len(rep.by_day) == 1 and rep.budget.reserved == 8 and rep.budget.spent == 20
    text = str(rep)
    assert "per notebook:" in text and "a.ipynb" in text and "20 credits" in text
    assert rep._repr_html_().count("<table>") == 3


def test_cli_credits(capsys: pytest.CaptureFixture) -> None:
    led = Ledger()
    led.settle(led.reserve(provider="runway", model="gen4_turbo", estimate=25), status="succeeded", actual=25)
    assert main(["credits", "--budget", "100"]) == 0
    out = capsys.readouterr().out
    assert "25 spent or reserved" in out and "left=75" in out
    assert "per day:" in out and "per notebook:" in out and "per provider:" in out and "runway" in out


_WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from filmkit.errors import BudgetExceeded
    from filmkit.studio.ledger import Ledger
    go = Path(sys.argv[1])
    while not go.exists():
        time.sleep(0.01)
    led, won = Ledger(), 0
    for _ in range(12):
        try:
            led.reserve(provider="runway", model="gen4_turbo", estimate=5, cap=40, notebook=sys.argv[2])
            won += 1
        except BudgetExceeded:
            pass
    print(won)
""")


def test_two_processes_cannot_both_spend_the_last_credits(workspace: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    Ledger()  # create the table first so both start equal
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(go), f"kernel-{i}"], stdout=subprocess.PIPE,
                              text=True) for i in range(2)]
    go.touch()
    wins = [int(p.communicate(timeout=120)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    rows = Ledger().rows()
    assert sum(wins) == 8 == len(rows)  # 24 attempts at 5 credits against a 40-credit cap
    assert sum(r["estimate"] for r in rows) == 40
    assert {r["notebook"] for r in rows} <= {"kernel-0", "kernel-1"}
