"""Storyboards and animatics: plan the film before you make it.

A :class:`Panel` is one drawing of the board — an image, its shot number, what happens, and how long it lasts.
:func:`storyboard` lays panels out as a sheet (a ``PIL.Image``; :func:`save_storyboard` writes PNG or a
multi-page PDF). :func:`animatic` plays the panels in time, captions burned in, optionally with music and with
every cut snapped to the beat (give ``bpm=`` or a list of beat times), and returns a :class:`~filmkit.clip.Clip`
you can ``.save("animatic.mp4")``.

Panels can also be :class:`~filmkit.edit.Shot` values, plain images, or a whole
:class:`~filmkit.edit.Timeline` (one panel per shot).

Examples
--------
>>> import numpy as np
>>> import filmkit as fk
>>> sky = np.zeros((90, 160, 3), np.uint8); sky[:] = (40, 60, 120)
>>> panels = [fk.Panel(sky, description="a door in the sea", seconds=1.5),
...           fk.Panel(sky[::-1], description="the door opens", seconds=1.0)]
>>> sheet = fk.storyboard(panels, columns=2, panel_width=160)
>>> sheet.mode, sheet.size[0] > 320
('RGB', True)
>>> clip = fk.animatic(panels, bpm=120, fps=12, size=(160, 90))   # cuts on beats (0.5 s)
>>> clip.n_frames
30
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._fonts import load_font, wrap_text
from .assets import Asset
from .audio import Audio
from .clip import Clip, as_rgb_array
from .errors import TimelineError

__all__ = ["Panel", "animatic", "beat_cuts", "save_storyboard", "storyboard"]


@dataclass(frozen=True, eq=False)
class Panel:
    """One storyboard panel: ``image`` (Asset, PIL image, array, path), shot ``number`` (default: its place),
    ``description`` (action, camera, sound) and ``seconds`` on screen.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> sky = np.full((90, 160, 3), (40, 60, 120), np.uint8)
    >>> wide = fk.Panel(sky, description="WIDE: an empty sky; wind", seconds=1.5)
    >>> wide.number, wide.seconds, wide.with_seconds(3).seconds   # numbered by its place on the board
    (None, 1.5, 3.0)
    >>> board = fk.storyboard([wide, wide.with_description("CLOSE: a gull enters")], panel_width=160)
    >>> board.size[0]                                            # two 160-px panels side by side
    348
    """

    image: Any
    number: int | None = None
    description: str = ""
    seconds: float = 2.0

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise TimelineError(f"a panel lasts more than 0 seconds; got seconds={self.seconds!r}.")

    def with_seconds(self, seconds: float) -> Panel:
        """A copy lasting ``seconds``."""
        return dataclasses.replace(self, seconds=float(seconds))

    def with_description(self, description: str) -> Panel:
        """A copy with another description."""
        return dataclasses.replace(self, description=description)


def _panels(items: Any) -> list[Panel]:
    from .edit import Shot, Timeline

    if isinstance(items, Timeline):
        return items.panels()
    if isinstance(items, (Panel, Shot)) or not isinstance(items, Iterable) or isinstance(items, (str, Path)):
        items = [items]
    out: list[Panel] = []
    for i, it in enumerate(items):
        if isinstance(it, Panel):
            p = it
        elif isinstance(it, Shot):
            p = Panel(it.thumbnail(480), description=it.description or it.label, seconds=it.seconds_at(24))
        else:
            p = Panel(it)
        out.append(p if p.number is not None else dataclasses.replace(p, number=i + 1))
    if not out:
        raise TimelineError("no panels given; pass a list of fk.Panel(image, description=..., seconds=...).")
    return out


def storyboard(panels: Any, *, columns: int = 3, panel_width: int = 360, aspect: tuple[int, int] = (16, 9),
               title: str | None = None, caption_lines: int = 3) -> Any:
    """A storyboard sheet: panels in a grid, each with its shot number, duration and description.

    Returns a ``PIL.Image`` (RGB); ``.save("board.png")`` it, or use :func:`save_storyboard` for a PDF.
    Images of another shape are letterboxed into the ``aspect`` frame.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> sky = np.full((90, 160, 3), (40, 60, 120), np.uint8)
    >>> sea = np.full((90, 160, 3), (20, 80, 90), np.uint8)
    >>> board = fk.storyboard([fk.Panel(sky, description="WIDE: the empty sky", seconds=1.5),
    ...                        fk.Panel(sea, description="CLOSE: waves break", seconds=1.0)],
    ...                       columns=2, panel_width=160, title="Tide")
    >>> board.mode, board.size[0]                                # two 160-px panels side by side
    ('RGB', 348)
    """
    from PIL import Image, ImageDraw

    from .edit import fit_frame

    ps = _panels(panels)
    if columns < 1:
        raise TimelineError(f"columns must be 1 or more; got {columns!r}.")
    pw = int(panel_width)
    ph = max(2, round(pw * aspect[1] / aspect[0]))
    margin, gap = max(8, pw // 15), max(6, pw // 20)
    head_font, body_font = load_font(max(9, pw // 18), "sans-bold"), load_font(max(8, pw // 22), "sans")
    line_h = body_font.getbbox("Ág")[3] + 2
    head_h = head_font.getbbox("Ág")[3] + 4
    cell_h = ph + 6 + head_h + caption_lines * line_h
    title_font = load_font(max(12, pw // 12), "sans-bold")
    title_h = (title_font.getbbox("Ág")[3] + gap) if title else 0
    cols = min(columns, len(ps))
    rows = -(-len(ps) // cols)
    sheet = Image.new("RGB", (2 * margin + cols * pw + (cols - 1) * gap,
                              2 * margin + title_h + rows * cell_h + (rows - 1) * gap), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    if title:
        draw.text((margin, margin), title, font=title_font, fill=(20, 20, 20))
    for k, p in enumerate(ps):
        r, c = divmod(k, cols)
        x = margin + c * (pw + gap)
        y = margin + title_h + r * (cell_h + gap)
        img = fit_frame(as_rgb_array(p.image), (pw, ph), "contain")
        sheet.paste(Image.fromarray(img), (x, y))
        draw.rectangle([x - 1, y - 1, x + pw, y + ph], outline=(30, 30, 30))
        ty = y + ph + 6
        draw.text((x, ty), f"#{p.number}", font=head_font, fill=(20, 20, 20))
        dur = f"{p.seconds:.1f} s"
        draw.text((x + pw - draw.textlength(dur, font=head_font), ty), dur, font=head_font, fill=(90, 90, 90))
        ty += head_h
        for ln in wrap_text(draw, p.description, body_font, pw, max_lines=caption_lines):
            draw.text((x, ty), ln, font=body_font, fill=(40, 40, 40))
            ty += line_h
    return sheet


def save_storyboard(panels: Any, path: str | Path, *, columns: int = 3, rows_per_page: int = 3,
                    **options: Any) -> Path:
    """Write a storyboard as PNG (one sheet) or PDF (``rows_per_page`` rows of panels per page).

    Options are those of :func:`storyboard`. Returns the path written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> import filmkit as fk
    >>> sky = np.full((90, 160, 3), (40, 60, 120), np.uint8)
    >>> panels = [fk.Panel(sky, description=f"shot {k}: the sky darkens") for k in range(1, 5)]
    >>> path = fk.save_storyboard(panels, pathlib.Path(tempfile.mkdtemp()) / "board.pdf",
    ...                           columns=2, rows_per_page=1, panel_width=160)   # two panels per page
    >>> path.name, path.read_bytes()[:5]
    ('board.pdf', b'%PDF-')
    """
    out = Path(path)
    ext = out.suffix.lower()
    ps = _panels(panels)
    out.parent.mkdir(parents=True, exist_ok=True)
    if ext in (".png", ".jpg", ".jpeg", ".webp"):
        storyboard(ps, columns=columns, **options).save(out)
        return out
    if ext != ".pdf":
        raise TimelineError(f"a storyboard is saved as .png or .pdf; got {out.name!r}.")
    per = max(1, columns * rows_per_page)
    title = options.pop("title", None)
    pages = [storyboard(ps[i:i + per], columns=columns, title=title if i == 0 else None, **options)
             for i in range(0, len(ps), per)]
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=150.0)
    return out


def beat_cuts(seconds: Sequence[float], *, bpm: float | None = None, beats: Sequence[float] | None = None,
              offset: float = 0.0) -> list[float]:
    """Cut times (the end of each panel) snapped to the beat: to a grid of ``bpm`` starting at ``offset``, or to
    the nearest of ``beats`` (seconds). Each panel keeps at least one beat.

    >>> beat_cuts([1.1, 0.9, 2.2], bpm=120)
    [1.0, 2.0, 4.0]
    >>> beat_cuts([1.0, 1.0], beats=[0.0, 0.7, 1.4, 2.1])
    [0.7, 2.1]
    """
    ends = list(np.cumsum(np.asarray(seconds, float)))
    if bpm is None and beats is None:
        return [float(e) for e in ends]
    if bpm is not None:
        if not bpm > 0:
            raise TimelineError(f"bpm must be positive; got {bpm!r} (count the beats in a minute).")
        step = 60.0 / bpm
        grid = [offset + step * j for j in range(int((ends[-1] + 2 * len(ends) * step) / step) + 2)]
    else:
        grid = sorted(float(b) for b in beats or [])
        if len(grid) < 2:
            raise TimelineError(f"beats needs two or more beat times in seconds; got {beats!r}.")
        step = float(np.median(np.diff(grid)))
        while grid[-1] < ends[-1] + len(ends) * step:  # the music ran out of beats: continue its pulse
            grid.append(grid[-1] + step)
    g = np.asarray(grid)
    out: list[float] = []
    prev = 0.0
    for e in ends:
        ok = g[g > prev + 1e-6]
        t = float(ok[np.argmin(np.abs(ok - e))])
        out.append(round(t, 6))
        prev = t
    return out


def animatic(panels: Any, music: Audio | str | Path | Asset | None = None, *, bpm: float | None = None,
             beats: Sequence[float] | None = None, offset: float = 0.0, fps: float = 24,
             size: tuple[int, int] = (1280, 720), captions: bool = True, fade_out: float = 1.0,
             volume: float = 1.0) -> Clip:
    """The storyboard in time: each panel held for its seconds, cuts snapped to the beat when ``bpm`` or
    ``beats`` is given, captions burned in, ``music`` under it. Returns a lazy :class:`Clip`;
    ``.save("animatic.mp4")`` renders it.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> sky = np.full((90, 160, 3), (40, 60, 120), np.uint8)
    >>> sea = np.full((90, 160, 3), (20, 80, 90), np.uint8)
    >>> panels = [fk.Panel(sky, description="WIDE: the empty sky", seconds=1.4),
    ...           fk.Panel(sea, description="CLOSE: waves break", seconds=1.0)]
    >>> music, _ = fk.synth_music(3.0, bpm=120, seed=0)
    >>> clip = fk.animatic(panels, music, bpm=120, fps=8, size=(64, 36))   # cuts land on beats: 1.5 s, 2.5 s
    >>> clip
    Clip(animatic: 64×36, 2.50 s @ 8 fps, 20 frames, with audio)
    """
    from .edit import Shot, Timeline
    from .titles import caption

    ps = _panels(panels)
    cuts = beat_cuts([p.seconds for p in ps], bpm=bpm, beats=beats, offset=offset)
    frames = [round(c * fps) for c in cuts]
    tl = Timeline(fps=fps, size=size, fit="contain")
    prev = 0
    for p, f in zip(ps, frames):
        n = f - prev
        if n < 1:
            raise TimelineError(f"panel #{p.number} gets no frames at {fps:g} fps after snapping to the beat; "
                                "raise fps or lengthen the panel.")
        text = f"#{p.number}  {p.description}".strip() + f"  ({n / fps:.1f} s)"
        tl.add(Shot(p.image, seconds=n / fps, description=p.description,
                    title=caption(text, seconds=n / fps) if captions else None))
        prev = f
    if music is not None:
        tl.music(music, fade_in=0.0, fade_out=fade_out, volume=volume)
    return tl.to_clip().with_label("animatic")
