"""``RunwayProvider``: the real Runway developer API, through the official ``runwayml`` SDK, careful with credits.

What it does for you, so that a workshop on flaky Wi-Fi never wastes money:

- **Validates locally first** (model and ratio enums, ``promptText`` ≤ 1000 UTF-16 units, reference tags,
  duration 2–10 s, data URIs ≤ 5 MB): a mistake raises :class:`~filmkit.errors.RequestRejected` with the fix
  before anything is sent.
- **Checks the budget before sending** (:mod:`filmkit.studio.ledger`): past the cap,
  :class:`~filmkit.errors.BudgetExceeded` is raised and no request leaves the machine.
- **Never bills twice.** The SDK sends no idempotency key, so every call is made with ``max_retries=0`` and
  filmkit retries itself, only when it is safe: reads (polling, downloads, uploads) on 429/5xx/connection errors;
  a *create* only when the server answered 429/500/502/503 (the task was not created) or the connection could
  not even be opened (nothing was sent). A create whose answer was lost (a timeout, a dropped connection, a 504
  from a gateway) is **not** retried: :class:`~filmkit.errors.ServiceUnavailable` says that the task may have
  been created and billed, and the ledger keeps its estimate counted. ``Retry-After``/``retry-after-ms`` are
  honoured; otherwise exponential backoff with up to 50 % jitter, capped.
- **Polls at the documented pace** (every 6 ± 1 s, never under 5 s by default; ``poll_interval=`` lets tests
  poll a local server fast) with a progress bar; ``THROTTLED`` waits patiently; ``SUCCEEDED``, ``FAILED``,
  ``CANCELLED`` and a 404 (deleted) are terminal.
- **Ctrl-C / interrupting the kernel cancels the remote task** (``DELETE /v1/tasks/{id}``) and then raises
  :class:`~filmkit.errors.TaskCancelled` (not ``KeyboardInterrupt``): a queued task is usually refunded, a running
  one is not.
- **Failure codes become advice**: ``SAFETY.*`` → :class:`~filmkit.errors.SafetyRefused`; other failures →
  :class:`~filmkit.errors.TaskFailed` with what to change. 401 → :class:`~filmkit.errors.StudioAuthError`;
  400 → :class:`~filmkit.errors.RequestRejected` quoting the server's issues.
- **Downloads every output at once** (the URLs expire), streamed, with a size limit, written atomically into
  ``out_dir``; an expired URL is renewed by fetching the task again (once). Signed URLs are never stored: the
  provenance keeps the URL without its query string.
- **Never echoes the key**: not in reprs, errors, provenance or the ledger.

Examples
--------
>>> from filmkit.studio.runway import nearest_ratio, IMAGE_RATIOS, VIDEO_RATIOS
>>> nearest_ratio("16:9", IMAGE_RATIOS), nearest_ratio("2.39:1", VIDEO_RATIOS)
('1280:720', '1584:672')
>>> nearest_ratio("16:9", IMAGE_RATIOS, resolution="1080p"), nearest_ratio("1:1", IMAGE_RATIOS, resolution="1080p")
('1920:1080', '1080:1080')
"""
from __future__ import annotations

import base64
import hashlib
import io
import math
import os
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from ..assets import Asset, Provenance
from ..errors import (
    DownloadError,
    RateLimited,
    RequestRejected,
    SafetyRefused,
    ServiceUnavailable,
    StudioAuthError,
    StudioError,
    TaskCancelled,
    TaskFailed,
)
from .ledger import Ledger, estimate_credits

__all__ = ["IMAGE_RATIOS", "UPSCALE_FACTORS", "VIDEO_RATIOS", "RunwayProvider", "nearest_ratio"]

T = TypeVar("T")

IMAGE_MODELS = ("gen4_image", "gen4_image_turbo")
VIDEO_MODELS = ("gen4_turbo",)
UPSCALE_MODEL = "magnific_precision_upscaler_v2"
IMAGE_RATIOS_720P = ("1280:720", "720:1280", "720:720", "960:720", "720:960", "1680:720")
IMAGE_RATIOS_1080P = ("1920:1080", "1080:1920", "1080:1080", "1440:1080", "1080:1440", "1808:768", "2112:912",
                      "1024:1024", "1168:880", "1360:768")
#: every ratio gen4_image accepts
IMAGE_RATIOS = IMAGE_RATIOS_720P + IMAGE_RATIOS_1080P
#: every ratio gen4_turbo accepts
VIDEO_RATIOS = ("1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672")
UPSCALE_FACTORS = (2, 4, 8, 16)
MAX_PROMPT_UTF16 = 1000
MAX_DATA_URI = 5_000_000  # the whole "data:...;base64,..." string (docs: 5 MB)
_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9_]{2,15}$")
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z][A-Za-z0-9_]*)")
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
_EXT = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "video/mp4": ".mp4",
        "video/quicktime": ".mov"}

# failure-code prefix -> advice (first match wins)
_ADVICE: tuple[tuple[str, str], ...] = (
    ("SAFETY.INPUT", ("Runway's moderation refused the prompt or input image before generating (these credits "
                      "are not refunded). Change the wording or the image (no real people's names, nothing violent "
                      "or explicit) rather than retrying the same request.")),
    ("SAFETY.OUTPUT", ("Runway's moderation refused what the model made; the credits were refunded. Rephrase "
                       "the prompt or change the seed and try again.")),
    ("SAFETY", "Runway's moderation refused the prompt or the image. Change them rather than retrying."),
    ("INPUT_PREPROCESSING.SAFETY", "Runway's moderation refused the prompt text. Rewrite it; do not retry as is."),
    ("INTERNAL.BAD_OUTPUT", ("Runway rejected the result's quality; this often comes from text or logos in the "
                             "input image. Use a cleaner image or change the prompt; a plain retry rarely helps.")),
    ("ASSET.INVALID", ("Runway could not use the input image or video. Re-export it as PNG/JPEG (or H.264 mp4) "
                       "with an aspect between 1:2 and 2:1, then try again.")),
    ("INPUT_PREPROCESSING", "Runway could not prepare the input; try again, or re-export the input file."),
    ("INTERNAL", "Something failed inside Runway; trying again once is reasonable (failed tasks are refunded)."),
)


def nearest_ratio(aspect: str | float, allowed: Sequence[str], *, resolution: str | None = None) -> str:
    """The allowed ``W:H`` ratio closest (in log aspect) to ``aspect`` (``"16:9"``, ``"2.39:1"`` or a float).

    Among equally close ratios the 720p one wins unless ``resolution="1080p"``.
    """
    if isinstance(aspect, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[:x/]\s*(\d+(?:\.\d+)?)\s*", aspect)
        if not m or float(m.group(2)) == 0 or float(m.group(1)) == 0:
            raise RequestRejected(f"aspect ratio must look like W:H (e.g. 16:9); got {aspect!r}.")
        value = float(m.group(1)) / float(m.group(2))
    else:
        value = float(aspect)
    pool = list(allowed)
    if resolution is not None:
        if resolution not in ("720p", "1080p"):
            raise RequestRejected(f"resolution must be '720p' or '1080p'; got {resolution!r}.")
        tier = IMAGE_RATIOS_1080P if resolution == "1080p" else IMAGE_RATIOS_720P
        pool = [r for r in pool if r in tier] or pool

    short = 1080 if resolution == "1080p" else 720

    def score(r: str) -> tuple[float, int]:
        w, h = (int(x) for x in r.split(":"))
        return (round(abs(math.log((w / h) / value)), 6), abs(min(w, h) - short))

    return min(pool, key=score)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _retry_after(headers: Any) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms``, then ``Retry-After`` seconds or HTTP date)."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    ra = headers.get("retry-after")
    if ra is None:
        return None
    try:
        return max(0.0, float(ra))
    except ValueError:
        import email.utils

        when = email.utils.parsedate_to_datetime(ra) if ra else None
        if when is None:
            return None
        return max(0.0, float(when.timestamp()) - time.time())


def _issues(body: Any) -> str:
    """The server's 400 body as one readable line."""
    if not isinstance(body, Mapping):
        return str(body)[:300] if body else "no details"
    parts = []
    for issue in body.get("issues") or []:
        if isinstance(issue, Mapping):
            path = ".".join(str(p) for p in issue.get("path") or []) or "body"
            parts.append(f"{path}: {issue.get('message', issue.get('code', '?'))}")
    head = str(body.get("error") or "the request was refused")
    return head + ("; " + "; ".join(parts) if parts else "")


class RunwayProvider:
    """Runway's API as a filmkit provider (``gen4_image`` stills, ``gen4_turbo`` clips, Magnific upscales).

    Parameters
    ----------
    api_key
        Normally left out: read by :func:`filmkit.settings.runway_api_key` (``RUNWAYML_API_SECRET``).
    base_url
        Normally left out: ``RUNWAYML_BASE_URL`` / ``runway_base_url`` in config, else the SDK's default.
    poll_interval, poll_jitter
        Seconds between task polls, ± jitter. The default (6 ± 1 s) follows Runway's "no faster than every five
        seconds"; against any host but a local test server the pace never goes under 5 s.
    max_retries, backoff_cap, max_retry_after
        Retries of safe calls; the longest backoff; a ``Retry-After`` longer than ``max_retry_after`` seconds
        (a daily limit) raises :class:`~filmkit.errors.RateLimited` at once instead of waiting.
    http_timeout
        Seconds for one HTTP request (connect: 5 s at most).
    task_timeout
        Seconds to wait for one task before giving up (the task keeps its id; see :meth:`fetch`).
    max_download_bytes
        The largest output accepted (:class:`~filmkit.errors.DownloadError` beyond).
    sleep
        The sleep function (tests pass a fake one so they never wait).

    Examples
    --------
    Mistakes are caught locally, before anything is sent or billed (this key is a dummy and the address a
    closed local port; in a lesson both come from ``RUNWAYML_API_SECRET`` and the config):

    >>> import tempfile
    >>> import filmkit as fk
    >>> runway = fk.RunwayProvider(api_key="key_" + "0" * 128, base_url="http://127.0.0.1:9")
    >>> runway.name, runway.model, runway.video_model, "key_" in repr(runway)
    ('runway', 'gen4_image', 'gen4_turbo', False)
    >>> runway.text_to_image("koi pond --ar 16:9", model="gen3", out_dir=tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    filmkit.errors.RequestRejected: model must be one of gen4_image, gen4_image_turbo for ...; got 'gen3'.
    """

    name = "runway"
    model = "gen4_image"  # what text_to_image uses by default (the generation cache keys on it)
    video_model = "gen4_turbo"  # what image_to_video uses by default

    def __init__(self, *, api_key: str | None = None, base_url: str | None = None, poll_interval: float = 6.0,
                 poll_jitter: float = 1.0, max_retries: int = 4, backoff_cap: float = 30.0,
                 max_retry_after: float = 120.0, http_timeout: float = 60.0, task_timeout: float = 1800.0,
                 max_download_bytes: int = 512 * 1024 * 1024, sleep: Callable[[float], None] = time.sleep,
                 ledger: Ledger | None = None, progress: bool | None = None) -> None:
        from ..settings import config, runway_api_key

        self._key = api_key or runway_api_key(required=True)
        self.base_url = (base_url or os.environ.get("RUNWAYML_BASE_URL") or config.runway_base_url or None)
        # tests and local fakes may ask for a faster pace; the floor below still holds for the real service
        poll_interval = float(os.environ.get("FILMKIT_RUNWAY_POLL_INTERVAL", poll_interval))
        poll_jitter = float(os.environ.get("FILMKIT_RUNWAY_POLL_JITTER", poll_jitter))
        if poll_interval < 0 or poll_jitter < 0:
            raise StudioError(f"poll_interval and poll_jitter must be ≥ 0; got {poll_interval}, {poll_jitter}.")
        self.poll_interval = float(poll_interval)
        host = urlsplit(self.base_url or "https://api.dev.runwayml.com").hostname or ""
        # Runway asks for polls no faster than every 5 s; only a local (test) server may be polled faster
        self._min_poll = 0.0 if host in ("127.0.0.1", "localhost", "::1") else 5.0
        self.poll_jitter = float(poll_jitter)
        self.max_retries = int(max_retries)
        self.backoff_cap = float(backoff_cap)
        self.max_retry_after = float(max_retry_after)
        self.http_timeout = float(http_timeout)
        self.task_timeout = float(task_timeout)
        self.max_download_bytes = int(max_download_bytes)
        self._sleep = sleep
        self._ledger = ledger
        self._progress = progress
        self._rng = random.Random()
        self._client_obj: Any = None

    def __repr__(self) -> str:
        where = self.base_url or "https://api.dev.runwayml.com"
        return f"RunwayProvider(base_url={where!r}, key=set, poll every {self.poll_interval:g}±{self.poll_jitter:g} s)"

    # -- plumbing --------------------------------------------------------------------------------------------
    @property
    def ledger(self) -> Ledger:
        """The workspace credit ledger this provider records to."""
        if self._ledger is None:
            self._ledger = Ledger()
        return self._ledger

    def _client(self) -> Any:
        if self._client_obj is None:
            runwayml = _require_runwayml()
            httpx = _require_httpx()
            self._client_obj = runwayml.RunwayML(
                api_key=self._key, base_url=self.base_url, max_retries=0,
                timeout=httpx.Timeout(self.http_timeout, connect=min(5.0, self.http_timeout)))
        return self._client_obj

    def _backoff(self, attempt: int) -> float:
        base = min(self.backoff_cap, 2.0 ** attempt)
        return base * (1 + 0.5 * self._rng.random())  # up to 50 % jitter, as Runway's docs suggest

    def _call(self, fn: Callable[[], T], *, what: str, create: bool = False) -> T:
        """Call the SDK with filmkit's retry rules; map SDK errors to filmkit errors (never leaking the key)."""
        runwayml = _require_runwayml()
        httpx = _require_httpx()
        attempt = 0
        while True:
            try:
                return fn()
            except runwayml.APIStatusError as exc:
                status = exc.status_code
                body = exc.body
                if status == 401:
                    raise StudioAuthError(
                        f"Runway rejected the API key while {what} (HTTP 401). Check RUNWAYML_API_SECRET: a key "
                        "looks like key_ followed by 128 hex digits, from dev.runwayml.com → API keys.") from None
                if status in (400, 422):
                    raise RequestRejected(f"Runway refused the request while {what}: {_issues(body)}. Nothing "
                                          "was billed; fix the request and try again.") from None
                if status == 404:
                    raise
                if status == 504 and create:
                    raise ServiceUnavailable(
                        f"Runway's gateway timed out (HTTP 504) while {what}. The task may have been created and "
                        "billed; filmkit did not retry so it cannot start a second one. The ledger counts the "
                        "estimate as spent; check the Runway dashboard before trying again.") from None
                if status == 429 or status >= 500 or status in (408, 409):
                    wait = _retry_after(exc.response.headers)
                    if wait is not None and wait > self.max_retry_after:
                        raise RateLimited(f"Runway says to wait {wait:.0f} s (HTTP {status}) while {what}: probably "
                                          "a daily or tier limit. Nothing was billed for this request; try later "
                                          "or use provider='previz' meanwhile.") from None
                    if attempt >= self.max_retries:
                        cls = RateLimited if status == 429 else ServiceUnavailable
                        raise cls(f"Runway kept answering HTTP {status} while {what}, after {attempt + 1} tries. "
                                  "Nothing was billed for this request (the server refused it); try again in a "
                                  "few minutes.") from None
                    self._sleep(wait if wait is not None else self._backoff(attempt))
                    attempt += 1
                    continue
                raise StudioError(f"Runway answered HTTP {status} while {what}: {_issues(body)}.") from None
            except runwayml.APIConnectionError as exc:
                never_sent = isinstance(exc.__cause__, httpx.ConnectError)
                if create and not never_sent:
                    raise ServiceUnavailable(
                        f"the connection to Runway was lost while {what}, before its answer arrived "
                        f"({type(exc).__name__}). The task may have been created and billed; filmkit did not retry "
                        "so it cannot start a second one. The ledger counts the estimate as spent; check the "
                        "Runway dashboard before trying again.") from None
                if attempt >= self.max_retries:
                    sent = "nothing was sent, so nothing was billed" if never_sent else "nothing new was billed"
                    raise ServiceUnavailable(f"cannot reach Runway at {self.base_url or 'api.dev.runwayml.com'} "
                                             f"while {what} after {attempt + 1} tries ({sent}). Check the "
                                             "network, or keep working with provider='previz'.") from None
                self._sleep(self._backoff(attempt))
                attempt += 1

    # -- inputs ----------------------------------------------------------------------------------------------
    def _image_uri(self, image: Any, *, what: str) -> str:
        """An HTTPS URL / ``runway://`` / data URI for an Asset or path: data URI when ≤ 5 MB, else an upload."""
        if isinstance(image, str) and image.startswith(("https://", "runway://", "data:")):
            if image.startswith("data:") and len(image) > MAX_DATA_URI:
                raise RequestRejected(f"{what}: the data URI is {len(image):,} characters; Runway takes at most "
                                      f"{MAX_DATA_URI:,}. Pass the file path instead and filmkit uploads it.")
            return image
        path = Path(image.path if isinstance(image, Asset) else image)
        if not path.is_file():
            raise RequestRejected(f"{what}: {path} does not exist. Pass an Asset or the path of a PNG/JPEG/WebP.")
        from PIL import Image

        try:
            with Image.open(path) as im:
                w, h = im.size
                fmt = (im.format or "").upper()
                mime = _MIME.get(path.suffix.lower()) if fmt in ("PNG", "JPEG", "WEBP") else None
                data = path.read_bytes() if mime else None
                if data is None:  # GIF/TIFF/BMP…: Runway takes PNG, JPEG, WebP only
                    buf = io.BytesIO()
                    im.convert("RGB").save(buf, format="PNG")
                    data, mime = buf.getvalue(), "image/png"
        except OSError as exc:
            raise RequestRejected(f"{what}: {path.name} is not a readable image ({exc}).") from None
        if max(w, h) >= 8000:
            raise RequestRejected(f"{what}: {path.name} is {w}×{h}; Runway takes sides under 8000 px. Resize it.")
        uri = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
        if len(uri) <= MAX_DATA_URI:
            return uri
        upload = self._call(lambda: self._client().uploads.create_ephemeral(file=path),
                            what=f"uploading {path.name}")
        return str(upload.uri)

    @staticmethod
    def _describe_uri(uri: str) -> str:
        """What provenance keeps of an input: never a data payload, never a signed query string."""
        if uri.startswith("data:"):
            digest = hashlib.sha256(uri.encode("ascii")).hexdigest()[:16]
            return f"{uri.split(',', 1)[0]},<{len(uri):,} chars, sha256 {digest}>"
        return _strip_query(uri)

    @staticmethod
    def _check_prompt_text(text: str, *, required: bool) -> str:
        text = (text or "").strip()
        if required and not text:
            raise RequestRejected("the prompt text is empty; Runway needs a description of what should appear.")
        n = _utf16_len(text)
        if n > MAX_PROMPT_UTF16:
            raise RequestRejected(f"the prompt is {n} characters (UTF-16 units); Runway takes at most "
                                  f"{MAX_PROMPT_UTF16}. Shorten it (move style words into reference images).")
        return text

    # -- the Provider protocol -------------------------------------------------------------------------------
    def text_to_image(self, prompt: Any, *, seed: int | None = None, out_dir: Path,
                      references: Sequence[Any] | Mapping[str, Any] = (), model: str = "gen4_image",
                      ratio: str | None = None, resolution: str = "720p", **options: Any) -> list[Asset]:
        """One image from a prompt (``--ar`` picks the nearest allowed ratio; ``--seed`` the seed).

        ``references`` (at most 3) keep a look consistent: Assets or paths, or ``{"tag": asset}`` /
        ``[("tag", asset)]``; mention each tag in the prompt as ``@tag``.
        """
        from ..prompts import Prompt, parse_prompt

        p = prompt if isinstance(prompt, Prompt) else parse_prompt(str(prompt))
        if options:
            raise RequestRejected(f"RunwayProvider.text_to_image does not take {', '.join(sorted(options))}; "
                                  "use model=, ratio=, resolution=, seed= or references=.")
        if model not in IMAGE_MODELS:
            raise RequestRejected(f"model must be one of {', '.join(IMAGE_MODELS)} for text_to_image; got {model!r}.")
        text = self._check_prompt_text(p.text, required=True)
        if ratio is None:
            aspect = p.params.get("aspect") or "1:1"
            ratio = nearest_ratio(str(aspect), IMAGE_RATIOS, resolution=resolution)
        elif ratio not in IMAGE_RATIOS:
            raise RequestRejected(f"ratio {ratio!r} is not one {model} makes; choose one of {', '.join(IMAGE_RATIOS)}"
                                  " (or leave it out and use --ar in the prompt).")
        seed = _seed(seed if seed is not None else p.params.get("seed"))
        refs = _tagged(references)
        if len(refs) > 3:
            raise RequestRejected(f"Runway takes at most 3 reference images; got {len(refs)}. Keep the 3 key frames "
                                  "that define the look.")
        if model == "gen4_image_turbo" and not refs:
            raise RequestRejected("gen4_image_turbo needs 1–3 reference images; pass references= or use gen4_image.")
        tags = [t for t, _ in refs if t]
        for tag in tags:
            if not _TAG.match(tag):
                raise RequestRejected(f"reference tag {tag!r} must be 3–16 letters, digits or underscores, starting "
                                      "with a letter (e.g. 'hero', 'harbour_key').")
            if f"@{tag}" not in text:
                raise RequestRejected(f"the reference tagged {tag!r} is not mentioned in the prompt; write @{tag} "
                                      "where it should appear (e.g. '@hero walks along the pier').")
        for word in _MENTION.findall(text):
            if refs and word not in tags:
                raise RequestRejected(f"the prompt mentions @{word} but no reference image has that tag; tags: "
                                      f"{', '.join(tags) or 'none'}.")
        ref_uris = [(tag, self._image_uri(img, what=f"reference {tag or i + 1}")) for i, (tag, img) in enumerate(refs)]
        body: dict[str, Any] = {"model": model, "prompt_text": text, "ratio": ratio}
        if seed is not None:
            body["seed"] = seed
        if ref_uris:
            body["reference_images"] = [{"uri": u, **({"tag": t} if t else {})} for t, u in ref_uris]
        parents = tuple(img.id for _, img in refs if isinstance(img, Asset) and img.id)
        estimate = estimate_credits(model, ratio=ratio)
        return self._run(resource="text_to_image", body=body, model=model, estimate=estimate, prompt=text,
                         seed=seed, parents=parents, out_dir=out_dir, operation="generate")

    def image_to_video(self, image: Asset, *, prompt_text: str = "", seconds: float = 5.0, seed: int | None = None,
                       out_dir: Path, model: str = "gen4_turbo", ratio: str | None = None, **options: Any) -> Asset:
        """A ``gen4_turbo`` clip animating ``image`` (2–10 whole seconds; ratio from the image's aspect)."""
        if options:
            raise RequestRejected(f"RunwayProvider.image_to_video does not take {', '.join(sorted(options))}; "
                                  "use prompt_text=, seconds=, seed=, ratio= or model=.")
        if model not in VIDEO_MODELS:
            raise RequestRejected(f"model must be one of {', '.join(VIDEO_MODELS)} for image_to_video; got {model!r}.")
        duration = round(float(seconds))
        if abs(float(seconds) - duration) > 1e-6 or not 2 <= duration <= 10:
            raise RequestRejected(f"{model} makes clips of 2 to 10 whole seconds; got seconds={seconds!r}. "
                                  "Use e.g. seconds=5 and trim or retime the clip afterwards.")
        text = self._check_prompt_text(prompt_text, required=False)
        w_h = _size_of(image)
        if ratio is None:
            ratio = nearest_ratio(w_h[0] / w_h[1], VIDEO_RATIOS) if w_h else "1280:720"
        elif ratio not in VIDEO_RATIOS:
            raise RequestRejected(f"ratio {ratio!r} is not one {model} makes; choose one of {', '.join(VIDEO_RATIOS)}.")
        if w_h and not 0.5 <= w_h[0] / w_h[1] <= 2.0:
            raise RequestRejected(f"the image is {w_h[0]}×{w_h[1]}; Runway animates images with an aspect between "
                                  "1:2 and 2:1. Crop it first.")
        body: dict[str, Any] = {"model": model, "prompt_image": self._image_uri(image, what="the prompt image"),
                                "ratio": ratio, "duration": duration}
        if text:
            body["prompt_text"] = text
        seed = _seed(seed)
        if seed is not None:
            body["seed"] = seed
        parents = (image.id,) if isinstance(image, Asset) and image.id else ()
        estimate = estimate_credits(model, seconds=duration)
        return self._run(resource="image_to_video", body=body, model=model, estimate=estimate, prompt=text,
                         seed=seed, parents=parents, out_dir=out_dir, operation="animate")[0]

    def variations(self, image: Asset, *, strong: bool = False, seed: int | None = None, out_dir: Path,
                   n: int = 1) -> list[Asset]:
        """``n`` new ``gen4_image`` stills that keep ``image``'s look (it is sent as the reference ``@source``).

        Runway has no variations endpoint: each variation is a paid request (5–8 credits), so the default is
        one (previz makes four); the budget is checked before each.
        """
        prompt = (image.provenance.prompt or "the same scene") if isinstance(image, Asset) else "the same scene"
        how = "a bold reinterpretation of @source" if strong else "@source, the same scene with small changes"
        ratio = None
        if _size_of(image):
            w, h = _size_of(image)  # type: ignore[misc]
            ratio = nearest_ratio(w / h, IMAGE_RATIOS)
        base = 0 if seed is None else int(seed)
        out: list[Asset] = []
        for i in range(n):
            out += self.text_to_image(f"{how}: {prompt}"[:MAX_PROMPT_UTF16], seed=base + i if seed is not None else None,
                                      out_dir=out_dir, references={"source": image}, ratio=ratio)
        return out

    def upscale(self, image: Asset | str | Path, *, scale: int = 2, out_dir: Path,
                flavor: str | None = None) -> Asset:
        """A Magnific precision upscale (``scale`` 2, 4, 8 or 16; inputs 300–8000 px a side)."""
        if scale not in UPSCALE_FACTORS:
            raise RequestRejected(f"scale must be one of {UPSCALE_FACTORS}; got {scale!r}.")
        if flavor is not None and flavor not in ("sublime", "photo", "photo_denoiser"):
            raise RequestRejected(f"flavor must be 'sublime', 'photo' or 'photo_denoiser'; got {flavor!r}.")
        w_h = _size_of(image)
        if w_h:
            w, h = w_h
            if min(w, h) < 300 or max(w, h) > 8000:
                raise RequestRejected(f"the image is {w}×{h}; the upscaler takes 300–8000 px a side.")
            if w * h * scale * scale > 25_300_000:
                raise RequestRejected(f"{w}×{h} × {scale} would be {w * scale}×{h * scale}, over the upscaler's "
                                      "25.3 megapixels; choose a smaller scale.")
        body: dict[str, Any] = {"model": UPSCALE_MODEL, "image_uri": self._image_uri(image, what="the image"),
                                "scale_factor": scale}
        if flavor:
            body["flavor"] = flavor
        parents = (image.id,) if isinstance(image, Asset) and image.id else ()
        prompt = image.provenance.prompt if isinstance(image, Asset) else None
        return self._run(resource="image_upscale", body=body, model=UPSCALE_MODEL,
                         estimate=estimate_credits(UPSCALE_MODEL), prompt=prompt or "", seed=None,
                         parents=parents, out_dir=out_dir, operation="upscale")[0]

    # -- one paid task, start to finish ----------------------------------------------------------------------
    def _run(self, *, resource: str, body: dict[str, Any], model: str, estimate: float, prompt: str,
             seed: int | None, parents: tuple[str, ...], out_dir: Path, operation: str) -> list[Asset]:
        from ..settings import config

        row = self.ledger.reserve(provider="runway", model=model, estimate=estimate, prompt=prompt,
                                  cap=config.budget_credits)  # BudgetExceeded here: nothing sent
        what = f"creating a {model} task"
        try:
            created = self._call(lambda: getattr(self._client(), resource).create(**body), what=what, create=True)
        except ServiceUnavailable as exc:
            sent = "may have been" in str(exc)
            self.ledger.settle(row, status="unknown" if sent else "rejected", actual=None if sent else 0.0)
            raise
        except KeyboardInterrupt:  # the create may or may not have reached Runway: keep the estimate counted
            self.ledger.settle(row, status="unknown", actual=None)
            raise
        except BaseException:  # the server answered with an error (or nothing was sent): not billed
            self.ledger.settle(row, status="rejected", actual=0.0)
            raise
        task_id = str(created.id)
        server_estimate = getattr(getattr(created, "estimated_cost", None), "credits", None)
        self.ledger.created(row, task_id=task_id, estimate=server_estimate)
        request: dict[str, Any] = {k: (self._describe_uri(v) if k in ("prompt_image", "image_uri") else v) for k, v in body.items()}
        if "reference_images" in request:
            request["reference_images"] = [{**r, "uri": self._describe_uri(r["uri"])}
                                           for r in request["reference_images"]]
        task = self._wait(task_id, row=row, model=model, estimate=float(server_estimate or estimate))
        cost = float(task.cost.credits)
        try:
            paths = self._download_all(task, out_dir=Path(out_dir), stem=f"runway_{model}_{task_id[:8]}")
        finally:
            self.ledger.settle(row, status="succeeded", actual=cost)
        assets = []
        for i, (path, url) in enumerate(paths):
            prov = Provenance(provider="runway", model=model, prompt=prompt or None, seed=seed, parents=parents,
                              operation=operation, request=request, cost_credits=cost if i == 0 else 0.0,
                              task_id=task_id, notes=f"output {i + 1}/{len(paths)}: {_strip_query(url)}")
            assets.append(Asset.from_file(path, prov))
        return assets

    def _wait(self, task_id: str, *, row: int, model: str, estimate: float) -> Any:
        """Poll until the task is terminal; cancel it remotely on Ctrl-C."""
        runwayml = _require_runwayml()
        bar = self._bar(f"Runway {model}")
        status = "PENDING"
        started = time.monotonic()
        try:
            while True:
                try:
                    task = self._call(lambda: self._client().tasks.retrieve(task_id),
                                      what=f"checking task {task_id}")
                except ServiceUnavailable as exc:
                    raise ServiceUnavailable(f"{exc} The task itself is safe on Runway: collect it later with "
                                             f"provider.fetch({task_id!r}, out_dir=...).") from None
                except runwayml.NotFoundError:
                    self.ledger.settle(row, status="cancelled", actual=None)
                    raise TaskCancelled(f"Runway task {task_id} no longer exists (it was deleted or cancelled "
                                        "elsewhere); its estimate stays in the ledger.") from None
                status = task.status
                if bar is not None:
                    bar.set_postfix_str(status.lower())
                    if status == "RUNNING":
                        bar.n = round(100 * float(task.progress or 0), 1)
                        bar.refresh()
                if status == "SUCCEEDED":
                    if bar is not None:
                        bar.n = 100
                        bar.refresh()
                    return task
                if status == "FAILED":
                    self.ledger.settle(row, status="failed", actual=float(task.cost.credits))
                    raise _failure(task)
                if status == "CANCELLED":
                    self.ledger.settle(row, status="cancelled", actual=float(task.cost.credits))
                    raise TaskCancelled(f"Runway task {task_id} was cancelled "
                                        f"({task.cost.credits} credits charged).")
                if time.monotonic() - started > self.task_timeout:
                    raise ServiceUnavailable(
                        f"Runway task {task_id} is still {status} after {self.task_timeout:.0f} s; it keeps running "
                        "and may be billed. Collect it later with provider.fetch(task_id, out_dir=...).")
                delay = max(self._min_poll,
                            self.poll_interval + self._rng.uniform(-self.poll_jitter, self.poll_jitter))
                self._sleep(delay)
        except KeyboardInterrupt:
            self._cancel(task_id, row=row, status=status, estimate=estimate)
            raise TaskCancelled(f"interrupted: Runway task {task_id} was cancelled "
                                + ("(it had not started, so it should be refunded)." if status != "RUNNING"
                                   else "(it was already running, so Runway may still charge it).")) from None
        finally:
            if bar is not None:
                bar.close()

    def _cancel(self, task_id: str, *, row: int, status: str, estimate: float) -> None:
        runwayml = _require_runwayml()
        try:
            self._call(lambda: self._client().tasks.delete(task_id), what=f"cancelling task {task_id}")
        except runwayml.NotFoundError:
            pass
        except StudioError:
            self.ledger.settle(row, status="unknown", actual=None)
            raise
        # RUNNING tasks are not refunded; queued ones usually are
        self.ledger.settle(row, status="cancelled", actual=estimate if status == "RUNNING" else 0.0)

    def fetch(self, task_id: str, *, out_dir: Path) -> list[Asset]:
        """Wait for an existing task (e.g. after a timeout) and download its outputs; no new task is created.

        The task's ledger row (if this workspace created it) is settled with the real cost.
        """
        row = self.ledger.find(task_id)
        known = next((r for r in self.ledger.rows() if r["id"] == row), None)
        model = str(known["model"]) if known else "runway"
        if row is None:  # made elsewhere (another workspace, the web app): record what it costs from now on
            row = self.ledger.reserve(provider="runway", model=model, estimate=0.0, prompt=f"fetch {task_id}")
            self.ledger.created(row, task_id=task_id)
        task = self._wait(task_id, row=row, model=model, estimate=float(known["estimate"]) if known else 0.0)
        self.ledger.settle(row, status="succeeded", actual=float(task.cost.credits))
        paths = self._download_all(task, out_dir=Path(out_dir), stem=f"runway_{task_id[:8]}")
        return [Asset.from_file(p, Provenance(provider="runway", model=model, task_id=task_id, operation="fetch",
                                              notes=_strip_query(u))) for p, u in paths]

    # -- outputs ---------------------------------------------------------------------------------------------
    def _download_all(self, task: Any, *, out_dir: Path, stem: str) -> list[tuple[Path, str]]:
        out_dir.mkdir(parents=True, exist_ok=True)
        urls = list(task.output or [])
        if not urls:
            raise DownloadError(f"Runway task {task.id} succeeded but listed no output; fetch it again later with "
                                f"provider.fetch({task.id!r}, out_dir=...).")
        done = []
        for i, url in enumerate(urls):
            try:
                path = self._download(url, out_dir=out_dir, stem=f"{stem}_{i}")
            except _Expired:
                fresh = self._call(lambda: self._client().tasks.retrieve(task.id), what=f"renewing task {task.id}")
                new_urls = list(getattr(fresh, "output", None) or [])
                if len(new_urls) <= i:
                    raise DownloadError(f"output {i + 1} of Runway task {task.id} expired and the task no longer "
                                        "lists it; the result is lost. Generate it again.") from None
                url = new_urls[i]
                try:
                    path = self._download(url, out_dir=out_dir, stem=f"{stem}_{i}")
                except _Expired:
                    raise DownloadError(f"output {i + 1} of Runway task {task.id} expired twice; try "
                                        f"provider.fetch({task.id!r}, out_dir=...) in a minute.") from None
            done.append((path, url))
        return done

    def _download(self, url: str, *, out_dir: Path, stem: str) -> Path:
        """Stream one output to ``out_dir`` atomically, refusing more than ``max_download_bytes``."""
        httpx = _require_httpx()
        shown = _strip_query(url)
        for attempt in range(self.max_retries + 1):
            tmp: Path | None = None
            try:
                # no Runway headers: output URLs are signed; the key must never go to a CDN
                with httpx.Client(timeout=httpx.Timeout(self.http_timeout, connect=5.0),
                                  follow_redirects=True) as c, c.stream("GET", url) as resp:
                    if resp.status_code in (401, 403, 404, 410):
                        raise _Expired()
                    if resp.status_code == 429 or resp.status_code >= 500:
                        raise httpx.HTTPStatusError("retry", request=resp.request, response=resp)
                    if resp.status_code != 200:
                        raise DownloadError(f"downloading {shown} failed with HTTP {resp.status_code}.")
                    length = resp.headers.get("content-length")
                    if length and int(length) > self.max_download_bytes:
                        raise DownloadError(f"{shown} is {int(length):,} bytes, over the {self.max_download_bytes:,}"
                                            "-byte limit; raise max_download_bytes= if this is expected.")
                    ext = Path(urlsplit(url).path).suffix.lower()
                    if ext not in (".png", ".jpg", ".jpeg", ".webp", ".mp4", ".mov"):
                        ctype = resp.headers.get("content-type", "").split(";")[0].strip()
                        ext = _EXT.get(ctype, ".bin")
                    final = out_dir / f"{stem}{ext}"
                    tmp = out_dir / f".{stem}{ext}.part{os.getpid()}"
                    size = 0
                    with open(tmp, "wb") as fh:
                        for chunk in resp.iter_bytes(1 << 16):
                            size += len(chunk)
                            if size > self.max_download_bytes:
                                raise DownloadError(f"{shown} is over the {self.max_download_bytes:,}-byte "
                                                    "limit; raise max_download_bytes= if this is expected.")
                            fh.write(chunk)
                    os.replace(tmp, final)
                    tmp = None
                    return final
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                if attempt >= self.max_retries:
                    raise DownloadError(f"downloading {shown} kept failing ({type(exc).__name__}); the task "
                                        "succeeded, so fetch it again with provider.fetch(task_id, out_dir=...).") from None
                self._sleep(self._backoff(attempt))
            finally:
                if tmp is not None and tmp.exists():
                    tmp.unlink()
        raise AssertionError("unreachable")  # pragma: no cover

    def _bar(self, desc: str) -> Any:
        from .._progress import _in_notebook

        enabled = self._progress
        if enabled is None:
            flag = os.environ.get("FILMKIT_PROGRESS")
            enabled = (flag not in {"0", "false", "no", ""}) if flag is not None else (
                _in_notebook() or __import__("sys").stderr.isatty())
        if not enabled:
            return None
        from tqdm.auto import tqdm

        return tqdm(total=100, desc=desc, leave=False, unit="%")


class _Expired(Exception):
    """An output URL answered 401/403/404/410: it expired; fetching the task again renews it."""


def _failure(task: Any) -> TaskFailed:
    code = getattr(task, "failure_code", None) or ""
    advice = next((a for prefix, a in _ADVICE if code.startswith(prefix)), "Check the inputs and try again.")
    cls = SafetyRefused if code.startswith("SAFETY") or ".SAFETY" in code else TaskFailed
    cost = getattr(getattr(task, "cost", None), "credits", 0)
    msg = f"Runway task {task.id} failed ({code or 'no code'}; {cost} credits charged): {task.failure}."
    return cls(msg, code=code or None, advice=advice, task_id=str(task.id))


def _seed(value: Any) -> int | None:
    if value is None:
        return None
    try:
        seed = int(value)
    except (TypeError, ValueError):
        raise RequestRejected(f"seed must be a whole number 0–4294967295; got {value!r}.") from None
    if not 0 <= seed <= 4294967295:
        raise RequestRejected(f"seed must be between 0 and 4294967295; got {seed}.")
    return seed


def _tagged(refs: Sequence[Any] | Mapping[str, Any]) -> list[tuple[str | None, Any]]:
    if isinstance(refs, Mapping):
        return [(str(t), img) for t, img in refs.items()]
    out: list[tuple[str | None, Any]] = []
    for r in refs:
        if isinstance(r, tuple) and len(r) == 2 and isinstance(r[0], str):
            out.append((r[0], r[1]))
        else:
            out.append((None, r))
    return out


def _size_of(image: Any) -> tuple[int, int] | None:
    if isinstance(image, Asset) and image.size:
        return image.size
    if isinstance(image, (str, Path)) and not str(image).startswith(("https://", "runway://", "data:")):
        from PIL import Image

        try:
            with Image.open(image) as im:
                return (int(im.size[0]), int(im.size[1]))
        except OSError:
            return None
    return None


def _require_runwayml() -> Any:
    from .._lazy import require

    return require("runwayml")


def _require_httpx() -> Any:
    from .._lazy import require

    return require("httpx")
