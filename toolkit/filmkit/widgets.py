"""Notebook widgets (ipywidgets) over the same functions the lessons call: nothing here is needed to pass a test.

:func:`prompt_builder` assembles a Midjourney prompt from film-craft choices — shot size, lens, light, palette —
and parameters, shows the prompt string live with the validator's verdict, and previews it with the offline
previz studio. Every control is an attribute, so code (and the tests) can drive it::

    b = fk.widgets.prompt_builder(subject="a lighthouse on a cliff")
    b.shot.value = "close-up"
    b.prompt        # 'close-up of a lighthouse on a cliff, 50mm lens, ... --ar 16:9 --seed 7 --v 7'

:func:`storyboard_editor` (lesson 03) reorders and edits storyboard panels with the sheet redrawn live, and
:func:`variation_explorer` (lesson 04) walks a prompt library's variation grid with one dropdown per axis.
:func:`camera_move_preview` (lesson 06) tries eased camera moves on a still with sliders, showing a contact strip,
the measured move and the one line of code that makes it.
:func:`reactive_preview` (lesson 09) maps a track's beats and bands onto a picture with sliders, with a time
scrubber, the frame under it and the analysis plot of the curves it drives.
:func:`timeline_scrubber` (lesson 10) scrubs through an edit: the frame at a time, the shot's label and
description, a strip of shots, transitions and titles, and previous/next-cut buttons.

ipywidgets is imported only when a builder is made.

Examples
--------
>>> import filmkit as fk
>>> b = fk.widgets.prompt_builder(subject="a lighthouse on a cliff")
>>> b.shot.value = "close-up"
>>> b.prompt.startswith("close-up of a lighthouse on a cliff")
True
"""
from __future__ import annotations

import html
from typing import Any

from ._lazy import require

__all__ = [
    "CameraMovePreview",
    "LENSES",
    "LIGHTS",
    "PALETTES",
    "SHOT_SIZES",
    "PromptBuilder",
    "REACTIVE_DRIVERS",
    "ReactivePreview",
    "StoryboardEditor",
    "TimelineScrubber",
    "VariationExplorer",
    "camera_move_preview",
    "prompt_builder",
    "reactive_preview",
    "storyboard_editor",
    "timeline_scrubber",
    "variation_explorer",
]

SHOT_SIZES = ("extreme wide shot", "wide shot", "full shot", "medium shot", "medium close-up", "close-up",
              "extreme close-up")
LENSES = ("14mm ultra-wide lens", "24mm wide lens", "35mm lens", "50mm lens", "85mm portrait lens",
          "135mm telephoto lens", "anamorphic lens")
LIGHTS = ("golden hour", "blue hour", "overcast soft light", "hard noon sun", "neon night", "candlelight",
          "low-key chiaroscuro", "backlit silhouette")
PALETTES = ("warm amber and teal", "muted earth tones", "cold steel blue", "pastel", "monochrome",
            "saturated complementary", "sepia")
ASPECTS = ("16:9", "12:5", "4:3", "1:1", "4:5", "9:16")  # Midjourney takes whole numbers: 12:5 is 2.4:1 scope
VERSIONS = ("7", "6.1", "6", "5.2", "niji 6")


class PromptBuilder:
    """Dropdowns and fields that assemble a prompt; ``.prompt`` is the current string, ``.problems`` its issues.

    Build one with :func:`prompt_builder`. Attributes ``subject``, ``shot``, ``lens``, ``light``,
    ``palette``, ``aspect``, ``version``, ``seed`` and ``stylize`` are the ipywidgets controls; ``widget``
    is the whole panel (a notebook displays the builder as that panel).
    """

    def __init__(self, *, subject: str = "a lighthouse on a cliff above a stormy sea", shot: str = "wide shot",
                 lens: str = "35mm lens", light: str = "golden hour", palette: str = "warm amber and teal",
                 aspect: str = "16:9", version: str = "7", seed: int = 7, stylize: int = 100) -> None:
        w = require("ipywidgets")
        wide = {"layout": w.Layout(width="420px"), "style": {"description_width": "90px"}}
        self.subject = w.Text(value=subject, description="subject", **wide)
        self.shot = w.Dropdown(options=SHOT_SIZES, value=shot, description="shot size", **wide)
        self.lens = w.Dropdown(options=LENSES, value=lens, description="lens", **wide)
        self.light = w.Dropdown(options=LIGHTS, value=light, description="light", **wide)
        self.palette = w.Dropdown(options=PALETTES, value=palette, description="palette", **wide)
        self.aspect = w.Dropdown(options=ASPECTS, value=aspect, description="--ar", **wide)
        self.version = w.Dropdown(options=VERSIONS, value=version, description="version", **wide)
        self.seed = w.IntText(value=seed, description="--seed", **wide)
        self.stylize = w.IntText(value=stylize, description="--stylize", **wide)
        self.output = w.HTML()
        self.preview_button = w.Button(description="Preview (previz)", icon="image")
        self.preview_area = w.Output()
        self.preview_button.on_click(lambda _: self.preview(show=True))
        self._controls = [self.subject, self.shot, self.lens, self.light, self.palette, self.aspect, self.version,
                          self.seed, self.stylize]
        for c in self._controls:
            c.observe(lambda _change: self._refresh(), names="value")
        self.widget = w.VBox([*self._controls, self.output, self.preview_button, self.preview_area])
        self._refresh()

    # --- reading ------------------------------------------------------------------------------------------
    @property
    def prompt(self) -> str:
        """The prompt the controls describe right now."""
        text = ", ".join(p for p in (f"{self.shot.value} of {self.subject.value.strip()}", self.lens.value,
                                     self.light.value, f"{self.palette.value} palette") if p)
        version = str(self.version.value)
        vflag = f"--niji {version.split()[1]}" if version.startswith("niji") else f"--v {version}"
        return (f"{text} --ar {self.aspect.value} --seed {int(self.seed.value)} "
                f"--stylize {int(self.stylize.value)} {vflag}")

    @property
    def problems(self) -> list[Any]:
        """What the validator says about :attr:`prompt` (errors and warnings)."""
        from .errors import PromptError
        from .prompts import parse_prompt, validate_prompt

        try:
            return list(validate_prompt(parse_prompt(self.prompt)))
        except PromptError as exc:
            return [exc]

    def _refresh(self) -> None:
        probs = self.problems
        errors = [p for p in probs if getattr(p, "severity", "error") == "error"]
        verdict = ("<b style='color:#2a7'>valid</b>" if not errors else
                   f"<b style='color:#c33'>{len(errors)} problem(s)</b>")
        items = "".join(f"<li>{html.escape(str(getattr(p, 'message', p)))}</li>" for p in probs)
        self.output.value = (f"<pre style='white-space:pre-wrap'>{html.escape(self.prompt)}</pre>{verdict}"
                             + (f"<ul>{items}</ul>" if items else ""))

    # --- acting -------------------------------------------------------------------------------------------
    def preview(self, *, show: bool = False, scale: float = 0.5) -> Any:
        """Generate the prompt offline (previz, at ``scale`` of full size) and return the first frame.

        ``show`` also puts it in the panel (the Preview button does that).
        """
        import filmkit as fk

        frame = fk.generate(self.prompt, provider="previz", scale=scale)[0]
        if show:
            self.preview_area.outputs = ()
            self.preview_area.append_display_data(frame)
        return frame

    def _repr_mimebundle_(self, **kw: Any) -> Any:
        return self.widget._repr_mimebundle_(**kw)

    def __repr__(self) -> str:
        return f"PromptBuilder({self.prompt!r})"


def prompt_builder(**choices: Any) -> PromptBuilder:
    """A prompt builder panel: pick shot size, lens, light, palette and parameters; read a valid prompt.

    Keyword arguments set the starting values (``subject=``, ``shot=``, ``lens=``, ``light=``, ``palette=``,
    ``aspect=``, ``version=``, ``seed=``, ``stylize=``).

    Examples
    --------
    >>> import filmkit as fk
    >>> b = fk.widgets.prompt_builder(subject="a fishing boat at anchor")
    >>> b.shot.value = "close-up"
    >>> b.prompt
    'close-up of a fishing boat at anchor, 35mm lens, golden hour, warm amber and teal palette --ar 16:9 --seed 7 --stylize 100 --v 7'
    """
    return PromptBuilder(**choices)


# --- curriculum widgets: storyboard editor (lesson 03), variation explorer (lesson 04) ------------------------------
def _png(image: Any) -> bytes:
    import io

    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


class StoryboardEditor:
    """Reorder storyboard panels, edit what happens and how long, and see the sheet redrawn.

    Build one with :func:`storyboard_editor`. ``panels`` is the current list of :class:`~filmkit.storyboards.Panel`
    values (hand it to ``fk.storyboard`` or ``fk.animatic``); :meth:`move`, :meth:`edit` and :meth:`remove` do
    from code what the buttons and fields do. ``picker`` (the panel list), ``description``, ``seconds``, ``up``,
    ``down`` and ``image`` (the sheet) are the ipywidgets controls.
    """

    def __init__(self, panels: Any, *, columns: int = 4, panel_width: int = 200, title: str | None = None) -> None:
        from .errors import TimelineError
        from .storyboards import Panel, _panels

        w = require("ipywidgets")
        items = _panels(panels)
        if not items:
            raise TimelineError("a storyboard editor needs at least one panel, e.g. [fk.Panel(frame, 'the harbour')].")
        # a panel keeps its shot number when it moves: number the unnumbered ones by their starting place
        self._panels: list[Any] = [p if p.number is not None else Panel(p.image, k + 1, p.description, p.seconds)
                                   for k, p in enumerate(items)]
        self.columns, self.panel_width, self.title = columns, panel_width, title
        self.picker = w.Select(rows=min(8, len(items)), layout=w.Layout(width="420px"), description="panels")
        self.description = w.Text(description="action", continuous_update=False, layout=w.Layout(width="420px"))
        self.seconds = w.BoundedFloatText(min=0.1, max=600, step=0.5, description="seconds")
        self.up = w.Button(description="earlier", icon="arrow-up")
        self.down = w.Button(description="later", icon="arrow-down")
        self.total = w.HTML()
        self.image = w.Image(format="png")
        self._busy = False
        self.picker.observe(lambda _c: self._load(), names="value")
        self.description.observe(lambda c: self._edit_from_fields(), names="value")
        self.seconds.observe(lambda c: self._edit_from_fields(), names="value")
        self.up.on_click(lambda _b: self._nudge(-1))
        self.down.on_click(lambda _b: self._nudge(+1))
        self.widget = w.VBox([w.HBox([self.picker, w.VBox([self.description, self.seconds,
                                                           w.HBox([self.up, self.down]), self.total])]),
                              self.image])
        self._refresh(select=0)

    # --- reading ----------------------------------------------------------------------------------------------
    @property
    def panels(self) -> list[Any]:
        """The panels in their current order, with their current descriptions and durations."""
        return list(self._panels)

    @property
    def total_seconds(self) -> float:
        """The board's running time in seconds."""
        return float(sum(p.seconds for p in self._panels))

    def sheet(self) -> Any:
        """The storyboard sheet as drawn now (a ``PIL.Image``)."""
        from .storyboards import storyboard

        return storyboard(self._panels, columns=self.columns, panel_width=self.panel_width, title=self.title)

    # --- editing --------------------------------------------------------------------------------------------
    def _index(self, i: int) -> int:
        from .errors import TimelineError

        n = len(self._panels)
        if not isinstance(i, int) or not -n <= i < n:
            raise TimelineError(f"there are {n} panels: use a position from 0 to {n - 1}; got {i!r}.")
        return i % n

    def move(self, i: int, to: int) -> StoryboardEditor:
        """Move the panel at position ``i`` to position ``to`` (0 is first); returns the editor."""
        i, to = self._index(i), self._index(to)
        panel = self._panels.pop(i)
        self._panels.insert(to, panel)
        self._refresh(select=to)
        return self

    def edit(self, i: int, *, description: str | None = None, seconds: float | None = None) -> StoryboardEditor:
        """Change what happens in panel ``i`` and/or how long it lasts; returns the editor."""
        i = self._index(i)
        p = self._panels[i]
        if description is not None:
            p = p.with_description(str(description))
        if seconds is not None:
            p = p.with_seconds(float(seconds))
        self._panels[i] = p
        self._refresh(select=i)
        return self

    def remove(self, i: int) -> StoryboardEditor:
        """Drop panel ``i`` from the board (at least one panel stays); returns the editor."""
        from .errors import TimelineError

        i = self._index(i)
        if len(self._panels) == 1:
            raise TimelineError("the board needs at least one panel; add another before removing this one.")
        del self._panels[i]
        self._refresh(select=min(i, len(self._panels) - 1))
        return self

    # --- plumbing ---------------------------------------------------------------------------------------------
    def _nudge(self, step: int) -> None:
        i = self.picker.value
        if i is not None and 0 <= i + step < len(self._panels):
            self.move(i, i + step)

    def _edit_from_fields(self) -> None:
        i = self.picker.value
        if self._busy or i is None:
            return
        p = self._panels[i]
        if self.description.value != p.description or float(self.seconds.value) != p.seconds:
            self.edit(i, description=self.description.value, seconds=float(self.seconds.value))

    def _load(self) -> None:
        i = self.picker.value
        if i is None or self._busy:
            return
        self._busy = True
        try:
            self.description.value = self._panels[i].description
            self.seconds.value = self._panels[i].seconds
        finally:
            self._busy = False

    def _refresh(self, *, select: int) -> None:
        self._busy = True
        try:
            self.picker.options = [(f"#{p.number} · {p.seconds:.1f} s · {p.description[:40]}", k)
                                   for k, p in enumerate(self._panels)]
            self.picker.value = select
        finally:
            self._busy = False
        self._load()
        self.total.value = f"<b>{len(self._panels)} panels · {self.total_seconds:.1f} s</b>"
        self.image.value = _png(self.sheet())

    def _repr_mimebundle_(self, **kw: Any) -> Any:
        return self.widget._repr_mimebundle_(**kw)

    def __repr__(self) -> str:
        return f"StoryboardEditor({len(self._panels)} panels, {self.total_seconds:.1f} s)"


def storyboard_editor(panels: Any, *, columns: int = 4, panel_width: int = 200,
                      title: str | None = None) -> StoryboardEditor:
    """An editable storyboard: reorder panels, change their action and seconds, watch the sheet redraw.

    ``panels`` is what :func:`filmkit.storyboard` takes (a list of ``fk.Panel``, images or shots).

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> sky = np.full((90, 160, 3), (40, 60, 120), np.uint8)
    >>> ed = fk.widgets.storyboard_editor([fk.Panel(sky, description="the door", seconds=2),
    ...                                    fk.Panel(sky[::-1], description="it opens", seconds=1)])
    >>> [p.number for p in ed.move(1, 0).edit(0, seconds=3).panels], ed.total_seconds
    ([2, 1], 5.0)
    """
    return StoryboardEditor(panels, columns=columns, panel_width=panel_width, title=title)


class VariationExplorer:
    """One dropdown per variation axis of a :class:`~filmkit.style.PromptLibrary`: pick a cell of the grid, read its
    stable id and prompt, and preview it offline.

    Build one with :func:`variation_explorer`. ``core`` and ``axes`` (a dict: axis name → dropdown) are the
    controls; :attr:`item` is the chosen :class:`~filmkit.style.LibraryPrompt`; :meth:`preview` renders it with
    previz (a quick draft at ``scale``) and shows it in ``image``.
    """

    def __init__(self, library: Any, *, core: str | None = None, scale: float = 0.25) -> None:
        from .errors import PromptError
        from .style import PromptLibrary

        if not isinstance(library, PromptLibrary):
            raise PromptError(f"variation_explorer needs a PromptLibrary; got {type(library).__name__}. "
                              "Make one with fk.PromptLibrary(bible, cores=..., axes=...) or fk.load_library(path).")
        if not library.cores:
            raise PromptError("this library has no core prompts; add one with library.with_core('quay', '...').")
        w = require("ipywidgets")
        wide = {"layout": w.Layout(width="420px"), "style": {"description_width": "110px"}}
        self.library, self.scale = library, float(scale)
        self.core = w.Dropdown(options=list(library.cores), value=core or next(iter(library.cores)),
                               description="core prompt", **wide)
        self.axes = {name: w.Dropdown(options=list(opts), description=name.replace("_", " "), **wide)
                     for name, opts in library.axes.items()}
        self.output = w.HTML()
        self.preview_button = w.Button(description="Preview (previz)", icon="image")
        self.image = w.Image(format="png")
        self.preview_button.on_click(lambda _b: self.preview(show=True))
        for c in [self.core, *self.axes.values()]:
            c.observe(lambda _c: self._refresh(), names="value")
        self.widget = w.VBox([self.core, *self.axes.values(), self.output, self.preview_button, self.image])
        self._refresh()

    @property
    def item(self) -> Any:
        """The chosen cell of the grid (a ``LibraryPrompt`` with ``id``, ``choices`` and ``prompt``)."""
        return self.library.grid(self.core.value, axes={n: [d.value] for n, d in self.axes.items()})[0]

    @property
    def prompt(self) -> str:
        """The chosen cell's full prompt, bible applied."""
        return str(self.item.prompt)

    def choose(self, core: str | None = None, **choices: str) -> VariationExplorer:
        """Set the core prompt and axis options from code, e.g. ``choose("quay", weather="sea fog")``."""
        from .errors import PromptError

        if core is not None:
            self.core.value = self.library._core_ids([core])[0]
        for name, option in choices.items():
            self.library._axis_names([name])
            if option not in self.axes[name].options:
                raise PromptError(f"axis {name!r} has no option {option!r}; pick one of "
                                  f"{', '.join(map(repr, self.axes[name].options))}.")
            self.axes[name].value = option
        return self

    def preview(self, *, show: bool = True) -> Any:
        """Render the chosen prompt offline (previz, first candidate) and return it; ``show`` puts it in the panel."""
        from .studio import generate

        frame = generate(self.prompt, provider="previz", scale=self.scale)[0]
        if show:
            self.image.value = frame.path.read_bytes()
        return frame

    def _refresh(self) -> None:
        item = self.item
        self.output.value = (f"<code>{html.escape(item.id)}</code>"
                             f"<pre style='white-space:pre-wrap'>{html.escape(str(item.prompt))}</pre>")

    def _repr_mimebundle_(self, **kw: Any) -> Any:
        return self.widget._repr_mimebundle_(**kw)

    def __repr__(self) -> str:
        return f"VariationExplorer({self.item.id!r})"


def variation_explorer(library: Any, *, core: str | None = None, scale: float = 0.25) -> VariationExplorer:
    """Explore a prompt library's variation grid with dropdowns, one per axis, and preview any cell offline.

    Examples
    --------
    >>> import filmkit as fk
    >>> ex = fk.widgets.variation_explorer(fk.example_library(), core="lighthouse")
    >>> ex.choose(time_of_day="night", weather="sea fog", shot_size="close-up").item.id
    'lighthouse/night/sea-fog/close-up'
    >>> "oil painting" in ex.prompt and "--ar 16:9" in ex.prompt
    True
    """
    return VariationExplorer(library, core=core, scale=scale)


# --- lesson 06: camera moves ---------------------------------------------------------------------------------------
#: How far the pan and tilt sliders turn the camera, in frame widths/heights. ``fk.camera_move`` keeps the frame
#: covered for any turn under one frame by zooming in 1 / (1 − |pan|): 1.25× at 0.2, 2× at 0.5, 10× at 0.9; at a
#: full frame no zoom can cover it and a mirrored edge shows. 0.9 is the whole useful range, soft as it gets there.
_CAMERA_TURN_LIMIT = 0.9

class CameraMovePreview:
    """Sliders for one eased camera move over a still, with a live contact strip and the measured move.

    Build one with :func:`camera_move_preview`. The controls are attributes (``push``, ``pan``, ``tilt``,
    ``roll`` sliders and an ``ease`` dropdown); :attr:`path` is the :class:`~filmkit.camera.CameraPath` they
    describe, :attr:`code` the one line that makes the same move in a notebook, and :attr:`facts` what
    :func:`filmkit.checks.measure_clip` measures on the rendered frames (the same measurement the exercises use).
    """

    def __init__(self, image: Any, *, seconds: float = 2.0, fps: float = 12, size: tuple[int, int] = (320, 180),
                 frames: int = 4) -> None:
        from .camera import _load_rgb
        from .easing import EASINGS
        from .errors import FilmkitError

        if frames < 2:
            raise FilmkitError(f"frames={frames}: the strip needs at least 2 frames (first and last).")
        self.image = _load_rgb(image)[0]  # fails early, with the fix, on something that is not a picture
        self.seconds, self.fps, self.size, self.frames = float(seconds), float(fps), tuple(size), int(frames)
        w = require("ipywidgets")
        wide = {"layout": w.Layout(width="420px"), "style": {"description_width": "90px"}, "continuous_update": False}
        self.push = w.FloatSlider(value=1.0, min=0.7, max=1.6, step=0.05, description="push", **wide)
        turn = _CAMERA_TURN_LIMIT
        self.pan = w.FloatSlider(value=0.0, min=-turn, max=turn, step=0.01, description="pan", **wide)
        self.tilt = w.FloatSlider(value=0.0, min=-turn, max=turn, step=0.01, description="tilt", **wide)
        self.roll = w.FloatSlider(value=0.0, min=-15.0, max=15.0, step=0.5, description="roll (°)", **wide)
        self.ease = w.Dropdown(options=list(EASINGS), value="ease_in_out_sine", description="ease",
                               layout=w.Layout(width="420px"), style={"description_width": "90px"})
        self.strip_image = w.Image(format="png")
        self.output = w.HTML()
        for c in (self.push, self.pan, self.tilt, self.roll, self.ease):
            c.observe(lambda _c: self._refresh(), names="value")
        self.widget = w.VBox([self.push, self.pan, self.tilt, self.roll, self.ease, self.strip_image, self.output])
        self._refresh()

    @property
    def path(self) -> Any:
        """The move the controls describe, as a :class:`~filmkit.camera.CameraPath`."""
        from .camera import camera_move

        return camera_move(push=self.push.value, pan=self.pan.value, tilt=self.tilt.value, roll=self.roll.value,
                           seconds=self.seconds, fps=self.fps, ease=self.ease.value)

    @property
    def code(self) -> str:
        """The notebook line that makes this move (only the controls that moved are written)."""
        parts = [f"{name}={getattr(self, name).value:g}" for name, neutral in
                 (("push", 1.0), ("pan", 0.0), ("tilt", 0.0), ("roll", 0.0)) if getattr(self, name).value != neutral]
        parts += [f"seconds={self.seconds:g}", f"fps={self.fps:g}", f"ease={self.ease.value!r}"]
        return f"fk.camera_move({', '.join(parts)})"

    def clip(self) -> Any:
        """The move rendered on the still (a lazy :class:`~filmkit.clip.Clip`)."""
        return self.path.render(self.image, seconds=self.seconds, fps=self.fps, size=self.size)

    def set(self, **values: Any) -> CameraMovePreview:
        """Set controls from code, e.g. ``set(push=1.3, ease="ease_in_out_cubic")``; returns the preview."""
        from .errors import FilmkitError

        names = ("push", "pan", "tilt", "roll", "ease")
        for name, value in values.items():
            if name not in names:
                raise FilmkitError(f"camera_move_preview has no control {name!r}; use one of {', '.join(names)}.")
            control = getattr(self, name)
            if name == "ease":
                if value not in control.options:
                    raise FilmkitError(f"unknown easing {value!r}; use one of: {', '.join(control.options)}.")
            elif not control.min <= value <= control.max:
                raise FilmkitError(f"{name}={value} is outside the slider's range {control.min:g} to "
                                   f"{control.max:g}; for a bigger move, call fk.camera_move(...) in code.")
            control.value = value
        return self

    def _refresh(self) -> None:
        import numpy as np
        from PIL import Image

        from .checks import measure_clip

        clip = self.clip()
        picks = np.linspace(0, clip.n_frames - 1, self.frames).round().astype(int)
        strip = Image.fromarray(np.hstack([clip.frame(int(i)) for i in picks]))
        self.strip_image.value = _png(strip)
        self.facts = measure_clip(clip)
        self.output.value = (f"<code>{html.escape(self.code)}</code><br>measured: <b>{self.facts.motion}</b>, "
                             f"zoom ×{self.facts.zoom:.2f}, shift {self.facts.shift[0]:+.2f}, "
                             f"{self.facts.shift[1]:+.2f} of the frame")

    def _repr_mimebundle_(self, **kw: Any) -> Any:
        return self.widget._repr_mimebundle_(**kw)

    def __repr__(self) -> str:
        return f"CameraMovePreview({self.code})"


def camera_move_preview(image: Any, *, seconds: float = 2.0, fps: float = 12, size: tuple[int, int] = (320, 180),
                        frames: int = 4) -> CameraMovePreview:
    """Try camera moves on a still with sliders: a contact strip and the measured move update as you drag.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> still = np.zeros((90, 160, 3), np.uint8); still[30:60, 60:100] = 255; still[40:50, 20:30] = 128
    >>> preview = fk.widgets.camera_move_preview(still, seconds=1, fps=8, size=(160, 90))
    >>> preview.set(push=1.3, ease="ease_in_out_cubic").code
    "fk.camera_move(push=1.3, seconds=1, fps=8, ease='ease_in_out_cubic')"
    >>> preview.facts.motion
    'push-in'
    """
    return CameraMovePreview(image, seconds=seconds, fps=fps, size=size, frames=frames)


# --- lesson 09: audio-reactive preview -----------------------------------------------------------------------------
#: what can drive the glow and the colour shift in :class:`ReactivePreview`, besides the analysis' own bands
REACTIVE_DRIVERS = ("beat", "onset")


class ReactivePreview:
    """Sliders that map a track's beats and bands onto a picture, with a time scrubber, the frame under it and the
    analysis plot with the curves the sliders drive.

    Build one with :func:`reactive_preview`. The controls are attributes: ``pulse`` (zoom on each beat, a fraction),
    ``decay`` (seconds the beat pulse takes to fade), ``glow`` with ``glow_band`` (what drives it), ``colour_shift``
    (degrees of hue) with ``shift_band``, and ``time`` (the scrubber, seconds). :meth:`frame` renders the frame at a
    time, :meth:`render` redraws the panel and returns the frame under the scrubber, :attr:`curves` holds the driven
    values (one per video frame, in each mapping's units), :meth:`clip` is the whole clip with its soundtrack and
    :attr:`code` the notebook line that makes the same clip. ``frame_image`` and ``plot_image`` are the panel's
    pictures.
    """

    def __init__(self, source: Any, analysis: Any, *, size: tuple[int, int] = (320, 180), pulse: float = 0.05,
                 decay: float = 0.25, glow: float = 0.6, glow_band: str = "low", colour_shift: float = 0.0,
                 shift_band: str = "mid") -> None:
        from .audio import AudioAnalysis
        from .errors import MediaError

        if not isinstance(analysis, AudioAnalysis):
            raise MediaError(f"reactive_preview needs an analysis from fk.analyse_audio(...); got "
                             f"{type(analysis).__name__}.")
        self.source, self.analysis, self.size = source, analysis, (int(size[0]), int(size[1]))
        drivers = [*analysis.bands, *REACTIVE_DRIVERS]
        for name, band in (("glow_band", glow_band), ("shift_band", shift_band)):
            if band not in drivers:
                raise MediaError(f"{name}={band!r} is not something this analysis can drive with; use one of "
                                 f"{', '.join(map(repr, drivers))}.")
        w = require("ipywidgets")
        wide = {"layout": w.Layout(width="420px"), "style": {"description_width": "110px"}, "continuous_update": False}
        self.pulse = w.FloatSlider(value=pulse, min=0.0, max=0.25, step=0.01, description="pulse (zoom)", **wide)
        self.decay = w.FloatSlider(value=decay, min=0.05, max=1.0, step=0.05, description="pulse decay (s)", **wide)
        self.glow = w.FloatSlider(value=glow, min=0.0, max=1.0, step=0.05, description="glow", **wide)
        self.glow_band = w.Dropdown(options=drivers, value=glow_band, description="glow follows",
                                    layout=wide["layout"], style=wide["style"])
        self.colour_shift = w.FloatSlider(value=colour_shift, min=0.0, max=90.0, step=5.0,
                                          description="colour shift (°)", **wide)
        self.shift_band = w.Dropdown(options=drivers, value=shift_band, description="shift follows",
                                     layout=wide["layout"], style=wide["style"])
        step = 1.0 / analysis.fps
        self.time = w.FloatSlider(value=0.0, min=0.0, max=max((analysis.n_frames - 1) * step, step), step=step,
                                  description="time (s)", readout_format=".2f", **wide)
        self.frame_image = w.Image(format="png")
        self.plot_image = w.Image(format="png", layout=w.Layout(width="640px"))
        self.output = w.HTML()
        self._clip: Any = None
        self._key: tuple[Any, ...] | None = None
        self._mappings = (self.pulse, self.decay, self.glow, self.glow_band, self.colour_shift, self.shift_band)
        for c in self._mappings:
            c.observe(lambda _c: self._refresh(plot=True), names="value")
        self.time.observe(lambda _c: self._refresh(plot=False), names="value")
        self.widget = w.VBox([w.HBox([w.VBox(list(self._mappings)), w.VBox([self.frame_image, self.time,
                                                                             self.output])]), self.plot_image])
        self._refresh(plot=True)

    # --- reading ------------------------------------------------------------------------------------------------
    def _mapping(self) -> dict[str, Any]:
        """The keyword arguments of :func:`filmkit.audio_reactive` the controls describe (None = off)."""
        a = self.analysis
        return {
            "pulse": (a.beat_pulse(decay=float(self.decay.value)), float(self.pulse.value)) if self.pulse.value else None,
            "glow": (self.glow_band.value, float(self.glow.value)) if self.glow.value else None,
            "colour_shift": ((self.shift_band.value, float(self.colour_shift.value)) if self.colour_shift.value
                             else None),
        }

    @property
    def curves(self) -> dict[str, Any]:
        """The driven values, one per video frame: ``pulse`` (zoom fraction), ``glow`` (0–1), ``colour_shift`` (°)."""
        import numpy as np

        a = self.analysis
        drivers = {"pulse": a.pulse_values(decay=float(self.decay.value)),
                   "glow": self._driver(self.glow_band.value), "colour_shift": self._driver(self.shift_band.value)}
        amounts = {"pulse": self.pulse.value, "glow": self.glow.value, "colour_shift": self.colour_shift.value}
        return {k: np.asarray(drivers[k] * float(amounts[k])) for k in drivers}

    def _driver(self, name: str) -> Any:
        a = self.analysis
        if name == "beat":
            return a.pulse_values(decay=float(self.decay.value))
        if name == "onset":
            return a.onset_strength
        return a.envelope(name)

    @property
    def code(self) -> str:
        """The notebook line that makes this clip (mappings at zero are left out)."""
        parts = []
        if self.pulse.value:
            parts.append(f"pulse=(analysis.beat_pulse(decay={self.decay.value:g}), {self.pulse.value:g})")
        if self.glow.value:
            parts.append(f"glow=({self.glow_band.value!r}, {self.glow.value:g})")
        if self.colour_shift.value:
            parts.append(f"colour_shift=({self.shift_band.value!r}, {self.colour_shift.value:g})")
        parts.append(f"size={self.size}")
        return f"fk.audio_reactive(source, analysis, {', '.join(parts)})"

    def clip(self) -> Any:
        """The whole reactive clip as the controls describe it, with the analysed track as its soundtrack."""
        from .reactive import audio_reactive

        key = (self.pulse.value, self.decay.value, self.glow.value, self.glow_band.value, self.colour_shift.value,
               self.shift_band.value)
        if key != self._key:
            self._clip = audio_reactive(self.source, self.analysis, size=self.size, **self._mapping())
            self._key = key
        return self._clip

    def frame(self, t: float | None = None) -> Any:
        """The frame (an RGB array) at ``t`` seconds; by default at the scrubber's time."""
        from .errors import MediaError

        t = float(self.time.value if t is None else t)
        if not 0 <= t <= self.analysis.duration:
            raise MediaError(f"t={t} is outside the track (0 to {self.analysis.duration:.2f} s).")
        clip = self.clip()
        return clip.frame(min(round(t * clip.fps), clip.n_frames - 1))

    # --- acting -------------------------------------------------------------------------------------------------
    def set(self, **values: Any) -> ReactivePreview:
        """Set controls from code, e.g. ``set(glow=0.9, glow_band="high", time=1.5)``; returns the preview."""
        from .errors import MediaError

        names = ("pulse", "decay", "glow", "glow_band", "colour_shift", "shift_band", "time")
        for name, value in values.items():
            if name not in names:
                raise MediaError(f"reactive_preview has no control {name!r}; use one of {', '.join(names)}.")
            control = getattr(self, name)
            if name.endswith("_band"):
                if value not in control.options:
                    raise MediaError(f"{name}={value!r}: pick one of {', '.join(map(repr, control.options))}.")
            elif not control.min - 1e-9 <= value <= control.max + 1e-9:
                raise MediaError(f"{name}={value} is outside the slider's range {control.min:g} to {control.max:g}; "
                                 f"for more, call fk.audio_reactive(...) in code.")
            control.value = value
        return self

    def render(self) -> Any:
        """Redraw the frame view and the plot; returns the frame under the scrubber (an RGB array)."""
        self._refresh(plot=True)
        return self.frame()

    def _refresh(self, *, plot: bool) -> None:
        from PIL import Image

        from .curves import figure_png

        frame = self.frame()
        self.frame_image.value = _png(Image.fromarray(frame))
        i = min(round(float(self.time.value) * self.analysis.fps), self.analysis.n_frames - 1)
        now = self.curves
        self.output.value = (f"<code>{html.escape(self.code)}</code><br>t = {float(self.time.value):.2f} s "
                             f"(frame {i}): zoom +{now['pulse'][i]:.3f}, glow {now['glow'][i]:.2f}, "
                             f"hue {now['colour_shift'][i]:+.0f}°")
        if plot:
            scale = {"pulse": self.pulse.max, "glow": self.glow.max, "colour_shift": self.colour_shift.max}
            labels = {"pulse": f"pulse: beat, decay {self.decay.value:g} s",
                      "glow": f"glow: {self.glow_band.value}", "colour_shift": f"colour shift: {self.shift_band.value}"}
            shown = {labels[k]: v / scale[k] for k, v in now.items()}  # each as a share of its slider's range
            self.plot_image.value = figure_png(self.analysis.plot(curves=shown))

    def _repr_mimebundle_(self, **kw: Any) -> Any:
        return self.widget._repr_mimebundle_(**kw)

    def __repr__(self) -> str:
        return f"ReactivePreview({self.code})"


def reactive_preview(source: Any, analysis: Any, *, size: tuple[int, int] = (320, 180), pulse: float = 0.05,
                     decay: float = 0.25, glow: float = 0.6, glow_band: str = "low", colour_shift: float = 0.0,
                     shift_band: str = "mid") -> ReactivePreview:
    """Try audio-reactive mappings with sliders: scrub through the track and watch the frame and the curves change.

    ``source`` is what :func:`filmkit.audio_reactive` takes (a still, a previz frame with layers, a clip);
    ``analysis`` comes from :func:`filmkit.analyse_audio`. Keyword arguments set the starting values.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> music, _ = fk.synth_music(1.0, bpm=120, seed=0)
    >>> heard = fk.analyse_audio(music, fps=8, bpm=120)
    >>> still = np.full((36, 64, 3), 60, np.uint8); still[12:24, 24:40] = 220
    >>> rp = fk.widgets.reactive_preview(still, heard, size=(64, 36), glow=0.0)
    >>> rp.code
    'fk.audio_reactive(source, analysis, pulse=(analysis.beat_pulse(decay=0.25), 0.05), size=(64, 36))'
    >>> dark = rp.frame(0.25).mean()
    >>> bool(rp.set(glow=1.0, glow_band="beat").frame(0.0).mean() > dark)    # the beat at 0 s now flares
    True
    """
    return ReactivePreview(source, analysis, size=size, pulse=pulse, decay=decay, glow=glow, glow_band=glow_band,
                           colour_shift=colour_shift, shift_band=shift_band)


# --- lesson 10: the timeline scrubber ------------------------------------------------------------------------------
#: colours of the scrubber's strip: shots alternate two blues, transitions amber, titles white, the playhead red
_STRIP_SHOTS = ((52, 78, 120), (78, 108, 150))
_STRIP_COLOURS: dict[str, tuple[int, int, int]] = {"transition": (230, 160, 40), "title": (240, 240, 240),
                                                   "playhead": (230, 40, 40), "cut": (10, 10, 10)}


class TimelineScrubber:
    """A time slider over a :class:`~filmkit.edit.Timeline`: the frame at that time, the shot's label and
    description, a strip marking shots, transitions and titles, and buttons that jump to the previous/next cut.

    Build one with :func:`timeline_scrubber`. Frames are rendered lazily, one per position, at ``width`` pixels
    wide. ``time`` (the slider), ``previous_cut``/``next_cut`` (buttons), ``image`` (the frame), ``info`` (the
    shot's text) and ``strip_image`` are the ipywidgets controls; :meth:`seek`, :meth:`next` and :meth:`previous`
    do from code what they do. :attr:`spans` lists what the strip shows, as ``(kind, start, end, label)``.
    """

    def __init__(self, timeline: Any, *, width: int = 320, strip_height: int = 30) -> None:
        from .edit import Timeline
        from .errors import TimelineError

        if not isinstance(timeline, Timeline):
            raise TimelineError(f"timeline_scrubber needs a Timeline; got {type(timeline).__name__}. Build one with "
                                "fk.Timeline(fps=12, size=(320, 180)).add(shot)...")
        if width < 16:
            raise TimelineError(f"width={width}: the preview needs at least 16 pixels; try width=320.")
        self.timeline = timeline
        lay = timeline._layout()  # fails early, with the fix, on an empty or badly built timeline
        self.fps, self.n_frames = lay.fps, lay.n_frames
        w_, h_ = timeline.size
        pw = max(2, int(width) // 2 * 2)
        self.size = (pw, max(2, round(pw * h_ / w_ / 2) * 2))
        self._clip = timeline.to_clip(size=self.size)  # lazy: nothing is rendered until a frame is shown
        self._layout = lay
        self.cuts: list[float] = timeline.cut_times
        self.spans = self._spans(lay)
        self.strip_height = int(strip_height)
        w = require("ipywidgets")
        self.time = w.FloatSlider(value=0.0, min=0.0, max=(self.n_frames - 1) / self.fps, step=1 / self.fps,
                                  description="time (s)", readout_format=".2f", layout=w.Layout(width=f"{pw + 140}px"),
                                  style={"description_width": "70px"})
        self.previous_cut = w.Button(description="previous cut", icon="step-backward")
        self.next_cut = w.Button(description="next cut", icon="step-forward")
        self.image = w.Image(format="png")
        self.strip_image = w.Image(format="png")
        self.info = w.HTML()
        self.previous_cut.on_click(lambda _b: self.previous())
        self.next_cut.on_click(lambda _b: self.next())
        self.time.observe(lambda _c: self._refresh(), names="value")
        self.widget = w.VBox([self.image, self.strip_image, self.time,
                              w.HBox([self.previous_cut, self.next_cut]), self.info])
        self._refresh()

    # --- reading ----------------------------------------------------------------------------------------------
    @property
    def t(self) -> float:
        """The time the slider is at, in seconds."""
        return float(self.time.value)

    @property
    def frame_index(self) -> int:
        """The frame of the film at :attr:`t`."""
        return int(min(max(0, int(self.t * self.fps + 1e-6)), self.n_frames - 1))

    @property
    def shot(self) -> int:
        """The position (0 = first) of the shot on screen at :attr:`t` (in a transition: the incoming shot)."""
        g = self.frame_index
        return max(i for i, s in enumerate(self._layout.starts) if s <= g)

    @property
    def frame(self) -> Any:
        """The film's frame at :attr:`t` (H×W×3 RGB at the preview size), titles and transitions included."""
        return self._clip.frame(self.frame_index)

    def _spans(self, lay: Any) -> list[tuple[str, float, float, str]]:
        fps = lay.fps
        out: list[tuple[str, float, float, str]] = []
        for i, (s, n, shot) in enumerate(zip(lay.starts, lay.lengths, lay.shots)):
            out.append(("shot", s / fps, (s + n) / fps, f"#{i + 1} {shot.name}"))
        for i, (t, m) in enumerate(zip(lay.transitions, lay.overlaps)):
            if t is not None and m:
                s = lay.starts[i + 1]
                out.append(("transition", s / fps, (s + m) / fps, t.name))
        for g0, g1, title in self.timeline._overlays(lay):
            out.append(("title", g0 / fps, g1 / fps, title.text or title.subtitle))
        return out

    # --- moving -----------------------------------------------------------------------------------------------
    def seek(self, t: float) -> TimelineScrubber:
        """Put the playhead at ``t`` seconds (clamped to the film); returns the scrubber."""
        self.time.value = min(max(0.0, float(t)), self.time.max)
        return self

    def next(self) -> TimelineScrubber:
        """Jump to the next cut (the next shot's first frame); at the last shot, to the last frame."""
        later = [c for c in self.cuts if c > self.t + 1e-6]
        return self.seek(later[0] if later else self.time.max)

    def previous(self) -> TimelineScrubber:
        """Jump back to the previous cut (the current shot's first frame, or the one before); at the first, to 0."""
        earlier = [c for c in self.cuts if c < self.t - 1e-6]
        return self.seek(earlier[-1] if earlier else 0.0)

    # --- drawing ----------------------------------------------------------------------------------------------
    def strip(self) -> Any:
        """The strip as drawn now (a ``PIL.Image``): shots in alternating blues with their numbers, transitions in
        amber, titles as white bars underneath, cuts as dark lines, the playhead in red."""
        from PIL import Image, ImageDraw

        from ._fonts import load_font

        wpx, hpx = self.size[0], self.strip_height
        total = self.n_frames / self.fps
        img = Image.new("RGB", (wpx, hpx), (30, 30, 30))
        d = ImageDraw.Draw(img)
        top = round(hpx * 0.65)
        font = load_font(max(8, top - 8))

        def x(t: float) -> int:
            return min(wpx - 1, max(0, round(t / total * wpx)))

        shots = [s for s in self.spans if s[0] == "shot"]
        for k, (_kind, a, b, _label) in enumerate(shots):
            d.rectangle([x(a), 0, max(x(a), x(b) - 1), top - 1], fill=_STRIP_SHOTS[k % 2])
        for _kind, a, b, _label in (s for s in self.spans if s[0] == "transition"):
            d.rectangle([x(a), 0, max(x(a), x(b) - 1), top - 1], fill=_STRIP_COLOURS["transition"])
        lay = self._layout
        for k in range(len(shots)):  # each number where the shot has the screen to itself (after its transition)
            own = lay.starts[k] + (lay.overlaps[k - 1] if k else 0)
            d.text((x(own / self.fps) + 2, 2), str(k + 1), fill=(255, 255, 255), font=font)
        for _kind, a, b, _label in (s for s in self.spans if s[0] == "title"):
            d.rectangle([x(a), top + 2, max(x(a), x(b) - 1), hpx - 2], fill=_STRIP_COLOURS["title"])
        for c in self.cuts:
            d.line([x(c), 0, x(c), top - 1], fill=_STRIP_COLOURS["cut"])
        px = x(self.frame_index / self.fps)
        d.rectangle([max(0, px - 1), 0, min(wpx - 1, px + 1), hpx - 1], fill=_STRIP_COLOURS["playhead"])
        return img

    def _refresh(self) -> None:
        from PIL import Image

        from .edit import _tc

        self.image.value = _png(Image.fromarray(self.frame))
        self.strip_image.value = _png(self.strip())
        i = self.shot
        shot = self._layout.shots[i]
        a, n = self._layout.starts[i], self._layout.lengths[i]
        now = [s for s in self.spans if s[0] != "shot" and s[1] <= self.t < s[2]]
        extra = "".join(f" · {html.escape(k)} <i>{html.escape(lab)}</i>" for k, _a, _b, lab in now)
        self.info.value = (f"<b>{_tc(self.t)}</b> · shot {i + 1} of {len(self._layout.shots)}: "
                           f"<b>{html.escape(shot.name)}</b> ({_tc(a / self.fps)}–{_tc((a + n) / self.fps)}, "
                           f"{n / self.fps:.2f} s){extra}"
                           + (f"<br>{html.escape(shot.description)}" if shot.description else ""))

    def _repr_mimebundle_(self, **kw: Any) -> Any:
        return self.widget._repr_mimebundle_(**kw)

    def __repr__(self) -> str:
        return (f"TimelineScrubber({self.t:.2f} s of {self.n_frames / self.fps:.2f} s, shot {self.shot + 1} of "
                f"{len(self._layout.shots)}, {len(self.cuts)} cuts)")


def timeline_scrubber(timeline: Any, *, width: int = 320, strip_height: int = 30) -> TimelineScrubber:
    """Scrub through an edit: a time slider with the frame at that time, the current shot's label and description,
    a strip of shots, transitions and titles, and previous/next-cut buttons. Frames render lazily, ``width`` wide.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> sky = np.full((90, 160, 3), (40, 60, 120), np.uint8)
    >>> sea = np.full((90, 160, 3), (20, 80, 90), np.uint8)
    >>> tl = (fk.Timeline(fps=12, size=(160, 90)).add(sky, seconds=2, label="sky", description="empty sky")
    ...       .add(fk.crossfade(0.5)).add(sea, seconds=2, label="sea").title("TIDE", at=0, seconds=1))
    >>> scrub = fk.widgets.timeline_scrubber(tl, width=160)
    >>> scrub.next().t, scrub.shot, scrub.frame.shape                 # the dissolve into the sea starts at 1.5 s
    (1.5, 1, (90, 160, 3))
    >>> [kind for kind, *_ in scrub.spans]
    ['shot', 'shot', 'transition', 'title']
    """
    return TimelineScrubber(timeline, width=width, strip_height=strip_height)
