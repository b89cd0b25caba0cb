"""``previz``: the offline, embedded provider. Deterministic pre-visualisation frames from a prompt.

No network, no model weights: a previz frame is *drawn* from the prompt's visual vocabulary (environment, time
of day, weather, palette, mood, subjects, shot size, camera angle, lens), read from a data file that instructors
can extend (``filmkit/data/previz_vocabulary.toml``). It is a previz tool and says so: every asset's provenance
names provider ``previz`` and model ``previz-1``, and the PNG files carry text chunks saying they are filmkit
previz frames, with the prompt and the seed. It never claims to be Midjourney or Runway.

Each frame comes in layers — ``sky``, ``far``, ``mid``, ``near``, ``subject`` (and ``weather`` when it rains,
snows or blows dust) — RGBA images whose alpha-over, in that order, *is* the frame, so motion can do 2.5D parallax.

Midjourney parameters are honoured: ``--ar`` (Midjourney's pixel sizes), ``--seed``, ``--chaos`` (how different
the four candidates are), ``--stylize`` (strength of the look), ``--no`` (removes elements), ``--tile``
(seamless), ``--weird`` (odd palette and geometry).

Examples
--------
>>> from filmkit.studio.previz import render_previz, previz_size
>>> previz_size("16:9"), previz_size("2.39:1") == previz_size("239:100")
((1456, 816), True)
>>> frame = render_previz("misty harbour at dawn, lone lighthouse --ar 16:9", size=(160, 90))
>>> frame.image.shape, sorted(frame.layers)
((90, 160, 3), ['far', 'mid', 'near', 'sky', 'subject'])
>>> frame.scene["environment"], frame.scene["time"], frame.scene["subjects"]
('ocean', 'dawn', ['tower'])
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._tomlfile import tomllib  # tomllib, or tomli on Python 3.10
from ..assets import Asset, Provenance
from ..errors import FileFormatError, MediaError, PromptSyntaxError, StudioError
from . import _paint as P

__all__ = [
    "MODEL",
    "MOTION_MODEL",
    "PrevizFrame",
    "PrevizProvider",
    "default_seed",
    "load_vocabulary",
    "previz_size",
    "read_prompt",
    "render_previz",
]

MODEL = "previz-1"
MOTION_MODEL = "previz-motion-1"
LAYER_ORDER = ("sky", "far", "mid", "near", "subject", "weather")

# Midjourney's grid image sizes for common ratios (V6/V7). Other ratios keep about one megapixel.
MJ_SIZES: dict[tuple[int, int], tuple[int, int]] = {
    (1, 1): (1024, 1024),
    (16, 9): (1456, 816), (9, 16): (816, 1456),
    (4, 3): (1232, 928), (3, 4): (928, 1232),
    (3, 2): (1344, 896), (2, 3): (896, 1344),
    (5, 4): (1120, 896), (4, 5): (896, 1120),
    (7, 3): (1680, 720), (3, 7): (720, 1680),  # 21:9 and 9:21
}


# --- prompts ---------------------------------------------------------------------------------------------------
_ALIASES = {"ar": "aspect", "c": "chaos", "s": "stylize", "q": "quality", "v": "version", "r": "repeat",
            "w": "weird", "p": "profile", "personalize": "profile"}


@dataclass(frozen=True)
class _MiniPrompt:
    """A minimal stand-in for :class:`filmkit.prompts.Prompt`, used only if that module is unavailable."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)
    weights: tuple[tuple[str, float], ...] = ()

    @classmethod
    def parse(cls, raw: str) -> _MiniPrompt:
        s = raw.replace("\u2014", "--").replace("\u2013", "--")
        m = re.search(r"(?:^|\s)--[A-Za-z]", s)
        text, rest = (s[: m.start()], s[m.start():]) if m else (s, "")
        params: dict[str, Any] = {}
        for name, value in re.findall(r"--([A-Za-z]+)((?:(?!\s--[A-Za-z]).)*)", rest):
            key = _ALIASES.get(name.lower(), name.lower())
            val: Any = " ".join(value.split()) or True
            params[key] = (params[key] + ", " + val) if key == "no" and key in params else val
        return cls(text=text.strip().rstrip(","), params=params)

    def __str__(self) -> str:
        parts = [self.text] + [f"--{k}" if v is True else f"--{k} {v}" for k, v in self.params.items()]
        return " ".join(p for p in parts if p)


def read_prompt(prompt: Any) -> Any:
    """A parsed prompt (``filmkit.prompts.Prompt`` when available) from text or an already parsed prompt."""
    if not isinstance(prompt, str):
        if hasattr(prompt, "text") and hasattr(prompt, "params"):
            return prompt
        raise PromptSyntaxError(f"a prompt must be text like 'misty harbour at dawn --ar 16:9'; got {prompt!r}.")
    try:
        from ..prompts import parse_prompt
    except ImportError:
        return _MiniPrompt.parse(prompt)
    return parse_prompt(prompt)


def _param(p: Any, name: str, default: Any = None) -> Any:
    params = getattr(p, "params", {}) or {}
    return params.get(name, default)


def _number(p: Any, name: str, default: float, lo: float, hi: float) -> float:
    v = _param(p, name)
    if v is None or v is True:
        return default
    try:
        x = float(str(v).strip())
    except ValueError:
        raise PromptSyntaxError(f"--{name} takes a number between {lo:g} and {hi:g}; got {v!r}.") from None
    if not lo <= x <= hi:
        raise PromptSyntaxError(f"--{name} must be between {lo:g} and {hi:g}; got {v!r}. Pick a value in range.")
    return x


def default_seed(prompt: Any) -> int:
    """The seed a job uses when none is given: the prompt's ``--seed``, else a stable hash of the prompt.

    >>> default_seed("a red door --seed 42"), default_seed("a red door") == default_seed("a red door")
    (42, True)
    """
    p = read_prompt(prompt)
    s = _param(p, "seed")
    if s is not None and s is not True:
        try:
            return int(str(s).strip()) % 2**32
        except ValueError:
            raise PromptSyntaxError(f"--seed takes a whole number 0–4294967295; got {s!r}.") from None
    return int.from_bytes(hashlib.sha256(str(p).strip().encode()).digest()[:4], "big")


def previz_size(aspect: Any = None) -> tuple[int, int]:
    """Pixel size for an aspect ratio, as Midjourney makes it (``"16:9"`` → 1456×816).

    Ratios not in Midjourney's table keep about one megapixel, rounded to multiples of 16.

    >>> previz_size(), previz_size("9:16"), previz_size("2:1")
    ((1024, 1024), (816, 1456), (1456, 720))
    """
    if aspect is None or aspect is True:
        return MJ_SIZES[(1, 1)]
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*", str(aspect))
    if not m or float(m.group(1)) <= 0 or float(m.group(2)) <= 0:
        raise PromptSyntaxError(f"--ar must look like W:H (e.g. 16:9); got {aspect!r}.")
    a, b = float(m.group(1)), float(m.group(2))
    while a != int(a) or b != int(b):
        a, b = a * 10, b * 10
    g = math.gcd(int(a), int(b))
    key = (int(a) // g, int(b) // g)
    if key in MJ_SIZES:
        return MJ_SIZES[key]
    r = a / b
    if not 1 / 8 <= r <= 8:
        raise PromptSyntaxError(f"--ar {aspect} is too extreme for previz; use a ratio between 1:8 and 8:1.")
    w = math.sqrt(1024 * 1024 * r)
    return (max(16, round(w / 16) * 16), max(16, round(w / r / 16) * 16))


# --- vocabulary ------------------------------------------------------------------------------------------------
_SINGLE = ("environment", "time", "shot", "angle")
_MULTI = ("weather", "palette", "colour", "mood", "subject", "lens")
_STOP = {"a", "an", "the", "of", "at", "in", "on", "with", "and", "or", "by", "over", "under", "into", "onto", "from", "to", "for", "as", "is", "are", "be", "it", "its", "this", "that", "these", "those", "very", "some", "lone", "single", "one", "two", "three", "four", "five", "near", "far", "behind", "beside", "above", "below", "across", "through", "between", "among", "against", "along", "around", "before", "after", "during", "while", "beneath", "amid", "my", "your", "his", "her", "their", "our", "style", "shot", "photo", "photograph", "image", "picture", "render", "painting", "concept", "art", "artwork", "scene", "view", "highly", "detailed", "detail", "8k", "4k", "hd", "ultra", "hyperrealistic", "realistic", "cinematic"}


def _vocab_sources() -> list[Path]:
    srcs = [Path(__file__).resolve().parents[1] / "data" / "previz_vocabulary.toml"]
    extra: list[Path] = []
    from ..settings import config, find_config_file

    try:
        cfg = find_config_file()
    except Exception:  # noqa: BLE001 - a broken FILMKIT_CONFIG is reported by fk.config itself
        cfg = None
    if cfg is not None:
        extra.append(cfg.parent / "previz_vocabulary.toml")
    extra.append(Path(config.workspace) / "previz_vocabulary.toml")
    env = os.environ.get("FILMKIT_PREVIZ_VOCABULARY")
    if env:
        p = Path(env).expanduser()
        if not p.is_file():
            why = "FILMKIT_PREVIZ_VOCABULARY points at a file that does not exist; fix the path or unset it"
            raise FileFormatError(p, [(None, why)])
        extra.append(p)
    seen: set[Path] = set()
    for p in extra:
        rp = p.resolve()
        if p.is_file() and rp not in seen and rp != srcs[0]:
            seen.add(rp)
            srcs.append(rp)
    return srcs


@functools.lru_cache(maxsize=8)
def _load_vocab_files(key: tuple[tuple[str, float], ...]) -> dict[str, dict[str, dict[str, Any]]]:
    vocab: dict[str, dict[str, dict[str, Any]]] = {}
    for path_s, _mtime in key:
        path = Path(path_s)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise FileFormatError(path, [(int(m.group(1)) if m else None,
                                          f"not valid TOML ({exc}); fix that line")]) from None
        problems: list[tuple[int | None, str]] = []
        for cat, entries in data.items():
            if cat not in _SINGLE + _MULTI or not isinstance(entries, dict):
                problems.append((None, f"unknown category [{cat}]; use one of {', '.join(_SINGLE + _MULTI)}"))
                continue
            for name, entry in entries.items():
                if not isinstance(entry, dict):
                    problems.append((None, f"[{cat}.{name}] must be a table with a `words` list"))
                    continue
                words = entry.get("words", [])
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    problems.append((None, f"[{cat}.{name}] words must be a list of strings"))
                    continue
                have = vocab.setdefault(cat, {}).setdefault(name, {"words": []})
                merged = list(dict.fromkeys([*have["words"], *(w.lower() for w in words)]))
                have.update({k: v for k, v in entry.items() if k != "words"})
                have["words"] = merged
        if problems:
            raise FileFormatError(path, problems)
    return vocab


def load_vocabulary() -> dict[str, dict[str, dict[str, Any]]]:
    """The previz vocabulary in force: the packaged file plus any extension file, merged.

    Extension files are read from ``$FILMKIT_PREVIZ_VOCABULARY``, the workspace and the folder of the course's
    ``filmkit.toml`` (each named ``previz_vocabulary.toml``). They may add entries or extend existing ones.

    >>> v = load_vocabulary()
    >>> "harbour" in v["environment"]["ocean"]["words"], sorted(v)[:3]
    (True, ['angle', 'colour', 'environment'])
    """
    key = tuple((str(p), p.stat().st_mtime) for p in _vocab_sources())
    return _load_vocab_files(key)


@functools.lru_cache(maxsize=64)
def _matcher(words: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alts) + r")(?:s|es)?(?![a-z0-9])")


def _read_words(parts: Sequence[tuple[str, float]], vocab: Mapping[str, Mapping[str, Mapping[str, Any]]],
                removed: Iterable[str]) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Which vocabulary entries a prompt mentions, with a weight each, and the words it did not know."""
    found: dict[str, dict[str, float]] = {c: {} for c in _SINGLE + _MULTI}
    first: dict[str, dict[str, int]] = {c: {} for c in _SINGLE + _MULTI}
    known: set[str] = set()
    pos0 = 0
    # colour and mood words are read last, from what the other categories left ("golden hour" is a time,
    # not the colour gold; "dark night" is night, not the ominous mood)
    order = [c for c in vocab if c not in ("colour", "mood")] + [c for c in ("colour", "mood") if c in vocab]
    for text, weight in parts:
        low = text.lower()
        masked = low
        for cat in order:
            src = masked if cat in ("colour", "mood") else low
            for name, entry in vocab[cat].items():
                words = tuple(entry.get("words", ()))
                if not words:
                    continue
                for m in _matcher(words).finditer(src):
                    known.update(m.group(0).split())
                    found[cat][name] = found[cat].get(name, 0.0) + weight
                    first[cat].setdefault(name, pos0 + m.start())
                    if cat not in ("colour", "mood"):
                        masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
        pos0 += len(low) + 1
    for word in removed:
        for cat, entries in vocab.items():
            for name, entry in entries.items():
                if word and (word == name or _matcher(tuple(entry.get("words", ()))).fullmatch(word)):
                    found[cat].pop(name, None)
                    found[cat][name] = -1.0
    for cat in _SINGLE:  # one entry: the strongest, then the first mentioned
        live = {n: w for n, w in found[cat].items() if w > 0}
        if live:
            best = min(live, key=lambda n: (-live[n], first[cat].get(n, 0)))
            found[cat] = {best: live[best], **{n: w for n, w in found[cat].items() if w < 0}}
    tokens = re.findall(r"[a-z][a-z'\-]{2,}", " ".join(t.lower() for t, w in parts if w > 0))
    unknown = sorted({t for t in tokens if t not in known and t not in _STOP})
    return found, unknown


# --- the scene plan ----------------------------------------------------------------------------------------------
_U_KEYS = ("sun_x", "horizon", "subj_side", "subj_x", "time", "env", "moon_x", "clouds", "planet_x", "hue",
           "amp", "fog", "windows", "near_side", "moon_y", "tree_shape", "warmth")
_ENV_AUTO = ("plains", "mountains", "ocean", "desert", "forest")
_TIME_AUTO = ("golden_hour", "dusk", "noon", "dawn", "overcast")


def _u_for(seeds: Sequence[tuple[int, float]]) -> dict[str, float]:
    """Uniform 0..1 draws for the scene's continuous choices, blended over (seed, weight) pairs."""
    total = {k: 0.0 for k in _U_KEYS}
    wsum = 0.0
    for seed, w in seeds:
        r = np.random.default_rng(P.sub_seed("u", seed)).random(len(_U_KEYS))
        for k, x in zip(_U_KEYS, r):
            total[k] += w * float(x)
        wsum += w
    return {k: v / wsum for k, v in total.items()}


def _col(v: Any, default: Sequence[float] = (0.5, 0.5, 0.5)) -> np.ndarray:
    arr = np.asarray(v if v is not None else default, np.float32).reshape(-1)[:3]
    return np.clip(arr, 0.0, 1.0)


@dataclass
class _Scene:
    W: int
    H: int
    env: str
    time: str
    env_cols: dict[str, np.ndarray]
    sky_top: np.ndarray
    sky_hor: np.ndarray
    sun_col: np.ndarray
    sun_h: float
    light: float
    ambient: float
    night: bool
    neon: bool
    u: dict[str, float]
    seeds: list[tuple[int, float]]
    subjects: list[tuple[str, float]]  # (kind, height as a fraction of H)
    sky_objects: list[str]
    shot: float
    horizon: float
    tilt: float
    subject_lift: float
    haze: float
    ground_fog: float
    clouds: float
    rain: float
    snow: float
    dust: float
    stars: float
    whiten: float
    dust_tint: np.ndarray | None
    saturation: float
    contrast: float
    lift: float
    brightness: float
    warmth: float
    shadows: np.ndarray
    highlights: np.ndarray
    tone: float
    accent: np.ndarray | None
    vignette: float
    grain: float
    blur: float
    flare: float
    depth: float
    texture: float
    weird: float
    hue: float
    tile: bool
    summary: dict[str, Any]


def _plan(p: Any, *, seed: int, index: int, W: int, H: int, variations: Sequence[tuple[int, float]]) -> _Scene:
    vocab = load_vocabulary()
    no_raw = _param(p, "no")
    if isinstance(no_raw, (list, tuple)):
        no_raw = ", ".join(map(str, no_raw))
    removed = [w.strip().lower() for w in str(no_raw or "").split(",") if w.strip() and no_raw is not True]
    weights = getattr(p, "weights", None) or ()
    parts: list[tuple[str, float]] = []
    try:
        for item in weights:
            t, w = (item.text, item.weight) if hasattr(item, "text") else (item[0], item[1])
            parts.append((str(t), float(w)))
    except (TypeError, IndexError, ValueError):
        parts = []
    if not parts:
        parts = [(str(getattr(p, "text", p)), 1.0)]
    for t, w in parts:
        if w < 0:
            removed.extend(x.strip().lower() for x in re.split(r"[,;]", t) if x.strip())
    found, unknown = _read_words(parts, vocab, removed)

    chaos = _number(p, "chaos", 0.0, 0, 100) / 100.0
    stylize = _number(p, "stylize", 100.0, 0, 1000) / 1000.0
    weird = _number(p, "weird", 0.0, 0, 3000) / 3000.0
    tile = bool(_param(p, "tile"))

    # seeds: the job's base, this candidate's own share (chaos), each variation step, the unknown words
    spread = 0.2 + 0.8 * chaos
    seeds: list[tuple[int, float]] = [(seed, math.cos(spread * math.pi / 2)),
                                      (P.sub_seed(seed, "cand", index), math.sin(spread * math.pi / 2))]
    for vseed, amount in variations:
        c, s = math.cos(amount * math.pi / 2), math.sin(amount * math.pi / 2)
        seeds = [(sd, w * c) for sd, w in seeds] + [(P.sub_seed(vseed, "vary"), s)]
    if unknown:
        seeds.append((P.sub_seed("words", *unknown), 0.18))
    u = _u_for(seeds)

    def pick(cat: str, auto: Sequence[str], key: str) -> tuple[str, float]:
        live = [(n, w) for n, w in found[cat].items() if w > 0]
        if live:
            return live[0]
        choices = [a for a in auto if found[cat].get(a, 0) >= 0] or list(auto)
        return choices[min(int(u[key] * len(choices)), len(choices) - 1)], 1.0

    envs = vocab.get("environment", {})
    env, _ = pick("environment", [e for e in _ENV_AUTO if e in envs] or list(envs), "env")
    times = vocab.get("time", {})
    auto_times = ["night"] if env in ("space",) and "night" in times else [t for t in _TIME_AUTO if t in times]
    tname, _ = pick("time", auto_times or list(times), "time")
    ent = envs.get(env, {})
    tm = times.get(tname, {})
    env_kind = env if env in ("plains", "ocean", "desert", "city", "forest", "mountains", "interior",
                              "space") else ["plains", "mountains", "ocean", "desert", "forest"][
        P.sub_seed(env) % 5]
    env_cols = {k: _col(ent.get(k), d) for k, d in
                (("far", (0.45, 0.5, 0.5)), ("mid", (0.3, 0.35, 0.3)), ("near", (0.18, 0.18, 0.16)))}

    def total(cat: str, key: str, base: float, *, mult: bool = False) -> float:
        v = base
        for name, w in found[cat].items():
            if w <= 0 or key not in vocab[cat][name]:
                continue
            x = float(vocab[cat][name][key])
            wt = min(w, 3.0)
            v = v * (1 + (x - 1) * wt) if mult else v + x * wt
        return v

    # subjects, sky objects, shot, angle
    subj_vocab = vocab.get("subject", {})
    subjects: list[tuple[str, float]] = []
    sky_objects: list[str] = []
    for name, w in found["subject"].items():
        if w <= 0:
            continue
        if name in ("moon", "planet", "sun"):
            sky_objects.append(name)
        else:
            subjects.append((name, float(subj_vocab[name].get("height", 0.3)) * min(1.0 + 0.25 * (w - 1), 1.6)))
    shot_name = next(iter(n for n, w in found["shot"].items() if w > 0), None)
    shot = float(vocab["shot"][shot_name].get("scale", 1.0)) if shot_name else 1.0
    angle_name = next(iter(n for n, w in found["angle"].items() if w > 0), None)
    ang = vocab["angle"][angle_name] if angle_name else {}
    horizon = float(ang.get("horizon", 0.6)) + (u["horizon"] - 0.5) * 0.08
    if not angle_name and shot > 2:
        horizon = 0.52 + (u["horizon"] - 0.5) * 0.08
    tilt = float(ang.get("tilt", 0.0)) + weird * (u["amp"] - 0.5) * 30.0
    subject_lift = float(ang.get("subject_lift", 0.0))

    haze = 0.22 * total("weather", "haze", 1.0, mult=True) * total("lens", "haze", 1.0, mult=True)
    contrast = total("weather", "contrast", 0.0) + total("palette", "contrast", 0.0) + total("mood", "contrast", 0.0)
    if env_kind == "space":
        haze *= 0.15
    sat = total("palette", "saturation", 1.0, mult=True) * total("mood", "saturation", 1.0, mult=True)
    shadows = np.array([0.5, 0.5, 0.5], np.float32)
    highlights = np.array([0.5, 0.5, 0.5], np.float32)
    tone = 0.0
    for name, w in found["palette"].items():
        e = vocab["palette"][name]
        if w > 0 and "shadows" in e:
            shadows, highlights, tone = _col(e["shadows"]), _col(e.get("highlights")), min(w, 2.0)
    accents = [(_col(vocab["colour"][n]["rgb"]), w) for n, w in found["colour"].items() if w > 0
               and "rgb" in vocab["colour"][n]]
    accent = None
    if accents:
        accent = np.sum([c * w for c, w in accents], axis=0) / sum(w for _, w in accents)
    dust_tint = None
    for name, w in found["weather"].items():
        if w > 0 and "tint" in vocab["weather"][name]:
            dust_tint = _col(vocab["weather"][name]["tint"])

    def flag(cat: str, key: str, base: float = 0.0) -> float:
        return max(0.0, min(total(cat, key, base), 2.0))

    named_sky = list(sky_objects)
    night = bool(tm.get("night", False))
    stars = flag("weather", "stars") + (0.7 if night and env_kind != "interior" else 0.0)
    if env_kind == "space":
        stars = max(stars, 1.2)
    clouds = flag("weather", "clouds", float(tm.get("clouds", 0.0)))
    if clouds == 0 and not night and env_kind not in ("space", "interior"):
        clouds = 0.35 * u["clouds"]
    if found["weather"].get("stars", 0) < 0:  # --no stars / --no clouds also stop the automatic ones
        stars = 0.0
    if found["weather"].get("clouds", 0) < 0:
        clouds = 0.0
    if "moon" not in sky_objects and night and u["moon_y"] > 0.35 and found["subject"].get("moon", 0) >= 0:
        sky_objects.append("moon")
    if env_kind == "space" and "planet" not in sky_objects and found["subject"].get("planet", 0) >= 0:
        sky_objects.append("planet")

    # the look: --stylize sets its strength; words push it around
    k = 0.3 + 1.35 * math.sqrt(stylize)
    hue = (u["hue"] - 0.5) * 14.0 + weird * (u["amp"] - 0.5) * 300.0
    lens = {n for n, w in found["lens"].items() if w > 0}
    scene = _Scene(
        W=W, H=H, env=env_kind, time=tname, env_cols=env_cols,
        sky_top=_col(tm.get("sky_top"), (0.3, 0.5, 0.8)), sky_hor=_col(tm.get("sky_horizon"), (0.8, 0.85, 0.9)),
        sun_col=_col(tm.get("sun"), (1, 0.95, 0.85)), sun_h=float(tm.get("sun_height", 0.4)),
        light=float(tm.get("light", 0.8)), ambient=float(tm.get("ambient", 0.5)), night=night,
        neon=bool(tm.get("neon", False)), u=u, seeds=seeds, subjects=subjects, sky_objects=sky_objects,
        shot=shot, horizon=float(np.clip(horizon, 0.08, 0.92)), tilt=tilt, subject_lift=subject_lift,
        haze=haze, ground_fog=flag("weather", "ground_fog"), clouds=clouds, rain=flag("weather", "rain"),
        snow=flag("weather", "snow"), dust=flag("weather", "dust"), stars=stars, whiten=flag("weather", "whiten"),
        dust_tint=dust_tint,
        saturation=max(0.0, sat * (0.82 + 0.22 * k)), contrast=contrast + 0.22 * k,
        lift=total("palette", "lift", 0.0) + total("mood", "lift", 0.0),
        brightness=total("mood", "brightness", 0.0),
        warmth=total("mood", "warmth", 0.0) + (u["warmth"] - 0.5) * 0.06,
        shadows=shadows, highlights=highlights, tone=(0.22 + 0.5 * tone) * k,
        accent=accent, vignette=(0.18 + total("lens", "vignette", 0.0)) * k,
        grain=total("lens", "grain", 0.0), blur=total("lens", "blur", 0.0), flare=flag("lens", "flare"),
        depth=total("lens", "depth", 1.0, mult=True), texture=0.025 + 0.09 * stylize, weird=weird, hue=hue,
        tile=tile, summary={},
    )
    scene.summary = {"environment": env, "time": tname, "subjects": [s for s, _ in subjects],
                     "sky": list(sky_objects), "shot": shot_name, "angle": angle_name, "lens": sorted(lens),
                     "weather": sorted(n for n, w in found["weather"].items() if w > 0),
                     "palette": sorted(n for n, w in found["palette"].items() if w > 0),
                     "colours": sorted(n for n, w in found["colour"].items() if w > 0),
                     "mood": sorted(n for n, w in found["mood"].items() if w > 0),
                     "removed": sorted({*removed}), "unknown_words": unknown, "sky_named": named_sky,
                     "chaos": chaos * 100, "stylize": stylize * 1000, "weird": weird * 3000, "tile": tile}
    if abs(hue) > 1e-3 or accent is not None:
        for attr in ("sky_top", "sky_hor", "sun_col"):
            col = P.hue_rotate(getattr(scene, attr), hue)
            if accent is not None and attr != "sun_col":
                col = P.mix(col, accent * (0.35 + 0.65 * float(col.max())), 0.28 if attr == "sky_hor" else 0.18)
            setattr(scene, attr, col)
        scene.env_cols = {kk: P.hue_rotate(v, hue * 0.6) for kk, v in scene.env_cols.items()}
    if tile:
        scene.vignette = 0.0  # a tile has no edges to darken
    if weird > 0.3:
        scene.sky_top = P.mix(scene.sky_top, 1 - scene.sky_top, (weird - 0.3) * 0.8)
    return scene


# --- drawing (channel-planar: images are (3, h, W) float32) -------------------------------------------------------
def _sky_rows(sc: _Scene, H: int, hor: float) -> np.ndarray:
    y = np.arange(H, dtype=np.float32)
    t = np.clip(y / max(hor, 1.0), 0.0, 1.0) ** 1.7
    rows = sc.sky_top[None, :] + (sc.sky_hor - sc.sky_top)[None, :] * t[:, None]
    return rows.astype(np.float32)  # type: ignore[no-any-return]


def _disc(W: int, H: int, cx: float, cy: float, r: float) -> tuple[int, int, np.ndarray]:
    x0, y0 = int(max(0, cx - r - 2)), int(max(0, cy - r - 2))
    x1, y1 = int(min(W, cx + r + 3)), int(min(H, cy + r + 3))
    if x1 <= x0 or y1 <= y0:
        return 0, 0, np.zeros((0, 0), np.float32)
    yy = np.arange(y0, y1, dtype=np.float32)[:, None] - cy
    xx = np.arange(x0, x1, dtype=np.float32)[None, :] - cx
    d = np.sqrt(xx * xx + yy * yy)
    return x0, y0, np.clip(r - d + 0.5, 0.0, 1.0)


def _glow(rgb: np.ndarray, cx: float, cy: float, sigma: float, strength: float, colour: np.ndarray) -> None:
    """Add a soft round glow, computed only in the box where it is visible."""
    _, H, W = rgb.shape
    r = 3.0 * sigma
    x0, x1 = int(max(0, cx - r)), int(min(W, cx + r + 1))
    y0, y1 = int(max(0, cy - r)), int(min(H, cy + r + 1))
    if x1 <= x0 or y1 <= y0:
        return
    g = P.gauss1d(y1 - y0, cy - y0, sigma)[:, None] * P.gauss1d(x1 - x0, cx - x0, sigma)[None, :]
    rgb[:, y0:y1, x0:x1] += (g * strength)[None] * P.c3(colour)


def _paint_sky(sc: _Scene, hor: float, sun: tuple[float, float]) -> P.Layer:
    """The sky: gradient, light-source glow and clouds drawn small (they are smooth) and upsampled, then
    stars, moon, planet and sun disc at full size."""
    W, H = sc.W, sc.H
    f = (2 if sc.env == "interior" else 4) if min(W, H) >= 64 else 1
    Ws, Hs = max(2, W // f), max(2, H // f)
    fx, fy = W / Ws, H / Hs
    hs = hor / fy
    rows = _sky_rows(sc, Hs, hs)
    img = np.empty((Hs, Ws, 3), np.float32)
    img[:] = rows[:, None, :]
    sx, sy = sun
    if sc.env == "space":
        img *= 0.25
        neb = P.noise2d(Hs, Ws, P.sub_seed(sc.seeds[0][0], "nebula"), cells=(3, 5), octaves=4, rough=0.6)
        m = P.smoothstep(0.05, 0.9, neb)
        c2 = P.hue_rotate(sc.sky_hor, 120.0 + sc.hue) if sc.accent is None else sc.accent
        img += m[..., None] * (0.55 * sc.sky_hor + 0.2 * c2)[None, None, :]
    # the light source: a broad glow and a tight one, separable gaussians
    strength = (0.55 if not sc.night else 0.22) / (1.0 + 0.6 * max(sc.haze - 0.3, 0))
    gx, gy = P.gauss1d(Ws, sx / fx, 0.32 * Ws), P.gauss1d(Hs, sy / fy, 0.3 * Hs)
    gx2, gy2 = P.gauss1d(Ws, sx / fx, 0.05 * Ws), P.gauss1d(Hs, sy / fy, 0.05 * Ws * fx / fy)
    glow = (gy[:, None] * gx[None, :]) * (0.45 * strength) + (gy2[:, None] * gx2[None, :]) * strength
    img += glow[..., None] * sc.sun_col[None, None, :]
    if sc.clouds > 0:
        band = int(max(4, hs))
        n = P.noise2d(band, Ws, P.sub_seed(*sc.seeds[0], "clouds"), cells=(3, 5), octaves=4, rough=0.55)
        n += P.noise2d(band, Ws, P.sub_seed(*sc.seeds[1], "clouds"), cells=(3, 5), octaves=2) * sc.seeds[1][1]
        cover = 0.15 + 0.55 * min(sc.clouds, 1.5)
        m = P.smoothstep(0.55 - cover, 1.0 - cover * 0.6, n)
        m *= P.smoothstep(0.0, 0.35, 1 - np.arange(band, dtype=np.float32) / band)[:, None] * 0.9 + 0.1
        bright = 0.35 + 0.65 * sc.light
        lit = P.mix(np.minimum(rows[:band] * 1.25 + 0.12 * bright, 1.0), sc.sun_col * bright, 0.5)
        dark = P.mix(rows[:band], np.array([0.45, 0.46, 0.5], np.float32) * bright, 0.35) * 0.75
        # light the clouds from the sun: where the cloud thickens towards the light, this side is in shadow
        dx, dy = sx / fx - Ws / 2, sy / fy - band * 0.2
        norm = max(1e-3, math.hypot(dx, dy))
        step = max(1, round(Ws / 90))
        sxp, syp = round(dx / norm * step), round(dy / norm * step)
        toward = np.roll(n, (-syp, -sxp), axis=(0, 1))
        shade = np.clip(0.35 + (toward - n) * 3.0 + 0.25 * (n - 0.3), 0, 1)[..., None]
        ccol = lit[:, None, :] + (dark - lit)[:, None, :] * shade
        ccol += (glow[:band] * 1.2)[..., None] * sc.sun_col
        img[:band] += (ccol - img[:band]) * (m[..., None] * 0.92)
    if sc.env == "interior":
        img = _interior_wall(sc, img, Ws, Hs)
    if abs(sc.saturation - 1.0) > 0.025:  # the grade's saturation, done here on the small image (it is linear)
        lum = img @ (P.LUMA * (1 - sc.saturation))
        img = img * sc.saturation + lum[..., None]
    rgb = P.upsample(img, W, H) if f > 1 else np.ascontiguousarray(img.transpose(2, 0, 1))

    if sc.env == "interior":  # the sky is a wall with a window: no stars, moon or planets on it
        return P.Layer("sky", 0, rgb, np.ones((H, W), np.float32))
    if sc.stars > 0:
        rng = np.random.default_rng(P.sub_seed(sc.seeds[0][0], "stars"))
        n_st = int(W * hor * 0.004 * sc.stars)
        xs = rng.integers(0, W, n_st)
        ys = (rng.random(n_st) ** 1.3 * hor * 0.97).astype(np.int64)
        b = ((rng.random(n_st) ** 3 * 0.9 + 0.1) * (1 - ys / max(hor, 1)) ** 0.5).astype(np.float32)
        rgb[:, ys, xs] += b[None, :] * np.array([0.9, 0.93, 1.0], np.float32)[:, None]
    named = sc.summary.get("sky_named", [])
    for obj in sc.sky_objects:
        if obj == "moon":
            r = H * (0.07 if "moon" in named else 0.045)
            cx, cy = W * (0.2 + 0.6 * sc.u["moon_x"]), hor * (0.22 + 0.25 * sc.u["moon_y"])
            x0, y0, m = _disc(W, H, cx, cy, r)
            if m.size:
                _, _, cut = _disc(W, H, cx + r * 0.45, cy - r * 0.2, r * 1.05)
                if cut.shape == m.shape:
                    m = m * (1 - 0.78 * cut)
                sl = rgb[:, y0:y0 + m.shape[0], x0:x0 + m.shape[1]]
                sl += m[None] * (P.c3([0.95, 0.94, 0.86]) - sl)
                _glow(rgb, cx, cy, r * 2.5, 0.18, np.array([0.8, 0.85, 1.0], np.float32))
        elif obj == "planet":
            r = H * 0.26
            cx, cy = W * (0.15 + 0.7 * sc.u["planet_x"]), hor * 0.42
            x0, y0, m = _disc(W, H, cx, cy, r)
            base = sc.accent if sc.accent is not None else P.hue_rotate(
                np.array([0.78, 0.6, 0.46], np.float32), sc.hue * 4 + 40 * sc.u["planet_x"])
            if m.size:
                hh, ww = m.shape
                yy = (np.arange(y0, y0 + hh, dtype=np.float32)[:, None] - cy) / r
                xx = (np.arange(x0, x0 + ww, dtype=np.float32)[None, :] - cx) / r
                lx = 1.0 if sx > cx else -1.0
                lam = np.clip(0.15 + 0.85 * (xx * lx * 0.8 - yy * 0.3 + 0.2), 0, 1)
                bands = 0.85 + 0.15 * np.sin(yy * 13.0 + 3 * sc.u["planet_x"])
                sl = rgb[:, y0:y0 + hh, x0:x0 + ww]
                sl += m[None] * (P.c3(base) * (lam * bands)[None] - sl)
            ring = [("ellipse", [cx - 1.9 * r, cy - 0.32 * r, cx + 1.9 * r, cy + 0.32 * r]),
                    ("-ellipse", [cx - 1.45 * r, cy - 0.2 * r, cx + 1.45 * r, cy + 0.2 * r])]
            rx0, ry0, rm = P.draw_shapes(W, H, (cx - 1.9 * r, cy - 0.32 * r, cx + 1.9 * r, cy + 0.32 * r), ring)
            if rm.size:
                sl = rgb[:, ry0:ry0 + rm.shape[0], rx0:rx0 + rm.shape[1]]
                sl += (rm * 0.7)[None] * (P.c3(np.minimum(base * 1.1, 1)) - sl)
        elif obj == "sun":
            _sun_disc(sc, rgb, sx, sy, H * 0.04)
    if "sun" not in sc.sky_objects and not sc.night and sc.sun_h < 0.3 and sc.haze < 0.5 \
            and sc.env not in ("interior", "space"):
        _sun_disc(sc, rgb, sx, sy, H * 0.028)
    if sc.flare > 0 and not sc.night:
        sig = max(1.0, 0.006 * H)
        y0, y1 = int(max(0, sy - 4 * sig)), int(min(H, sy + 4 * sig + 1))
        if y1 > y0:
            streak = P.gauss1d(y1 - y0, sy - y0, sig)[:, None] * (0.35 + 0.65 * P.gauss1d(W, sx, 0.4 * W))[None, :]
            rgb[:, y0:y1] += (streak * 0.5 * sc.flare)[None] * P.c3([0.6, 0.8, 1.0])
    return P.Layer("sky", 0, rgb, np.ones((H, W), np.float32))


def _sun_disc(sc: _Scene, rgb: np.ndarray, sx: float, sy: float, r: float) -> None:
    _, H, W = rgb.shape
    x0, y0, m = _disc(W, H, sx, sy, r)
    if m.size:
        sl = rgb[:, y0:y0 + m.shape[0], x0:x0 + m.shape[1]]
        sl += m[None] * (P.c3(np.minimum(sc.sun_col * 1.15 + 0.1, 1.0)) - sl)


def _interior_wall(sc: _Scene, outside: np.ndarray, W: int, H: int) -> np.ndarray:
    """A room's back wall with a window showing the outside sky (small, (h, w, 3))."""
    wall = sc.env_cols["far"] * (0.45 + 0.5 * sc.ambient) + (0.06 if sc.night else 0.0)
    ramp = (0.75 + 0.35 * np.linspace(0, 1, W, dtype=np.float32) ** 0.8)
    if sc.u["sun_x"] < 0.5:
        ramp = ramp[::-1]
    img = np.empty_like(outside)
    img[:] = wall[None, None, :] * ramp[None, :, None]
    wx0 = W * (0.2 + 0.35 * sc.u["subj_side"])
    wx1, wy0, wy1 = wx0 + W * 0.28, H * 0.14, H * 0.62
    x0, x1, y0, y1 = int(wx0), int(wx1), int(wy0), int(wy1)
    img[y0:y1, x0:x1] = outside[y0:y1, x0:x1] * 1.05 + 0.05
    mx, my = (x0 + x1) // 2, (y0 + y1) // 2  # the window's cross bars
    bw = max(1, W // 160)
    img[y0:y1, mx - bw:mx + bw] = wall * 0.5
    img[my - bw:my + bw, x0:x1] = wall * 0.5
    light = P.gauss1d(W, (wx0 + wx1) / 2, W * 0.3)[None, :] * P.gauss1d(H, (wy0 + wy1) / 2, H * 0.4)[:, None]
    img += (light * 0.25 * sc.light)[..., None] * sc.sun_col
    if sc.night:  # a practical lamp on the far side of the room keeps the night interior readable
        lx = W * (0.12 if sc.u["subj_side"] > 0.5 else 0.88)
        lamp = P.gauss1d(W, lx, W * 0.12)[None, :] * P.gauss1d(H, H * 0.55, H * 0.2)[:, None]
        img += (lamp * 0.45)[..., None] * np.array([1.0, 0.72, 0.42], np.float32)
    return img


def _ridge(W: int, seeds: Sequence[tuple[int, float]], tag: str, *, cells: int, octaves: int, rough: float,
           smooth: bool = True) -> np.ndarray:
    return P.noise1d(W, seeds, cells=cells, octaves=octaves, rough=rough, smooth=smooth, tag=tag)


def _spikes(W: int, rng: np.random.Generator, n: int, hmin: float, hmax: float, slope: float) -> np.ndarray:
    """A tree line: the upper envelope of ``n`` conifer triangles."""
    xs = rng.uniform(-0.05 * W, 1.05 * W, n).astype(np.float32)
    hs = rng.uniform(hmin, hmax, n).astype(np.float32)
    x = np.arange(W, dtype=np.float32)
    return np.maximum(0.0, (hs[:, None] - np.abs(x[None, :] - xs[:, None]) * slope).max(axis=0))  # type: ignore


def _buildings(W: int, rng: np.random.Generator, hmin: float, hmax: float, wmin: float, wmax: float) -> np.ndarray:
    """A skyline: building heights per column, with the odd tower, set-back or antenna."""
    top = np.zeros(W, np.float32)
    x = 0
    while x < W:
        w = int(rng.uniform(wmin, wmax) * W) + 2
        h = rng.uniform(hmin, hmax) * (1.6 if rng.random() < 0.12 else 1.0)
        top[x:x + w] = h
        if rng.random() < 0.3 and w > 6:
            a = x + w // 2
            top[a - max(1, w // 6):a + max(1, w // 6)] = h * rng.uniform(1.08, 1.25)
        x += w
    return top


def _lit_columns(sc: _Scene, top: np.ndarray, base: np.ndarray, sun_x: float, *, silhouette: float) -> np.ndarray:
    """Per-column colour (3, W) of a terrain band: sky fill plus sunlight on slopes that face the light."""
    W = sc.W
    k = max(3, W // 48) | 1  # smooth the slope: faces, not per-column streaks
    slope = np.convolve(np.gradient(top), np.ones(k, np.float32) / k, mode="same")
    side = np.sign(sun_x - np.arange(W, dtype=np.float32))
    facing = np.clip(0.6 + 0.45 * np.tanh(slope * side * 1.5), 0.1, 1.2)
    amb = P.mix(sc.sky_hor, sc.sky_top, 0.5) * sc.ambient
    direct = sc.sun_col * sc.light * max(0.15, min(1.0, sc.sun_h + 0.35)) * (1 - silhouette)
    col = base[:, None] * (amb[:, None] * 1.1 + direct[:, None] * facing[None, :])
    if sc.whiten > 0:
        col = P.mix(col, np.maximum(col, (0.85 * (amb + direct * 0.6))[:, None]), min(sc.whiten, 1.0) * 0.6)
    return col.astype(np.float32)  # type: ignore[no-any-return]


def _terrain(sc: _Scene, name: str, top: np.ndarray, base: np.ndarray, sun_x: float, sun_y: float, *,
             silhouette: float, rim: float, shade: float) -> P.Layer:
    W, H = sc.W, sc.H
    if sc.tilt:
        top = top + np.tan(np.deg2rad(sc.tilt)) * (np.arange(W, dtype=np.float32) - W / 2)
    layer, d = P.profile_layer(name, top.astype(np.float32), H)
    cols = _lit_columns(sc, top, base, sun_x, silhouette=silhouette)
    flat = cols.mean(axis=1)  # the same light without the slope term: what the layer fades to lower down
    if shade:  # darker towards the bottom of the layer: a per-row factor, applied while filling
        rows = np.arange(layer.y0, H, dtype=np.float32) - float(np.median(top))
        dim = (1.0 - shade * P.smoothstep(0.0, 0.35 * H, rows))[:, None]
        for c in range(3):
            np.multiply(dim, flat[c], out=layer.rgb[c])
    else:
        layer.rgb[:] = P.c3(flat)
    r1 = int(min(d.shape[0], np.ceil(top.max() - layer.y0 + 0.14 * H)))
    if r1 > 0:  # slopes facing the light are lit near the ridge; lower down the faces merge
        fade = 1.0 - P.smoothstep(0.0, 0.14 * H, d[:r1])
        for c in range(3):
            layer.rgb[c, :r1] += fade * (cols[c] - flat[c])[None, :]
    if sc.whiten > 0 and name in ("far", "mid"):  # snow caps on ridges
        amb = P.mix(sc.sky_hor, sc.sky_top, 0.5) * sc.ambient
        snow = np.minimum(0.9 * (amb * 1.3 + sc.sun_col * sc.light * 0.6), 1.0)
        r1 = int(min(d.shape[0], np.ceil(top.max() - layer.y0 + 0.05 * H + 2)))
        cap = (1 - P.smoothstep(0.0, 0.05 * H, d[:r1])) * min(sc.whiten * 1.8, 0.85)
        layer.rgb[:, :r1] += cap[None] * (P.c3(snow) - layer.rgb[:, :r1])
    if rim > 0 and sc.env != "interior":
        back = P.gauss1d(W, sun_x, 0.28 * W) * rim * (1.0 if sun_y < H else 0.4)
        rw = max(1.5, 0.006 * H)
        r1 = int(min(d.shape[0], np.ceil(top.max() - layer.y0 + rw + 2)))
        rl = np.clip(1.0 - d[:r1] / rw, 0.0, 1.0) * (d[:r1] > -0.5)
        layer.rgb[:, :r1] += (rl * back[None, :])[None] * P.c3(sc.sun_col)
    return layer


def _paint_land(sc: _Scene, hor: float, sun: tuple[float, float]) -> dict[str, P.Layer]:
    """The far, mid and near layers for the scene's environment."""
    W, H = sc.W, sc.H
    sx, sy = sun
    ground = H - hor
    amp = 1.0 + 2.0 * sc.weird * sc.u["amp"]
    low_sun = sc.sun_h < 0.3 or sc.night
    sil = 0.55 if low_sun else 0.0
    cols = sc.env_cols
    e = sc.env
    S = sc.seeds
    dfar = sc.depth
    side = np.linspace(-1, 1, W, dtype=np.float32) * (1 if sc.u["near_side"] > 0.5 else -1)

    def rng(tag: str) -> np.random.Generator:
        return np.random.default_rng(P.sub_seed(*S[0], *S[1], tag))

    if e == "mountains":
        r = _ridge(W, S, "far", cells=3, octaves=6, rough=0.5, smooth=False)
        peaks = 1.0 - np.abs(np.tanh(_ridge(W, S, "peaks", cells=4, octaves=1, rough=0.5, smooth=True)))
        far_top = hor - H * 0.34 * dfar * amp * np.clip(0.2 + 0.55 * peaks + 0.12 * r, 0.04, 1.0)
        m = _ridge(W, S, "mid", cells=2, octaves=5, rough=0.5, smooth=False)
        mid_top = hor + ground * 0.06 - H * 0.13 * amp * np.clip(0.45 + 0.3 * m, 0.05, 1.0)
        n = _ridge(W, S, "near", cells=2, octaves=4, rough=0.5)
        near_top = H - ground * (0.22 + 0.3 * P.smoothstep(-0.3, 1.0, side)) - H * 0.03 * n
    elif e == "desert":
        r = _ridge(W, S, "far", cells=3, octaves=3, rough=0.4)
        far_top = hor - H * 0.07 * dfar * amp * P.smoothstep(0.2, 0.45, r) - H * 0.012 * (r + 1)
        m = _ridge(W, S, "mid", cells=2, octaves=2, rough=0.35)
        mid_top = hor + ground * 0.14 - H * 0.07 * amp * (0.5 + 0.5 * np.tanh(m * 1.2))
        n = _ridge(W, S, "near", cells=1, octaves=2, rough=0.3)
        near_top = H - ground * (0.3 + 0.12 * np.tanh(n)) - H * 0.04 * np.tanh(n * 2)
    elif e == "forest":
        r = _ridge(W, S, "far", cells=2, octaves=4, rough=0.5)
        far_top = hor - H * 0.05 * dfar * (1 + np.tanh(r)) - _spikes(W, rng("ft"), W // 5, H * 0.01, H * 0.05, 2.2)
        m = _ridge(W, S, "mid", cells=2, octaves=3, rough=0.5)
        mid_top = hor + ground * 0.12 - H * 0.02 * (1 + m) - _spikes(W, rng("mt"), W // 12, H * 0.06, H * 0.2, 2.6)
        near_top = H - ground * 0.12 - _spikes(W, rng("nt"), 14, H * 0.25, H * 0.95, 4.5) * (
            P.smoothstep(0.1, 0.7, side) * 0.95 + 0.05)
    elif e == "city":
        far_top = hor - H * dfar * _buildings(W, rng("fb"), 0.05, 0.22, 0.012, 0.04)
        mid_top = hor + ground * 0.2 - H * _buildings(W, rng("mb"), 0.06, 0.22, 0.03, 0.08)
        near_top = H - ground * 0.08 - H * 0.2 * (side > 0.62) - H * 0.04 * (side > 0.5)
    elif e == "space":
        r = _ridge(W, S, "far", cells=4, octaves=5, rough=0.6, smooth=False)
        far_top = hor - H * 0.05 * (1 + np.tanh(r))
        m = _ridge(W, S, "mid", cells=2, octaves=4, rough=0.5)
        mid_top = hor + ground * 0.08 - H * 0.02 * m
        n = _ridge(W, S, "near", cells=3, octaves=4, rough=0.6, smooth=False)
        near_top = H - ground * 0.2 - H * 0.08 * np.maximum(0, n)
    elif e == "ocean":
        r = _ridge(W, S, "far", cells=2, octaves=5, rough=0.5)
        win = P.smoothstep(0.2, 0.5, _ridge(W, S, "farwin", cells=2, octaves=1, rough=0.5))
        far_top = np.minimum(hor - H * 0.06 * dfar * amp * win * (0.6 + 0.4 * np.tanh(r)), hor)
        mid_top = np.full(W, hor, np.float32)
        n = _ridge(W, S, "near", cells=3, octaves=4, rough=0.55, smooth=False)
        xs = np.linspace(0, 1, W, dtype=np.float32)
        grounded = [s for s, _ in sc.subjects if s in ("tower", "figure", "tree", "creature", "vehicle")]
        cx = _subject_xs(sc)[0] if grounded else (0.0 if sc.u["near_side"] < 0.5 else 1.0)
        mound = P.smoothstep(0.0, 1.0, 1 - np.abs(xs - cx) / (0.28 if grounded else 0.35))
        near_top = H + 2 - (ground * 0.42 * mound) - H * 0.025 * n * mound
    elif e == "interior":
        far_top = np.full(W, H + 2.0, np.float32)
        mid_top = np.full(W, H * 0.74, np.float32)
        near_top = H + 1 - H * 0.36 * ((side > 0.45) & (side < 0.95)) - H * 0.2 * (side >= 0.95)
    else:  # plains
        r = _ridge(W, S, "far", cells=2, octaves=5, rough=0.5)
        far_top = hor - H * 0.05 * dfar * amp * (1 + np.tanh(r))
        m = _ridge(W, S, "mid", cells=2, octaves=3, rough=0.45)
        mid_top = hor + ground * 0.1 - H * 0.045 * amp * (1 + np.tanh(m))
        n = _ridge(W, S, "near", cells=1, octaves=3, rough=0.5)
        near_top = H - ground * (0.16 + 0.2 * P.smoothstep(-0.5, 1.0, side)) - H * 0.02 * n

    up = min(1.0, hor / (0.55 * H))  # a high horizon (high angle, aerial) leaves less room above it
    if up < 1.0 and e != "interior":
        far_top = hor - (hor - far_top) * up
        mid_top = np.where(mid_top < hor, hor - (hor - mid_top) * up, mid_top)
    far = _terrain(sc, "far", far_top, cols["far"], sx, sy, silhouette=sil * 0.5, rim=0.25 if low_sun else 0.0,
                   shade=0.0)
    if e == "ocean":
        mid = _water(sc, hor, sun)
    elif e == "interior":
        mid = _terrain(sc, "mid", mid_top, cols["mid"], sx, sy, silhouette=0.0, rim=0.0, shade=0.25)
        pool = (P.gauss1d(W, W * (0.25 + 0.45 * sc.u["subj_side"]), W * 0.16)[None, :] *
                P.gauss1d(mid.h, mid.h * 0.45, mid.h * 0.25)[:, None])
        mid.rgb += (pool * 0.5 * sc.light)[None] * P.c3(sc.sun_col)
    else:
        mid = _terrain(sc, "mid", mid_top, cols["mid"], sx, sy, silhouette=sil * 0.8, rim=0.55 if low_sun else 0.15,
                       shade=0.15)
    near = _terrain(sc, "near", near_top, cols["near"], sx, sy, silhouette=sil, rim=0.8 if low_sun else 0.2,
                    shade=0.3)
    if e == "city":
        _windows(sc, mid, mid_top)
        _windows(sc, far, far_top, small=True)
    if e == "space":
        _craters(sc, mid)
    return {"far": far, "mid": mid, "near": near}


def _windows(sc: _Scene, layer: P.Layer, top: np.ndarray, *, small: bool = False) -> None:
    """Lit windows on a skyline layer (warm, or neon), a grid of cells switched on at random."""
    W = sc.W
    cw = max(3, int(W / (240 if small else 130)))
    ch = int(cw * 1.7)
    h = layer.h
    rng = np.random.default_rng(P.sub_seed(sc.seeds[0][0], "windows", small))
    lit_time = sc.night or sc.time == "dusk"
    p = (0.07 + 0.12 * sc.u["windows"]) if lit_time else 0.1
    rows0 = layer.y0 // ch
    ncy = (layer.y0 + h) // ch - rows0 + 2
    cells = rng.random((ncy, W // cw + 2)).astype(np.float32)
    off = layer.y0 - rows0 * ch

    def big(small: np.ndarray) -> np.ndarray:
        return np.repeat(np.repeat(small, ch, axis=0)[off:off + h], cw, axis=1)[:, :W]

    yy = np.arange(layer.y0, layer.y0 + h)
    px = (np.arange(W) % cw) < max(1, cw * 0.55)
    py = (yy % ch) < max(1, ch * 0.5)
    mask = big(cells < p)
    mask &= px[None, :]
    mask &= py[:, None]
    mask &= (yy[:, None] - top[None, :]) > ch * 0.8
    if sc.neon:
        palette = np.array([[0.2, 0.95, 1.0], [1.0, 0.25, 0.85], [1.0, 0.8, 0.4]], np.float32)
    else:
        palette = np.array([[1.0, 0.78, 0.45], [1.0, 0.88, 0.65], [0.85, 0.9, 1.0]], np.float32)
    which = (cells * 1000).astype(np.int64) % 3
    strength = 0.95 if lit_time else 0.25
    for c in range(3):
        plane = layer.rgb[c]
        np.copyto(plane, plane + (big(palette[which, c]) - plane) * strength, where=mask)


def _craters(sc: _Scene, layer: P.Layer) -> None:
    W = sc.W
    rng = np.random.default_rng(P.sub_seed(sc.seeds[0][0], "craters"))
    shapes = []
    for _ in range(14):
        cx, cy = rng.uniform(0, W), layer.y0 + rng.uniform(0.15, 1.0) ** 1.5 * layer.h
        rx = W * rng.uniform(0.01, 0.06) * (0.4 + (cy - layer.y0) / max(layer.h, 1))
        shapes.append(("ellipse", [cx - rx, cy - rx * 0.28, cx + rx, cy + rx * 0.28]))
    x0, y0, m = P.draw_shapes(W, sc.H, (0, layer.y0, W, sc.H), shapes, ss=1)
    oy = y0 - layer.y0
    if oy < 0:
        m, oy = m[-oy:], 0
    m = m[: layer.h - oy]
    if m.size:
        sl = layer.rgb[:, oy:oy + m.shape[0], x0:x0 + m.shape[1]]
        sl *= (1 - 0.35 * m)[None]


def _water(sc: _Scene, hor: float, sun: tuple[float, float]) -> P.Layer:
    """Open water: the sky reflected, wave streaks, and a glitter path under the light."""
    W, H = sc.W, sc.H
    sx, _ = sun
    y0 = int(max(0, math.floor(hor)))
    h = H - y0
    t = np.linspace(0, 1, max(h, 1), dtype=np.float32)
    mirror = np.clip(hor - (np.arange(y0, H, dtype=np.float32) - hor) * 1.6, 0, H - 1).astype(np.int64)
    rows = _sky_rows(sc, H, hor)[mirror]
    rows = rows * (0.62 - 0.2 * t[:, None]) + sc.env_cols["mid"][None, :] * (0.25 + 0.2 * t[:, None]) * (
        sc.ambient + 0.3)
    streaks = P.noise2d(h, W, P.sub_seed(sc.seeds[0][0], "waves"), cells=(max(4, h // 5), 6), octaves=2)
    rgb = rows.T[:, :, None] * (1.0 + 0.12 * streaks)[None]
    sigma = (0.03 + 0.16 * t) * W
    path = np.exp(-0.5 * ((np.arange(W, dtype=np.float32)[None, :] - sx) / sigma[:, None]) ** 2)
    glint = path * P.smoothstep(0.05, 0.8, streaks) * ((0.9 if not sc.night else 0.5) * (1.0 - 0.5 * t[:, None]))
    if sc.haze > 0.6:
        glint *= 0.5
    rgb += glint[None] * P.c3(sc.sun_col)
    a = np.ones((h, W), np.float32)
    a[0] = min(1.0, max(0.0, y0 + 1 - hor))
    return P.Layer("mid", y0, rgb.astype(np.float32), a)


def _subject_xs(sc: _Scene) -> list[float]:
    """Where subjects stand (fractions of the width): the first on a third, the others balancing it."""
    n = max(1, len(sc.subjects))
    first = 0.33 if sc.u["subj_side"] < 0.5 else 0.67
    first += (sc.u["subj_x"] - 0.5) * 0.12
    xs = [first]
    for i in range(1, n):
        xs.append(float((first + (0.34 if first < 0.5 else -0.34) * (1 + (i - 1) * 0.45)) % 1.0))
    return xs


def _shape(kind: str, cx: float, base: float, h: float, u: float) -> list[tuple[str, list[float]]]:
    """A silhouette in frame pixels: ``cx`` centre, ``base`` the ground line, ``h`` its height."""

    def poly(*pts: float) -> tuple[str, list[float]]:
        return ("poly", [cx + pts[i] * h if i % 2 == 0 else base - pts[i] * h for i in range(len(pts))])

    def ell(x: float, y: float, rx: float, ry: float) -> tuple[str, list[float]]:
        return ("ellipse", [cx + (x - rx) * h, base - (y + ry) * h, cx + (x + rx) * h, base - (y - ry) * h])

    if kind == "figure":  # a standing figure in a long coat: head, shoulders, arms, coat, legs
        ln = (u - 0.5) * 0.04
        return [ell(ln, 0.925, 0.052, 0.064),
                poly(-0.026 + ln, 0.875, 0.026 + ln, 0.875, 0.03 + ln, 0.82, -0.03 + ln, 0.82),
                ell(-0.07 + ln * 0.8, 0.772, 0.048, 0.03), ell(0.07 + ln * 0.8, 0.772, 0.048, 0.03),
                poly(-0.1 + ln * 0.8, 0.8, 0.1 + ln * 0.8, 0.8, 0.115, 0.6, 0.135, 0.36, -0.135, 0.36, -0.115, 0.6),
                poly(-0.105, 0.78, -0.135, 0.77, -0.16, 0.44, -0.125, 0.43),
                poly(0.105, 0.78, 0.135, 0.77, 0.16, 0.44, 0.125, 0.43),
                poly(-0.075, 0.37, -0.062, 0.02, -0.07, 0.0, -0.015, 0.0, -0.01, 0.3, 0.01, 0.3, 0.015, 0.0, 0.07,
                     0.0, 0.062, 0.02, 0.075, 0.37)]
    if kind == "tree":
        shapes = [poly(-0.045, 0.0, 0.045, 0.0, 0.03, 0.5, 0.12, 0.66, 0.1, 0.68, 0.0, 0.58, -0.1, 0.7,
                       -0.12, 0.68, -0.03, 0.5)]
        rng = np.random.default_rng(int(u * 1e6))
        for _ in range(9):
            a, r = rng.uniform(0, 2 * np.pi), rng.uniform(0.0, 0.2)
            sr = rng.uniform(0.11, 0.19)
            shapes.append(ell(np.cos(a) * r * 1.3, 0.72 + np.sin(a) * r * 0.7, sr * 1.15, sr * 0.85))
        return shapes
    if kind == "tower":
        return [poly(-0.085, 0.0, 0.085, 0.0, 0.055, 0.78, -0.055, 0.78),
                poly(-0.085, 0.78, 0.085, 0.78, 0.085, 0.805, -0.085, 0.805),
                poly(-0.04, 0.805, 0.04, 0.805, 0.04, 0.9, -0.04, 0.9),
                poly(-0.06, 0.9, 0.06, 0.9, 0.0, 0.97), poly(-0.005, 0.97, 0.005, 0.97, 0.0, 1.0)]
    if kind == "vehicle":
        return [poly(-1.25, 0.12, 1.25, 0.12, 1.28, 0.42, 1.05, 0.5, 0.55, 0.55, 0.3, 0.95, -0.55, 0.95, -0.85,
                     0.55, -1.25, 0.48), ell(-0.75, 0.16, 0.17, 0.17), ell(0.8, 0.16, 0.17, 0.17)]
    if kind == "boat":
        return [poly(-1.0, 0.22, 1.05, 0.22, 1.25, 0.42, -1.15, 0.42),
                poly(-0.45, 0.42, 0.2, 0.42, 0.15, 0.62, -0.4, 0.62),
                poly(-0.02, 0.42, 0.03, 0.42, 0.02, 1.0, -0.01, 1.0), poly(0.05, 0.96, 0.05, 0.48, 0.75, 0.48)]
    if kind == "animal":  # a deer-like quadruped
        return [ell(0.0, 0.62, 0.42, 0.17), poly(0.3, 0.62, 0.42, 0.74, 0.5, 0.98, 0.6, 0.96, 0.52, 0.6),
                ell(0.62, 0.98, 0.12, 0.07), poly(0.6, 1.02, 0.55, 1.25, 0.58, 1.25, 0.64, 1.04),
                poly(0.66, 1.02, 0.74, 1.22, 0.77, 1.21, 0.7, 1.02),
                poly(-0.34, 0.6, -0.26, 0.6, -0.27, 0.0, -0.32, 0.0), poly(-0.2, 0.6, -0.13, 0.6, -0.15, 0.0,
                                                                          -0.2, 0.0),
                poly(0.2, 0.6, 0.27, 0.6, 0.26, 0.0, 0.21, 0.0), poly(0.3, 0.6, 0.36, 0.6, 0.36, 0.0, 0.31, 0.0),
                poly(-0.4, 0.7, -0.48, 0.66, -0.42, 0.6)]
    if kind == "creature":
        return [ell(0.0, 0.55, 0.62, 0.24), poly(0.35, 0.6, 0.55, 0.72, 0.82, 0.98, 0.92, 0.92, 0.62, 0.5),
                ell(0.92, 0.98, 0.14, 0.08), poly(-0.5, 0.5, -0.55, 0.62, -1.35, 0.38, -1.4, 0.33),
                poly(-0.42, 0.45, -0.28, 0.45, -0.3, 0.0, -0.42, 0.0),
                poly(0.25, 0.45, 0.4, 0.45, 0.38, 0.0, 0.26, 0.0),
                poly(-0.2, 0.4, -0.08, 0.4, -0.1, 0.02, -0.2, 0.02),
                poly(0.42, 0.45, 0.52, 0.45, 0.52, 0.04, 0.44, 0.04)]
    return [ell(0.0, 0.5, 0.3, 0.5)]


def _over(rgb: np.ndarray, a: np.ndarray, ys: slice, xs: slice, colour: np.ndarray, m: np.ndarray) -> None:
    """Paint ``colour`` ((3,) or (3, h, w)) with coverage ``m`` over the band (unpremultiplied alpha-over)."""
    new_a = m + a[ys, xs] * (1 - m)
    sl = rgb[:, ys, xs]
    col = P.c3(colour) if np.ndim(colour) == 1 else colour
    sl += (col - sl) * (m / np.maximum(new_a, 1e-6))[None]
    a[ys, xs] = new_a


def _paint_subjects(sc: _Scene, hor: float, sun: tuple[float, float]) -> P.Layer:
    """Silhouettes (figure, tree, tower, vehicle, boat, creature) with a rim of light on the sun's side."""
    W, H = sc.W, sc.H
    sx, _ = sun
    empty = P.Layer("subject", H - 1, np.zeros((3, 1, W), np.float32), np.zeros((1, W), np.float32))
    if not sc.subjects:
        return empty
    masks: list[tuple[int, int, np.ndarray, str, float, float, float]] = []
    for (kind, hfrac), fx in zip(sc.subjects, _subject_xs(sc)):
        h = hfrac * H * sc.shot * (1 + sc.subject_lift)
        if kind == "tower" and sc.env == "ocean":
            base = H - (H - hor) * 0.32
        elif kind == "boat":
            base = hor + (H - hor) * (0.25 if sc.shot <= 1 else 0.6)
        elif sc.shot >= 2.5:
            base = H + h * 0.28
        else:
            base = hor + (H - hor) * (0.55 + 0.3 * min(1.0, sc.shot - 0.4)) - sc.subject_lift * H
        cx = fx * W
        shapes = _shape(kind, cx, base, h, sc.u["tree_shape"])
        allpts = [v for _, pts in shapes for v in pts]
        box = (min(allpts[0::2]), min(allpts[1::2]), max(allpts[0::2]), max(allpts[1::2]))
        x0, y0, m = P.draw_shapes(W, H, box, shapes)
        if m.size:
            masks.append((x0, y0, m, kind, cx, base, h))
    if not masks:
        return empty
    beams = [mk for mk in masks if mk[3] == "tower" and (sc.night or sc.time in ("dusk", "dawn") or sc.haze > 0.4)]
    ytop = min([y0 for _, y0, *_ in masks] + [int(base - h * 1.25) - 4 for *_, base, h in beams])
    ytop = max(0, ytop)
    band = H - ytop
    rgb = np.zeros((3, band, W), np.float32)
    a = np.zeros((band, W), np.float32)
    amb = P.mix(sc.sky_hor, sc.sky_top, 0.5) * sc.ambient
    base_col = sc.env_cols["near"] * (amb * 0.9 + sc.sun_col * sc.light * 0.25) * (0.7 if sc.night else 1.0)
    base_col = np.clip(base_col, 0, 1).astype(np.float32)
    lamp_col = np.array([1.0, 0.93, 0.75], np.float32)
    for _, _, _, _, cx, base, h in beams:  # a lighthouse beam: a soft wedge of light, fading with distance
        lx, ly = cx, base - h * 0.86
        d = 1.0 if sc.u["sun_x"] < 0.5 else -1.0
        reach = W * 0.9
        wedge = [("poly", [lx, ly - h * 0.015, lx + d * reach, ly - h * 0.35, lx + d * reach, ly + h * 0.12, lx,
                           ly + h * 0.015])]
        bx = (min(lx, lx + d * reach), ly - h * 0.35, max(lx, lx + d * reach), ly + h * 0.12)
        x0, y0, m = P.draw_shapes(W, H, bx, wedge, ss=1)
        if m.size:
            fade = np.exp(-np.abs(np.arange(x0, x0 + m.shape[1], dtype=np.float32) - lx) / (W * 0.35))
            m = P.blur(m, 3.0) * fade[None, :] * 0.42
            _over(rgb, a, slice(y0 - ytop, y0 - ytop + m.shape[0]), slice(x0, x0 + m.shape[1]), lamp_col, m)
        g = h * 0.05
        gx0, gx1 = int(max(0, lx - 3 * g)), int(min(W, lx + 3 * g + 1))
        gy0, gy1 = int(max(ytop, ly - 3 * g)), int(min(H, ly + 3 * g + 1))
        if gx1 > gx0 and gy1 > gy0:
            gl = P.gauss1d(gy1 - gy0, ly - gy0, g)[:, None] * P.gauss1d(gx1 - gx0, lx - gx0, g)[None, :]
            _over(rgb, a, slice(gy0 - ytop, gy1 - ytop), slice(gx0, gx1), lamp_col, gl)
    for x0, y0, m, kind, cx, base, h in masks:
        hh, ww = m.shape
        col = np.empty((3, hh, ww), np.float32)
        col[:] = P.c3(base_col)
        shift = max(1, round(h * 0.012))
        side = 1 if sx > cx else -1
        rim = np.clip(m - np.roll(m, -side * shift, axis=1), 0, 1) * (0.9 if (sc.sun_h < 0.35 or sc.night) else 0.45)
        col += rim[None] * P.c3(sc.sun_col)
        if kind == "tower" and beams:
            ly, lx = int(base - h * 0.86) - y0, int(cx) - x0
            k = max(1, int(h * 0.03))
            col[:, max(0, ly - k):ly + k + 1, max(0, lx - k):lx + k + 1] = P.c3(lamp_col)
        _over(rgb, a, slice(y0 - ytop, y0 - ytop + hh), slice(x0, x0 + ww), col, m)
    return P.Layer("subject", ytop, rgb, np.clip(a, 0, 1))


def _paint_weather(sc: _Scene) -> P.Layer | None:
    """Rain streaks, snowflakes or dust motes in front of everything (their own layer)."""
    W, H = sc.W, sc.H
    if sc.rain <= 0 and sc.snow <= 0 and sc.dust <= 0:
        return None
    from PIL import Image

    rng = np.random.default_rng(P.sub_seed(sc.seeds[0][0], "weather"))
    a = np.zeros((H, W), np.float32)
    colour = np.clip(P.mix(sc.sky_hor, np.ones(3, np.float32), 0.5), 0, 1)
    if sc.rain > 0:
        L = max(4, H // 24)
        lo = (rng.random((H // L + 2, W)) < 0.05 * min(sc.rain, 1.5)).astype(np.float32)
        lo *= rng.uniform(0.3, 1.0, lo.shape).astype(np.float32)
        streak = np.ascontiguousarray(np.repeat(lo, L, axis=0)[:H])
        im = Image.fromarray(streak).transform((W, H), Image.Transform.AFFINE, (1, 0.12, 0, 0, 1, 0),
                                                         Image.Resampling.BILINEAR)
        a = np.maximum(a, np.asarray(im) * 0.35)
    if sc.snow > 0:
        for div, dens, peak in ((2, 0.004, 0.55), (4, 0.0025, 0.8), (7, 0.0012, 0.9)):
            h, w = max(2, H // div), max(2, W // div)
            lo = (rng.random((h, w)) < dens * min(sc.snow, 1.5)).astype(np.float32)
            lo *= rng.uniform(0.4, 1.0, lo.shape).astype(np.float32)
            big = np.asarray(Image.fromarray(lo).resize((W, H), Image.Resampling.BICUBIC))
            a = np.maximum(a, np.clip(big * 1.4, 0, peak))
        colour = np.array([0.95, 0.96, 1.0], np.float32)
    if sc.dust > 0:
        n = int(W * H * 0.0015 * min(sc.dust, 1.5))
        ys, xs = rng.integers(0, H, n), rng.integers(0, W, n)
        a[ys, xs] = np.maximum(a[ys, xs], rng.uniform(0.2, 0.7, n).astype(np.float32))
        if sc.dust_tint is not None:
            colour = P.mix(colour, sc.dust_tint, 0.6)
    if sc.env == "interior":  # indoors the weather is only seen through the window
        wx0 = int(W * (0.2 + 0.35 * sc.u["subj_side"]))
        inside = np.zeros_like(a)
        inside[int(H * 0.14):int(H * 0.62), wx0:wx0 + int(W * 0.28)] = 1.0
        a *= inside
    rgb = np.empty((3, H, W), np.float32)
    rgb[:] = P.c3(colour)
    return P.Layer("weather", 0, rgb, a)


# --- grade and composite ------------------------------------------------------------------------------------------
def _lut(sc: _Scene) -> np.ndarray:
    """A per-channel tone curve (3×256): lift, contrast S-curve, split toning, warmth."""
    x = np.linspace(0, 1, 256, dtype=np.float32)
    y = x * (1 - sc.lift) + sc.lift + sc.brightness
    c = sc.contrast
    s = y * y * (3 - 2 * np.clip(y, 0, 1))
    y = y + (s - y) * min(c * 1.6, 1.0) if c >= 0 else 0.5 + (y - 0.5) * max(0.2, 1 + c * 0.8)
    out = np.empty((3, 256), np.float32)
    for ch in range(3):
        t = sc.tone * ((sc.shadows[ch] - 0.5) * (1 - x) ** 2 + (sc.highlights[ch] - 0.5) * x ** 2) * 0.9
        w = sc.warmth * (0.55 if ch == 0 else (-0.55 if ch == 2 else 0.1)) * 0.5
        out[ch] = y + t + w
    return np.clip(np.round(out * 255), 0, 255).astype(np.uint8)


Band = tuple[str, int, np.ndarray]  # (layer name, first row, planar RGBA uint8 (4, h, W))


def _finish(sc: _Scene, layers: list[P.Layer], hor: float) -> list[Band]:
    """Depth haze, texture, saturation and vignette per layer, then the tone curve, to uint8.

    Every step works per pixel (the vignette is a multiplication, which alpha-over commutes with), so the
    finished layers still composite to the finished frame.
    """
    W, H = sc.W, sc.H
    depth_of = {"sky": 0.0, "far": 1.0, "mid": 0.55 * sc.depth ** 0.5, "near": 0.12, "subject": 0.22 / sc.shot,
                "weather": 0.0}
    fog_grey = np.array([0.78, 0.8, 0.83], np.float32) * (0.35 + 0.65 * float(sc.sky_hor.max()))
    haze_col = P.mix(P.mix(sc.sky_hor, sc.sky_top, 0.3), fog_grey, min(1.0, max(0.0, sc.haze - 0.3)))
    if sc.dust_tint is not None:
        haze_col = P.mix(haze_col, sc.dust_tint * float(sc.sky_hor.max()), 0.55)
    # painterly texture: smooth noise made at half size and doubled (its steps are far below one grey level)
    tex = P.noise2d(max(2, (H + 1) // 2), max(2, (W + 1) // 2), P.sub_seed(sc.seeds[0][0], "texture"),
                    cells=(H // 48 + 2, W // 48 + 2), octaves=2)
    tex = np.repeat(np.repeat(tex, 2, axis=0), 2, axis=1)[:H, :W]
    vx = 1 - sc.vignette * (np.linspace(-1, 1, W, dtype=np.float32) ** 2) * 0.6
    vy = 1 - sc.vignette * (np.linspace(-1, 1, H, dtype=np.float32) ** 2) * 0.6
    rows_tex = sc.texture * (0.45 + 0.55 * P.smoothstep(hor * 0.6, hor, np.arange(H, dtype=np.float32)))
    factor = (1.0 + rows_tex[:, None] * tex) * (vy[:, None] * (vx * 255.0)[None, :])
    lut = _lut(sc)
    s = sc.saturation
    out: list[Band] = []
    for lay in layers:
        rgb, a, y0, h = lay.rgb, lay.alpha, lay.y0, lay.h
        if lay.name == "weather":  # one flat colour: grade a single pixel
            px = rgb[:, :1, :1]
            lum1 = float((px[:, 0, 0] * P.LUMA).sum())
            px = np.clip((px * s + lum1 * (1 - s)) * 255.0, 0, 255).astype(np.uint8)
            u8 = np.empty((4, h, W), np.uint8)
            for ch in range(3):
                u8[ch] = lut[ch][px[ch, 0, 0]]
            u8[3] = np.clip(a * 255 + 0.5, 0, 255).astype(np.uint8)
            out.append((lay.name, y0, u8))
            continue
        hz = 1.0 - math.exp(-sc.haze * 2.4 * depth_of.get(lay.name, 0.3))
        if lay.name in ("far", "mid") and sc.ground_fog > 0:
            rows = np.arange(y0, y0 + h, dtype=np.float32)
            band = P.smoothstep(hor - 0.25 * H, hor + 0.1 * H, rows) * (1 - P.smoothstep(hor + 0.1 * H, H, rows))
            hzr = np.clip(hz + 0.45 * sc.ground_fog * band * (1 if lay.name == "far" else 0.7), 0, 0.97)
            for c in range(3):  # in place, plane by plane: no big temporaries
                rgb[c] *= (1 - hzr)[:, None]
                rgb[c] += (haze_col[c] * hzr)[:, None]
        elif hz > 0.002:
            rgb *= 1 - hz
            rgb += P.c3(haze_col * hz)
        if abs(s - 1.0) > 0.025 and lay.name != "sky":  # (the sky was saturated small, in _paint_sky)
            k = P.LUMA * (1 - s)
            lum = rgb[0] * k[0]
            lum += rgb[1] * k[1]
            lum += rgb[2] * k[2]
            rgb *= s
            rgb += lum[None]
        rgb *= factor[None, y0:y0 + h] if lay.name != "weather" else 255.0
        np.clip(rgb, 0, 255, out=rgb)
        c8 = rgb.astype(np.uint8)
        u8 = np.empty((4, h, W), np.uint8)
        for ch in range(3):
            np.take(lut[ch], c8[ch], out=u8[ch])
        a8 = a * 255
        a8 += 0.5
        u8[3] = a8  # alpha is within 0..1: no clip needed
        out.append((lay.name, y0, u8))
    return out


def _tile_bands(bands: Sequence[Band], W: int, H: int) -> list[Band]:
    """Make every layer wrap seamlessly (``--tile``): blend it with itself shifted by half the frame.

    Near the frame's edges the shifted copy shows, whose pixels there were neighbours in the middle of the
    frame, so left meets right and top meets bottom. Blending is done on premultiplied colour, layer by layer;
    alpha-over is per pixel, so the tiled layers still composite to a tiled frame.
    """
    wx = 1 - np.abs(np.linspace(-1, 1, W, dtype=np.float32))
    wy = 1 - np.abs(np.linspace(-1, 1, H, dtype=np.float32))
    wmask = np.clip((wx[None, :] * wy[:, None]) * 4, 0, 1) ** 0.7
    out: list[Band] = []
    for name, y0, band in bands:
        pre = np.zeros((4, H, W), np.float32)
        pre[:, y0:y0 + band.shape[1]] = band
        pre[:3] *= pre[3] * (1 / 255)
        rolled = np.roll(pre, (H // 2, W // 2), axis=(1, 2))
        pre -= rolled
        pre *= wmask[None]
        pre += rolled
        a = pre[3]
        pre[:3] *= 255.0 / np.maximum(a, 1e-3)
        pre += 0.5
        np.clip(pre, 0, 255, out=pre)
        out.append((name, 0, pre.astype(np.uint8)))
    return out


def _composite_bands(bands: Sequence[Band], W: int, H: int) -> np.ndarray:
    """Alpha-over planar uint8 bands, in order, into an (H, W, 3) uint8 frame."""
    out = np.zeros((3, H, W), np.float32)
    for _, y0, lay in bands:
        a8 = lay[3]
        if a8.min() == 255:
            out[:, y0:y0 + lay.shape[1]] = lay[:3]
            continue
        rows = np.nonzero(a8.any(axis=1))[0]
        if rows.size == 0:
            continue
        r0, r1 = int(rows[0]), int(rows[-1]) + 1
        opaque = np.nonzero(a8[r0:r1].min(axis=1) < 255)[0]  # rows with some transparency
        r_end = r0 + (int(opaque[-1]) + 1 if opaque.size else 0)  # below this every row is opaque
        if r_end < r1:
            out[:, y0 + r_end:y0 + r1] = lay[:3, r_end:r1]
        if r_end > r0:
            a = a8[r0:r_end].astype(np.float32)
            a *= 1 / 255
            o = out[:, y0 + r0:y0 + r_end]
            d = lay[:3, r0:r_end] - o
            d *= a[None]
            o += d
    out += 0.5
    return np.ascontiguousarray(out.astype(np.uint8).transpose(1, 2, 0))


def composite(layers: Mapping[str, np.ndarray] | Sequence[np.ndarray]) -> np.ndarray:
    """Alpha-over RGBA uint8 layers (in order: sky, far, mid, near, subject, weather) into an RGB frame.

    >>> import numpy as np
    >>> sky = np.zeros((2, 2, 4), np.uint8); sky[..., 2] = 200; sky[..., 3] = 255
    >>> top = np.zeros((2, 2, 4), np.uint8); top[0, 0] = (255, 0, 0, 255)
    >>> composite({"sky": sky, "subject": top})[:, :, 0].tolist()
    [[255, 0], [0, 0]]
    """
    if isinstance(layers, Mapping):
        order = [n for n in LAYER_ORDER if n in layers] + [n for n in layers if n not in LAYER_ORDER]
        seq = [np.asarray(layers[n]) for n in order]
    else:
        seq = [np.asarray(x) for x in layers]
    H, W = seq[0].shape[:2]
    return _composite_bands([("", 0, x.transpose(2, 0, 1)) for x in seq], W, H)


@dataclass(frozen=True)
class PrevizFrame:
    """One rendered previz frame: the RGB image, its RGBA layers, and what the prompt was read as."""

    image: np.ndarray
    bands: Sequence[Band] = field(repr=False)
    scene: Mapping[str, Any]
    prompt: str
    seed: int

    @property
    def size(self) -> tuple[int, int]:
        return (int(self.image.shape[1]), int(self.image.shape[0]))

    @functools.cached_property
    def layers(self) -> dict[str, np.ndarray]:
        """Each layer as a full-frame (H, W, 4) RGBA uint8 array, in compositing order."""
        H, W = self.image.shape[:2]
        full: dict[str, np.ndarray] = {}
        for name, y0, band in self.bands:
            arr = np.zeros((H, W, 4), np.uint8)
            arr[y0:y0 + band.shape[1]] = band.transpose(1, 2, 0)
            full[name] = arr
        return full

    def layer_images(self) -> dict[str, Any]:
        """Each layer as a full-frame RGBA ``PIL.Image`` (built plane by plane, without interleaving in numpy)."""
        from PIL import Image

        H, W = self.image.shape[:2]
        out = {}
        for name, y0, band in self.bands:
            im = Image.new("RGBA", (W, H), (0, 0, 0, 0))
            part = Image.merge("RGBA", [Image.fromarray(np.ascontiguousarray(band[c])) for c in range(4)])
            im.paste(part, (0, y0))
            out[name] = im
        return out

    def composite(self) -> np.ndarray:
        """The layers alpha-composited again (equals :attr:`image`)."""
        return composite(self.layers)

    def _repr_png_(self) -> bytes:
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(self.image).save(buf, format="PNG")
        return buf.getvalue()


def render_previz(prompt: Any, *, seed: int | None = None, index: int = 0, size: tuple[int, int] | None = None,
                  scale: float = 1.0, variations: Sequence[tuple[int, float]] = ()) -> PrevizFrame:
    """Render candidate ``index`` of a previz job for ``prompt`` (pure: no files, no network).

    Parameters
    ----------
    prompt : str or Prompt
        Midjourney-style text; ``--ar``, ``--seed``, ``--chaos``, ``--stylize``, ``--no``, ``--tile`` and
        ``--weird`` are honoured.
    seed : int, optional
        Overrides the prompt's ``--seed`` (default: that, else a stable hash of the prompt).
    index : int
        Which of a job's four candidates (0–3); ``--chaos`` sets how different they are.
    size : (width, height), optional
        Pixel size; default Midjourney's size for ``--ar``, times ``scale``.
    variations : sequence of (seed, amount)
        Variation steps applied on top (``amount`` 0–1: subtle ≈ 0.16, strong ≈ 0.6).

    Examples
    --------
    >>> a = render_previz("desert at dusk, lone figure", seed=1, size=(96, 54))
    >>> b = render_previz("desert at dusk, lone figure", seed=1, size=(96, 54))
    >>> bool((a.image == b.image).all()), a.size
    (True, (96, 54))
    """
    p = read_prompt(prompt)
    seed = default_seed(p) if seed is None else int(seed) % 2**32
    if size is None:
        w, h = previz_size(_param(p, "aspect"))
        size = (max(16, round(w * scale)), max(16, round(h * scale)))
    W, H = int(size[0]), int(size[1])
    if W < 16 or H < 16 or W * H > 40_000_000:
        raise MediaError(f"previz size {W}×{H} is out of range; use between 16×16 and about 6000×6000 pixels.")
    sc = _plan(p, seed=seed, index=index, W=W, H=H, variations=variations)
    hor = sc.horizon * H
    if sc.night:
        sun = (W * (0.2 + 0.6 * sc.u["moon_x"]), hor * (0.22 + 0.25 * sc.u["moon_y"]))
    else:
        sun = (W * (0.18 + 0.64 * sc.u["sun_x"]), hor - max(-0.3, sc.sun_h) * hor * 0.85 - 0.04 * H)
    sky = _paint_sky(sc, hor, sun)
    land = _paint_land(sc, hor, sun)
    layers = [sky, land["far"], land["mid"], land["near"], _paint_subjects(sc, hor, sun)]
    if sc.blur > 0:  # shallow depth of field: the distance goes soft
        for lay, k in ((layers[1], 1.0), (layers[2], 0.6)):  # (the sky is soft already)
            f = 1 + sc.blur * k * W / 180
            lay.rgb = P.blur(lay.rgb, f)
            lay.alpha = P.blur(lay.alpha, f)
    weather = _paint_weather(sc)
    if weather is not None:
        layers.append(weather)
    bands = _finish(sc, layers, hor)
    if sc.tile:
        bands = _tile_bands(bands, W, H)
    image = _composite_bands(bands, W, H)
    summary = {k: v for k, v in sc.summary.items() if k != "sky_named"}
    return PrevizFrame(image=image, bands=tuple(bands), scene=summary, prompt=str(p), seed=seed)


# --- the provider --------------------------------------------------------------------------------------------------
_VARY = {False: 0.16, True: 0.6}


def _png_info(prompt: str, seed: int, what: str) -> Any:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", f"filmkit {MODEL}")
    info.add_text("Description", f"filmkit previz frame ({what}): an offline pre-visualisation sketch drawn from the "
                                 "prompt's words, not an image from Midjourney, Runway or any AI model.")
    info.add_itxt("Prompt", prompt)
    info.add_text("Seed", str(seed))
    info.add_text("Provider", "previz")
    return info


def _save_frame(frame: PrevizFrame, out_dir: Path, stem: str, what: str) -> tuple[Path, dict[str, Path]]:
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stem}.png"
    tmp = out_dir / f".{stem}.png.tmp"
    Image.fromarray(frame.image).save(tmp, format="PNG", pnginfo=_png_info(frame.prompt, frame.seed, what),
                                      compress_level=4)
    os.replace(tmp, path)
    layers: dict[str, Path] = {}
    for name, im in frame.layer_images().items():
        lp = out_dir / f"{stem}.{name}.png"
        tmp = out_dir / f".{stem}.{name}.png.tmp"
        im.save(
            tmp, format="PNG", pnginfo=_png_info(frame.prompt, frame.seed, f"{what}, layer {name}"), compress_level=1)
        os.replace(tmp, lp)
        layers[name] = lp
    return path, layers


class PrevizProvider:
    """The offline provider: previz frames from prompts, local camera moves for image-to-video.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> assets = PrevizProvider().text_to_image("foggy forest at dawn", seed=3, out_dir=out, scale=0.1)
    >>> len(assets), assets[0].provenance.provider, assets[0].provenance.model, sorted(assets[0].layers)[:2]
    (4, 'previz', 'previz-1', ['far', 'mid'])
    """

    name = "previz"
    model = MODEL
    video_model = MOTION_MODEL

    def __init__(self, **_: Any) -> None:
        pass

    def _candidate(self, request: Mapping[str, Any], *, out_dir: Path, what: str, parents: Sequence[str],
                   operation: str) -> Asset:
        frame = render_previz(request["prompt"], seed=request["seed"], index=request["index"],
                              size=(int(request["size"][0]), int(request["size"][1])),
                              variations=[(int(v[0]), float(v[1])) for v in request.get("variations", [])])
        digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()[:10]
        path, layers = _save_frame(frame, out_dir, f"previz-{request['seed']}-{request['index']}-{digest}", what)
        prov = Provenance(provider=self.name, model=self.model, prompt=frame.prompt, seed=int(request["seed"]),
                          parents=tuple(parents), operation=operation, request=dict(request),
                          notes="previz: a local pre-visualisation frame, not a generated image")
        return Asset.from_file(path, prov, layers=layers)

    def text_to_image(self, prompt: Any, *, seed: int | None = None, out_dir: Path, references: Any = (),
                      n: int = 4, scale: float = 1.0, size: tuple[int, int] | None = None,
                      **options: Any) -> list[Asset]:
        """A job's candidates (four by default) for ``prompt``, saved as PNGs with their layers."""
        if options:
            raise StudioError(f"previz does not understand option(s) {', '.join(sorted(options))}; it takes n=, "
                              "scale= and size=. Put look changes in the prompt (e.g. --stylize 500).")
        p = read_prompt(prompt)
        seed = default_seed(p) if seed is None else int(seed) % 2**32
        if size is None:
            w, h = previz_size(_param(p, "aspect"))
            size = (max(16, round(w * scale)), max(16, round(h * scale)))
        refs = references.values() if isinstance(references, Mapping) else references
        parents = [(r[1] if isinstance(r, tuple) else r) for r in refs]
        parent_ids = [r.id if isinstance(r, Asset) else Asset.from_file(r).id for r in parents]
        return [self._candidate({"prompt": str(p), "seed": seed, "index": i, "size": list(size)},
                                out_dir=Path(out_dir), what=f"candidate {i + 1} of {n}", parents=parent_ids,
                                operation="text_to_image") for i in range(n)]

    def _request_of(self, image: Asset) -> dict[str, Any]:
        req = dict(image.provenance.request or {})
        if image.provenance.provider != self.name or not {"prompt", "seed", "index", "size"} <= set(req):
            raise StudioError(f"asset {image.id} was not made by previz, so previz cannot re-render it; make a "
                              "previz job with fk.generate(prompt) and vary or upscale one of its candidates.")
        return req

    def upscale(self, image: Asset, *, out_dir: Path, factor: int = 2) -> Asset:
        """The same candidate rendered again at ``factor``× the size (sharper, not just resized)."""
        req = self._request_of(image)
        req["size"] = [int(req["size"][0]) * factor, int(req["size"][1]) * factor]
        return self._candidate(req, out_dir=Path(out_dir), what=f"upscale {factor}x", parents=[image.id],
                               operation="upscale")

    def variations(self, image: Asset, *, strong: bool = False, seed: int | None = None, out_dir: Path,
                   n: int = 4) -> list[Asset]:
        """``n`` variations of a candidate: subtle (same layout, small changes) or strong."""
        req = self._request_of(image)
        vseed = int(seed) if seed is not None else int(image.id[:8] or "0", 16) ^ (1 if strong else 0)
        base = list(req.get("variations", []))
        out = []
        for i in range(n):
            r = dict(req, variations=base + [[P.sub_seed(vseed, i), _VARY[bool(strong)]]])
            out.append(self._candidate(r, out_dir=Path(out_dir), what=f"{'strong' if strong else 'subtle'} "
                                       f"variation {i + 1} of {n}", parents=[image.id],
                                       operation="vary_strong" if strong else "vary_subtle"))
        return out

    def image_to_video(self, image: Asset, *, prompt_text: str = "", seconds: float = 5.0, seed: int | None = None,
                       out_dir: Path, fps: float = 24, zoom: float = 1.2, **options: Any) -> Asset:
        """An honest local camera move (a slow push-in) on the still, saved as mp4: not a generated video."""
        from ..clip import as_rgb_array

        if options:
            raise StudioError(f"previz image_to_video does not understand {', '.join(sorted(options))}; it takes "
                              "seconds=, fps= and zoom=.")
        if seconds <= 0:
            raise StudioError(f"seconds must be positive; got {seconds}.")
        arr = as_rgb_array(image)
        h, w = arr.shape[:2]
        size = (w - w % 2, h - h % 2)
        try:
            from ..camera import push_in  # the motion engineer's camera moves, when present

            clip = push_in(image, seconds=seconds, fps=fps, size=size, zoom=zoom)
        except ImportError:
            clip = _push_in(arr, seconds=seconds, fps=fps, size=size, zoom=zoom)
        prov = Provenance(provider=self.name, model=MOTION_MODEL, prompt=prompt_text or image.provenance.prompt,
                          seed=seed, parents=(image.id,), operation="image_to_video",
                          request={"image": image.id, "prompt_text": prompt_text, "seconds": seconds, "fps": fps,
                                   "zoom": zoom},
                          notes="previz motion: a local camera push-in on the still, not a generated video")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"previz-motion-{image.id}-{int(seconds * 1000)}.mp4"
        tmp = out / f".{path.stem}.tmp.mp4"
        asset = clip.save(tmp, provenance=prov, progress=False)
        os.replace(tmp, path)
        return dataclasses.replace(asset, path=path.resolve())


def _push_in(arr: np.ndarray, *, seconds: float, fps: float, size: tuple[int, int], zoom: float) -> Any:
    """A simple eased zoom into the centre (used until ``filmkit.camera`` exists)."""
    from PIL import Image

    from ..clip import Clip

    im = Image.fromarray(arr)
    W, H = im.size
    n = max(1, round(seconds * fps))

    def frame(i: int) -> np.ndarray:
        t = i / max(1, n - 1)
        e = t * t * (3 - 2 * t)
        z = 1 + (zoom - 1) * e
        cw, ch = W / z, H / z
        box = ((W - cw) / 2, (H - ch) / 2, (W + cw) / 2, (H + ch) / 2)
        return np.asarray(im.resize(size, Image.Resampling.BILINEAR, box=box))

    return Clip(frame_fn=frame, fps=fps, n_frames=n, size=size, label="previz push-in")
