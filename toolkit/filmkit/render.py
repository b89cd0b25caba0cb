"""``filmkit render PROJECT``: the whole Midjourney-to-Runway pipeline, from a project file to a finished film.

The pipeline is data: :data:`STAGES`, an ordered list of small steps, each reading and adding to one
:class:`RenderState`. The order, and why:

1. ``check``        read the project file; every problem is reported *before* any work or spending starts
2. ``music``        load or synthesise the music first: audio-reactive shots and the edit both need it
3. ``key images``   generate each shot's key image (cached: an unchanged shot never generates again), pick a
                    candidate, vary it if asked — before animation, which starts from the chosen still
4. ``shots``        animate each shot (camera move, parallax, Deforum schedule, or the provider's image-to-video),
                    composite live elements over it, run audio-reactive passes — each shot is written to its own
                    file keyed by everything that made it, so changing one shot re-renders only that shot
5. ``edit``         cut the shots together with transitions, titles, the music bed and the end credits
6. ``sheets``       storyboard and contact sheet, from the key images
7. ``credentials``  sign the film and the key stills (C2PA) — after the edit, because signing changes the bytes
8. ``provenance``   write ``credits.txt`` and ``manifest.json`` last, describing the final, signed files

Examples
--------
>>> from filmkit.render import STAGES
>>> [name for name, _ in STAGES]
['check', 'music', 'key images', 'shots', 'edit', 'sheets', 'credentials', 'provenance']
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .assets import Asset, Provenance
from .clip import Clip
from .project import Project, ShotSpec, load_project

__all__ = ["render_project", "render_demo", "RenderResult", "STAGES", "demo_project_path", "credits_roll"]


@dataclass
class RenderState:
    """What the stages share while a film renders."""

    project_path: Path
    out_dir: Path
    provider: str | None
    progress: Callable[[str], None]
    project: Project | None = None
    music: Any = None                      # Audio
    music_asset: Asset | None = None
    keys: dict[str, Asset] = field(default_factory=dict)          # shot id -> chosen key still
    candidates: dict[str, list[Asset]] = field(default_factory=dict)
    shot_files: dict[str, Path] = field(default_factory=dict)
    shot_assets: dict[str, Asset] = field(default_factory=dict)
    rebuilt: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    extra_assets: list[Asset] = field(default_factory=list)
    film: Asset | None = None
    storyboard: Path | None = None
    contact_sheet: Path | None = None
    credits: Path | None = None
    manifest: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def p(self) -> Project:
        assert self.project is not None
        return self.project


@dataclass(frozen=True)
class RenderResult:
    """The files a render wrote, and which shots it rebuilt."""

    film: Asset
    storyboard: Path
    contact_sheet: Path
    credits: Path
    manifest: Path
    rebuilt: tuple[str, ...]
    reused: tuple[str, ...]
    timings: dict[str, float]

    def __str__(self) -> str:
        lines = [f"film        {self.film.path}  ({self.film.duration:.1f} s, {self.film.size[0]}×{self.film.size[1]})"
                 if self.film.size and self.film.duration else f"film        {self.film.path}",
                 f"storyboard  {self.storyboard}", f"contact     {self.contact_sheet}", f"credits     {self.credits}",
                 f"manifest    {self.manifest}",
                 f"shots       rebuilt {', '.join(self.rebuilt) or 'none'}; reused {', '.join(self.reused) or 'none'}"]
        lines.append("time        " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.film._repr_html_() or ""


# --- stages ------------------------------------------------------------------------------------------------------
def _check(st: RenderState) -> None:
    st.project = load_project(st.project_path)
    if st.provider:
        st.project = dataclasses.replace(st.project, provider=st.provider)
    st.out_dir.mkdir(parents=True, exist_ok=True)


def _music(st: RenderState) -> None:
    spec = st.p.music
    if spec is None:
        return
    from .audio import Audio

    # whole 30 s blocks, so that changing one shot's length does not change the music other shots react to
    length = 30.0 * math.ceil((st.p.duration + _CREDITS_SECONDS + 1.0) / 30.0)
    if spec.path is not None:
        st.music = Audio.load(spec.path)
        st.music_asset = Asset.from_file(spec.path, Provenance(provider="human", model="file", operation="import"))
    else:
        from .synth import synth_music

        st.music, _ = synth_music(length, bpm=spec.synth_bpm or 100, seed=spec.synth_seed)
        path = _workdir(st) / f"music-{spec.synth_bpm:g}bpm-{spec.synth_seed}-{length:.1f}s.wav"
        if not path.exists():
            st.music.save(path)
        st.music_asset = Asset.from_file(path, Provenance(provider="filmkit", model="synth_music", operation="synth",
                                                          seed=spec.synth_seed,
                                                          request={"bpm": spec.synth_bpm, "seconds": length}))


def _styled(st: RenderState, prompt: str) -> str:
    if st.p.style_bible is not None:
        return str(st.p.style_bible.apply(prompt))
    if st.p.style is None:
        return prompt
    from .style import load_library

    return str(load_library(st.p.style).bible.apply(prompt))


def _keys(st: RenderState) -> None:
    from .studio import generate

    for shot in st.p.shots:
        if shot.asset is not None:
            asset = Asset.from_file(shot.asset, Provenance(provider="human", model="file", operation="import"))
            st.keys[shot.id] = asset
            if asset.kind == "image":
                st.candidates[shot.id] = [asset]
            continue
        assert shot.prompt is not None
        provider = shot.provider or st.p.provider
        seed = shot.seed if shot.seed is not None else _derived_seed(st.p.seed, shot.id)
        job = generate(_styled(st, shot.prompt), provider=provider, seed=seed)
        st.progress(f"  key image {shot.id}: {'cached' if job.cached else 'generated'} ({job.provider})")
        pick = min(shot.pick, len(job) - 1)
        chosen = job[pick]
        if shot.vary:
            chosen = job.vary(pick, strong=shot.vary == "strong")[0]
        st.keys[shot.id] = chosen
        st.candidates[shot.id] = list(job)


def _derived_seed(seed: int, shot_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{shot_id}".encode()).digest()[:4], "big")


def _shot_starts(p: Project) -> dict[str, float]:
    starts, t = {}, 0.0
    for s in p.shots:
        starts[s.id] = t
        t += s.seconds - (s.transition.seconds if s.transition.kind != "cut" else 0.0)
    return starts


def _shot_key(st: RenderState, shot: ShotSpec, start: float) -> str:
    key_asset = st.keys[shot.id]
    parts = {"shot": dataclasses.asdict(shot), "key": key_asset.id, "size": st.p.size, "fps": st.p.fps,
             "provider": shot.provider or st.p.provider, "version": 2}
    if shot.react is not None and st.music_asset is not None:
        parts["music"] = st.music_asset.id
        parts["start"] = round(start, 4)
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _shots(st: RenderState) -> None:
    folder = _workdir(st) / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    starts = _shot_starts(st.p)
    for shot in st.p.shots:
        key = _shot_key(st, shot, starts[shot.id])
        path = folder / f"{shot.id}-{key}.mp4"
        if path.is_file():
            st.reused.append(shot.id)
            st.progress(f"  shot {shot.id}: unchanged, reused")
        else:
            st.progress(f"  shot {shot.id}: rendering {shot.move}"
                        + (" + live element" if shot.live else "") + (" + audio-reactive" if shot.react else ""))
            clip = _build_shot(st, shot, starts[shot.id])
            prov = Provenance(provider="filmkit", model="shot", operation=shot.move, prompt=shot.prompt,
                              seed=shot.seed, parents=(st.keys[shot.id].id,),
                              request={"shot": shot.id, "move": shot.move, "seconds": shot.seconds})
            clip.with_audio(None).save(path, crf=14, preset="veryfast", progress=False, provenance=prov)
            st.rebuilt.append(shot.id)
        st.shot_files[shot.id] = path
        st.shot_assets[shot.id] = Asset.from_file(path, Provenance(
            provider="filmkit", model="shot", operation=shot.move, prompt=shot.prompt,
            parents=(st.keys[shot.id].id,), request={"shot": shot.id}))


def _build_shot(st: RenderState, shot: ShotSpec, start: float) -> Clip:
    from . import camera

    W, H = st.p.size
    fps = st.p.fps
    key = st.keys[shot.id]
    if key.kind == "video":
        clip = Clip.from_file(key.path, size=(W, H))
    elif shot.move == "image-to-video":
        from .studio import animate

        video = animate(key, prompt_text=shot.prompt or shot.description, seconds=shot.seconds,
                        provider=shot.provider or st.p.provider)
        st.extra_assets.append(video)
        clip = Clip.from_file(video.path, size=(W, H))
    elif shot.schedule:
        from .schedules import deforum_to_path

        n = max(2, round(shot.seconds * fps))
        path = deforum_to_path(fps=fps, max_frames=n, **dict(shot.schedule))
        clip = camera.animate(key, path, seconds=shot.seconds, fps=fps, size=(W, H))
    elif shot.move == "parallax":
        clip = camera.parallax(key if key.layers else [(key, 1.0)], seconds=shot.seconds, fps=fps, size=(W, H))
    elif shot.move == "static":
        clip = Clip.still(key, seconds=shot.seconds, fps=fps, size=(W, H))
    else:
        clip = camera.animate(key, shot.move, seconds=shot.seconds, fps=fps, size=(W, H))
    clip = _fit_length(clip, shot.seconds, fps)
    if shot.live is not None:
        clip = _with_live(clip, shot, st)
    if shot.react is not None and st.music is not None:
        from .audio import analyse_audio
        from .reactive import audio_reactive

        window = st.music.slice(start, start + shot.seconds)
        analysis = analyse_audio(window, fps=fps, bpm=st.p.music.bpm if st.p.music else None)
        r = shot.react
        clip = audio_reactive(clip, analysis, pulse=(r.pulse, 0.06 * r.amount / 0.5) if r.pulse else None,
                              glow=(r.glow, 0.6 * r.amount / 0.5) if r.glow else None,
                              colour_shift=(r.colour_shift, 30 * r.amount / 0.5) if r.colour_shift else None,
                              seconds=shot.seconds, fps=fps, size=(W, H))
    return _fit_length(clip, shot.seconds, fps)


def _fit_length(clip: Clip, seconds: float, fps: float) -> Clip:
    n = max(1, round(seconds * fps))
    if clip.n_frames == n and clip.fps == fps:
        return clip
    src, m = clip.frame_fn, clip.n_frames
    ratio = clip.fps / fps
    return dataclasses.replace(clip, frame_fn=lambda i: src(min(m - 1, int(i * ratio))), n_frames=n, fps=fps)


def _with_live(clip: Clip, shot: ShotSpec, st: RenderState) -> Clip:
    from .composite import chroma_key, composite_over

    live = shot.live
    assert live is not None
    W, H = clip.size
    if live.footage == "synthetic":
        from .synth import greenscreen_footage

        footage, _ = greenscreen_footage(shot.seconds, fps=st.p.fps, size=(W // 2 - (W // 2) % 2, H // 2 - (H // 2) % 2),
                                         seed=live.seed, colour=live.key)
    else:
        footage = Clip.from_file(live.footage)
    keyed = chroma_key(footage, colour=live.key, light_wrap=0.3)
    fw, fh = keyed.size
    scale = live.scale * H / fh
    x0 = live.position[0] * W - scale * fw / 2
    y0 = live.position[1] * H - scale * fh / 2
    return composite_over(keyed, clip, position=(x0, y0), scale=scale, seconds=shot.seconds)



def _transition(kind: str, seconds: float) -> Any:
    from . import transitions as tr

    table: dict[str, Callable[[float], Any]] = {
        "cut": lambda s: tr.cut(), "crossfade": tr.crossfade, "dip-to-black": tr.dip_to_black,
        "dip-to-white": tr.dip_to_white, "wipe-left": lambda s: tr.wipe(s, "left"),
        "wipe-right": lambda s: tr.wipe(s, "right"), "wipe-up": lambda s: tr.wipe(s, "up"),
        "wipe-down": lambda s: tr.wipe(s, "down"), "luma-wipe": tr.luma_wipe, "zoom-through": tr.zoom_through,
        "flow-morph": tr.flow_morph,
    }
    return table[kind](seconds)


_CREDITS_SECONDS = 6.0                           # the end credits roll
_CREDITS_DIP = 1.0                               # the dip to black into it overlaps the roll
CREDITS_TAIL = _CREDITS_SECONDS - _CREDITS_DIP   # what the credits add to the cut's length (checks.expect_film)


def _manifest(st: RenderState) -> Any:
    from .provenance import Manifest

    assets: list[Asset] = []
    seen: set[str] = set()
    for a in [*(a for c in st.candidates.values() for a in c), *st.keys.values(), *st.extra_assets,
              *st.shot_assets.values(), *([st.music_asset] if st.music_asset else [])]:
        if a.id not in seen:
            seen.add(a.id)
            assets.append(a)
    roles = dict(st.p.credits)
    cast = _cast(st.p)
    return Manifest(title=st.p.title, authors=st.p.authors, assets=tuple(assets), roles=roles, film=st.film,
                    human_edits=("The shots were chosen, ordered and timed by people in the project file.",),
                    cast=cast)


def _cast(p: Project) -> tuple[Any, ...]:
    """The project's [[cast]], plus a synthetic performer for each synthetic live shot no cast entry names."""
    from .provenance import Consent

    named = {sid for person in p.cast for sid in person.shots}
    return (*p.cast, *(Consent.synthetic(shots=(s.id,)) for s in p.shots
                       if s.live is not None and s.live.footage == "synthetic" and s.id not in named))


def _edit(st: RenderState) -> None:
    from .edit import Shot, Timeline
    from .provenance import credits_text

    W, H = st.p.size
    tl = Timeline(fps=st.p.fps, size=(W, H))
    for i, shot in enumerate(st.p.shots):
        tl.add(Shot(Clip.from_file(st.shot_files[shot.id], stream=True), seconds=shot.seconds, label=shot.id,
                    description=shot.description))
        if i < len(st.p.shots) - 1:
            tl.add(_transition(shot.transition.kind, shot.transition.seconds))
    tl.add(_transition("dip-to-black", _CREDITS_DIP))
    roll = credits_roll(credits_text(_manifest(st)), seconds=_CREDITS_SECONDS, fps=st.p.fps, size=(W, H))
    tl.add(Shot(roll, seconds=_CREDITS_SECONDS, label="credits", description="End credits and AI disclosure"))
    for t in st.p.titles:
        tl.title(t.text, at=t.at, seconds=t.seconds, kind="lower_third" if t.kind == "lower_third" else "title")
    if st.music is not None and st.p.music is not None:
        tl.music(st.music, fade_in=st.p.music.fade_in, fade_out=st.p.music.fade_out, volume=st.p.music.volume)
    out = st.out_dir / "film.mp4"
    film = tl.render(out, progress=None)
    st.film = dataclasses.replace(film, provenance=Provenance(
        provider="filmkit", model="timeline", operation="edit", prompt=None,
        parents=tuple(st.shot_assets[s.id].id for s in st.p.shots),
        request={"project": st.p.path.name, "shots": [s.id for s in st.p.shots]}))


def _sheets(st: RenderState) -> None:
    from .catalog import contact_sheet, open_catalog
    from .storyboards import Panel, save_storyboard

    panels = [Panel(image=st.keys[s.id] if st.keys[s.id].kind == "image" else _first_frame(st, s.id),
                    number=i + 1, description=s.description or (s.prompt or s.id), seconds=s.seconds)
              for i, s in enumerate(st.p.shots)]
    st.storyboard = save_storyboard(panels, st.out_dir / "storyboard.png")
    every = [a for c in st.candidates.values() for a in c]
    sheet = contact_sheet(every, columns=4, thumb=240, title=f"{st.p.title}: every generated image")
    st.contact_sheet = st.out_dir / "contact_sheet.png"
    sheet.save(st.contact_sheet)
    try:  # the visual library learns about the film's images, tagged with the project
        cat = open_catalog()
        tag = st.p.path.stem
        for a in every:
            cat.add(a, tags=[tag])
        for s in st.p.shots:
            if st.keys[s.id].kind == "image":
                cat.add(st.keys[s.id], tags=[tag, "key"])
                cat.select(st.keys[s.id])
    except Exception as exc:  # noqa: BLE001 - the library is a bonus, the film is done
        st.progress(f"  (the visual library was not updated: {exc})")


def _first_frame(st: RenderState, shot_id: str) -> np.ndarray:
    return Clip.from_file(st.shot_files[shot_id], stream=True).frame(0)


def _credentials(st: RenderState) -> None:
    from .credentials import sign_file, source_type_for

    assert st.film is not None
    stills_dir = st.out_dir / "stills"
    stills_dir.mkdir(exist_ok=True)
    stills = []
    for s in st.p.shots:
        key = st.keys[s.id]
        if key.kind != "image":
            continue
        dest = stills_dir / f"{s.id}{key.path.suffix.lower()}"
        shutil.copyfile(key.path, dest)
        p = key.provenance
        sign_file(dest, source_type=source_type_for(p.provider),   # previz: algorithmic; Runway/MJ: generated
                  title=f"{st.p.title}: {s.id}", author=", ".join(st.p.authors) or None,
                  provenance={"provider": p.provider, "model": p.model, "prompt": p.prompt, "seed": p.seed})
        stills.append(dest)
    # compositeSynthetic unless a trained generative model made anything in the film (then compositeWithTrained...)
    in_film = [*st.keys.values(), *st.shot_assets.values(), *st.extra_assets, *filter(None, [st.music_asset])]
    sign_file(st.film.path, source_type=source_type_for(*(a.provenance.provider for a in in_film), film=True),
              title=st.p.title, ingredients=stills,
              author=", ".join(st.p.authors) or None,
              provenance={"project": st.p.path.name, "shots": [s.id for s in st.p.shots]})
    st.film = dataclasses.replace(Asset.from_file(st.film.path, st.film.provenance))


def _provenance(st: RenderState) -> None:
    from .provenance import credits_text

    manifest = _manifest(st)
    st.credits = st.out_dir / "credits.txt"
    st.credits.write_text(credits_text(manifest) + "\n", encoding="utf-8")
    st.manifest = manifest.write(st.out_dir / "manifest.json")


STAGES: list[tuple[str, Callable[[RenderState], None]]] = [
    ("check", _check),
    ("music", _music),
    ("key images", _keys),
    ("shots", _shots),
    ("edit", _edit),
    ("sheets", _sheets),
    ("credentials", _credentials),
    ("provenance", _provenance),
]


def _workdir(st: RenderState) -> Path:
    from .settings import config

    name = hashlib.sha256(str(st.project_path.resolve()).encode()).hexdigest()[:10]
    d = config.ensure_workspace() / "renders" / f"{st.project_path.stem}-{name}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def render_project(project: str | Path, *, out: str | Path | None = None, provider: str | None = None,
                   progress: Callable[[str], None] | None = None) -> RenderResult:
    """Render a project file to ``out`` (default: ``<workspace>/films/<project name>``).

    Writes ``film.mp4`` (H.264/AAC, signed with content credentials), ``storyboard.png``, ``contact_sheet.png``,
    ``credits.txt`` and ``manifest.json``. Generations and per-shot renders are cached, so a second render after
    changing one shot re-renders only that shot. ``provider`` overrides the project's (``previz`` / ``runway``).

    Examples
    --------
    The project file is checked before any work starts (a real render takes minutes, so it is not run here):

    >>> import pathlib, tempfile
    >>> import filmkit as fk
    >>> missing = pathlib.Path(tempfile.mkdtemp()) / "my_film.toml"
    >>> fk.render_project(missing, out=tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    filmkit.errors.FileFormatError: ...my_film.toml has 1 problem(s):
      ...my_film.toml:?: the file does not exist; check the path
    """
    from .settings import config

    path = Path(project).resolve()
    out_dir = Path(out) if out else config.ensure_workspace() / "films" / path.stem
    say = progress or (lambda msg: None)
    st = RenderState(project_path=path, out_dir=out_dir, provider=provider, progress=say)
    for name, stage in STAGES:
        say(f"[{name}]")
        t0 = time.perf_counter()
        stage(st)
        st.timings[name] = time.perf_counter() - t0
    assert st.film and st.storyboard and st.contact_sheet and st.credits and st.manifest
    return RenderResult(film=st.film, storyboard=st.storyboard, contact_sheet=st.contact_sheet, credits=st.credits,
                        manifest=st.manifest, rebuilt=tuple(st.rebuilt), reused=tuple(st.reused),
                        timings=dict(st.timings))


def demo_project_path() -> Path:
    """The bundled sample project (``filmkit/data/demo/the_in_between.toml``)."""
    return Path(__file__).parent / "data" / "demo" / "the_in_between.toml"


def render_demo(*, out: str | Path | None = None, progress: Callable[[str], None] | None = None) -> RenderResult:
    """Render the bundled sample film offline on ``previz``: every stage of the pipeline in about 40 seconds of film.

    Examples
    --------
    ``fk.render_demo()`` takes a minute or two, so this only reads the project it renders:

    >>> import filmkit as fk
    >>> from filmkit.render import demo_project_path
    >>> demo = fk.load_project(demo_project_path())
    >>> demo.title, len(demo.shots), demo.provider
    ('The In-Between', 6, 'previz')
    """
    return render_project(demo_project_path(), out=out, provider="previz", progress=progress)


# --- end credits --------------------------------------------------------------------------------------------------
def credits_roll(text: str, *, seconds: float = 6.0, fps: float = 24, size: tuple[int, int] = (1280, 720),
                 background: tuple[int, int, int] = (0, 0, 0)) -> Clip:
    """Credits that roll up the screen, sub-pixel smooth; the first line is the film's title.

    >>> roll = credits_roll("Tide\\n\\nDirected by\\n  A. Learner", seconds=1, fps=8, size=(160, 90))
    >>> roll.n_frames, roll.size
    (8, (160, 90))
    """
    from PIL import Image, ImageDraw

    from ._fonts import load_font, wrap_text
    from ._lazy import require

    cv2 = require("cv2")
    W, H = size
    body = load_font(max(11, H // 24))
    head = load_font(max(16, H // 13), "sans-bold")
    role = load_font(max(10, H // 30), "sans")
    lines = text.splitlines()
    measure = ImageDraw.Draw(Image.new("RGB", (8, 8)))
    wrapped: list[tuple[str, Any, tuple[int, int, int]]] = []
    for k, line in enumerate(lines):
        font, colour = (head, (255, 255, 255)) if k == 0 else \
            ((body, (235, 235, 235)) if line.startswith("  ") else (role, (170, 170, 180)))
        wrapped += [(t, font if t else body, colour) for t in wrap_text(measure, line.strip(), font, W * 0.8)]
    line_h = [int((f.size if t else body.size) * 1.45) for t, f, _ in wrapped]
    total = sum(line_h)
    canvas = Image.new("RGB", (W, total + 2 * H), background)
    draw = ImageDraw.Draw(canvas)
    y = H
    for (t, f, c), lh in zip(wrapped, line_h):
        if t:
            draw.text(((W - draw.textlength(t, font=f)) / 2, y), t, font=f, fill=c)
        y += lh
    tall = np.asarray(canvas)
    n = max(1, round(seconds * fps))
    travel = total + H  # from the first line entering at the bottom to the last leaving at the top

    def frame(i: int) -> np.ndarray:
        offset = travel * (i / max(1, n - 1))
        M = np.float32([[1, 0, 0], [0, 1, -offset]])
        return cv2.warpAffine(tall, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=tuple(int(v) for v in background))

    return Clip(frame_fn=frame, fps=fps, n_frames=n, size=(W, H), label="credits")
