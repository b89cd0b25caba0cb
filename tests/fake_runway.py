"""A local fake of Runway's developer API, written from the official SDK's request/response types (runwayml 5.24)
and the public docs (see /work/shared/reference/runway_api.md). Importable by any test::

    from fake_runway import FakeRunway
    with FakeRunway() as fake:
        monkeypatch.setenv("RUNWAYML_BASE_URL", fake.url)
        monkeypatch.setenv("RUNWAYML_API_SECRET", fake.key)

What it mirrors:
- ``Authorization: Bearer key_<128 hex>`` equal to ``fake.key`` (else 401), ``X-Runway-Version: 2024-11-06`` (else 400).
- POST /v1/text_to_image (gen4_image, gen4_image_turbo), /v1/image_to_video (gen4_turbo), /v1/image_upscale
  (magnific_precision_upscaler_v2): camelCase keys, no unknown keys, enums, promptText ≤ 1000 UTF-16 units,
  asset URIs that are https / a ``runway://`` URI this server issued / a data URI ≤ 5 MB; zod-style 400 bodies.
  A create answers ``{"id", "estimatedCost": {"credits"}}``.
- GET /v1/tasks/{id}: each GET moves the task one step along its plan (default PENDING → THROTTLED → RUNNING 0.3 →
  RUNNING 0.8 → SUCCEEDED); outputs are URLs on this server (a real PNG / a real small H.264 mp4).
  FAILED and CANCELLED outcomes on demand (:meth:`plan_next`). DELETE → 204, then GET → 404.
- POST /v1/uploads → ``{uploadUrl, fields, runwayUri}``; multipart POST to uploadUrl → 204.
- Faults on demand (:meth:`fault`): any status with headers (429 + Retry-After, 500…), a delay (slow responses),
  a dropped answer *after* the task was created (to test "never bill twice"); :meth:`expire_outputs` makes the next
  download of an output answer 403 until the task is fetched again (which issues a fresh URL).
- Every request is recorded in :attr:`requests` (the Authorization header is never kept).
"""
from __future__ import annotations

import base64
import io
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

VERSION = "2024-11-06"
KEY_RE = re.compile(r"^key_[0-9a-f]{128}$")
IMAGE_RATIOS = ["1024:1024", "1080:1080", "1168:880", "1360:768", "1440:1080", "1080:1440", "1808:768", "1920:1080",
                "1080:1920", "2112:912", "1280:720", "720:1280", "720:720", "960:720", "720:960", "1680:720"]
VIDEO_RATIOS = ["1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"]
_720P = {"1280:720", "720:1280", "720:720", "960:720", "720:960", "1680:720"}
DEFAULT_PLAN = ("PENDING", "THROTTLED", "RUNNING:0.3", "RUNNING:0.8", "SUCCEEDED")
CREATE_PATHS = ("/v1/text_to_image", "/v1/image_to_video", "/v1/image_upscale")


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class Fault:
    method: str
    path: str  # prefix
    status: int | None = None  # None: answer normally (after the delay)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    drop_after_create: bool = False  # do the work, then never answer (close the connection)
    times: int = 1


@dataclass
class _Task:
    id: str
    kind: str
    request: dict[str, Any]
    estimate: int
    plan: list[str]
    created_at: str
    step: int = -1
    deleted: bool = False
    token: str = ""
    expired: bool = False
    failure: tuple[str, str] | None = None  # (code, text)
    outputs: int = 1


class FakeRunway:
    """The fake server; a context manager that runs it in a thread on 127.0.0.1 and a free port."""

    def __init__(self, *, key: str | None = None, video_scale: int = 8, video_fps: int = 8) -> None:
        self.key = key or "key_" + secrets.token_hex(64)
        self.requests: list[Recorded] = []
        self.tasks: dict[str, _Task] = {}
        self.uploads: dict[str, int] = {}  # runway:// uri -> bytes received (0 until the multipart POST)
        self._faults: list[Fault] = []
        self._plans: list[dict[str, Any]] = []
        self._expire_next = 0
        self._lock = threading.Lock()
        self.video_scale = video_scale
        self.video_fps = video_fps
        self._media: dict[tuple[Any, ...], bytes] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.output_downloads = 0

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> FakeRunway:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeRunway:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __repr__(self) -> str:
        return f"FakeRunway({self.url if self._server else 'stopped'})"

    # -- test controls ---------------------------------------------------------------------------------------
    def fault(self, method: str, path: str, *, status: int | None = None, headers: dict[str, str] | None = None,
              body: Any = None, delay: float = 0.0, drop_after_create: bool = False, times: int = 1) -> None:
        """Answer the next ``times`` matching requests with this fault."""
        with self._lock:
            self._faults.append(Fault(method.upper(), path, status, dict(headers or {}), body, delay,
                                      drop_after_create, times))

    def plan_next(self, *, plan: tuple[str, ...] | list[str] | None = None, failure_code: str | None = None,
                  failure: str = "The task failed.", outputs: int = 1) -> None:
        """How the next created task behaves: its status steps, and for FAILED its code and text."""
        with self._lock:
            self._plans.append({"plan": list(plan or DEFAULT_PLAN), "failure": (failure_code or "", failure),
                                "outputs": outputs})

    def expire_outputs(self, times: int = 1) -> None:
        """The next ``times`` output downloads answer 403 (expired) until the task is fetched again."""
        with self._lock:
            self._expire_next += times

    def count(self, method: str, path: str) -> int:
        """How many requests with this method went to a path starting with ``path``."""
        return sum(1 for r in self.requests if r.method == method and r.path.startswith(path))

    @property
    def creates(self) -> list[Recorded]:
        """Every generation POST received (whatever the answer)."""
        return [r for r in self.requests if r.method == "POST" and r.path in CREATE_PATHS]

    # -- media -----------------------------------------------------------------------------------------------
    def _png(self, ratio: str) -> bytes:
        if ("png", ratio) not in self._media:
            from PIL import Image

            w, h = (int(x) for x in ratio.split(":"))
            w, h = max(2, w // 4), max(2, h // 4)
            im = Image.linear_gradient("L").resize((w, h)).convert("RGB")
            buf = io.BytesIO()
            im.save(buf, format="PNG")
            self._media[("png", ratio)] = buf.getvalue()
        return self._media[("png", ratio)]

    def _mp4(self, ratio: str, seconds: int) -> bytes:
        key = ("mp4", ratio, seconds)
        if key not in self._media:
            import tempfile

            import numpy as np
            from filmkit._ffmpeg import VideoWriter

            w, h = (int(x) for x in ratio.split(":"))
            w, h = (w // self.video_scale) // 2 * 2, (h // self.video_scale) // 2 * 2
            with tempfile.TemporaryDirectory() as d:
                out = Path(d) / "clip.mp4"
                with VideoWriter(out, size=(w, h), fps=self.video_fps) as vw:
                    n = seconds * self.video_fps
                    for i in range(n):
                        frame = np.full((h, w, 3), int(255 * i / max(1, n - 1)), np.uint8)
                        vw.write(frame)
                self._media[key] = out.read_bytes()
        return self._media[key]

    # -- the API ---------------------------------------------------------------------------------------------
    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for f in self._faults:
                if f.method == method and path.startswith(f.path) and f.times > 0:
                    f.times -= 1
                    if f.times == 0:
                        self._faults.remove(f)
                    return f
        return None

    def _create(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        issues = validate(path, body, self.uploads)
        if issues:
            return 400, {"error": "Validation of body failed", "issues": issues,
                         "docUrl": "https://docs.dev.runwayml.com/api"}
        model = body["model"]
        if model == "gen4_turbo":
            estimate = 5 * int(body.get("duration", 5))
        elif model == "gen4_image":
            estimate = 5 if body["ratio"] in _720P else 8
        elif model == "gen4_image_turbo":
            estimate = 2
        else:
            estimate = 10
        with self._lock:
            spec = self._plans.pop(0) if self._plans else {"plan": list(DEFAULT_PLAN), "failure": ("", ""),
                                                           "outputs": 1}
            task = _Task(id=str(uuid.uuid4()), kind=path.rsplit("/", 1)[1], request=body, estimate=estimate,
                         plan=spec["plan"], created_at=time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                         token=secrets.token_hex(8), failure=spec["failure"], outputs=spec["outputs"])
            self.tasks[task.id] = task
        return 200, {"id": task.id, "estimatedCost": {"credits": estimate}}

    def _task_json(self, task: _Task, *, advance: bool) -> dict[str, Any]:
        with self._lock:
            if advance and task.step < len(task.plan) - 1:
                task.step += 1
            if task.expired:  # a fresh GET renews the signed URLs
                task.token, task.expired = secrets.token_hex(8), False
            state = task.plan[max(0, task.step)]
        status, _, prog = state.partition(":")
        base = {"id": task.id, "createdAt": task.created_at, "status": status}
        if status in ("PENDING", "THROTTLED"):
            return {**base, "estimatedCost": {"credits": task.estimate}}
        if status == "RUNNING":
            return {**base, "progress": float(prog or 0.5), "estimatedCost": {"credits": task.estimate}}
        if status == "SUCCEEDED":
            ext = "mp4" if task.kind == "image_to_video" else "png"
            out = [f"{self.url}/outputs/{task.id}/{i}.{ext}?_jwt={task.token}" for i in range(task.outputs)]
            return {**base, "output": out, "cost": {"credits": task.estimate}}
        if status == "FAILED":
            code, text = task.failure or ("", "")
            charged = task.estimate if code.startswith("SAFETY.INPUT") else 0
            return {**base, "failure": text or "The task failed.", **({"failureCode": code} if code else {}),
                    "cost": {"credits": charged}}
        return {**base, "cost": {"credits": 0}}  # CANCELLED

    def _output(self, task_id: str, name: str, token: str) -> tuple[int, bytes, str]:
        task = self.tasks.get(task_id)
        if task is None or task.deleted:
            return 404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml"
        with self._lock:
            if self._expire_next > 0:
                self._expire_next -= 1
                task.expired = True
            if task.expired or token != task.token:
                return 403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", \
                    "application/xml"
            self.output_downloads += 1
        if name.endswith(".mp4"):
            req = task.request
            return 200, self._mp4(req["ratio"], int(req.get("duration", 5))), "video/mp4"
        return 200, self._png(task.request.get("ratio", "1024:1024")), "image/png"


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeRunway
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stalls

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any = None, *, headers: dict[str, str] | None = None,
              ctype: str = "application/json") -> None:
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if status != 204:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != 204 and data:
            self.wfile.write(data)
        if self._rec is not None:
            self._rec.status = status

    def _handle(self, method: str) -> None:
        fake = self.server_fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        ctype = self.headers.get("Content-Type", "")
        body: Any = raw
        if "json" in ctype:
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() != "authorization"}
        self._rec = Recorded(method, path, headers, body)
        with fake._lock:
            fake.requests.append(self._rec)

        # outputs and the upload bucket are "another host": no Runway auth
        if method == "GET" and path.startswith("/outputs/"):
            _, _, task_id, name = path.split("/", 3)
            token = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("_jwt", "")
            status, data, ct = fake._output(task_id, name, token)
            self._send(status, data, ctype=ct)
            return
        if method == "POST" and path.startswith("/upload-bucket/"):
            uri = "runway://" + path.rsplit("/", 1)[1]
            if uri not in fake.uploads or "multipart/form-data" not in ctype or b'name="file"' not in raw:
                self._send(400, b"<Error>bad upload</Error>", ctype="application/xml")
                return
            fake.uploads[uri] = len(raw)
            self._send(204)
            return

        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not KEY_RE.match(auth[7:]) or auth[7:] != fake.key:
            self._send(401, {"error": "Invalid API key"})
            return
        if self.headers.get("X-Runway-Version") != VERSION:
            self._send(400, {"error": f"Invalid or missing X-Runway-Version header; expected {VERSION}"})
            return

        fault = fake._take_fault(method, path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop_after_create:
                if method == "POST" and path in CREATE_PATHS and isinstance(body, dict):
                    fake._create(path, body)
                self.close_connection = True
                try:
                    self.connection.shutdown(2)
                except OSError:
                    pass
                return
            if fault.status is not None:
                self._send(fault.status, fault.body if fault.body is not None else {"error": "fault injected"},
                           headers=fault.headers)
                return

        if method == "POST" and path in CREATE_PATHS:
            if not isinstance(body, dict):
                self._send(400, {"error": "Validation of body failed", "issues": [
                    {"code": "invalid_type", "expected": "object", "path": [], "message": "Invalid input"}]})
                return
            status, answer = fake._create(path, body)
            self._send(status, answer)
            return
        if method == "POST" and path == "/v1/uploads":
            if not isinstance(body, dict) or set(body) - {"filename", "type"} or body.get("type") != "ephemeral" \
                    or not isinstance(body.get("filename"), str):
                self._send(400, {"error": "Validation of body failed", "issues": [
                    {"code": "invalid_value", "path": ["type"], "message": "expected filename and type=ephemeral"}]})
                return
            uid = uuid.uuid4().hex
            uri = f"runway://{uid}"
            fake.uploads[uri] = 0
            self._send(200, {"uploadUrl": f"{fake.url}/upload-bucket/{uid}",
                             "fields": {"key": f"uploads/{uid}/{body['filename']}", "policy": "eyJmYWtlIjp0cnVlfQ=="},
                             "runwayUri": uri})
            return
        m = re.fullmatch(r"/v1/tasks/([0-9a-f-]+)", path)
        if m:
            task = fake.tasks.get(m.group(1))
            if task is None or task.deleted:
                self._send(404, {"error": "Could not find Task"})
                return
            if method == "GET":
                self._send(200, fake._task_json(task, advance=True))
                return
            if method == "DELETE":
                task.deleted = True
                self._send(204)
                return
            self._send(405, {"error": "Method not allowed"})
            return
        self._send(404, {"error": "Not found"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


# -- validation, zod-style ---------------------------------------------------------------------------------------
def _issue(code: str, path: list[Any], message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "path": path, "message": message, **extra}


def _check_uri(uri: Any, path: list[Any], uploads: dict[str, int]) -> list[dict[str, Any]]:
    if not isinstance(uri, str):
        return [_issue("invalid_type", path, f"Invalid input: expected string, received {type(uri).__name__}")]
    if uri.startswith("https://"):
        return [] if len(uri) <= 2048 else [_issue("too_big", path, "URL too long", maximum=2048)]
    if uri.startswith("runway://"):
        return [] if uploads.get(uri) else [_issue("custom", path, "Unknown or unfinished upload URI")]
    m = re.fullmatch(r"data:(image/(?:png|jpeg|webp));base64,([A-Za-z0-9+/=]+)", uri)
    if m:
        if len(uri) > 5_000_000:
            return [_issue("too_big", path, "Data URI exceeds 5MB", maximum=5_000_000)]
        try:
            base64.b64decode(m.group(2), validate=True)
        except ValueError:
            return [_issue("custom", path, "Invalid base64 in data URI")]
        return []
    return [_issue("custom", path, "Invalid asset: expected an HTTPS URL, a runway:// URI or a base64 data URI")]


def _enum(body: dict[str, Any], key: str, allowed: list[Any], issues: list[dict[str, Any]], *,
          required: bool = True) -> None:
    if key not in body:
        if required:
            issues.append(_issue("invalid_type", [key], "Invalid input: expected string, received undefined"))
        return
    if body[key] not in allowed:
        options = "|".join(json.dumps(a) for a in allowed)
        issues.append(_issue("invalid_value", [key], f"Invalid option: expected one of {options}",
                             values=allowed))


def _text(body: dict[str, Any], key: str, issues: list[dict[str, Any]], *, required: bool) -> None:
    if key not in body:
        if required:
            issues.append(_issue("invalid_type", [key], "Invalid input: expected string, received undefined"))
        return
    v = body[key]
    if not isinstance(v, str):
        issues.append(_issue("invalid_type", [key], "Invalid input: expected string"))
        return
    n = len(v.encode("utf-16-le")) // 2
    if n < 1:
        issues.append(_issue("too_small", [key], "Too small: expected string to have >=1 characters", minimum=1))
    if n > 1000:
        issues.append(_issue("too_big", [key], "Too big: expected string to have <=1000 characters", maximum=1000))


def _int(body: dict[str, Any], key: str, lo: int, hi: int, issues: list[dict[str, Any]]) -> None:
    if key in body:
        v = body[key]
        if not isinstance(v, int) or isinstance(v, bool):
            issues.append(_issue("invalid_type", [key], "Invalid input: expected int"))
        elif v < lo:
            issues.append(_issue("too_small", [key], f"Too small: expected number to be >={lo}", minimum=lo))
        elif v > hi:
            issues.append(_issue("too_big", [key], f"Too big: expected number to be <={hi}", maximum=hi))


def _extra(body: dict[str, Any], allowed: set[str], issues: list[dict[str, Any]]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        issues.append(_issue("unrecognized_keys", [], f"Unrecognized key(s) in object: {', '.join(map(repr, unknown))}",
                             keys=unknown))


def validate(path: str, body: dict[str, Any], uploads: dict[str, int]) -> list[dict[str, Any]]:
    """The issues the real API would list for this body (empty when valid)."""
    issues: list[dict[str, Any]] = []
    models = {"/v1/text_to_image": ["gen4_image", "gen4_image_turbo"], "/v1/image_to_video": ["gen4_turbo"],
              "/v1/image_upscale": ["magnific_precision_upscaler_v2"]}[path]
    if body.get("model") not in models:
        return [{"code": "invalid_union", "note": "No matching discriminator", "discriminator": "model",
                 "path": ["model"], "message": "Invalid input"}]
    model = body["model"]
    if path == "/v1/text_to_image":
        _extra(body, {"model", "promptText", "ratio", "referenceImages", "seed", "contentModeration"}, issues)
        _text(body, "promptText", issues, required=True)
        _enum(body, "ratio", IMAGE_RATIOS, issues)
        refs = body.get("referenceImages")
        if refs is None and model == "gen4_image_turbo":
            issues.append(_issue("invalid_type", ["referenceImages"], "Invalid input: expected array, received undefined"))
        if refs is not None:
            if not isinstance(refs, list) or len(refs) > 3 or (model == "gen4_image_turbo" and not refs):
                issues.append(_issue("too_big", ["referenceImages"], "expected 1 to 3 reference images", maximum=3))
            else:
                for i, ref in enumerate(refs):
                    if not isinstance(ref, dict):
                        issues.append(_issue("invalid_type", ["referenceImages", i], "expected object"))
                        continue
                    _extra(ref, {"uri", "tag"}, issues)
                    issues += _check_uri(ref.get("uri"), ["referenceImages", i, "uri"], uploads)
                    tag = ref.get("tag")
                    if tag is not None and not (isinstance(tag, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{2,15}", tag)):
                        issues.append(_issue("invalid_format", ["referenceImages", i, "tag"], "Invalid tag"))
    elif path == "/v1/image_to_video":
        _extra(body, {"model", "promptImage", "promptText", "ratio", "duration", "seed", "contentModeration"}, issues)
        _enum(body, "ratio", VIDEO_RATIOS, issues)
        _text(body, "promptText", issues, required=False)
        _int(body, "duration", 2, 10, issues)
        pi = body.get("promptImage")
        if pi is None:
            issues.append(_issue("invalid_type", ["promptImage"], "Invalid input: expected string, received undefined"))
        elif isinstance(pi, list):
            for i, item in enumerate(pi):
                if not isinstance(item, dict) or item.get("position") != "first":
                    issues.append(_issue("invalid_value", ["promptImage", i, "position"], 'expected "first"'))
                else:
                    issues += _check_uri(item.get("uri"), ["promptImage", i, "uri"], uploads)
        else:
            issues += _check_uri(pi, ["promptImage"], uploads)
    else:
        _extra(body, {"model", "imageUri", "scaleFactor", "flavor", "sharpen", "smartGrain", "ultraDetail"}, issues)
        if "imageUri" not in body:
            issues.append(_issue("invalid_type", ["imageUri"], "Invalid input: expected string, received undefined"))
        else:
            issues += _check_uri(body["imageUri"], ["imageUri"], uploads)
        _enum(body, "scaleFactor", [2, 4, 8, 16], issues, required=False)
        _enum(body, "flavor", ["sublime", "photo", "photo_denoiser"], issues, required=False)
    _int(body, "seed", 0, 4294967295, issues)
    return issues
