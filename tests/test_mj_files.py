"""Recovering prompt, job id, author and time from Midjourney downloads (files made here with Pillow)."""
from __future__ import annotations

from pathlib import Path

import filmkit as fk
import pytest
from filmkit.errors import MediaError
from filmkit.mj_files import prompt_from_filename, read_midjourney_file, split_job_id
from PIL import Image, PngImagePlugin

JOB = "0f5c6f9e-8f1c-4c55-9a53-2b8f6c3d9e01"
OTHER = "a7421d2f-b262-44f9-977c-ac23e9c7d3e3"
PROMPT = "https://s.mj.run/a1 misty harbour at dawn, fog::2 boats::-.5 --ar 16:9 --s 250 --v 6.1"


def _xmp(description: str | None = None, guid: str | None = None, *, attribute: bool = False) -> str:
    attrs = f' iptcExt:DigImageGUID="{guid}"' if guid and attribute else ""
    body = ""
    if description is not None:
        body += ("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"
                 f"{description.replace('&', '&amp;').replace('<', '&lt;')}</rdf:li></rdf:Alt></dc:description>")
    if guid and not attribute:
        body += f"<iptcExt:DigImageGUID>{guid}</iptcExt:DigImageGUID>"
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:iptcExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
            f'{attrs}>{body}'
            '<iptcExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'
            '</iptcExt:DigitalSourceType></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def _png(path: Path, **chunks: str) -> Path:
    info = PngImagePlugin.PngInfo()
    for key, value in chunks.items():
        if key == "xmp":
            info.add_itxt("XML:com.adobe.xmp", value)
        else:
            info.add_text(key.replace("_", " "), value)
    Image.new("RGB", (16, 9), (40, 60, 80)).save(path, format="PNG", pnginfo=info)
    return path


def test_png_text_chunks_give_the_exact_prompt(tmp_path: Path) -> None:
    path = _png(tmp_path / f"lumiere_misty_harbour_at_dawn_{JOB}_2.png",
                Description=f"{PROMPT} Job ID: {JOB}", Author="lumiere", Creation_Time="2026-11-20T10:11:12Z",
                xmp=_xmp(f"{PROMPT} Job ID: {JOB}", JOB))
    f = read_midjourney_file(path)
    assert f.source == "png-text" and f.exact
    assert f.raw_prompt == PROMPT
    assert f.prompt == fk.parse_prompt(PROMPT)
    assert f.prompt.image_prompts == ("https://s.mj.run/a1",)
    assert f.prompt.params["aspect"] == "16:9" and f.prompt.version == "6.1"
    assert (f.job_id, f.author, f.created, f.index) == (JOB, "lumiere", "2026-11-20T10:11:12Z", 2)
    assert f.path == path


def test_xmp_description_and_guid_when_there_is_no_text_chunk(tmp_path: Path) -> None:
    path = _png(tmp_path / "renamed.png", xmp=_xmp("koi pond <at> dusk & rain --ar 2:3", JOB))
    f = read_midjourney_file(path)
    assert (f.source, f.raw_prompt, f.job_id) == ("xmp", "koi pond <at> dusk & rain --ar 2:3", JOB)
    assert f.prompt.params["aspect"] == "2:3" and f.index is None


def test_jpeg_with_xmp_guid_as_attribute(tmp_path: Path) -> None:
    path = tmp_path / "download.jpg"
    Image.new("RGB", (16, 9)).save(path, format="JPEG", xmp=_xmp("lantern festival --v 7", JOB, attribute=True)
                                   .encode("utf-8"))
    f = read_midjourney_file(path)
    assert (f.source, f.raw_prompt, f.job_id) == ("xmp", "lantern festival --v 7", JOB)


def test_exif_image_description_in_jpeg(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010E] = f"neon alley in the rain --ar 21:9 Job ID: {JOB}"
    exif[0x013B] = "lumiere"
    path = tmp_path / "still.jpg"
    Image.new("RGB", (16, 9)).save(path, format="JPEG", exif=exif.tobytes())
    f = read_midjourney_file(path)
    assert (f.source, f.job_id, f.author) == ("exif", JOB, "lumiere")
    assert str(f.prompt) == "neon alley in the rain --ar 21:9"


def test_exif_user_comment_in_webp(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\x00\x00\x00" + b"desert caravan --c 20"
    path = tmp_path / "still.webp"
    Image.new("RGB", (16, 9)).save(path, format="WEBP", exif=exif.tobytes())
    f = read_midjourney_file(path)
    assert (f.source, f.raw_prompt, f.job_id) == ("exif", "desert caravan --c 20", None)


def test_file_name_fallback_recovers_words_not_the_exact_prompt(tmp_path: Path) -> None:
    path = tmp_path / f"chacha1154_A_group_of_children_playing_in_the_garden_high_defin_{JOB}.png"
    Image.new("RGB", (8, 8)).save(path)
    f = read_midjourney_file(path)
    assert f.source == "filename" and not f.exact
    assert f.raw_prompt == "A group of children playing in the garden high defin"
    assert f.prompt.text == f.raw_prompt and (f.job_id, f.index, f.author) == (JOB, None, None)


def test_newer_file_name_form_keeps_parameters_and_index(tmp_path: Path) -> None:
    path = tmp_path / f"peterkaminski_example_--ar_16_9_--stylize_80_--v_6_{OTHER}_3.png"
    Image.new("RGB", (8, 8)).save(path)
    f = read_midjourney_file(path)
    assert f.source == "filename" and (f.job_id, f.index) == (OTHER, 3)
    assert dict(f.prompt.params) == {"aspect": "16:9", "stylize": "80", "version": "6"}
    assert f.prompt.text == "example"


def test_text_chunk_without_job_id_takes_the_id_from_the_name(tmp_path: Path) -> None:
    path = _png(tmp_path / f"u_koi_{OTHER}_1.png", Description="koi pond --tile")
    f = read_midjourney_file(path)
    assert (f.source, f.job_id, f.index, f.raw_prompt) == ("png-text", OTHER, 1, "koi pond --tile")


def test_cdn_names(tmp_path: Path) -> None:
    folder = tmp_path / OTHER
    folder.mkdir()
    Image.new("RGB", (8, 8)).save(folder / "0_2.png")
    f = read_midjourney_file(folder / "0_2.png")
    assert (f.job_id, f.index, f.prompt, f.raw_prompt) == (OTHER, 2, None, "")


def test_the_extension_is_not_trusted(tmp_path: Path) -> None:
    path = _png(tmp_path / "actually_a_png.jpg", Description=f"koi --ar 2:3 Job ID: {JOB}")
    assert read_midjourney_file(path).source == "png-text"
    fake = tmp_path / f"u_koi_{JOB}.png"
    fake.write_text("not an image")
    with pytest.raises(MediaError, match="not an image"):
        read_midjourney_file(fake)


def test_a_file_with_nothing_midjourney_about_it(tmp_path: Path) -> None:
    path = tmp_path / "holiday.png"
    Image.new("RGB", (8, 8)).save(path)
    with pytest.raises(MediaError, match="no Midjourney prompt"):
        read_midjourney_file(path)
    with pytest.raises(MediaError, match="does not exist"):
        read_midjourney_file(tmp_path / "missing.png")


def test_helpers() -> None:
    assert split_job_id(f"koi   Job ID:   {JOB.upper()}  ") == ("koi", JOB)
    assert prompt_from_filename(f"user-koi-pond-chaos-10-{JOB}-2.png") == ("koi pond chaos 10", JOB, 2)
    assert prompt_from_filename("holiday.png") == ("", None, None)
    assert fk.read_midjourney_file is read_midjourney_file
