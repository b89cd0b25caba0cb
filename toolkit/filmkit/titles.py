"""Titles, lower thirds and captions: text drawn with Pillow in an open font (DejaVu, shipped with matplotlib).

A :class:`Title` is a small frozen value — what to say, how (``kind``), and when (``at``, ``seconds``, ``fade``).
It draws itself over frames (:meth:`Title.draw`); a :class:`~filmkit.edit.Timeline` lays titles over the edit,
a :class:`~filmkit.edit.Shot` can carry one, and :func:`title_card` makes a whole shot of text.

=================  ==========================================================================
``"title"``        large, centred — opening titles, chapter cards
``"lower_third"``  name and role on a dark band in the lower-left third (interviews, places)
``"caption"``      one line on a band across the bottom (subtitles, storyboard captions)
=================  ==========================================================================

Examples
--------
>>> import numpy as np
>>> import filmkit as fk
>>> t = fk.lower_third("Ada Lovelace", "analyst", at=0, seconds=2)
>>> frame = t.draw(np.zeros((180, 320, 3), np.uint8), 1.0)        # 1 s in: fully faded up
>>> bool(frame[120:170, 10:160].max() > 200), int(frame[:60].max())  # text in the lower left, nothing on top
(True, 0)
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ._fonts import load_font, wrap_text
from .clip import Clip, as_rgb_array
from .errors import TimelineError

__all__ = ["Title", "TitleKind", "caption", "lower_third", "title_card"]

TitleKind = Literal["title", "lower_third", "caption"]
_KINDS = ("title", "lower_third", "caption")


@dataclass(frozen=True)
class Title:
    """Text over the picture from ``at`` for ``seconds``, fading in and out over ``fade`` seconds.

    ``scale`` multiplies the text size (which follows the frame height); ``colour`` is the text colour.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> card = fk.Title("TIDE", "a film in three shots", at=1.0, seconds=3.0, fade=0.5)
    >>> card.end, card.opacity(0.25), card.opacity(1.5)          # half faded in, then fully up
    (4.0, 0.5, 1.0)
    >>> frame = card.draw(np.zeros((90, 160, 3), np.uint8), 1.5)
    >>> int(frame[35:55, 40:120].max()), int(frame[:20].max())    # white text in the middle, none on top
    (255, 0)
    """

    text: str
    subtitle: str = ""
    kind: TitleKind = "title"
    at: float = 0.0
    seconds: float = 3.0
    fade: float = 0.4
    colour: tuple[int, int, int] = (255, 255, 255)
    scale: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise TimelineError(f"a title's kind must be one of {', '.join(_KINDS)}; got {self.kind!r}.")
        if self.seconds <= 0 or self.at < 0:
            raise TimelineError(f"a title needs at >= 0 and seconds > 0; got at={self.at!r}, "
                                f"seconds={self.seconds!r}.")
        if not self.text.strip() and not self.subtitle.strip():
            raise TimelineError("a title needs some text; got an empty string.")

    @property
    def end(self) -> float:
        """When it has gone (``at + seconds``)."""
        return self.at + self.seconds

    def with_timing(self, at: float, seconds: float | None = None) -> Title:
        """A copy shown from ``at`` (for ``seconds``, default unchanged)."""
        return dataclasses.replace(self, at=float(at), seconds=float(seconds if seconds is not None else self.seconds))

    def opacity(self, t: float) -> float:
        """How visible it is ``t`` seconds after ``at`` (0 outside its time, ramps over ``fade``)."""
        if t < 0 or t >= self.seconds:
            return 0.0
        if self.fade <= 0:
            return 1.0
        return float(min(1.0, t / self.fade, (self.seconds - t) / self.fade))

    def sprite(self, size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
        """The drawn text as an RGBA array and its top-left corner ``(x, y)`` in a frame of ``size``."""
        return _sprite(self.text, self.subtitle, self.kind, self.colour, self.scale, tuple(size))

    def draw(self, frame: np.ndarray, t: float) -> np.ndarray:
        """``frame`` with this title over it, ``t`` seconds after :attr:`at` (a new array; ``frame`` is kept)."""
        a = self.opacity(t)
        if a <= 0:
            return frame
        rgba, (x, y) = self.sprite((frame.shape[1], frame.shape[0]))
        return composite(frame, rgba, (x, y), opacity=a)

    def _repr_png_(self) -> bytes:
        import io

        from PIL import Image

        img = composite(np.full((360, 640, 3), 40, np.uint8), *self.sprite((640, 360)))
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="PNG")
        return buf.getvalue()


def composite(frame: np.ndarray, rgba: np.ndarray, xy: tuple[int, int], *, opacity: float = 1.0) -> np.ndarray:
    """Lay an RGBA sprite over ``frame`` at ``xy`` (clipped to the frame); returns a new array."""
    h, w = frame.shape[:2]
    x, y = xy
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + rgba.shape[1], w), min(y + rgba.shape[0], h)
    out = frame.copy()
    if x1 <= x0 or y1 <= y0:
        return out
    sp = rgba[y0 - y:y1 - y, x0 - x:x1 - x]
    alpha = sp[:, :, 3:4].astype(np.float32) * (opacity / 255.0)
    bg = out[y0:y1, x0:x1].astype(np.float32)
    out[y0:y1, x0:x1] = (bg + (sp[:, :, :3].astype(np.float32) - bg) * alpha + 0.5).astype(np.uint8)
    return out


@functools.lru_cache(maxsize=128)
def _sprite(text: str, subtitle: str, kind: str, colour: tuple[int, int, int], scale: float,
            size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    from PIL import Image, ImageDraw

    w, h = size
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    if kind == "title":
        big, small = load_font(round(h * 0.09 * scale), "sans-bold"), load_font(round(h * 0.045 * scale), "sans")
        max_w, pad, band = int(w * 0.86), 0, False
    elif kind == "lower_third":
        big, small = load_font(round(h * 0.055 * scale), "sans-bold"), load_font(round(h * 0.035 * scale), "sans")
        max_w, pad, band = int(w * 0.55), max(2, round(h * 0.02)), True
    else:
        big, small = load_font(round(h * 0.045 * scale), "sans"), load_font(round(h * 0.032 * scale), "sans")
        max_w, pad, band = int(w * 0.94), max(2, round(h * 0.015)), True
    rows = [(ln, big) for ln in wrap_text(probe, text, big, max_w) if text.strip()]
    rows += [(ln, small) for ln in wrap_text(probe, subtitle, small, max_w) if subtitle.strip()]
    gap = max(1, round(h * 0.01))
    heights = [f.getbbox("Ág")[3] for _, f in rows]
    widths = [int(probe.textlength(ln, font=f)) for ln, f in rows]
    stroke = max(1, round(h * 0.003)) if not band else 0
    sw = (w if kind == "caption" else max(widths) + 2 * pad + 2 * stroke)
    sh = sum(heights) + gap * (len(rows) - 1) + 2 * pad + 2 * stroke
    img = Image.new("RGBA", (sw, sh), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if band:
        draw.rectangle([0, 0, sw, sh], fill=(0, 0, 0, 160))
    y = pad + stroke
    for (ln, f), lh, lw in zip(rows, heights, widths):
        x = (sw - lw) // 2 if kind != "lower_third" else pad
        draw.text((x, y), ln, font=f, fill=(*colour, 255), stroke_width=stroke, stroke_fill=(0, 0, 0, 200))
        y += lh + gap
    rgba = np.asarray(img)
    if kind == "title":
        xy = ((w - sw) // 2, (h - sh) // 2)
    elif kind == "lower_third":
        xy = (round(w * 0.05), round(h * 0.92) - sh)
    else:
        xy = (0, h - sh)
    rgba.setflags(write=False)
    return rgba, xy


def lower_third(text: str, subtitle: str = "", *, at: float = 0.0, seconds: float = 4.0, fade: float = 0.4,
                colour: tuple[int, int, int] = (255, 255, 255)) -> Title:
    """A name (and role) on a band in the lower-left third, for ``Timeline.title`` or ``Shot(title=...)``.

    >>> lower_third("Ada Lovelace", "analyst").kind
    'lower_third'
    """
    return Title(text, subtitle, "lower_third", float(at), float(seconds), float(fade), tuple(colour))  # type: ignore[arg-type]


def caption(text: str, *, at: float = 0.0, seconds: float = 3.0, fade: float = 0.0) -> Title:
    """One line (or a few) on a band across the bottom: subtitles, storyboard captions.

    >>> caption("INT. HARBOUR – DAWN").kind
    'caption'
    """
    return Title(text, "", "caption", float(at), float(seconds), float(fade))


def title_card(text: str, subtitle: str = "", *, seconds: float = 3.0, fps: float = 24,
               size: tuple[int, int] = (1280, 720), background: Any = (0, 0, 0), fade: float = 0.5,
               colour: tuple[int, int, int] = (255, 255, 255)) -> Clip:
    """A shot of text: a centred title (and subtitle) over a colour or an image, fading up and out.

    >>> card = title_card("LIMINAL SPACES", "a film in six rooms", seconds=1, size=(160, 90))
    >>> card.n_frames, int(card.frame(12)[40:50, 20:140].max()) > 200, int(card.frame(0).max()) < 128
    (24, True, True)
    """
    w, h = size
    if isinstance(background, tuple) and len(background) == 3:
        bg = np.empty((h, w, 3), np.uint8)
        bg[:] = background
    else:
        from .edit import fit_frame

        bg = fit_frame(as_rgb_array(background), (w, h), "cover")
    title = Title(text, subtitle, "title", 0.0, float(seconds), float(fade), tuple(colour))  # type: ignore[arg-type]
    n = max(1, round(seconds * fps))
    rgba, xy = title.sprite((w, h))
    return Clip(frame_fn=lambda i: composite(bg, rgba, xy, opacity=title.opacity(i / fps)), fps=fps, n_frames=n,
                size=(w, h), label=f"title {text[:20]}")
