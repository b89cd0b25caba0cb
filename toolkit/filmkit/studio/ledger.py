"""Credits are money: a per-workspace ledger of every paid task, and a cap that refuses work before it is sent.

The ledger is a table in the workspace's SQLite file (``fk.config.db_path``, WAL mode, a busy timeout), so two
notebook kernels (or a kernel and the ``filmkit`` command) share it safely. Each paid request goes through three
steps:

1. :meth:`Ledger.reserve` — *before* anything is sent: inside one ``BEGIN IMMEDIATE`` transaction, add up what
   is already spent or reserved and, if this request's estimate would cross the cap, raise
   :class:`~filmkit.errors.BudgetExceeded` (nothing is recorded and nothing is sent). Otherwise the estimate is
   reserved. Two processes can never both take the last credits: the second one waits for the first one's
   transaction and then sees its reservation.
2. :meth:`Ledger.created` — the service accepted the task: its id and the service's own ``estimatedCost``.
3. :meth:`Ledger.settle` — the task ended: the actual ``cost.credits`` replaces the estimate (a failed task is
   refunded by Runway, except ``SAFETY.INPUT.*``; the service's number is what counts). A request the service
   refused (HTTP 400) is settled at 0.

A row whose outcome is unknown (the connection dropped while creating a task) keeps its estimate counted as spent:
the ledger never under-counts.

Prices (credits, 1 credit = US$0.01) come from the reference note: ``gen4_turbo`` 5 per second, ``gen4.5`` 12 per
second, ``gen4_image`` 5 at 720p ratios and 8 at 1080p ratios (filmkit counts 8 for every ratio that is not
clearly 720p, so the estimate is an upper bound), ``gen4_image_turbo`` 2. The Magnific image upscaler's price is
not published; filmkit reserves a conservative 10 credits and settles with what Runway reports.

Examples
--------
>>> import filmkit as fk, tempfile
>>> with fk.config.override(workspace=tempfile.mkdtemp()):   # a lesson uses its own workspace
...     fk.budget(credits=200)
Budget(cap=200 credits, spent=0, reserved=0, left=200)
>>> from filmkit.studio.ledger import estimate_credits
>>> estimate_credits("gen4_turbo", seconds=5), estimate_credits("gen4_image", ratio="1280:720")
(25.0, 5.0)
"""
from __future__ import annotations

import html
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import BudgetExceeded, ConfigError

__all__ = [
    "PRICES",
    "Budget",
    "CreditsReport",
    "Ledger",
    "budget",
    "credits_report",
    "current_notebook",
    "estimate_credits",
]

#: credits per unit: ("second", n) per second of output, ("image", n) per image, ("task", n) per task
PRICES: dict[str, tuple[str, float]] = {
    "gen4_turbo": ("second", 5.0),
    "gen4.5": ("second", 12.0),
    "act_two": ("second", 5.0),
    "gen4_image": ("image", 8.0),  # 5 at the 720p ratios below
    "gen4_image_turbo": ("image", 2.0),
    "gemini_2.5_flash": ("image", 5.0),
    "magnific_precision_upscaler_v2": ("task", 10.0),  # [unverified] not published; settled from the real cost
}
_GEN4_IMAGE_720P = {"1280:720", "720:1280", "720:720", "960:720", "720:960", "1680:720"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS credit_ledger (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    created   TEXT NOT NULL,
    day       TEXT NOT NULL,
    provider  TEXT NOT NULL,
    model     TEXT NOT NULL,
    task_id   TEXT,
    estimate  REAL NOT NULL,
    actual    REAL,
    status    TEXT NOT NULL,
    notebook  TEXT NOT NULL,
    prompt    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS credit_ledger_task ON credit_ledger(task_id);
"""
# what a row counts against the cap: its actual cost once settled, its estimate until then
_COUNTED = "COALESCE(actual, estimate)"
_OPEN = ("reserved", "created", "unknown")


def estimate_credits(model: str, *, seconds: float | None = None, ratio: str | None = None) -> float:
    """The most credits a request may cost, from the published price table.

    >>> estimate_credits("gen4_image", ratio="1920:1080")
    8.0
    """
    if model not in PRICES:
        raise ConfigError(f"filmkit has no price for the model {model!r}, so it cannot check the budget; "
                          f"known models: {', '.join(sorted(PRICES))}.")
    unit, price = PRICES[model]
    if model == "gen4_image" and ratio in _GEN4_IMAGE_720P:
        price = 5.0
    if unit == "second":
        return float(price * float(seconds if seconds is not None else 5))
    return float(price)


def current_notebook() -> str:
    """Which notebook is spending: ``fk.config.notebook``, else ``$JPY_SESSION_NAME``'s file name, else ``'cli'``."""
    from ..settings import config

    name = config.notebook or os.environ.get("JPY_SESSION_NAME", "")
    return Path(str(name)).name if name else "cli"


def _today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class Budget:
    """The credit cap and what is spent against it (``left`` is ``None`` with no cap).

    Examples
    --------
    >>> import filmkit as fk
    >>> b = fk.Budget(cap=200.0, spent=45.0, reserved=25.0)
    >>> b
    Budget(cap=200 credits, spent=45, reserved=25, left=130)
    >>> b.left, fk.Budget(cap=None, spent=45.0, reserved=0.0).left
    (130.0, None)
    """

    cap: float | None
    spent: float
    reserved: float

    @property
    def left(self) -> float | None:
        """Credits still available under the cap, or ``None`` when there is no cap."""
        if self.cap is None:
            return None
        return max(0.0, self.cap - self.spent - self.reserved)

    def __repr__(self) -> str:
        cap = "no cap" if self.cap is None else f"{_fmt(self.cap)} credits"
        left = "unlimited" if self.left is None else _fmt(self.left)
        return f"Budget(cap={cap}, spent={_fmt(self.spent)}, reserved={_fmt(self.reserved)}, left={left})"

    def _repr_html_(self) -> str:
        return f"<code>{html.escape(repr(self))}</code>"


class Ledger:
    """The credit ledger of one workspace (a table in ``fk.config.db_path`` unless ``path`` is given).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import filmkit as fk
    >>> ledger = fk.Ledger(pathlib.Path(tempfile.mkdtemp()) / "credits.sqlite")
    >>> row = ledger.reserve(provider="runway", model="gen4_turbo", estimate=25, cap=100, notebook="lesson-5")
    >>> ledger.totals()                                    # (spent, reserved): the estimate is held back
    (0.0, 25.0)
    >>> ledger.created(row, task_id="task-1")
    >>> ledger.settle(row, status="succeeded", actual=20)  # Runway's own price replaces the estimate
    >>> ledger.totals()
    (20.0, 0.0)
    >>> ledger.reserve(provider="runway", model="gen4_turbo", estimate=90, cap=100)
    Traceback (most recent call last):
    ...
    filmkit.errors.BudgetExceeded: this gen4_turbo request would cost up to 90 credits, but only 80 of the ...
    """

    def __init__(self, path: str | Path | None = None, *, timeout: float = 30.0) -> None:
        from ..settings import config

        if path is None:
            config.ensure_workspace()
            path = config.db_path
        self.path = Path(path)
        self.timeout = timeout
        with self._connect() as con:
            con.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        try:
            con.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:  # another process holds it right now; WAL is persistent anyway
            pass
        con.row_factory = sqlite3.Row
        return _Closing(con)  # type: ignore[return-value]

    # -- the three steps ---------------------------------------------------------------------------------------
    def reserve(self, *, provider: str, model: str, estimate: float, prompt: str = "",
                cap: float | None = None, notebook: str | None = None) -> int:
        """Reserve ``estimate`` credits before a request is sent; raise :class:`BudgetExceeded` past ``cap``.

        Returns the row id to pass to :meth:`created` and :meth:`settle`.
        """
        nb = notebook or current_notebook()
        with self._connect() as con:
            for attempt in range(50):
                try:
                    con.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError:  # pragma: no cover - only past the busy timeout
                    time.sleep(0.05 * (attempt + 1))
            else:  # pragma: no cover
                raise BudgetExceeded(f"the credit ledger {self.path} stayed locked; nothing was sent. Try again.")
            try:
                used = self._used(con)
                if cap is not None and used + estimate > cap + 1e-9:
                    left = max(0.0, cap - used)
                    raise BudgetExceeded(
                        f"this {model} request would cost up to {_fmt(estimate)} credits, but only {_fmt(left)} of "
                        f"the {_fmt(cap)}-credit budget are left ({_fmt(used)} spent or reserved); nothing was sent. "
                        "Make a cheaper request (a shorter clip, a 720p ratio), or ask your instructor to raise the "
                        "cap with fk.budget(credits=...).")
                cur = con.execute(
                    "INSERT INTO credit_ledger (created, day, provider, model, estimate, status, notebook, prompt) "
                    "VALUES (?, ?, ?, ?, ?, 'reserved', ?, ?)",
                    (datetime.now(timezone.utc).isoformat(timespec="seconds"), _today(), provider, model,
                     float(estimate), nb, (prompt or "")[:120]))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return int(cur.lastrowid or 0)

    def created(self, row: int, *, task_id: str, estimate: float | None = None) -> None:
        """The service accepted the task: record its id and its own estimate (the larger estimate is kept)."""
        with self._connect() as con:
            con.execute("UPDATE credit_ledger SET task_id = ?, status = 'created', "
                        "estimate = MAX(estimate, COALESCE(?, estimate)) WHERE id = ?", (task_id, estimate, row))

    def settle(self, row: int, *, status: str, actual: float | None) -> None:
        """The task ended (``succeeded``, ``failed``, ``cancelled``, ``rejected``) or its outcome is ``unknown``.

        ``actual=None`` keeps the estimate counted as spent.
        """
        with self._connect() as con:
            con.execute("UPDATE credit_ledger SET status = ?, actual = ? WHERE id = ?",
                        (status, None if actual is None else float(actual), row))

    # -- reading -----------------------------------------------------------------------------------------------
    def find(self, task_id: str) -> int | None:
        """The row of a task the service accepted, or ``None``."""
        with self._connect() as con:
            row = con.execute("SELECT id FROM credit_ledger WHERE task_id = ? ORDER BY id DESC LIMIT 1",
                              (task_id,)).fetchone()
        return None if row is None else int(row[0])

    @staticmethod
    def _used(con: sqlite3.Connection) -> float:
        row = con.execute(f"SELECT COALESCE(SUM({_COUNTED}), 0) FROM credit_ledger").fetchone()
        return float(row[0])

    def totals(self) -> tuple[float, float]:
        """``(spent, reserved)``: settled costs (and unknown outcomes), and estimates of tasks still running."""
        marks = ",".join("?" * 2)
        with self._connect() as con:
            reserved = con.execute(f"SELECT COALESCE(SUM(estimate), 0) FROM credit_ledger WHERE status IN ({marks})",
                                   _OPEN[:2]).fetchone()[0]
            total = self._used(con)
        return float(total - reserved), float(reserved)

    def rows(self) -> list[dict[str, Any]]:
        """Every row, oldest first, as dicts."""
        with self._connect() as con:
            return [dict(r) for r in con.execute("SELECT * FROM credit_ledger ORDER BY id")]

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"


class _Closing:
    """A connection used as ``with``: closes on exit (sqlite3's own ``with`` only commits)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def __enter__(self) -> sqlite3.Connection:
        return self._con

    def __exit__(self, *exc: object) -> None:
        self._con.close()


def budget(credits: float | None = None, *, ledger: Ledger | None = None) -> Budget:
    """Set the credit cap for this session (``credits=``) and show what is spent and left.

    The cap applies to the whole workspace ledger. It also comes from ``$FILMKIT_BUDGET`` or ``budget_credits``
    in ``filmkit.toml``; ``fk.budget()`` with no argument only reports.

    >>> import filmkit as fk, tempfile
    >>> with fk.config.override(workspace=tempfile.mkdtemp()):
    ...     fk.budget(credits=50).left
    50.0
    """
    from ..settings import config

    if credits is not None:
        config.set(budget_credits=credits)
    spent, reserved = (ledger or Ledger()).totals()
    return Budget(cap=config.budget_credits, spent=spent, reserved=reserved)


@dataclass(frozen=True)
class CreditsReport:
    """Credits spent per day, per notebook and per provider (a table that displays itself).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import filmkit as fk
    >>> ledger = fk.Ledger(pathlib.Path(tempfile.mkdtemp()) / "credits.sqlite")
    >>> row = ledger.reserve(provider="runway", model="gen4_image", estimate=8, notebook="lesson-03")
    >>> ledger.settle(row, status="succeeded", actual=5)
    >>> with fk.config.override(budget_credits=100):
    ...     report = fk.credits_report(ledger=ledger)
    >>> report.total, report.by_notebook, report.by_provider
    (5.0, (('lesson-03', 5.0, 1),), (('runway', 5.0, 1),))
    >>> report.budget
    Budget(cap=100 credits, spent=5, reserved=0, left=95)
    """

    by_day: tuple[tuple[str, float, int], ...]
    by_notebook: tuple[tuple[str, float, int], ...]
    by_provider: tuple[tuple[str, float, int], ...]
    budget: Budget

    @property
    def total(self) -> float:
        """All credits spent or reserved."""
        return float(sum(c for _, c, _ in self.by_day))

    def _sections(self) -> Iterator[tuple[str, tuple[tuple[str, float, int], ...]]]:
        yield "day", self.by_day
        yield "notebook", self.by_notebook
        yield "provider", self.by_provider

    def __str__(self) -> str:
        lines = [f"credits: {_fmt(self.total)} spent or reserved; {self.budget!r}"]
        for title, rows in self._sections():
            lines.append(f"\nper {title}:")
            if not rows:
                lines.append("  (nothing yet)")
            width = max([len(k) for k, _, _ in rows] + [4])
            for key, credits, tasks in rows:
                lines.append(f"  {key:<{width}}  {_fmt(credits):>8} credits  {tasks:>4} task{'s' if tasks != 1 else ''}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{_fmt(self.total)}</b> credits spent or reserved &middot; {html.escape(repr(self.budget))}</p>"]
        for title, rows in self._sections():
            body = "".join(f"<tr><td>{html.escape(k)}</td><td style='text-align:right'>{_fmt(c)}</td>"
                           f"<td style='text-align:right'>{n}</td></tr>" for k, c, n in rows)
            parts.append(f"<table><thead><tr><th>{title}</th><th>credits</th><th>tasks</th></tr></thead>"
                         f"<tbody>{body}</tbody></table>")
        return "\n".join(parts)


def credits_report(*, ledger: Ledger | None = None) -> CreditsReport:
    """Spend per day, per notebook and per provider, from the workspace ledger.

    >>> import filmkit as fk, tempfile
    >>> with fk.config.override(workspace=tempfile.mkdtemp()):
    ...     print(fk.credits_report().total)
    0.0
    """
    led = ledger or Ledger()
    groups = {}
    with led._connect() as con:
        for col in ("day", "notebook", "provider"):
            groups[col] = tuple(
                (str(r[0]), float(r[1]), int(r[2])) for r in con.execute(
                    f"SELECT {col}, SUM({_COUNTED}), COUNT(*) FROM credit_ledger "
                    f"WHERE status != 'rejected' GROUP BY {col} ORDER BY {col}"))
    from ..settings import config

    spent, reserved = led.totals()
    return CreditsReport(by_day=groups["day"], by_notebook=groups["notebook"], by_provider=groups["provider"],
                         budget=Budget(cap=config.budget_credits, spent=spent, reserved=reserved))
