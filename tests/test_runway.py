"""RunwayProvider against a local fake of Runway's API (tests/fake_runway.py), through the official SDK."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
import filmkit as fk
from fake_runway import FakeRunway
from filmkit._ffmpeg import probe, read_video
from filmkit.assets import Asset
from filmkit.errors import (
    BudgetExceeded,
    DownloadError,
    RateLimited,
    RequestRejected,
    SafetyRefused,
    ServiceUnavailable,
    StudioAuthError,
    TaskCancelled,
    TaskFailed,
)
from filmkit.studio.ledger import Ledger
from filmkit.studio.runway import RunwayProvider


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeRunway() as server:
        monkeypatch.setenv("RUNWAYML_BASE_URL", server.url)
        monkeypatch.setenv("RUNWAYML_API_SECRET", server.key)
        yield server


class Sleeps(list):  # type: ignore[type-arg]
    """An injectable sleep that records what it was asked to wait and never waits."""

    def __init__(self, hook: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.hook = hook

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        if self.hook is not None:
            self.hook(len(self))


def provider(**kw: Any) -> RunwayProvider:
    kw.setdefault("poll_interval", 0.0)
    kw.setdefault("poll_jitter", 0.0)
    kw.setdefault("sleep", Sleeps())
    return RunwayProvider(**kw)


def png(path: Path, size: tuple[int, int], *, noise: bool = False) -> Path:
    w, h = size
    if noise:
        arr = np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8)
    else:
        arr = np.zeros((h, w, 3), np.uint8)
        arr[..., 0] = np.linspace(0, 255, w, dtype=np.uint8)[None, :]
    Image.fromarray(arr).save(path)
    return path


def creates_billed(fake: FakeRunway) -> int:
    """Tasks the server created (what could be billed), whatever the client saw."""
    return len(fake.tasks)


# -- end to end --------------------------------------------------------------------------------------------------
def test_text_to_image_end_to_end(fake: FakeRunway, tmp_path: Path) -> None:
    [asset] = provider().text_to_image("misty harbour at dawn --ar 16:9 --seed 3", out_dir=tmp_path)
    assert fake.creates[0].body == {"model": "gen4_image", "promptText": "misty harbour at dawn",
                                    "ratio": "1280:720", "seed": 3}
    assert fake.creates[0].headers["x-runway-version"] == "2024-11-06"
    statuses = [r.status for r in fake.requests if r.path.startswith("/v1/tasks/")]
    assert statuses == [200] * 5  # PENDING, THROTTLED, RUNNING, RUNNING, SUCCEEDED
    assert asset.kind == "image" and asset.path.parent == tmp_path
    assert asset.size == (320, 180)  # the fake serves ratio/4
    with Image.open(asset.path) as im:
        assert im.getpixel((0, 0)) != im.getpixel((0, 179))  # a real gradient, not an empty file
    prov = asset.provenance
    assert (prov.provider, prov.model, prov.seed, prov.cost_credits) == ("runway", "gen4_image", 3, 5.0)
    assert prov.task_id in fake.tasks
    assert "?" not in prov.notes and "_jwt" not in asset.to_json()  # signed URL query never stored
    [row] = Ledger().rows()
    assert (row["status"], row["estimate"], row["actual"], row["task_id"]) == ("succeeded", 5.0, 5.0, prov.task_id)


def test_image_to_video_end_to_end_decodes(fake: FakeRunway, tmp_path: Path) -> None:
    still = Asset.from_file(png(tmp_path / "key.png", (180, 320)))  # portrait -> 720:1280
    clip = provider().image_to_video(still, prompt_text="slow push in", seconds=2, seed=9, out_dir=tmp_path / "out")
    body = fake.creates[0].body
    assert body["model"] == "gen4_turbo" and body["ratio"] == "720:1280" and body["duration"] == 2
    assert body["promptImage"].startswith("data:image/png;base64,") and body["seed"] == 9
    info = probe(clip.path)
    assert info.size == (90, 160) and info.duration == pytest.approx(2.0, abs=0.2)
    frames, fps = read_video(clip.path)
    assert len(frames) == 16 and fps == 8
    assert frames[-1].mean() > frames[0].mean() + 100  # the fake clip fades up: real decoded frames
    assert clip.provenance.parents == (still.id,) and clip.provenance.cost_credits == 10
    assert "base64," not in str(clip.provenance.request["prompt_image"]).split(",", 1)[1]  # no payload kept


def test_reference_images_with_tags(fake: FakeRunway, tmp_path: Path) -> None:
    key = Asset.from_file(png(tmp_path / "hero.png", (64, 64)))
    p = provider()
    p.text_to_image("@hero walks along the pier --ar 21:9", references={"hero": key}, out_dir=tmp_path)
    body = fake.creates[0].body
    assert body["ratio"] == "1680:720"
    assert [r["tag"] for r in body["referenceImages"]] == ["hero"]
    with pytest.raises(RequestRejected, match="@hero"):
        p.text_to_image("a pier at night", references={"hero": key}, out_dir=tmp_path)
    with pytest.raises(RequestRejected, match="3–16"):
        p.text_to_image("@x at night", references={"x": key}, out_dir=tmp_path)
    with pytest.raises(RequestRejected, match="at most 3"):
        p.text_to_image("a pier", references=[key] * 4, out_dir=tmp_path)
    assert len(fake.creates) == 1


def test_large_local_image_goes_through_the_uploads_endpoint(fake: FakeRunway, tmp_path: Path) -> None:
    big = png(tmp_path / "big.png", (1200, 1100), noise=True)  # ~4 MB of noise -> data URI over 5 MB
    assert big.stat().st_size * 4 / 3 > 5_000_000
    provider().image_to_video(Asset.from_file(big), seconds=2, out_dir=tmp_path / "out")
    uri = fake.creates[0].body["promptImage"]
    assert uri.startswith("runway://") and fake.uploads[uri] > big.stat().st_size
    assert fake.creates[0].body["ratio"] == "960:960"


def test_upscale_end_to_end(fake: FakeRunway, tmp_path: Path) -> None:
    src = png(tmp_path / "src.png", (320, 320))
    up = provider().upscale(src, scale=4, out_dir=tmp_path / "out")
    assert fake.creates[0].body["model"] == "magnific_precision_upscaler_v2"
    assert fake.creates[0].body["scaleFactor"] == 4 and up.kind == "image"
    with pytest.raises(RequestRejected, match="scale must be one of"):
        provider().upscale(src, scale=3, out_dir=tmp_path)
    with pytest.raises(RequestRejected, match="300–8000"):
        provider().upscale(png(tmp_path / "tiny.png", (100, 100)), out_dir=tmp_path)
    assert len(fake.creates) == 1


# -- local validation before any request ------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda p, d: p.text_to_image("x" * 1001, out_dir=d), "at most 1000"),
    (lambda p, d: p.text_to_image("a harbour", ratio="1234:567", out_dir=d), "not one gen4_image makes"),
    (lambda p, d: p.text_to_image("a harbour --seed 99999999999", out_dir=d), "seed"),
    (lambda p, d: p.image_to_video(d / "k.png", seconds=11, out_dir=d), "2 to 10 whole seconds"),
    (lambda p, d: p.image_to_video(d / "k.png", seconds=2.5, out_dir=d), "2 to 10 whole seconds"),
    (lambda p, d: p.image_to_video(d / "k.png", ratio="16:9", out_dir=d), "choose one of"),
    (lambda p, d: p.image_to_video(d / "missing.png", out_dir=d), "does not exist"),
])
def test_bad_requests_are_refused_locally(fake: FakeRunway, tmp_path: Path, call: Any, match: str) -> None:
    png(tmp_path / "k.png", (64, 36))
    with pytest.raises(RequestRejected, match=match):
        call(provider(), tmp_path)
    assert fake.requests == [] and Ledger().rows() == []


def test_server_400_quotes_its_issues(fake: FakeRunway, tmp_path: Path) -> None:
    fake.fault("POST", "/v1/text_to_image", status=400, body={
        "error": "Validation of body failed",
        "issues": [{"code": "invalid_value", "path": ["ratio"], "message": "Invalid option"}]})
    with pytest.raises(RequestRejected, match="ratio: Invalid option") as info:
        provider().text_to_image("a harbour", out_dir=tmp_path)
    assert "Nothing was billed" in str(info.value)
    assert len(fake.creates) == 1 and Ledger().rows()[0]["actual"] == 0


# -- retries: safe ones only -------------------------------------------------------------------------------------
def test_429_retry_after_is_honoured_and_billed_once(fake: FakeRunway, tmp_path: Path) -> None:
    fake.fault("POST", "/v1/text_to_image", status=429, headers={"Retry-After": "7"}, times=1)
    fake.fault("POST", "/v1/text_to_image", status=429, headers={"retry-after-ms": "1500"}, times=1)
    sleeps = Sleeps()
    [asset] = provider(sleep=sleeps).text_to_image("a harbour", out_dir=tmp_path)
    assert sleeps[:2] == [7.0, 1.5]
    assert len(fake.creates) == 3 and creates_billed(fake) == 1
    assert asset.provenance.task_id in fake.tasks


def test_5xx_on_create_and_on_polling_are_retried_with_backoff(fake: FakeRunway, tmp_path: Path) -> None:
    fake.fault("POST", "/v1/text_to_image", status=500, times=1)
    fake.fault("POST", "/v1/text_to_image", status=503, times=1)
    fake.fault("GET", "/v1/tasks/", status=502, times=2)
    sleeps = Sleeps()
    provider(sleep=sleeps).text_to_image("a harbour", out_dir=tmp_path)
    assert creates_billed(fake) == 1 and len(fake.creates) == 3
    backoffs = [s for s in sleeps if s > 0]
    assert len(backoffs) == 4 and backoffs[1] > backoffs[0] * 1.3  # exponential: 1–1.5 s, then 2–3 s


def test_429_that_never_ends_raises_rate_limited(fake: FakeRunway, tmp_path: Path) -> None:
    fake.fault("POST", "/v1/text_to_image", status=429, times=99)
    with pytest.raises(RateLimited, match="Nothing was billed"):
        provider(max_retries=2).text_to_image("a harbour", out_dir=tmp_path)
    assert len(fake.creates) == 3 and creates_billed(fake) == 0
    assert fk.budget().spent == 0


def test_a_daily_limit_retry_after_is_not_waited_out(fake: FakeRunway, tmp_path: Path) -> None:
    fake.fault("POST", "/v1/text_to_image", status=429, headers={"Retry-After": "3600"}, times=9)
    sleeps = Sleeps()
    with pytest.raises(RateLimited, match="3600 s"):
        provider(sleep=sleeps).text_to_image("a harbour", out_dir=tmp_path)
    assert len(fake.creates) == 1 and sleeps == []


@pytest.mark.parametrize("fault", [{"drop_after_create": True}, {"delay": 1.0}], ids=["dropped", "timeout"])
def test_a_create_whose_answer_is_lost_is_never_retried(fake: FakeRunway, tmp_path: Path, fault: dict) -> None:
    fake.fault("POST", "/v1/image_to_video", **fault)
    still = png(tmp_path / "k.png", (64, 36))
    with pytest.raises(ServiceUnavailable, match="may have been created and billed") as info:
        provider(http_timeout=0.3).image_to_video(still, seconds=4, out_dir=tmp_path)
    assert "did not retry" in str(info.value)
    import time

    time.sleep(1.0 if fault.get("delay") else 0.1)  # let the slow server finish creating
    assert len(fake.creates) == 1 and creates_billed(fake) == 1
    [row] = Ledger().rows()
    assert row["status"] == "unknown" and row["actual"] is None
    assert fk.budget().spent == 20  # the estimate stays counted until someone checks


def test_a_504_on_create_is_not_retried(fake: FakeRunway, tmp_path: Path) -> None:
    fake.fault("POST", "/v1/text_to_image", status=504, times=5)
    with pytest.raises(ServiceUnavailable, match="may have been created"):
        provider().text_to_image("a harbour", out_dir=tmp_path)
    assert len(fake.creates) == 1


def test_unreachable_server_sends_nothing_and_bills_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with FakeRunway() as server:
        key, url = server.key, server.url
    monkeypatch.setenv("RUNWAYML_API_SECRET", key)
    sleeps = Sleeps()
    with pytest.raises(ServiceUnavailable, match="nothing was sent, so nothing was billed"):
        provider(base_url=url, sleep=sleeps, max_retries=2).text_to_image("a harbour", out_dir=tmp_path)
    assert len(sleeps) == 2  # a connection that never opened is safe to retry
    assert fk.budget().spent == 0


# -- downloads ---------------------------------------------------------------------------------------------------
def test_expired_output_url_is_renewed_by_a_fresh_task_get(fake: FakeRunway, tmp_path: Path) -> None:
    fake.expire_outputs(1)
    [asset] = provider().text_to_image("a harbour", out_dir=tmp_path)
    outs = [(r.path, r.status) for r in fake.requests if r.path.startswith("/outputs/")]
    assert [s for _, s in outs] == [403, 200]
    assert fake.requests[-2].path.startswith("/v1/tasks/")  # the renewal GET came between the two
    assert asset.size == (180, 180) and len(fake.creates) == 1


def test_output_expiring_twice_is_a_clear_error_not_a_rebill(fake: FakeRunway, tmp_path: Path) -> None:
    fake.expire_outputs(2)
    with pytest.raises(DownloadError, match="expired twice"):
        provider().text_to_image("a harbour", out_dir=tmp_path)
    assert len(fake.creates) == 1
    assert Ledger().rows()[0]["actual"] == 5  # the task did succeed and is billed
    assert list(tmp_path.iterdir()) == []  # no half-written file


def test_download_size_limit(fake: FakeRunway, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="100-byte limit"):
        provider(max_download_bytes=100).text_to_image("a harbour", out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


# -- task outcomes -----------------------------------------------------------------------------------------------
def test_safety_input_failure_is_refused_and_not_refunded(fake: FakeRunway, tmp_path: Path) -> None:
    fake.plan_next(plan=["PENDING", "FAILED"], failure_code="SAFETY.INPUT.TEXT", failure="Prompt refused.")
    with pytest.raises(SafetyRefused, match="refused the prompt or input image") as info:
        provider().text_to_image("a harbour", out_dir=tmp_path)
    assert info.value.code == "SAFETY.INPUT.TEXT" and "Change the wording" in info.value.advice
    [row] = Ledger().rows()
    assert (row["status"], row["actual"]) == ("failed", 5)


@pytest.mark.parametrize("code, advice", [("INTERNAL.BAD_OUTPUT.CODE01", "text or logos"),
                                          ("ASSET.INVALID", "Re-export"), ("INTERNAL", "trying again once")])
def test_other_failures_become_task_failed_with_advice(fake: FakeRunway, tmp_path: Path, code: str,
                                                       advice: str) -> None:
    fake.plan_next(plan=["RUNNING:0.5", "FAILED"], failure_code=code)
    with pytest.raises(TaskFailed, match=advice) as info:
        provider().text_to_image("a harbour", out_dir=tmp_path)
    assert not isinstance(info.value, SafetyRefused) and info.value.code == code
    assert Ledger().rows()[0]["actual"] == 0  # refunded


def test_cancelled_task_is_terminal(fake: FakeRunway, tmp_path: Path) -> None:
    fake.plan_next(plan=["PENDING", "CANCELLED"])
    with pytest.raises(TaskCancelled):
        provider().text_to_image("a harbour", out_dir=tmp_path)
    assert fake.count("GET", "/v1/tasks/") == 2  # stopped polling at CANCELLED


def test_throttled_is_patient(fake: FakeRunway, tmp_path: Path) -> None:
    fake.plan_next(plan=["PENDING"] + ["THROTTLED"] * 20 + ["SUCCEEDED"])
    [asset] = provider().text_to_image("a harbour", out_dir=tmp_path)
    assert fake.count("GET", "/v1/tasks/") == 22 and asset.kind == "image"


def test_interrupt_during_polling_cancels_the_remote_task(fake: FakeRunway, tmp_path: Path) -> None:
    def interrupt(n: int) -> None:
        if n == 2:
            raise KeyboardInterrupt

    with pytest.raises(TaskCancelled, match="should be refunded"):
        provider(sleep=Sleeps(interrupt)).text_to_image("a harbour", out_dir=tmp_path)
    [task] = fake.tasks.values()
    assert fake.count("DELETE", f"/v1/tasks/{task.id}") == 1 and task.deleted
    [row] = Ledger().rows()
    assert (row["status"], row["actual"]) == ("cancelled", 0)


def test_a_task_deleted_elsewhere_ends_polling(fake: FakeRunway, tmp_path: Path) -> None:
    def delete_it(n: int) -> None:
        for t in fake.tasks.values():
            t.deleted = True

    with pytest.raises(TaskCancelled, match="no longer exists"):
        provider(sleep=Sleeps(delete_it)).text_to_image("a harbour", out_dir=tmp_path)
    assert fake.requests[-1].status == 404


def test_default_poll_pace_is_the_documented_one(fake: FakeRunway, tmp_path: Path) -> None:
    sleeps = Sleeps()
    RunwayProvider(sleep=sleeps).text_to_image("a harbour", out_dir=tmp_path)
    assert len(sleeps) == 4 and all(5.0 <= s <= 7.0 for s in sleeps)


def test_progress_bar_shows_in_a_terminal(fake: FakeRunway, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    provider(progress=True).text_to_image("a harbour", out_dir=tmp_path)
    assert "Runway gen4_image" in capsys.readouterr().err


# -- budget and secrets ------------------------------------------------------------------------------------------
def test_budget_refuses_before_any_request(fake: FakeRunway, tmp_path: Path) -> None:
    fk.budget(credits=12)
    still = png(tmp_path / "k.png", (64, 36))
    p = provider()
    p.text_to_image("a harbour", out_dir=tmp_path)  # 5 credits
    with pytest.raises(BudgetExceeded, match=r"up to 10 credits, but only 7 of the 12-credit budget are left"):
        p.image_to_video(still, seconds=2, out_dir=tmp_path)
    assert len(fake.creates) == 1  # the video request never left the machine
    assert fk.budget().left == 7


def test_wrong_key_is_an_auth_error_that_never_shows_the_key(fake: FakeRunway, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "key_" + "ab" * 64
    monkeypatch.setenv("RUNWAYML_API_SECRET", wrong)
    p = provider()
    with pytest.raises(StudioAuthError, match="HTTP 401") as info:
        p.text_to_image("a harbour", out_dir=tmp_path)
    assert wrong not in str(info.value) and wrong not in repr(p) and info.value.__cause__ is None
    assert info.value.__context__ is None or wrong not in str(info.value.__context__)


def test_the_key_appears_in_no_file_error_or_repr(fake: FakeRunway, tmp_path: Path, workspace: Path) -> None:
    out = workspace / "runs"
    p = provider()
    errors: list[Exception] = []
    [img] = p.text_to_image("a harbour --ar 16:9", out_dir=out)
    p.image_to_video(img, seconds=2, out_dir=out)
    fake.plan_next(plan=["FAILED"], failure_code="SAFETY.OUTPUT.IMAGE")
    fake.fault("GET", "/v1/tasks/", status=500, times=1)
    for call in (lambda: p.text_to_image("a harbour", out_dir=out),
                 lambda: p.image_to_video(img, seconds=99, out_dir=out)):
        try:
            call()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
    assert len(errors) == 2
    key = fake.key.encode()
    files = [f for f in workspace.rglob("*") if f.is_file()]
    assert any(f.suffix == ".mp4" for f in files) and any(f.name == "filmkit.sqlite" for f in files)
    for f in files:
        assert key not in f.read_bytes(), f
    for text in [repr(p), repr(img), img.to_json(), fk.credits_report()._repr_html_(), *map(str, errors),
                 *map(repr, errors)]:
        assert fake.key not in text
    # the fake did receive it (the check above could not pass by never sending it)
    assert all(r.status != 401 for r in fake.requests)


def test_fake_checks_version_header_and_body_shape(fake: FakeRunway) -> None:
    import httpx

    auth = {"Authorization": f"Bearer {fake.key}"}
    r = httpx.post(fake.url + "/v1/text_to_image", json={"model": "gen4_image"}, headers=auth)
    assert r.status_code == 400 and "X-Runway-Version" in r.json()["error"]
    hdr = {**auth, "X-Runway-Version": "2024-11-06"}
    r = httpx.post(fake.url + "/v1/text_to_image", headers=hdr,
                   json={"model": "gen4_image", "prompt_text": "x", "ratio": "16:9"})
    codes = {i["code"] for i in r.json()["issues"]}
    assert r.status_code == 400 and {"unrecognized_keys", "invalid_type", "invalid_value"} <= codes
    r = httpx.post(fake.url + "/v1/text_to_image", headers=hdr, json={"model": "gen3a_turbo"})
    assert r.json()["issues"][0]["code"] == "invalid_union"
    r = httpx.get(fake.url + "/v1/tasks/00000000-0000-0000-0000-000000000000", headers={"X-Runway-Version": "x"})
    assert r.status_code == 401


def test_a_task_that_outlives_the_wait_is_collected_later_not_recreated(fake: FakeRunway, tmp_path: Path) -> None:
    p = provider(task_timeout=0.0)
    with pytest.raises(ServiceUnavailable, match=r"provider.fetch\(") as info:
        p.text_to_image("a harbour --seed 5", out_dir=tmp_path)
    [task_id] = fake.tasks
    assert task_id in str(info.value) and Ledger().rows()[0]["status"] == "created"  # still reserved
    assets = provider().fetch(task_id, out_dir=tmp_path)
    assert len(fake.creates) == 1 and assets[0].provenance.task_id == task_id
    assert assets[0].provenance.model == "gen4_image" and assets[0].size == (180, 180)
    [row] = Ledger().rows()
    assert (row["status"], row["actual"]) == ("succeeded", 5)


def test_polling_that_keeps_failing_says_the_task_is_safe(fake: FakeRunway, tmp_path: Path) -> None:
    fake.fault("GET", "/v1/tasks/", status=503, times=99)
    with pytest.raises(ServiceUnavailable, match="safe on Runway"):
        provider(max_retries=1).text_to_image("a harbour", out_dir=tmp_path)
    assert len(fake.creates) == 1


def test_variations_send_the_image_as_a_tagged_reference(fake: FakeRunway, tmp_path: Path) -> None:
    p = provider()
    [key] = p.text_to_image("a lighthouse at dusk --ar 16:9", out_dir=tmp_path)
    [var] = p.variations(key, strong=True, seed=4, out_dir=tmp_path)
    body = fake.creates[1].body
    assert body["referenceImages"][0]["tag"] == "source" and "@source" in body["promptText"]
    assert "a lighthouse at dusk" in body["promptText"] and body["seed"] == 4 and body["ratio"] == "1280:720"
    assert var.provenance.parents == (key.id,)


def test_runway_provider_fits_the_protocol(fake: FakeRunway) -> None:
    from filmkit.studio.base import Provider, get_provider

    p = get_provider("runway", poll_interval=0)
    assert isinstance(p, Provider) and p.name == "runway" and isinstance(fk.RunwayProvider(), Provider)


def test_no_key_is_a_clear_auth_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("RUNWAYML_API_SECRET", raising=False)
    monkeypatch.setenv("FILMKIT_CREDENTIALS", str(tmp_path / "none.toml"))
    with pytest.raises(StudioAuthError, match="RUNWAYML_API_SECRET"):
        RunwayProvider()


def test_interrupt_while_running_says_it_may_still_be_charged(fake: FakeRunway, tmp_path: Path) -> None:
    fake.plan_next(plan=["RUNNING:0.1", "RUNNING:0.2", "SUCCEEDED"])

    def interrupt(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(TaskCancelled, match="may still charge it"):
        provider(sleep=Sleeps(interrupt)).text_to_image("a harbour", out_dir=tmp_path)
    assert fake.count("DELETE", "/v1/tasks/") == 1
    [row] = Ledger().rows()
    assert (row["status"], row["actual"]) == ("cancelled", 5)  # a running task is not refunded


def test_slow_polls_time_out_and_are_retried_safely(fake: FakeRunway, tmp_path: Path) -> None:
    fake.fault("GET", "/v1/tasks/", delay=0.8, times=1)
    [asset] = provider(http_timeout=0.3).text_to_image("a harbour", out_dir=tmp_path)
    assert len(fake.creates) == 1 and asset.kind == "image"


_KERNEL = """
import sys, time
from pathlib import Path
from filmkit.errors import BudgetExceeded
from filmkit.studio.runway import RunwayProvider
while not Path(sys.argv[1]).exists():
    time.sleep(0.01)
try:
    RunwayProvider(poll_interval=0, poll_jitter=0).text_to_image("a harbour", out_dir=Path(sys.argv[2]))
    print("made")
except BudgetExceeded:
    print("refused")
"""


def test_two_kernels_cannot_both_spend_the_last_credits(fake: FakeRunway, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    monkeypatch.setenv("FILMKIT_BUDGET", "8")  # room for one 5-credit image, not two
    go = tmp_path / "go"
    Ledger()
    kernels = [subprocess.Popen([sys.executable, "-c", _KERNEL, str(go), str(tmp_path / f"k{i}")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    go.touch()
    results = sorted(k.communicate(timeout=120)[0].strip() for k in kernels)
    assert results == ["made", "refused"]
    assert len(fake.creates) == 1 and fk.budget().spent == 5


def test_real_hosts_are_never_polled_faster_than_every_5_s() -> None:
    p = RunwayProvider(api_key="key_" + "0" * 128, base_url="https://api.dev.runwayml.com", poll_interval=0.1)
    assert p._min_poll == 5.0 and "key_" not in repr(p)
