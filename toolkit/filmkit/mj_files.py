"""Recover the prompt and job id from an image downloaded from Midjourney.

Midjourney's web app writes the full prompt into the file: PNG text chunks (``Description`` = the prompt followed
by ``Job ID: <uuid>``, plus ``Author`` and ``Creation Time``) and an XMP packet (``dc:description``,
``iptcExt:DigImageGUID``). JPEG and WebP files may carry XMP or EXIF (``ImageDescription`` / ``UserComment``).
When a file carries none of these (Discord attachments, stripped copies), the file name still holds the job id
and the first words of the prompt: ``user_prompt_words_<uuid>.png`` or ``user_prompt_--ar_16_9_<uuid>_2.png``.
``source`` tells which one was read; from a file name you get words, not the exact prompt.

The file's contents decide, never its extension: every file is opened with Pillow.

Examples
--------
>>> from filmkit.mj_files import prompt_from_filename
>>> words, job, index = prompt_from_filename(
...     "peter_misty_harbour_--ar_16_9_--v_6_a7421d2f-b262-44f9-977c-ac23e9c7d3e3_2.png")
>>> words, job, index
('misty harbour --ar 16:9 --v 6', 'a7421d2f-b262-44f9-977c-ac23e9c7d3e3', 2)
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import MediaError
from .prompts import Prompt, parse_prompt

__all__ = ["MidjourneyFile", "prompt_from_filename", "read_midjourney_file", "split_job_id"]

Source = Literal["png-text", "xmp", "exif", "filename"]

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_JOB_TAIL = re.compile(r"\s*Job ID:\s*(" + _UUID + r")\s*\Z", re.IGNORECASE)
_NAME = re.compile(r"(?P<head>.*?)[_-](?P<uuid>" + _UUID + r")(?:[_-](?P<index>\d+))?\Z")
_UUID_ONLY = re.compile(_UUID + r"\Z")
_CDN_NAME = re.compile(r"(?:0_)?(\d+)(?:_\d+_\d+)?\Z")  # 0_3, 0_0_640_N webp thumbnails
_AR_WORDS = re.compile(r"(--ar|--aspect) (\d+) (\d+)(?=\s|\Z)")
_XMP_ATTR = {
    "description": re.compile(r'dc:description\s*=\s*"([^"]*)"'),
    "guid": re.compile(r'(?:iptcExt:)?DigImageGUID\s*=\s*"([^"]*)"'),
}
_XMP_ELEM = {
    "description": re.compile(r"<dc:description[^>]*>(.*?)</dc:description>", re.DOTALL),
    "guid": re.compile(r"<(?:iptcExt:)?DigImageGUID[^>]*>(.*?)</(?:iptcExt:)?DigImageGUID>", re.DOTALL),
    "creator": re.compile(r"<dc:creator[^>]*>(.*?)</dc:creator>", re.DOTALL),
    "created": re.compile(r"<(?:xmp:CreateDate|photoshop:DateCreated)[^>]*>(.*?)</", re.DOTALL),
}
_TAGS = re.compile(r"<[^>]+>")
_EXIF_IMAGE_DESCRIPTION = 0x010E
_EXIF_ARTIST = 0x013B
_EXIF_DATETIME = 0x0132
_EXIF_IFD = 0x8769
_EXIF_USER_COMMENT = 0x9286


@dataclass(frozen=True)
class MidjourneyFile:
    """What a Midjourney download says about itself.

    ``prompt`` is the parsed prompt (None when nothing of it could be recovered), ``raw_prompt`` the text as
    found, ``job_id`` the job's uuid, ``author`` the username, ``created`` the creation time as written,
    ``index`` which image of the grid (0–3) when the name says, and ``source`` where the prompt came from:
    ``"png-text"``, ``"xmp"``, ``"exif"`` or ``"filename"`` (words only: commas, colons and the end of a long
    prompt are lost).

    Examples
    --------
    >>> from filmkit.mj_files import MidjourneyFile
    >>> f = MidjourneyFile(prompt=None, raw_prompt="", job_id=None, source="filename")
    >>> f.exact
    False
    """

    prompt: Prompt | None
    raw_prompt: str
    job_id: str | None
    author: str | None = None
    created: str | None = None
    index: int | None = None
    source: Source = "filename"
    path: Path | None = None

    @property
    def exact(self) -> bool:
        """True when the prompt was read from metadata, not guessed from the file name."""
        return self.source != "filename" and self.prompt is not None


def split_job_id(description: str) -> tuple[str, str | None]:
    """Split Midjourney's ``Description`` text into the prompt and the trailing ``Job ID``.

    Examples
    --------
    >>> from filmkit.mj_files import split_job_id
    >>> split_job_id("koi pond --ar 2:3 Job ID: 0f5c6f9e-8f1c-4c55-9a53-2b8f6c3d9e01")
    ('koi pond --ar 2:3', '0f5c6f9e-8f1c-4c55-9a53-2b8f6c3d9e01')
    >>> split_job_id("koi pond")
    ('koi pond', None)
    """
    m = _JOB_TAIL.search(description)
    if m is None:
        return description.strip(), None
    return description[: m.start()].strip(), m.group(1).lower()


def prompt_from_filename(name: str | Path) -> tuple[str, str | None, int | None]:
    """The prompt words, job id and grid index a Midjourney file name holds.

    Handles ``user_prompt_words_<uuid>.png``, the web form with parameters
    ``user_prompt_--ar_16_9_<uuid>_<index>.png`` (underscores become spaces, ``--ar 16 9`` becomes
    ``--ar 16:9``; other colons are lost), and CDN names (``<uuid>/0_2.png``). The first ``_`` field is the
    username and is dropped. Returns ``("", None, None)`` when the name has no job id.

    Examples
    --------
    >>> from filmkit.mj_files import prompt_from_filename
    >>> prompt_from_filename("chacha1154_A_group_of_children_playing_in_the_garden_high_defin_"
    ...                      "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f.png")
    ('A group of children playing in the garden high defin', '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f', None)
    >>> prompt_from_filename("cdn/6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f/0_3.png")
    ('', '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f', 3)
    """
    path = Path(name)
    stem = path.stem
    m = _NAME.match(stem)
    if m is None:
        cdn = _CDN_NAME.match(stem)
        if cdn and _UUID_ONLY.match(path.parent.name):
            return "", path.parent.name.lower(), int(cdn.group(1))
        if _UUID_ONLY.match(stem):
            return "", stem.lower(), None
        return "", None, None
    head = m.group("head")
    if "_" in head:
        words = head.partition("_")[2].replace("_", " ")
    else:  # the hyphen-slug variant `user-prompt-words-<uuid>-2` (possibly renamed by a user)
        words = head.partition("-")[2].replace("-", " ")
    words = " ".join(words.split())
    words = _AR_WORDS.sub(r"\1 \2:\3", words)
    index = int(m.group("index")) if m.group("index") is not None else None
    return words, m.group("uuid").lower(), index


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        for codec in ("utf-8", "latin-1"):
            try:
                return value.decode(codec).strip("\x00").strip()
            except UnicodeDecodeError:
                continue
    text = str(value).strip("\x00").strip()
    return text or None


def _user_comment(raw: Any) -> str | None:
    if isinstance(raw, bytes) and len(raw) >= 8:
        head, body = raw[:8], raw[8:]
        if head.startswith(b"UNICODE"):
            for codec in ("utf-16-be", "utf-16-le"):
                try:
                    return body.decode(codec).strip("\x00").strip() or None
                except UnicodeDecodeError:
                    continue
        if head.startswith(b"ASCII") or head == b"\x00" * 8:
            return _text(body)
    return _text(raw)


def _xmp_fields(packet: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, rx in _XMP_ELEM.items():
        m = rx.search(packet)
        if m:
            inner = _TAGS.sub(" ", m.group(1))
            value = " ".join(inner.split())
            if value:
                found[key] = value
    for key, rx in _XMP_ATTR.items():
        if key not in found:
            m = rx.search(packet)
            if m and m.group(1).strip():
                found[key] = m.group(1).strip()
    return {k: html.unescape(v) for k, v in found.items()}


def read_midjourney_file(path: str | Path) -> MidjourneyFile:
    """Read the prompt, job id, author and time from a Midjourney download.

    Looks, in order, at PNG text chunks (``Description`` with ``Job ID:``, ``Author``, ``Creation Time``), the
    XMP packet (``dc:description``, ``iptcExt:DigImageGUID``), EXIF (``ImageDescription``, ``UserComment``), and
    finally the file name. Raises :class:`~filmkit.errors.MediaError` when the file is not an image, or when
    nothing in it or its name looks like Midjourney's.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from PIL import Image, PngImagePlugin
    >>> from filmkit.mj_files import read_midjourney_file
    >>> info = PngImagePlugin.PngInfo()
    >>> info.add_text("Description", "misty harbour --ar 16:9 --v 6.1 Job ID: 0f5c6f9e-8f1c-4c55-9a53-2b8f6c3d9e01")
    >>> info.add_text("Author", "lumiere")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "download.png"
    >>> Image.new("RGB", (8, 8)).save(path, pnginfo=info)
    >>> f = read_midjourney_file(path)
    >>> f.prompt.params["aspect"], f.job_id, f.author, f.source
    ('16:9', '0f5c6f9e-8f1c-4c55-9a53-2b8f6c3d9e01', 'lumiere', 'png-text')
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path} does not exist or is not a file; check the path.")
    try:
        with Image.open(path) as im:
            info = dict(im.info)
            text_chunks = dict(getattr(im, "text", {}) or {})
            exif = im.getexif()
            exif_ifd = exif.get_ifd(_EXIF_IFD) if exif else {}
    except (UnidentifiedImageError, OSError) as exc:
        raise MediaError(f"{path} is not an image Pillow can open ({exc}); Midjourney downloads are PNG, JPEG "
                         "or WebP files.") from None

    words, name_job, index = prompt_from_filename(path)
    raw: str | None = None
    job: str | None = None
    author: str | None = None
    created: str | None = None
    source: Source = "filename"

    # 1. PNG text chunks
    chunks = {**{k: v for k, v in info.items() if isinstance(v, (str, bytes))}, **text_chunks}
    description = _text(chunks.get("Description"))
    author = _text(chunks.get("Author"))
    created = _text(chunks.get("Creation Time"))
    if description:
        raw, job = split_job_id(description)
        source = "png-text"

    # 2. XMP (PNG iTXt "XML:com.adobe.xmp", JPEG/WebP "xmp")
    packet = chunks.get("XML:com.adobe.xmp") or info.get("xmp")
    if packet:
        fields = _xmp_fields(_text(packet) or "")
        if raw is None and fields.get("description"):
            raw, job = split_job_id(fields["description"])
            source = "xmp"
        job = job or (fields["guid"].lower() if _UUID_ONLY.match(fields.get("guid", "")) else None)
        author = author or fields.get("creator")
        created = created or fields.get("created")

    # 3. EXIF
    if raw is None and exif:
        for value in (exif.get(_EXIF_IMAGE_DESCRIPTION), _user_comment(exif_ifd.get(_EXIF_USER_COMMENT))):
            text = _text(value)
            if text:
                raw, job = split_job_id(text)
                source = "exif"
                break
        author = author or _text(exif.get(_EXIF_ARTIST))
        created = created or _text(exif.get(_EXIF_DATETIME))

    # 4. the file name
    job = job or name_job
    if raw is None:
        if name_job is None:
            raise MediaError(f"{path.name} carries no Midjourney prompt (no Description, XMP or EXIF text) and its "
                             "name has no job id; was it downloaded from midjourney.com? Re-download it from "
                             "the web app to keep the prompt.")
        raw = words
    prompt = parse_prompt(raw) if raw else None
    return MidjourneyFile(prompt=prompt, raw_prompt=raw, job_id=job, author=author, created=created, index=index,
                          source=source, path=path)
