"""A film as a project file: a human-editable TOML that declares every shot, the music, titles and credits.

The way a small team keeps a short film: one file, under version control, that renders the same film every
time (``filmkit render PROJECT``). :func:`load_project` reads it and checks **everything before any work
starts**; every problem comes back at once, each with its line number and the fix.

A project file::

    [film]
    title = "The In-Between"
    authors = ["A. Learner"]
    size = "1280x720"          # even numbers
    fps = 24
    provider = "previz"        # default for every shot: "previz" (offline) or "runway"
    style = "style.toml"       # optional: a prompt library whose style bible every prompt wears …
    seed = 7
    length = "0:30"            # optional: the declared length, checked against the shots (within one frame)

    [style]                    # … or the style bible written here (the keys of a library's [bible] table)
    medium = ["matte painting"]
    palette = ["pale gold", "slate blue"]
    params = { ar = "16:9", s = 250 }

    [music]
    synth = { bpm = 96, seed = 3 }   # or: path = "track.wav"
    fade_in = 1.0
    fade_out = 2.5

    [[shot]]
    id = "harbour"
    prompt = "misty harbour at dawn, lone lighthouse --ar 16:9"
    pick = 2                   # which of the job's four candidates (0-3)
    move = "push-in"           # push-in, pull-out, pan-left/right, tilt-up/down, truck-left/right, roll, parallax,
                               # static, or "image-to-video" (the provider animates it: Runway's gen4_turbo)
    seconds = 6
    description = "Establishing: the town before the fog lifts"
    transition = { kind = "crossfade", seconds = 1.0 }   # into the next shot

    [[shot]]
    id = "wanderer"
    asset = "footage/plate.png"            # an existing image or video instead of a prompt
    live = { footage = "synthetic", key = "green", position = [0.5, 0.62], scale = 0.6 }
    react = { pulse = "low", glow = "high", amount = 0.5 }   # audio-reactive pass driven by the music
    seconds = 5

    [[title]]
    text = "The In-Between"
    at = 0.5
    seconds = 3
    kind = "card"              # or "lower_third"

    [credits]
    "Written and directed by" = "A. Learner"

    [[cast]]                   # everyone who appears, and their consent (lesson 12)
    name = "Mara Quinn"
    role = "The wanderer"
    consent = { form = "release-mara-quinn.pdf", covers = ["likeness"], scope = ["this film", "festival"], date = "2026-11-20" }
    shots = ["wanderer"]       # a real person's live footage needs their signed release (the form's file name)
                               # or: name = "synthetic performer", consent = "synthetic" for made-in-code footage

Examples
--------
>>> import filmkit as fk, pathlib, tempfile
>>> f = pathlib.Path(tempfile.mkdtemp()) / "film.toml"
>>> _ = f.write_text('[film]\\ntitle = "Tide"\\n\\n[[shot]]\\nid = "sea"\\nprompt = "grey sea at dawn --ar 16:9"\\nseconds = 4\\n')
>>> project = fk.load_project(f)
>>> project.title, [s.id for s in project.shots], project.duration
('Tide', ['sea'], 4.0)
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ._tomlfile import LineIndex, did_you_mean, read_toml
from .errors import FileFormatError

__all__ = ["Project", "ShotSpec", "TransitionSpec", "LiveSpec", "ReactSpec", "MusicSpec", "TitleSpec",
           "load_project", "MOVES", "TRANSITIONS"]

MOVES = ("push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down", "truck-left", "truck-right",
         "roll", "parallax", "static", "image-to-video")
TRANSITIONS = ("cut", "crossfade", "dip-to-black", "dip-to-white", "wipe-left", "wipe-right", "wipe-up",
               "wipe-down", "luma-wipe", "zoom-through", "flow-morph")
_ID = re.compile(r"[a-z0-9][a-z0-9_\-]{0,39}\Z")
_SIZE = re.compile(r"(\d{2,5})\s*[x×]\s*(\d{2,5})\Z")


@dataclass(frozen=True)
class TransitionSpec:
    """How a shot hands over to the next one."""

    kind: str = "cut"
    seconds: float = 0.0


@dataclass(frozen=True)
class LiveSpec:
    """A live element keyed and composited over the shot."""

    footage: str = "synthetic"          # "synthetic" (made in code) or a path to a green/blue-screen clip
    key: str = "green"
    position: tuple[float, float] = (0.5, 0.6)   # centre, as fractions of the frame
    scale: float = 0.6                  # height of the element as a fraction of the frame
    seed: int = 0


@dataclass(frozen=True)
class ReactSpec:
    """An audio-reactive pass: which band drives what, and how strongly."""

    pulse: str | None = "low"
    glow: str | None = None
    colour_shift: str | None = None
    amount: float = 0.5


@dataclass(frozen=True)
class MusicSpec:
    """The music bed: a file, or a track synthesised in code."""

    path: Path | None = None
    synth_bpm: float | None = None
    synth_seed: int = 0
    bpm: float | None = None
    fade_in: float = 0.5
    fade_out: float = 1.5
    volume: float = 1.0


@dataclass(frozen=True)
class TitleSpec:
    """A title card or lower third."""

    text: str
    at: float = 0.0
    seconds: float = 3.0
    kind: str = "card"


@dataclass(frozen=True)
class ShotSpec:
    """One shot as declared in the project file."""

    id: str
    seconds: float
    prompt: str | None = None
    asset: Path | None = None
    provider: str | None = None
    pick: int = 0
    vary: str | None = None
    move: str = "push-in"
    schedule: Mapping[str, str] = field(default_factory=dict, hash=False)
    transition: TransitionSpec = TransitionSpec()
    live: LiveSpec | None = None
    react: ReactSpec | None = None
    description: str = ""
    seed: int | None = None


@dataclass(frozen=True)
class Project:
    """A whole film, read from a project file by :func:`load_project`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import filmkit as fk
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tide.toml"
    >>> _ = f.write_text('[film]\\ntitle = "Tide"\\nfps = 12\\n\\n'
    ...                  '[[shot]]\\nid = "sea"\\nprompt = "grey sea at dawn --ar 16:9"\\nseconds = 4\\n\\n'
    ...                  '[[shot]]\\nid = "gull"\\nprompt = "a gull over the pier"\\nseconds = 3\\n')
    >>> project = fk.load_project(f)
    >>> project.title, project.fps, [s.id for s in project.shots], project.duration
    ('Tide', 12.0, ['sea', 'gull'], 7.0)
    >>> longer = project.with_shot("sea", seconds=6)            # a copy; the file and project are unchanged
    >>> longer.duration, project.shot("sea").seconds
    (9.0, 4.0)
    """

    path: Path
    title: str
    shots: tuple[ShotSpec, ...]
    authors: tuple[str, ...] = ()
    size: tuple[int, int] = (1280, 720)
    fps: float = 24.0
    provider: str = "previz"
    style: Path | None = None
    seed: int = 0
    style_bible: Any = field(default=None, compare=False)   # a StyleBible written inline as [style]
    music: MusicSpec | None = None
    titles: tuple[TitleSpec, ...] = ()
    credits: Mapping[str, str] = field(default_factory=dict, hash=False)
    length: float | None = None   # the declared length ([film] length), checked against the shots on load
    cast: tuple[Any, ...] = ()    # provenance.Consent for each [[cast]] entry: who appears, and their consent

    @property
    def duration(self) -> float:
        """Length of the cut in seconds: shots minus transition overlaps."""
        total = sum(s.seconds for s in self.shots)
        total -= sum(s.transition.seconds for s in self.shots[:-1] if s.transition.kind != "cut")
        return total

    @property
    def root(self) -> Path:
        """The folder the project file lives in (relative paths start here)."""
        return self.path.parent

    def shot(self, shot_id: str) -> ShotSpec:
        for s in self.shots:
            if s.id == shot_id:
                return s
        raise KeyError(f"no shot {shot_id!r}; shots are {', '.join(s.id for s in self.shots)}")

    def with_shot(self, shot_id: str, **changes: Any) -> "Project":
        """A copy with one shot changed (e.g. ``with_shot("sea", seconds=5)``)."""
        self.shot(shot_id)
        shots = tuple(dataclasses.replace(s, **changes) if s.id == shot_id else s for s in self.shots)
        return dataclasses.replace(self, shots=shots)


# --- reading and checking -------------------------------------------------------------------------------------
class _Checker:
    def __init__(self, path: Path, index: LineIndex) -> None:
        self.path, self.index = path, index
        self.problems: list[tuple[int | None, str]] = []

    def add(self, where: tuple[Any, ...], message: str) -> None:
        self.problems.append((self.index.line(*where), message))

    def keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], where: tuple[Any, ...], what: str) -> None:
        for k in table:
            if k not in allowed:
                self.add(where + (k,), f"{what} has no setting {k!r}{did_you_mean(k, allowed)}; "
                                       f"allowed: {', '.join(allowed)}")

    def number(self, table: Mapping[str, Any], key: str, where: tuple[Any, ...], *, default: float | None,
               lo: float, hi: float, whole: bool = False) -> float | None:
        if key not in table:
            return default
        v = table[key]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (whole and not isinstance(v, int)):
            kind = "a whole number" if whole else "a number"
            self.add(where + (key,), f"{key} must be {kind} from {lo:g} to {hi:g}; got {v!r}")
            return default
        if not lo <= v <= hi:
            self.add(where + (key,), f"{key} must be from {lo:g} to {hi:g}; got {v:g}")
            return default
        return float(v)

    def text(self, table: Mapping[str, Any], key: str, where: tuple[Any, ...], *, default: str | None = None,
             choices: tuple[str, ...] | None = None) -> str | None:
        if key not in table:
            return default
        v = table[key]
        if not isinstance(v, str) or not v.strip():
            self.add(where + (key,), f"{key} must be non-empty text in quotes; got {v!r}")
            return default
        if choices and v not in choices:
            self.add(where + (key,), f"{key} = {v!r} is not one of {', '.join(choices)}{did_you_mean(v, choices)}")
            return default
        return v

    def file(self, value: Any, where: tuple[Any, ...], root: Path, what: str) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self.add(where, f"{what} must be a path in quotes; got {value!r}")
            return None
        p = Path(value).expanduser()
        p = p if p.is_absolute() else (root / p)
        if not p.is_file():
            self.add(where, f"{what} {value!r} does not exist (paths are relative to the project file's folder)")
            return None
        return p.resolve()


_FILM_KEYS = ("title", "authors", "size", "fps", "provider", "style", "seed", "length")
_SHOT_KEYS = ("id", "prompt", "asset", "provider", "pick", "vary", "move", "schedule", "seconds", "transition",
              "live", "react", "description", "seed")
_TOP_KEYS = ("film", "style", "shot", "music", "title", "credits", "cast")


def load_project(path: str | Path) -> Project:
    """Read and check a project file. Raises :class:`~filmkit.errors.FileFormatError` listing every problem
    with its line number; nothing is generated or rendered until the file is right.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import filmkit as fk
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tide.toml"
    >>> _ = f.write_text('[film]\\ntitle = "Tide"\\n\\n'
    ...                  '[[shot]]\\nid = "sea"\\nprompt = "grey sea"\\nsecnds = 4\\n')    # a typo
    >>> try:
    ...     fk.load_project(f)
    ... except fk.errors.FileFormatError as err:               # every problem, with its line number
    ...     for line, message in err.problems:
    ...         print(line, message)
    4 shot 'sea' needs `seconds = ...` (0.5 to 60)
    7 shot 1 has no setting 'secnds' (did you mean 'seconds'?); allowed: id, prompt, ...
    >>> _ = f.write_text('[film]\\ntitle = "Tide"\\n\\n'
    ...                  '[[shot]]\\nid = "sea"\\nprompt = "grey sea"\\nseconds = 4\\n')   # fixed
    >>> fk.load_project(f).duration
    4.0
    """
    p = Path(path).resolve()
    data, index = read_toml(p)
    c = _Checker(p, index)
    root = p.parent
    c.keys(data, _TOP_KEYS, (), "a project file")
    film = data.get("film", {})
    if not isinstance(film, dict):
        c.add(("film",), "[film] must be a table: a line `[film]` followed by `title = \"...\"`")
        film = {}
    c.keys(film, _FILM_KEYS, ("film",), "[film]")
    title = c.text(film, "title", ("film",)) or ""
    if not title:
        c.add(("film",), 'the film needs a title: add `title = "..."` under [film]')
    authors = film.get("authors", [])
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        c.add(("film", "authors"), 'authors must be a list of names, like ["A. Learner", "B. Friend"]')
        authors = []
    size = (1280, 720)
    if "size" in film:
        m = _SIZE.match(str(film["size"]).strip())
        if not m or int(m.group(1)) % 2 or int(m.group(2)) % 2:
            c.add(("film", "size"), f'size must be "WIDTHxHEIGHT" with even numbers, like "1280x720"; got {film["size"]!r}')
        else:
            size = (int(m.group(1)), int(m.group(2)))
    fps = c.number(film, "fps", ("film",), default=24.0, lo=1, hi=120) or 24.0
    provider = c.text(film, "provider", ("film",), default="previz", choices=("previz", "runway")) or "previz"
    style = c.file(film["style"], ("film", "style"), root, "style") if "style" in film else None
    seed = int(c.number(film, "seed", ("film",), default=0, lo=0, hi=2**32 - 1, whole=True) or 0)
    length = _length(c, film["length"]) if "length" in film else None
    style_bible = None
    if "style" in data:
        if "style" in film:
            c.add(("style",), "give the style bible once: either `style = \"file.toml\"` under [film] or a [style] "
                              "table, not both")
        style_bible = _inline_bible(c, p, index)

    shots_raw = data.get("shot", [])
    if not isinstance(shots_raw, list) or not shots_raw:
        c.add(("shot",) if "shot" in data else (), "a film needs at least one [[shot]] with an id, a prompt or an "
                                                    "asset, and seconds")
        shots_raw = []
    shots: list[ShotSpec] = []
    seen: dict[str, int] = {}
    for i, s in enumerate(shots_raw):
        w = ("shot", i)
        if not isinstance(s, dict):
            c.add(w, "each [[shot]] must be a table")
            continue
        c.keys(s, _SHOT_KEYS, w, f"shot {i + 1}")
        sid = s.get("id", f"shot{i + 1}")
        if not isinstance(sid, str) or not _ID.match(sid):
            c.add(w + ("id",), f"shot id {sid!r} must be 1–40 lower-case letters, digits, '-' or '_' (e.g. \"harbour\")")
            sid = f"shot{i + 1}"
        if sid in seen:
            c.add(w + ("id",), f"shot id {sid!r} is used twice (also shot {seen[sid] + 1}); ids must be unique")
        seen[sid] = i
        prompt = c.text(s, "prompt", w)
        asset = c.file(s["asset"], w + ("asset",), root, "asset") if "asset" in s else None
        if (prompt is None) == ("asset" not in s):
            c.add(w, f"shot {sid!r} needs exactly one of `prompt = \"...\"` or `asset = \"path\"`")
        if prompt:
            _check_prompt(c, w + ("prompt",), prompt)
        seconds = c.number(s, "seconds", w, default=None, lo=0.5, hi=60)
        if "seconds" not in s:
            c.add(w, f"shot {sid!r} needs `seconds = ...` (0.5 to 60)")
        move = c.text(s, "move", w, default="push-in", choices=MOVES) or "push-in"
        shot_provider = c.text(s, "provider", w, choices=("previz", "runway"))
        pick = int(c.number(s, "pick", w, default=0, lo=0, hi=3, whole=True) or 0)
        vary = c.text(s, "vary", w, choices=("subtle", "strong"))
        schedule = s.get("schedule", {})
        if not isinstance(schedule, dict) or not all(isinstance(v, str) for v in schedule.values()):
            c.add(w + ("schedule",), 'schedule must be a table of Deforum strings, like { zoom = "0:(1.0), 48:(1.2)" }')
            schedule = {}
        elif schedule:
            _check_schedule(c, w + ("schedule",), schedule)
        transition = _transition(c, s.get("transition"), w + ("transition",), last=i == len(shots_raw) - 1)
        live = _live(c, s.get("live"), w + ("live",), root) if "live" in s else None
        react = _react(c, s.get("react"), w + ("react",)) if "react" in s else None
        description = s.get("description", "")
        if not isinstance(description, str):
            c.add(w + ("description",), "description must be text in quotes")
            description = ""
        shot_seed = c.number(s, "seed", w, default=None, lo=0, hi=2**32 - 1, whole=True)
        shots.append(ShotSpec(id=sid, seconds=seconds or 1.0, prompt=prompt, asset=asset, provider=shot_provider,
                              pick=pick, vary=vary, move=move, schedule=dict(schedule), transition=transition,
                              live=live, react=react, description=description,
                              seed=int(shot_seed) if shot_seed is not None else None))
    for a, b in zip(shots, shots[1:]):
        if a.transition.kind != "cut" and a.transition.seconds >= min(a.seconds, b.seconds):
            c.add(("shot", seen.get(a.id, 0), "transition"),
                  f"the {a.transition.kind} from {a.id!r} ({a.transition.seconds:g} s) is as long as a shot it joins; "
                  "make it shorter than both shots")
    music = _music(c, data.get("music"), root) if "music" in data else None
    titles = _titles(c, data.get("title", []))
    credits = data.get("credits", {})
    if not isinstance(credits, dict) or not all(isinstance(v, (str, list)) for v in credits.values()):
        c.add(("credits",), 'credits must be a table of role = "name" lines, e.g. "Edited by" = "A. Learner"')
        credits = {}
    credits = {str(k): (", ".join(v) if isinstance(v, list) else v) for k, v in credits.items()}
    if length is not None and shots:
        _check_length(c, length, shots, fps)
    cast = _cast(c, data.get("cast", []), shots, seen)
    if c.problems:
        raise FileFormatError(p, sorted(c.problems, key=lambda x: (x[0] or 0)))
    project = Project(path=p, title=title, shots=tuple(shots), authors=tuple(authors), size=size, fps=fps,
                      provider=provider, style=style, seed=seed, style_bible=style_bible, music=music,
                      titles=titles, credits=credits, length=length, cast=cast)
    for t in project.titles:
        if t.at >= project.duration:
            raise FileFormatError(p, [(index.line("title"), f"title {t.text!r} starts at {t.at:g} s, after the film "
                                                             f"ends ({project.duration:g} s)")])
    return project


_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)\Z|(\d+(?:\.\d+)?)\s*s?\Z")


def parse_length(value: Any) -> float:
    """Seconds from a declared length: ``30``, ``29.5``, ``"30s"``, ``"0:30"`` or ``"1:02:30"``.

    >>> from filmkit.project import parse_length
    >>> parse_length(30), parse_length("0:30"), parse_length("1:05.5"), parse_length("45s")
    (30.0, 30.0, 65.5, 45.0)
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    m = _CLOCK.match(str(value).strip()) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"a length is seconds (30) or minutes:seconds (\"0:30\"); got {value!r}")
    if m.group(4) is not None:
        return float(m.group(4))
    return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


def _length(c: _Checker, raw: Any) -> float | None:
    try:
        seconds = parse_length(raw)
    except ValueError as exc:
        c.add(("film", "length"), f"length: {exc}")
        return None
    if not 0.5 <= seconds <= 3600:
        c.add(("film", "length"), f"length must be from 0.5 s to 1 hour; got {seconds:g} s")
        return None
    return seconds


def _check_length(c: _Checker, length: float, shots: list[ShotSpec], fps: float) -> None:
    """The declared length must match the cut (shots minus transition overlaps) within one frame."""
    total = sum(s.seconds for s in shots) - sum(s.transition.seconds for s in shots[:-1] if s.transition.kind != "cut")
    if abs(total - length) <= 1.0 / fps + 1e-9:
        return
    diff = length - total
    c.add(("film", "length"),
          f"length = {length:g} s, but the shots add up to {total:g} s (their seconds minus the transition overlaps); "
          f"the two must agree within one frame (1/{fps:g} s). Either set `length = {total:g}`, or make the shots "
          f"{abs(diff):g} s {'longer' if diff > 0 else 'shorter'} in total")


def _inline_bible(c: _Checker, path: Path, index: LineIndex) -> Any:
    """Read the [style] table with the style module's own checks (one bible reader), keeping our line numbers."""
    from .style import _read

    start = index.line("style")
    if start is None:
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    body: list[str] = []
    for text in lines[start:]:  # the lines after the [style] header, up to the next table
        if text.lstrip().startswith("["):
            break
        body.append(text)
    doc = "\n".join(["[bible]", *body, "[cores]", 'placeholder = "placeholder"']) + "\n"
    library, problems = _read(path, doc)
    for line, message in problems:
        if line is None or line <= len(body) + 1:
            c.problems.append((start + (line or 1) - 1, message.replace("[bible]", "[style]")))
    return library.bible if library is not None else None


def _check_prompt(c: _Checker, where: tuple[Any, ...], prompt: str) -> None:
    from .prompts import validate_prompt

    for problem in validate_prompt(prompt):
        if problem.severity == "error":
            c.add(where, f"prompt: {problem.message}")


def _check_schedule(c: _Checker, where: tuple[Any, ...], schedule: Mapping[str, str]) -> None:
    allowed = ("zoom", "angle", "translation_x", "translation_y")
    for name, text in schedule.items():
        if name not in allowed:
            c.add(where, f"schedule has no {name!r}{did_you_mean(name, allowed)}; use {', '.join(allowed)}")
            continue
        try:
            from .schedules import parse_schedule

            parse_schedule(text, max_frames=2)
        except ImportError:
            return
        except Exception as exc:  # noqa: BLE001 - ScheduleError says which keyframe broke
            c.add(where, f"schedule {name}: {exc}")


def _transition(c: _Checker, raw: Any, where: tuple[Any, ...], *, last: bool) -> TransitionSpec:
    if raw is None:
        return TransitionSpec()
    if isinstance(raw, str):
        raw = {"kind": raw}
    if not isinstance(raw, dict):
        c.add(where, 'transition must look like { kind = "crossfade", seconds = 1.0 }')
        return TransitionSpec()
    c.keys(raw, ("kind", "seconds"), where, "transition")
    kind = c.text(raw, "kind", where, default="crossfade", choices=TRANSITIONS) or "cut"
    seconds = c.number(raw, "seconds", where, default=0.0 if kind == "cut" else 1.0, lo=0, hi=10) or 0.0
    if last and kind != "cut":
        c.add(where, "the last shot has a transition but no shot follows it; remove it (or add a shot)")
    return TransitionSpec(kind=kind, seconds=0.0 if kind == "cut" else seconds)


def _live(c: _Checker, raw: Any, where: tuple[Any, ...], root: Path) -> LiveSpec | None:
    if not isinstance(raw, dict):
        c.add(where, 'live must look like { footage = "synthetic", key = "green" }')
        return None
    c.keys(raw, ("footage", "key", "position", "scale", "seed"), where, "live")
    footage = raw.get("footage", "synthetic")
    if footage != "synthetic":
        fp = c.file(footage, where + ("footage",), root, "footage")
        footage = str(fp) if fp else "synthetic"
    key = c.text(raw, "key", where, default="green", choices=("green", "blue")) or "green"
    pos = raw.get("position", [0.5, 0.6])
    if (not isinstance(pos, list) or len(pos) != 2 or not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in pos)):
        c.add(where + ("position",), "position must be [x, y] as fractions of the frame, e.g. [0.5, 0.6]")
        pos = [0.5, 0.6]
    scale = c.number(raw, "scale", where, default=0.6, lo=0.05, hi=1.5) or 0.6
    seed = int(c.number(raw, "seed", where, default=0, lo=0, hi=2**32 - 1, whole=True) or 0)
    return LiveSpec(footage=str(footage), key=key, position=(float(pos[0]), float(pos[1])), scale=scale, seed=seed)


def _react(c: _Checker, raw: Any, where: tuple[Any, ...]) -> ReactSpec | None:
    if not isinstance(raw, dict):
        c.add(where, 'react must look like { pulse = "low", glow = "high", amount = 0.5 }')
        return None
    c.keys(raw, ("pulse", "glow", "colour_shift", "amount"), where, "react")
    bands = ("low", "mid", "high", "beat", "onset")
    return ReactSpec(pulse=c.text(raw, "pulse", where, default=None, choices=bands),
                     glow=c.text(raw, "glow", where, default=None, choices=bands),
                     colour_shift=c.text(raw, "colour_shift", where, default=None, choices=bands),
                     amount=c.number(raw, "amount", where, default=0.5, lo=0, hi=2) or 0.5)


def _music(c: _Checker, raw: Any, root: Path) -> MusicSpec | None:
    w = ("music",)
    if not isinstance(raw, dict):
        c.add(w, '[music] must be a table with path = "track.wav" or synth = { bpm = 96 }')
        return None
    c.keys(raw, ("path", "synth", "bpm", "fade_in", "fade_out", "volume"), w, "[music]")
    path = c.file(raw["path"], w + ("path",), root, "music") if "path" in raw else None
    synth = raw.get("synth")
    bpm_s = seed_s = None
    if synth is not None:
        if not isinstance(synth, dict):
            c.add(w + ("synth",), "synth must look like { bpm = 96, seed = 3 }")
        else:
            bpm_s = c.number(synth, "bpm", w + ("synth",), default=100, lo=40, hi=240)
            seed_s = c.number(synth, "seed", w + ("synth",), default=0, lo=0, hi=2**32 - 1, whole=True)
    if ("path" in raw) == (synth is not None):
        c.add(w, '[music] needs exactly one of path = "track.wav" or synth = { bpm = 96 }')
    return MusicSpec(path=path, synth_bpm=bpm_s, synth_seed=int(seed_s or 0),
                     bpm=c.number(raw, "bpm", w, default=bpm_s, lo=40, hi=240),
                     fade_in=c.number(raw, "fade_in", w, default=0.5, lo=0, hi=30) or 0.0,
                     fade_out=c.number(raw, "fade_out", w, default=1.5, lo=0, hi=30) or 0.0,
                     volume=c.number(raw, "volume", w, default=1.0, lo=0, hi=2) or 0.0)


def _titles(c: _Checker, raw: Any) -> tuple[TitleSpec, ...]:
    if not isinstance(raw, list):
        c.add(("title",), "titles are [[title]] tables (double brackets), each with text, at and seconds")
        return ()
    out = []
    for i, t in enumerate(raw):
        w = ("title", i)
        if not isinstance(t, dict):
            c.add(w, "each [[title]] must be a table")
            continue
        c.keys(t, ("text", "at", "seconds", "kind"), w, f"title {i + 1}")
        text = c.text(t, "text", w)
        if text is None:
            c.add(w, 'a title needs text = "..."')
            continue
        out.append(TitleSpec(text=text, at=c.number(t, "at", w, default=0.0, lo=0, hi=3600) or 0.0,
                             seconds=c.number(t, "seconds", w, default=3.0, lo=0.5, hi=60) or 3.0,
                             kind=c.text(t, "kind", w, default="card", choices=("card", "lower_third")) or "card"))
    return tuple(out)


def _cast(c: _Checker, raw: Any, shots: list[ShotSpec], seen: Mapping[str, int]) -> tuple[Any, ...]:
    """[[cast]]: who appears in which shots, with what consent; real live footage needs someone's signed release."""
    from .errors import ProjectError
    from .provenance import SYNTHETIC, Consent

    fix = ('consent = { form = "release-NAME.pdf", covers = ["likeness"], scope = ["this film"], '
           'date = "YYYY-MM-DD" } (the file name of their signed release; the form stays with you)')
    if not isinstance(raw, list):
        c.add(("cast",), "the cast is [[cast]] tables (double brackets), each with name, role, consent and shots")
        raw = []
    out: list[Any] = []
    for i, m in enumerate(raw):
        w = ("cast", i)
        if not isinstance(m, dict):
            c.add(w, "each [[cast]] must be a table")
            continue
        c.keys(m, ("name", "role", "consent", "shots"), w, f"cast {i + 1}")
        name = c.text(m, "name", w)
        if name is None:
            c.add(w, f'a cast member needs name = "..." (or name = "{SYNTHETIC}" for footage made in code)')
            continue
        role = c.text(m, "role", w, default="") or ""
        ids = m.get("shots", [])
        ids = [ids] if isinstance(ids, str) else ids
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            c.add(w + ("shots",), 'shots must be a list of shot ids, like ["wanderer"]')
            ids = []
        for sid in ids:
            if sid not in seen:
                c.add(w + ("shots",), f"cast {name!r}: there is no shot {sid!r}{did_you_mean(sid, tuple(seen))}; "
                                      f"shots are {', '.join(seen)}")
        consent = m.get("consent")
        try:
            if consent == "synthetic" or name.lower() == SYNTHETIC:
                out.append(Consent.synthetic(role=role, shots=ids))
                continue
            if consent is None:
                where = f"shots {', '.join(ids)}" if ids else "the film"
                c.add(w, f"cast {name!r} appears in {where} with no consent recorded: add {fix}, or recast the part "
                         f'with footage = "synthetic" and name = "{SYNTHETIC}"')
                continue
            if isinstance(consent, str):
                consent = {"form": consent}
            if not isinstance(consent, dict):
                c.add(w + ("consent",), f"consent must look like {fix.split(' (')[0]}, or \"synthetic\"")
                continue
            c.keys(consent, ("form", "covers", "scope", "date"), w + ("consent",), "consent")
            person = Consent(name, role=role, shots=tuple(ids), form=consent.get("form"), date=consent.get("date", ""),
                             covers=consent.get("covers", ("likeness",)), scope=consent.get("scope", ("this film",)))
        except ProjectError as exc:
            c.add(w + ("consent",), f"cast {name!r}: {exc}")
            continue
        if person.problem():
            c.add(w + ("consent",), f"cast {name!r} has no signed release: add form = \"release-....pdf\" to consent "
                                    "(the file name of the signed form)")
            continue
        out.append(person)
    released = {sid for person in out for sid in person.shots}
    for shot in shots:
        if shot.live is not None and shot.live.footage != "synthetic" and shot.id not in released:
            c.add(("shot", seen.get(shot.id, 0), "live"),
                  f"shot {shot.id!r} composites live footage ({Path(shot.live.footage).name}) of a real person, and no "
                  f"[[cast]] entry records their consent for it: add a [[cast]] with name, role, {fix} and "
                  f'shots = ["{shot.id}"] — or use footage = "synthetic"')
    return tuple(out)
