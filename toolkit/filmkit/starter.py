"""A starter project file for your own film: three shots, music, a title, credits and a declared length.

``fk.new_project("my_film.toml", title="Tide")`` (or ``filmkit new my_film.toml``) writes a commented project file
that loads and renders as it is, so a capstone starts from a film that works and changes one thing at a time. It
never overwrites a file: your project is yours.

Examples
--------
>>> import pathlib, tempfile
>>> import filmkit as fk
>>> path = fk.new_project(pathlib.Path(tempfile.mkdtemp()) / "tide.toml", title="Tide", authors=["A. Learner"])
>>> project = fk.load_project(path)
>>> project.title, [s.id for s in project.shots], project.length, project.duration
('Tide', ['harbour', 'keeper', 'sea'], 8.5, 8.5)
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import ProjectError

__all__ = ["new_project"]

_TEMPLATE = '''# {title} — a filmkit project file. Render it with `filmkit render {name}` or fk.render_project("{name}").
# Every setting is explained in filmkit.project; problems are reported with their line number before any work.
# Change one thing at a time and render again: only the shots you changed are rebuilt.

[film]
title = {title_q}
authors = [{authors_q}]
size = "{w}x{h}"  # width x height, even numbers; small while you work, "1280x720" for the final cut
fps = {fps:g}
provider = "{provider}"  # "previz" renders offline; "runway" needs RUNWAYML_API_SECRET and spends credits
seed = {seed}  # the same seed gives the same film
length = {length:g}  # seconds of the cut (the shots minus the transitions' overlaps), without the end credits;
# change it whenever you change a shot's seconds or a transition: loading the file checks that it is right

[music]
synth = {{ bpm = 96, seed = {seed} }}   # or: path = "my_track.wav"
fade_in = 0.5
fade_out = 1.5

# Three shots: an establishing image, a human detail, a closing image. Keep one visual anchor (here the
# lighthouse and its pale gold light) in every prompt, so that the shots read as one world.
[[shot]]
id = "harbour"
prompt = "misty harbour at dawn, lone lighthouse, pale gold light, wide shot --ar 16:9"
move = "push-in"  # push-in, pull-out, pan-left/right, tilt-up/down, truck-left/right, parallax, static
seconds = {s:g}
description = "Establishing: the harbour before the fog lifts."
transition = {{ kind = "crossfade", seconds = 0.5 }}   # into the next shot; its overlap shortens the cut

[[shot]]
id = "keeper"
prompt = "lighthouse keeper at a window, pale gold light on her face, close-up --ar 16:9"
move = "pan-right"
seconds = {s:g}
description = "Detail: someone is watching the sea."

[[shot]]
id = "sea"
prompt = "the lighthouse beam over a grey sea at dusk, violet haze, wide shot --ar 16:9"
move = "pull-out"
seconds = {s:g}
description = "Closing: the light goes on alone."

[[title]]
text = {title_q}
at = 0.3
seconds = 2
kind = "card"  # or "lower_third"

[credits]  # the people and what they did; the tools and the AI disclosure are added from provenance
"Written and directed by" = {authors_join}
"Edited by" = {authors_join}
"Music" = "synthesised in code (filmkit.synth)"
'''


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_project(path: str | Path, *, title: str = "Untitled", authors: Sequence[str] = ("A. Learner",),
                size: tuple[int, int] = (320, 180), fps: float = 12, shot_seconds: float = 3.0,
                provider: str = "previz", seed: int = 1) -> Path:
    """Write a commented starter project file at ``path`` and return its path; never overwrites a file.

    The film has three shots of ``shot_seconds`` each (a crossfade of 0.5 s between the first two), synthesised
    music, a title card, credits roles for the ``authors`` and a declared ``length`` that matches the shots.
    The defaults (320×180, 12 fps, 3 s shots) render in seconds offline; raise them for the final cut.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import filmkit as fk
    >>> path = fk.new_project(pathlib.Path(tempfile.mkdtemp()) / "tide.toml", title="Tide", shot_seconds=2)
    >>> fk.load_project(path).length
    5.5
    >>> fk.new_project(path, title="Another")                      # your file is never replaced
    Traceback (most recent call last):
    ...
    filmkit.errors.ProjectError: ...tide.toml already exists; new_project never overwrites a project. Choose another name, or delete the file yourself if you really mean to start again.
    """
    p = Path(path).expanduser()
    if p.suffix.lower() != ".toml":
        raise ProjectError(f"a project file ends in .toml; got {p.name!r}. Try {p.with_suffix('.toml').name!r}.")
    if p.exists():
        raise ProjectError(f"{p} already exists; new_project never overwrites a project. Choose another name, or "
                           "delete the file yourself if you really mean to start again.")
    names = [str(a).strip() for a in ([authors] if isinstance(authors, str) else authors) if str(a).strip()]
    if not names:
        raise ProjectError("authors needs at least one name, e.g. authors=['A. Learner']: a film has makers.")
    w, h = (int(v) for v in size)
    if w % 2 or h % 2 or w < 16 or h < 16:
        raise ProjectError(f"size must be two even numbers (width, height), like (320, 180); got {tuple(size)}.")
    if provider not in ("previz", "runway"):
        raise ProjectError(f"provider must be 'previz' or 'runway'; got {provider!r}.")
    if not 1.0 <= shot_seconds <= 60:
        raise ProjectError(f"shot_seconds must be from 1 to 60 (the first crossfade takes 0.5 s); got {shot_seconds:g}.")
    length = 3 * shot_seconds - 0.5
    text = _TEMPLATE.format(title=title, name=p.name, title_q=_quote(title),
                            authors_q=", ".join(_quote(a) for a in names), authors_join=_quote(", ".join(names)),
                            w=w, h=h, fps=fps, provider=provider, seed=int(seed), length=length, s=shot_seconds)
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        with p.open("x", encoding="utf-8") as fh:   # "x": fails rather than replace a file made meanwhile
            fh.write(text)
    except FileExistsError:
        raise ProjectError(f"{p} already exists; new_project never overwrites a project.") from None
    return p
