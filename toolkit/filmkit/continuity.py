"""Continuity: does a sequence hold together? Palette drift, exposure and white-balance jumps, and pacing.

A longer film needs continuity of palette, light and rhythm, or the audience loses the thread. A script
supervisor watches for it on set; in a generated film nobody does, because every shot was made on its own.
:func:`continuity_report` measures every shot of a sequence and lists what breaks, with the fix for each:

- **palette drift**: a shot whose colour (its central colour in CIELAB) is far, in CIEDE2000, from the
  sequence's reference (a style palette or key image if you give one, else the median of all shots);
- **exposure jump** and **white-balance (warmth) jump** across a cut, between adjacent shots;
- **pacing**: a shot much longer than the others, near-identical lengths across many shots (monotony), an
  average shot length far from a target, and cuts that miss the music's beats.

:func:`match_colour` is the usual fix for drift (Reinhard's mean/standard-deviation transfer in CIELAB, on a
still or lazily on every frame of a clip), and :func:`detect_cuts` finds the hard cuts in a rendered film
(frame-difference peaks; a crossfade or a morph is gradual and is *not* found: give those cut times yourself).

How the thresholds were chosen
------------------------------
Measured on previz stills (``fk.generate(..., scale=0.25)`` resized to 320×180), eight compositions of a
misty harbour (wide, close-up, a figure, gulls, the quay …) at each of dawn, dusk, night and noon:

- A shot's **central colour** is the interquartile mean of each L*a*b* channel (the mean of the middle half of
  its pixels): as robust as the median to a dark hull or a bright sun, without the median's jump when a frame
  is half sky, half sea and the horizon moves a few pixels.
- **Drift** is measured on colour only: the shot's central colour is compared with the reference's *as if
  exposed like it* (an exposure change scales L*+16, a* and b* together, so those are rescaled), so a darker shot is an exposure finding, not a colour one (one fault, one finding,
  one fix). Eight dawn shots of different content stay within 0.2–1.1 ΔE2000 of their median: about one
  just-noticeable difference (1–2); the same shot darkened or brightened (sRGB ×0.5 to ×1.2) stays where it
  was (0.9 instead of 1.0). The eight at dusk sit 5.6–8.1 away, a mild warm grade (R ×1.07, B ×0.92) 6.5,
  night 15.5–17.8 and noon 16.9–18.9 (a mood shift is 10+). The threshold, **3.0**, is over twice the largest
  change that content alone makes and well below the smallest change of time of day; **major** from 6.
- **Exposure** is the central L* (the frame's middle grey), not the mean: a dark hull filling a close-up pulls
  the mean down 9 L* without any change of light (the central L* moves 6). Adjacent dawn shots differ by up to
  5.8; one stop darker (sRGB values ×0.7) moves it about 16.6. The threshold, **8** L*, is about half a stop,
  above what content does; **major** from 16 (a stop).
- **Warmth** is the mean b* (yellow +, blue −) as if the shot were exposed at middle grey (b* × 66/(L*+16),
  for the same reason: a darker shot is not a cooler one). Adjacent dawn shots differ by up to 2.1, the mild warm
  grade adds 6.5, and one stop darker changes it by 0.1. Threshold **5**; **major** from 10.
- **Pacing**: a shot longer than **2×** the median length holds the film up (the fix trims it to 1.5× the
  median); five or more shots whose lengths vary by less than **10 %** (coefficient of variation) beat like a
  metronome; an average shot length more than **25 %** off a target changes the film's tempo; a cut more than
  **0.1 s** (two or three frames) from the nearest beat reads as off the music.

Every threshold is a keyword argument: a flashback that is *meant* to drift is told to the report with
``intended=["memory"]`` (its findings become notes that do not fail the report), or with a higher ``drift=``.

Examples
--------
>>> import numpy as np, filmkit as fk
>>> dawn = np.zeros((36, 64, 3), np.uint8); dawn[:] = (200, 170, 140)
>>> dusk = np.zeros((36, 64, 3), np.uint8); dusk[:] = (150, 120, 170)
>>> report = fk.continuity_report([dawn, dawn, dusk, dawn], names=["a", "b", "c", "d"], seconds=3)
>>> [(f.kind, f.shot) for f in report.by_kind("drift")]
[('drift', 'c')]
>>> fixed = fk.match_colour(dusk, dawn)
>>> report.with_shot("c", fixed).by_kind("drift")
[]
"""
from __future__ import annotations

import base64
import dataclasses
import html
import io
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import FilmkitError, MediaError
from .look import Palette, _ciede2000, _colour, lab_to_rgb, palette, rgb_to_lab

__all__ = [
    "KINDS",
    "THRESHOLDS",
    "ContinuityReport",
    "Finding",
    "ShotMeasure",
    "continuity_report",
    "detect_cuts",
    "match_colour",
]

#: What the report looks for, and what each kind means.
KINDS = {
    "drift": "the shot's colour is far from the sequence's reference (ΔE2000, as if exposed like it)",
    "exposure": "the middle grey (central L*) jumps at a cut; measure: this shot's L* minus its neighbour's",
    "warmth": "the white balance (mean b* at middle grey; yellow +, blue −) jumps at a cut; measure: as above",
    "long": "the shot is much longer than the others (× the median length)",
    "monotony": "many shots of nearly the same length (coefficient of variation of the lengths)",
    "asl": "the average shot length is far from the target (seconds)",
    "off_beat": "the cut into this shot misses the nearest beat (seconds)",
}

#: The default thresholds; the module docstring says how they were measured.
THRESHOLDS = {"drift": 3.0, "exposure": 8.0, "warmth": 5.0, "long": 2.0, "monotony": 0.10, "monotony_min": 5,
              "asl": 0.25, "beat": 0.10}

_MEASURE_WIDTH = 160


# --- values ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One thing the report flags: what kind, in which shot, how bad, the value measured, and the fix.

    ``shot`` is the shot's name, or ``None`` for the whole sequence (monotony, average shot length).
    ``severity`` is ``"minor"`` (past the threshold), ``"major"`` (past twice the threshold) or ``"intended"``
    (you told the report the shot is meant to differ).

    Examples
    --------
    >>> f = Finding("drift", "dusk", "major", 7.1, "shot 'dusk' drifts ΔE 7.1 from the reference", "regrade it")
    >>> f.kind, f.shot, f.measure
    ('drift', 'dusk', 7.1)
    """

    kind: str
    shot: str | None
    severity: str
    measure: float
    message: str
    fix: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.message}"


@dataclass(frozen=True)
class ShotMeasure:
    """What the report measured in one shot.

    ``lab`` is the central colour (L*, a*, b*; interquartile means), ``exposure`` the central L*, ``warmth`` the mean b* at middle grey, ``seconds``
    the length (``None`` for a still given no length), ``start`` where it begins in the sequence, ``drift``
    the ΔE2000 (at equal lightness) from the reference, ``palette`` the 5 dominant colours.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> grey = np.full((18, 32, 3), 119, np.uint8)
    >>> m = fk.continuity_report([grey, grey], seconds=2).shots[0]
    >>> m.name, round(m.exposure), m.seconds
    ('shot 1', 50, 2.0)
    """

    name: str
    index: int
    lab: tuple[float, float, float]
    exposure: float
    warmth: float
    palette: Palette
    seconds: float | None
    start: float | None
    drift: float
    thumbnail: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class _Source:
    name: str
    frames: tuple[np.ndarray, ...]
    seconds: float | None
    original: Any
    start: float | None = None


# --- the report ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ContinuityReport:
    """Every shot measured, and the findings: shows itself in a notebook as palette strips and a table.

    Read it with ``.findings``, ``.ok`` (nothing flagged but intended differences), ``.by_kind("drift")``,
    ``.flagged("long")`` (the names), ``report["dusk"]`` (one shot's measures), ``.suggested_fixes()``,
    ``.plot()`` and ``.to_dict()``. ``.with_shot(name, new_source)`` or ``.with_shot(name, seconds=4)`` measures
    the sequence again with one shot replaced or trimmed, with the same settings.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> a = np.full((18, 32, 3), 120, np.uint8)
    >>> report = fk.continuity_report([a, a, a, a], seconds=[2, 2, 9, 2])
    >>> report.ok, report.flagged("long")
    (False, ['shot 3'])
    >>> report.suggested_fixes()
    ["Trim shot 'shot 3' by 6.0 s (from 9.0 s to 3.0 s, 1.5× the median 2.0 s)."]
    >>> report.with_shot("shot 3", seconds=3).ok
    True
    """

    shots: tuple[ShotMeasure, ...]
    findings: tuple[Finding, ...]
    reference: tuple[float, float, float]
    reference_name: str
    thresholds: Mapping[str, float] = field(repr=False)
    beats: tuple[float, ...] | None = field(default=None, repr=False)
    target_asl: float | None = field(default=None, repr=False)
    intended: tuple[str, ...] = field(default=(), repr=False)
    _sources: tuple[_Source, ...] = field(default=(), repr=False, compare=False)
    _reference_arg: Any = field(default=None, repr=False, compare=False)
    _style_arg: Any = field(default=None, repr=False, compare=False)

    # --- reading --------------------------------------------------------------------------------------------
    @property
    def ok(self) -> bool:
        """True when nothing is flagged (findings marked ``intended`` do not count)."""
        return not any(f.severity != "intended" for f in self.findings)

    @property
    def names(self) -> list[str]:
        """The shots' names, in order."""
        return [s.name for s in self.shots]

    def by_kind(self, *kinds: str) -> list[Finding]:
        """The findings of these kinds (see :data:`KINDS`), in sequence order."""
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise FilmkitError(f"unknown finding kind {unknown[0]!r}; choose from {', '.join(KINDS)}.")
        return [f for f in self.findings if f.kind in kinds]

    def flagged(self, kind: str | None = None, *, include_intended: bool = False) -> list[str]:
        """The names of the shots flagged (for ``kind``, or any kind), each once, in sequence order."""
        found = self.by_kind(kind) if kind else list(self.findings)
        hit = {f.shot for f in found if f.shot is not None and (include_intended or f.severity != "intended")}
        return [n for n in self.names if n in hit]

    def __getitem__(self, key: int | str) -> ShotMeasure:
        return self.shots[self._index(key)]

    def __len__(self) -> int:
        return len(self.shots)

    def _index(self, key: int | str) -> int:
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if not -len(self.shots) <= key < len(self.shots):
                raise FilmkitError(f"shot {key} is outside this {len(self.shots)}-shot sequence; "
                                   f"use 0–{len(self.shots) - 1} or a name ({', '.join(self.names)}).")
            return int(key) % len(self.shots)
        if key in self.names:
            return self.names.index(str(key))
        raise FilmkitError(f"no shot called {key!r}; the shots are {', '.join(map(repr, self.names))}.")

    def suggested_fixes(self) -> list[str]:
        """The fixes, in words, one per problem (intended differences left out), most useful first."""
        out: list[str] = []
        for f in self.findings:
            if f.severity != "intended" and f.fix not in out:
                out.append(f.fix)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready): the reference, every shot's measures, the findings and the thresholds."""
        return {
            "reference": {"lab": [round(v, 2) for v in self.reference], "name": self.reference_name},
            "shots": [{"name": s.name, "lab": [round(v, 2) for v in s.lab], "exposure": round(s.exposure, 2),
                       "warmth": round(s.warmth, 2), "palette": s.palette.hex, "seconds": s.seconds,
                       "start": s.start, "drift": round(s.drift, 2)} for s in self.shots],
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "thresholds": dict(self.thresholds),
            "ok": self.ok,
        }

    # --- changing one shot ------------------------------------------------------------------------------------
    def with_shot(self, shot: int | str, source: Any = None, *, seconds: float | None = None) -> ContinuityReport:
        """The report measured again with one shot replaced by ``source`` and/or given a new length.

        >>> import numpy as np, filmkit as fk
        >>> a = np.full((18, 32, 3), 120, np.uint8)
        >>> r = fk.continuity_report([a, a, a], seconds=[2, 2, 7])
        >>> r.flagged("long"), r.with_shot(2, seconds=2.5).flagged("long")
        (['shot 3'], [])
        """
        if not self._sources:
            raise FilmkitError("this report was not made by fk.continuity_report, so it cannot be measured again.")
        i = self._index(shot)
        old = self._sources[i]
        if source is None and seconds is None:
            raise FilmkitError("with_shot needs a new source, seconds=, or both; e.g. "
                               f"report.with_shot({old.name!r}, fk.match_colour(...)) or seconds=3.")
        new = old
        if source is not None:
            made = _source(old.name, source, None)
            new = dataclasses.replace(new, frames=made.frames, original=source,
                                      seconds=made.seconds if made.seconds is not None else old.seconds)
        if seconds is not None:
            if not seconds > 0:
                raise FilmkitError(f"a shot lasts more than 0 seconds; got seconds={seconds!r}.")
            new = dataclasses.replace(new, seconds=float(seconds))
        sources = list(self._sources)
        sources[i] = new
        return _build(tuple(sources), reference=self._reference_arg, style=self._style_arg, beats=self.beats,
                      target_asl=self.target_asl, intended=self.intended, thresholds=dict(self.thresholds))

    # --- showing ------------------------------------------------------------------------------------------------
    def plot(self) -> Any:
        """A matplotlib Figure: drift per shot, exposure and warmth across the sequence, and the shot lengths."""
        from .curves import _pyplot

        plt = _pyplot()
        lengths = [s.seconds for s in self.shots]
        timed = all(v is not None for v in lengths)
        fig, axes = plt.subplots(1, 3 if timed else 2, figsize=(12 if timed else 8.5, 2.9), layout="constrained")
        plt.close(fig)  # returned for inline display, not shown twice
        x = np.arange(len(self.shots))
        drift_flag = set(self.flagged("drift"))
        axes[0].bar(x, [s.drift for s in self.shots],
                    color=["#d9534f" if s.name in drift_flag else "#6c8ebf" for s in self.shots])
        axes[0].axhline(self.thresholds["drift"], color="k", ls="--", lw=1, label=f"threshold {self.thresholds['drift']:g}")
        axes[0].set_title("palette drift (ΔE2000, colour only)", fontsize=9)
        axes[0].legend(fontsize=7)
        axes[1].plot(x, [s.exposure for s in self.shots], "o-", color="#444444", label="exposure (central L*)")
        ax2 = axes[1].twinx()
        ax2.plot(x, [s.warmth for s in self.shots], "s--", color="#e08a2c", label="warmth (mean b*)")
        axes[1].set_title("exposure and warmth", fontsize=9)
        axes[1].set_ylabel("L*", fontsize=8)
        ax2.set_ylabel("b*", fontsize=8)
        h1, l1 = axes[1].get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        axes[1].legend(h1 + h2, l1 + l2, fontsize=7, loc="lower left")
        if timed:
            long_flag = set(self.flagged("long"))
            med = float(np.median([v for v in lengths if v is not None]))
            axes[2].bar(x, [float(v or 0) for v in lengths],
                        color=["#d9534f" if s.name in long_flag else "#8fbf6c" for s in self.shots])
            axes[2].axhline(med, color="k", lw=1, label=f"median {med:.1f} s")
            axes[2].axhline(self.thresholds["long"] * med, color="k", ls="--", lw=1,
                            label=f"{self.thresholds['long']:g}× median")
            axes[2].set_title("shot lengths (s)", fontsize=9)
            axes[2].legend(fontsize=7)
        for ax in axes:
            ax.set_xticks(x)
            ax.set_xticklabels([s.name[:10] for s in self.shots], rotation=30, fontsize=7, ha="right")
        return fig

    def _repr_html_(self) -> str:
        rows = []
        flagged = {n: [f.kind for f in self.findings if f.shot == n] for n in self.names}
        for s in self.shots:
            swatches = "".join(f"<div style='flex:{max(w, 0.04):.3f};background:{h}' title='{h}'></div>"
                               for h, w in zip(s.palette.hex, s.palette.weights))
            mark = ", ".join(flagged[s.name])
            colour = "#d9534f" if any(f.shot == s.name and f.severity != "intended" for f in self.findings) else "#333"
            length = f"{s.seconds:.2f} s" if s.seconds is not None else "–"
            rows.append(
                f"<div style='display:inline-block;margin:2px 4px;width:112px;font-size:11px;vertical-align:top'>"
                f"<img src='data:image/jpeg;base64,{_jpeg(s.thumbnail)}' style='width:112px;display:block'/>"
                f"<div style='display:flex;height:10px'>{swatches}</div>"
                f"<b>{html.escape(s.name)}</b><br/>ΔE {s.drift:.1f} · L* {s.exposure:.0f} · b* {s.warmth:+.0f}"
                f"<br/>{length}<br/><span style='color:{colour}'>{html.escape(mark) or 'ok'}</span></div>")
        head = (f"<div><b>Continuity report</b>: {len(self.shots)} shots, reference: "
                f"{html.escape(self.reference_name)}, "
                f"{'nothing flagged' if self.ok else f'{len(self.suggested_fixes())} fix(es) suggested'}</div>")
        table = ""
        if self.findings:
            trs = "".join(
                f"<tr><td>{html.escape(f.kind)}</td><td>{html.escape(f.shot or '(sequence)')}</td>"
                f"<td>{f.severity}</td><td>{f.measure:.2f}</td><td style='text-align:left'>{html.escape(f.message)}</td>"
                f"<td style='text-align:left'>{html.escape(f.fix)}</td></tr>" for f in self.findings)
            table = ("<table style='font-size:11px'><tr><th>kind</th><th>shot</th><th>severity</th><th>measure</th>"
                     f"<th>what</th><th>fix</th></tr>{trs}</table>")
        return head + "<div>" + "".join(rows) + "</div>" + table

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        lines = [f"ContinuityReport: {len(self.shots)} shots, reference {self.reference_name}: "
                 + ("nothing flagged" if self.ok else f"{sum(f.severity != 'intended' for f in self.findings)} finding(s)")]
        lines += [f"  {f}" for f in self.findings]
        return "\n".join(lines)


# --- building a report -------------------------------------------------------------------------------------------
def continuity_report(shots: Any, *, names: Sequence[str] | None = None,
                      seconds: float | Sequence[float | None] | None = None, cuts: Sequence[float] | None = None,
                      reference: Any = None, style: Any = None, beats: Iterable[float] | None = None,
                      target_asl: float | None = None, intended: Iterable[str] = (),
                      drift: float = THRESHOLDS["drift"], exposure: float = THRESHOLDS["exposure"],
                      warmth: float = THRESHOLDS["warmth"], long: float = THRESHOLDS["long"],
                      monotony: float = THRESHOLDS["monotony"], beat_tolerance: float = THRESHOLDS["beat"],
                      ) -> ContinuityReport:
    """Measure every shot of a sequence and list the continuity problems, each with its fix.

    Parameters
    ----------
    shots
        The sequence: a list of stills or clips (:class:`~filmkit.clip.Clip`, image or video
        :class:`~filmkit.assets.Asset`, path, PIL image, H×W×3 array, :class:`~filmkit.edit.Shot`), a dict
        ``{name: source}``, a :class:`~filmkit.edit.Timeline` (its shots and lengths), or one rendered film
        (a Clip or a video) with ``cuts``.
    names
        A name per shot (default: a Shot's label, a dict's keys, else ``"shot 1"``, ``"shot 2"`` …).
    seconds
        Lengths for stills (one number for all, or one per shot; ``None`` keeps a clip's own length). Without
        lengths the pacing checks are skipped.
    cuts
        With one rendered film: the cut times in seconds (e.g. ``fk.detect_cuts(film)``).
    reference, style
        What the palette should be: ``style`` is a style palette (a :class:`~filmkit.look.Palette`, or a list
        of colours) or a key image; ``reference`` is a still, a clip, or one of the shots (its name or index).
        Neither: the median of all shots' central colours.
    beats
        Beat times in seconds (``fk.analyse_audio(track).beats``): cuts more than ``beat_tolerance`` off a
        beat are flagged.
    target_asl
        The average shot length (seconds) the film is cut to, if it has one.
    intended
        Names of shots that are *meant* to differ (a flashback, a mood turn): their findings are kept as
        ``"intended"`` notes and do not make the report fail.
    drift, exposure, warmth, long, monotony, beat_tolerance
        Thresholds (see the module docstring for how the defaults were measured).

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> day = np.full((36, 64, 3), (170, 160, 150), np.uint8)
    >>> dark = (day * 0.6).astype(np.uint8)
    >>> r = fk.continuity_report({"in": day, "out": day, "night?": dark, "back": day}, seconds=3)
    >>> [(f.kind, f.shot, f.severity) for f in r.findings]
    [('exposure', 'night?', 'major')]
    >>> print(r.findings[0].message)
    Exposure jumps -25.3 L* across the cut from 'out' (L* 66.4) to 'night?' (L* 41.1), and +25.3 back across the cut to 'back'.
    """
    thresholds = {"drift": float(drift), "exposure": float(exposure), "warmth": float(warmth), "long": float(long),
                  "monotony": float(monotony), "monotony_min": THRESHOLDS["monotony_min"],
                  "asl": THRESHOLDS["asl"], "beat": float(beat_tolerance)}
    for key in ("drift", "exposure", "warmth", "long", "beat"):
        if not thresholds[key] > 0:
            raise FilmkitError(f"the {key} threshold must be more than 0; got {thresholds[key]!r}.")
    if target_asl is not None and not target_asl > 0:
        raise FilmkitError(f"target_asl is an average shot length in seconds, more than 0; got {target_asl!r}.")
    sources = _prepare(shots, names=names, seconds=seconds, cuts=cuts)
    beats_t = None if beats is None else tuple(float(b) for b in beats)
    intended_t = tuple(intended) if not isinstance(intended, str) else (intended,)
    unknown = [n for n in intended_t if n not in [s.name for s in sources]]
    if unknown:
        raise FilmkitError(f"intended={unknown[0]!r} is not a shot of this sequence; the shots are "
                           f"{', '.join(repr(s.name) for s in sources)}.")
    return _build(sources, reference=reference, style=style, beats=beats_t, target_asl=target_asl,
                  intended=intended_t, thresholds=thresholds)


def _build(sources: tuple[_Source, ...], *, reference: Any, style: Any, beats: tuple[float, ...] | None,
           target_asl: float | None, intended: tuple[str, ...], thresholds: dict[str, float]) -> ContinuityReport:
    labs = [_measure(s.frames) for s in sources]  # (central lab, central L, mean b, thumbnail)
    medians = np.array([m[0] for m in labs])
    ref, ref_name = _reference(reference, style, medians, [s.name for s in sources])
    starts: list[float | None] = []
    t: float | None = 0.0
    for s in sources:
        starts.append(s.start if s.start is not None else t)
        t = None if t is None or s.seconds is None else t + s.seconds
    measures = []
    for i, (s, (lab, expo, warm, thumb)) in enumerate(zip(sources, labs)):
        measures.append(ShotMeasure(
            name=s.name, index=i, lab=(float(lab[0]), float(lab[1]), float(lab[2])), exposure=float(expo),
            warmth=float(warm), palette=palette(thumb, n=5), seconds=s.seconds,
            start=None if starts[i] is None else round(float(starts[i]), 4),  # type: ignore[arg-type]
            drift=_chromatic(lab, ref), thumbnail=thumb))
    findings = _findings(measures, ref, ref_name, thresholds, beats, target_asl)
    if intended:
        findings = [dataclasses.replace(f, severity="intended") if f.shot in intended else f for f in findings]
    return ContinuityReport(shots=tuple(measures), findings=tuple(findings),
                            reference=(float(ref[0]), float(ref[1]), float(ref[2])), reference_name=ref_name,
                            thresholds=thresholds, beats=beats, target_asl=target_asl, intended=intended,
                            _sources=sources, _reference_arg=reference, _style_arg=style)


def _severity(value: float, threshold: float) -> str:
    return "major" if abs(value) >= 2 * threshold else "minor"


def _findings(ms: list[ShotMeasure], ref: np.ndarray, ref_name: str, th: Mapping[str, float],
              beats: tuple[float, ...] | None, target_asl: float | None) -> list[Finding]:
    out: list[Finding] = []
    expo_mid = float(np.median([m.exposure for m in ms]))
    steady = [m for m in ms if abs(m.exposure - expo_mid) <= th["exposure"]] or ms
    anchor = min(steady, key=lambda m: m.drift)  # the shot to suggest as a grading reference
    # palette drift, against the reference
    for m in ms:
        if m.drift > th["drift"]:
            also = "" if m is anchor else f" (or toward shot {anchor.name!r}, the closest to it)"
            out.append(Finding(
                "drift", m.name, _severity(m.drift, th["drift"]), round(m.drift, 2),
                f"Shot {m.name!r} drifts ΔE {m.drift:.1f} from {ref_name} (threshold {th['drift']:g}): "
                f"{_describe_shift(np.array(m.lab), ref)}.",
                f"Regrade shot {m.name!r} toward {ref_name}: fk.match_colour(shot, report){also}."))
    # exposure and warmth jumps, across each cut; blamed on the shot of the pair farther from the sequence
    expo_med = float(np.median([m.exposure for m in ms]))
    warm_med = float(np.median([m.warmth for m in ms]))
    for kind, attr, unit, med in (("exposure", "exposure", "L*", expo_med), ("warmth", "warmth", "b*", warm_med)):
        for a, b in itertools.pairwise(ms):
            jump = getattr(b, attr) - getattr(a, attr)
            if abs(jump) <= th[kind]:
                continue
            odd = b if abs(getattr(b, attr) - med) >= abs(getattr(a, attr) - med) else a
            other = a if odd is b else b
            if kind == "exposure":
                what = (f"Exposure jumps {jump:+.1f} L* across the cut from {a.name!r} (L* {a.exposure:.1f}) "
                        f"to {b.name!r} (L* {b.exposure:.1f}).")
                way = "brighten" if odd.exposure < other.exposure else "darken"
                fix = (f"{way.capitalize()} shot {odd.name!r} by about {abs(odd.exposure - med):.0f} L* toward the "
                       f"sequence's middle grey (L* {med:.0f}), e.g. fk.match_colour(shot, a frame of {other.name!r}).")
            else:
                what = (f"White balance jumps {jump:+.1f} b* across the cut from {a.name!r} (b* {a.warmth:+.1f}) "
                        f"to {b.name!r} (b* {b.warmth:+.1f}): {'warmer' if jump > 0 else 'cooler'}.")
                way = "cool" if odd.warmth > other.warmth else "warm"
                fix = (f"{way.capitalize()} shot {odd.name!r} by about {abs(odd.warmth - med):.0f} b* to match its "
                       f"neighbours, e.g. fk.match_colour(shot, a frame of {other.name!r}).")
            same = [k for k, f in enumerate(out) if f.kind == kind and f.shot == odd.name]
            if same:  # the cut in and the cut out of one odd shot: one finding, the larger jump
                f = out[same[0]]
                dev = getattr(odd, attr) - getattr(other, attr)
                big = dev if abs(dev) > abs(f.measure) else f.measure
                out[same[0]] = dataclasses.replace(f, measure=round(float(big), 2),
                                                   severity=_severity(big, th[kind]),
                                                   message=f"{f.message[:-1]}, and {jump:+.1f} back across the cut to {b.name!r}.")
                continue
            dev = getattr(odd, attr) - getattr(other, attr)  # measure: the odd shot against its neighbour
            out.append(Finding(kind, odd.name, _severity(dev, th[kind]), round(float(dev), 2), what, fix))
    # pacing
    lengths = [m.seconds for m in ms]
    if all(v is not None for v in lengths) and len(ms) >= 2:
        ls = np.array(lengths, dtype=float)
        med = float(np.median(ls))
        for m in ms:
            assert m.seconds is not None
            ratio = m.seconds / med
            if ratio > th["long"]:
                target = round(1.5 * med, 1)
                out.append(Finding(
                    "long", m.name, "major" if ratio >= 2 * th["long"] else "minor", round(ratio, 2),
                    f"Shot {m.name!r} lasts {m.seconds:.1f} s, {ratio:.1f}× the median {med:.1f} s "
                    f"(threshold {th['long']:g}×): it holds the sequence up.",
                    f"Trim shot {m.name!r} by {m.seconds - target:.1f} s (from {m.seconds:.1f} s to {target:.1f} s, "
                    f"1.5× the median {med:.1f} s)."))
        cv = float(ls.std() / ls.mean())
        if len(ms) >= th["monotony_min"] and cv < th["monotony"]:
            out.append(Finding(
                "monotony", None, "minor", round(cv, 3),
                f"All {len(ms)} shots last about {ls.mean():.1f} s (lengths vary by {cv:.0%}, under "
                f"{th['monotony']:.0%}): the cutting beats like a metronome.",
                "Vary the rhythm: hold the key shot longer and cut the passing ones shorter."))
        if target_asl is not None:
            asl = float(ls.mean())
            off = asl / target_asl - 1
            if abs(off) > th["asl"]:
                out.append(Finding(
                    "asl", None, _severity(off, th["asl"]), round(asl, 2),
                    f"The average shot lasts {asl:.1f} s; the film is cut to {target_asl:.1f} s "
                    f"({off:+.0%}, tolerance ±{th['asl']:.0%}).",
                    f"{'Shorten' if off > 0 else 'Lengthen'} shots by about {abs(asl - target_asl):.1f} s on "
                    f"average{', or split the longest' if off > 0 else ', or merge the shortest'}."))
        if beats:
            bt = np.array(sorted(beats))
            for prev, m in itertools.pairwise(ms):
                assert m.start is not None
                near = float(bt[np.argmin(np.abs(bt - m.start))])
                off = m.start - near
                if abs(off) > th["beat"]:
                    cut_in, cut_out = ("shorten", "lengthen") if off > 0 else ("lengthen", "shorten")
                    out.append(Finding(
                        "off_beat", m.name, _severity(off, th["beat"]), round(off, 3),
                        f"The cut into {m.name!r} at {m.start:.2f} s is {abs(off):.2f} s "
                        f"{'after' if off > 0 else 'before'} the beat at {near:.2f} s.",
                        f"Roll the cut into {m.name!r} to the beat at {near:.2f} s: {cut_in} {prev.name!r} by "
                        f"{abs(off):.2f} s and {cut_out} {m.name!r} by as much (the later cuts stay where they are)."))
    order = {n: i for i, n in enumerate(m.name for m in ms)}
    kinds = list(KINDS)
    out.sort(key=lambda f: (kinds.index(f.kind), order.get(f.shot, -1) if f.shot else -1))
    return out


def _describe_shift(lab: np.ndarray, ref: np.ndarray) -> str:
    da, db = lab[1] - ref[1], lab[2] - ref[2]
    words = []
    if abs(db) >= 1.5:
        words.append(f"{'warmer (more yellow)' if db > 0 else 'cooler (more blue)'}, b* {db:+.1f}")
    if abs(da) >= 1.5:
        words.append(f"{'more magenta' if da > 0 else 'greener'}, a* {da:+.1f}")
    return "; ".join(words) or "its hue has turned"


# --- measuring --------------------------------------------------------------------------------------------------
def _small(arr: np.ndarray, width: int = _MEASURE_WIDTH) -> np.ndarray:
    h, w = arr.shape[:2]
    if w <= width:
        return arr
    from PIL import Image

    return np.asarray(Image.fromarray(arr).resize((width, max(1, round(h * width / w))), Image.Resampling.BILINEAR))


def _iqm(values: np.ndarray) -> np.ndarray:
    """The interquartile mean of each column: the mean of the middle half of the values.

    As robust as the median to a dark hull or a bright sun, without the median's jump when a frame is half
    sky, half sea and the horizon moves a few pixels.
    """
    lo, hi = np.percentile(values, [25, 75], axis=0)
    inside = (values >= lo) & (values <= hi)
    return np.asarray((values * inside).sum(0) / np.maximum(inside.sum(0), 1))


def _measure(frames: tuple[np.ndarray, ...]) -> tuple[np.ndarray, float, float, np.ndarray]:
    lab = np.concatenate([rgb_to_lab(f).reshape(-1, 3) for f in frames])
    centre = _iqm(lab)
    # warmth: mean b*, as if exposed at middle grey (L* 50): exposure scales L*+16 and b* together
    warmth = float(lab[:, 2].mean()) * 66.0 / max(float(centre[0]) + 16.0, 1e-6)
    return centre, float(centre[0]), warmth, frames[len(frames) // 2]


def _chromatic(lab: np.ndarray, ref: np.ndarray) -> float:
    """ΔE2000 between two colours at equal lightness (the reference's): colour change, not exposure.

    Exposing a frame k times brighter multiplies X, Y and Z by k, so L*+16, a* and b* all scale by the cube root
    of k: the shot's a* and b* are rescaled by (L*ref+16)/(L*+16), as if it were exposed like the reference.
    """
    k = (ref[0] + 16) / max(lab[0] + 16, 1e-6)
    a = np.array([ref[0], lab[1] * k, lab[2] * k], dtype=float)
    return round(float(_ciede2000(a, np.asarray(ref, dtype=float))), 4)


def _reference(reference: Any, style: Any, medians: np.ndarray, names: list[str]) -> tuple[np.ndarray, str]:
    if reference is not None and style is not None:
        raise FilmkitError("give reference= or style=, not both: style= is the film's palette or key image, "
                           "reference= a still, a clip or one of the shots.")
    if style is not None:
        if type(style).__name__ == "StyleBible":
            raise FilmkitError("a StyleBible's palette is words (e.g. 'slate blue, rust'), which have no measured "
                               "colour; pass the bible's key image, or fk.palette(key_image), as style=.")
        cols = _palette_colours(style)
        if cols is not None:
            lab, w = cols
            return _weighted_median(lab, w), "the style palette"
        return _measure(_frames_of_still_or_clip(style, "style"))[0], "the style frame"
    if reference is None:
        return np.median(medians, axis=0), "the median of all shots"
    if isinstance(reference, (int, np.integer)) and not isinstance(reference, bool):
        if not -len(names) <= reference < len(names):
            raise FilmkitError(f"reference={reference} is outside this {len(names)}-shot sequence.")
        return medians[int(reference)], f"shot {names[int(reference)]!r}"
    if isinstance(reference, str) and reference in names:
        return medians[names.index(reference)], f"shot {reference!r}"
    if isinstance(reference, str) and not Path(reference).exists():
        raise FilmkitError(f"reference={reference!r} is neither a shot ({', '.join(map(repr, names))}) nor a file.")
    cols = _palette_colours(reference)
    if cols is not None:
        return _weighted_median(*cols), "the reference palette"
    return _measure(_frames_of_still_or_clip(reference, "reference"))[0], "the reference frame"


def _palette_colours(value: Any) -> tuple[np.ndarray, np.ndarray] | None:
    if isinstance(value, Palette):
        return rgb_to_lab(np.array(value.colours, dtype=float)), np.array(value.weights, dtype=float)
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(c, str) or (isinstance(c, (list, tuple)) and len(c) == 3) for c in value):
        try:
            rgb = np.array([_colour(c) for c in value], dtype=float)
        except FilmkitError as exc:
            raise FilmkitError(f"cannot read the style palette: {exc}") from None
        return rgb_to_lab(rgb), np.ones(len(rgb))
    return None


def _weighted_median(lab: np.ndarray, w: np.ndarray) -> np.ndarray:
    out = []
    for ch in range(3):
        order = np.argsort(lab[:, ch])
        cum = np.cumsum(w[order]) / w.sum()
        out.append(lab[order][np.searchsorted(cum, 0.5), ch])
    return np.array(out)


# --- reading the input -----------------------------------------------------------------------------------------
def _is_video_path(x: Any) -> bool:
    from .edit import _VIDEO_EXT

    return isinstance(x, (str, Path)) and Path(x).suffix.lower() in _VIDEO_EXT


def _to_clip(x: Any) -> Any:
    from .assets import Asset
    from .clip import Clip

    if isinstance(x, Clip):
        return x
    # streamed: the report reads a few frames per shot, in order, so a long film is never held in memory
    if isinstance(x, Asset) and x.kind == "video":
        return Clip.from_file(x.path, stream=True)
    if _is_video_path(x):
        if not Path(x).is_file():
            raise FilmkitError(f"{x} does not exist.")
        return Clip.from_file(x, stream=True)
    return None


def _clip_samples(clip: Any, a: int = 0, b: int | None = None) -> tuple[np.ndarray, ...]:
    b = clip.n_frames if b is None else b
    picks = sorted({a, (a + b - 1) // 2, b - 1})
    return tuple(_small(np.asarray(clip.frame(i))) for i in picks)


def _still(x: Any, what: str) -> np.ndarray:
    from .assets import Asset
    from .clip import as_rgb_array
    from .errors import MediaError

    if not (isinstance(x, (np.ndarray, str, Path, Asset, list, tuple)) or hasattr(x, "convert")):
        raise FilmkitError(f"{what} is a {type(x).__name__}; a shot is a Clip, an image (Asset, path, PIL image, "
                           "H×W×3 array) or a video.")
    if isinstance(x, np.ndarray) and x.ndim == 2:
        raise FilmkitError(f"{what} is a mono (greyscale) image of shape {x.shape}; continuity compares colour, so "
                           "give it three channels: np.dstack([img] * 3).")
    try:
        return _small(as_rgb_array(x))
    except MediaError as exc:
        raise FilmkitError(f"{what} cannot be read as a still or a clip: {exc}") from None
    except (TypeError, ValueError):
        raise FilmkitError(f"{what} cannot be read as an image; a shot is a Clip, an image (Asset, path, PIL "
                           "image, H×W×3 array) or a video.") from None


def _frames_of_still_or_clip(x: Any, what: str) -> tuple[np.ndarray, ...]:
    clip = _to_clip(x)
    if clip is not None:
        return _clip_samples(clip)
    return (_still(x, what),)


def _prepare(shots: Any, *, names: Sequence[str] | None, seconds: Any,
             cuts: Sequence[float] | None = None) -> tuple[_Source, ...]:
    from .edit import Timeline

    if shots is None:
        raise FilmkitError("continuity_report needs a sequence of shots; got None.")
    film = None if isinstance(shots, (list, tuple, dict, Timeline)) else _to_clip(shots)
    if film is not None:
        if cuts is None:
            raise FilmkitError("one clip is one shot: pass the cut times, cuts=[2.0, 4.5, ...] (or "
                               "cuts=fk.detect_cuts(film)), or a list of shots.")
        return _split(film, cuts, names)
    if cuts is not None:
        raise FilmkitError("cuts= is for one rendered film; a list of shots or a Timeline already has its cuts.")
    items: list[tuple[str | None, Any, float | None]] = []
    starts: list[float | None] = []
    if isinstance(shots, Timeline):
        lay = shots._layout()
        for i, (sh, n) in enumerate(zip(lay.shots, lay.lengths)):
            items.append((sh.label or sh.name, sh, n / lay.fps))
            # the cut into a shot joined by a transition is the middle of the overlap
            starts.append((lay.starts[i] + (lay.overlaps[i - 1] / 2 if i else 0)) / lay.fps)
    elif isinstance(shots, Mapping):
        items = [(str(k), v, None) for k, v in shots.items()]
    elif isinstance(shots, (list, tuple)):
        items = [(None, v, None) for v in shots]
    elif isinstance(shots, np.ndarray) and shots.ndim == 4:
        items = [(None, f, None) for f in shots]
    else:
        raise FilmkitError(f"continuity_report compares a sequence of shots; got one {type(shots).__name__}. Pass a "
                           "list of at least two (stills, clips, Shots), a dict {name: shot}, or a Timeline.")
    if len(items) < 2:
        raise FilmkitError(f"a continuity report compares shots with each other; got {len(items)} shot(s). "
                           "Pass at least two.")
    if names is not None:
        names = list(names)
        if len(names) != len(items):
            raise FilmkitError(f"{len(names)} names for {len(items)} shots; give one name per shot, in order.")
        items = [(n, src, sec) for n, (_, src, sec) in zip(names, items)]
    if seconds is not None:
        secs = [seconds] * len(items) if isinstance(seconds, (int, float)) else list(seconds)
        if len(secs) != len(items):
            raise FilmkitError(f"{len(secs)} lengths (seconds=) for {len(items)} shots; give one per shot, or one "
                               "number for all.")
        for s in secs:
            if s is not None and not float(s) > 0:
                raise FilmkitError(f"a shot lasts more than 0 seconds; got seconds={s!r}.")
        items = [(n, src, float(s) if s is not None else sec) for (n, src, sec), s in zip(items, secs)]
    out = [_source(name or f"shot {i + 1}", src, sec, starts[i] if starts else None, named=name is not None)
           for i, (name, src, sec) in enumerate(items)]
    dup = sorted({s.name for s in out if [t.name for t in out].count(s.name) > 1})
    if dup:
        raise FilmkitError(f"two shots are called {dup[0]!r}; give each shot its own name (names=[...]).")
    return tuple(out)


def _source(label: str, src: Any, sec: float | None, start: float | None = None, *, named: bool = True) -> _Source:
    from .edit import Shot

    what = f"shot {label!r}"
    if isinstance(src, Shot):
        label = label if named else (src.label or label)
        if sec is None:
            sec = src.seconds_at(24) if src.seconds is not None or src.kind != "still" else None
        if src.kind == "still" and src.move is None:
            frames: tuple[np.ndarray, ...] = (_still(src.source, what),)
        else:
            clip = src.to_clip(fps=12, size=(_MEASURE_WIDTH, _MEASURE_WIDTH * 9 // 16))
            frames = _clip_samples(clip)
    else:
        clip = _to_clip(src)
        if clip is not None:
            frames = _clip_samples(clip)
            if sec is None:
                sec = float(clip.duration)
        else:
            frames = (_still(src, what),)
    return _Source(label, frames, sec, src, start)


def _split(film: Any, cuts: Sequence[float], names: Sequence[str] | None) -> tuple[_Source, ...]:
    ts = sorted(float(c) for c in cuts)
    if any(not 0 < t < film.duration for t in ts):
        raise FilmkitError(f"cut times must lie inside the film (0–{film.duration:.2f} s); got {ts}.")
    bounds = [0, *[round(t * film.fps) for t in ts], film.n_frames]
    if any(b <= a for a, b in itertools.pairwise(bounds)):
        raise FilmkitError(f"two cuts fall on the same frame ({ts}); give distinct times.")
    n = len(bounds) - 1
    if names is not None and len(names) != n:
        raise FilmkitError(f"{len(names)} names for {n} shots ({len(ts)} cuts); give one name per shot.")
    label = list(names) if names is not None else [f"shot {i + 1}" for i in range(n)]
    return tuple(_Source(label[i], _clip_samples(film, a, b), (b - a) / film.fps, film)
                 for i, (a, b) in enumerate(itertools.pairwise(bounds)))


# --- cuts ---------------------------------------------------------------------------------------------------------
def detect_cuts(clip: Any, *, threshold: float = 0.04, ratio: float = 4.0) -> list[float]:
    """The times (seconds) of the hard cuts in a film: the first frame of each new shot.

    Every frame is decoded small (80 pixels wide), in colour; a video file is decoded to that size by ffmpeg
    itself, so reading a 1280×720 film takes about as long as ffmpeg's own scene detection (measured in
    ``benchmarks/bench_continuity.py``). A frame is a cut when it differs from the one before by at least
    ``threshold`` (mean absolute difference, 0–1) *and* by ``ratio`` times more than the frames around it differ
    from theirs. Camera moves, title fades and dissolves change the picture a little on every frame, so they are
    not cuts: a dissolve has no one cut time (give those times yourself). Takes a :class:`~filmkit.clip.Clip`, a
    rendered video :class:`~filmkit.assets.Asset` or a video file, so it measures what was actually written.

    Examples
    --------
    >>> import numpy as np
    >>> import filmkit as fk
    >>> grain = np.random.default_rng(0).integers(0, 255, (36, 64, 3), dtype=np.uint8)
    >>> tl = (fk.Timeline(fps=12, size=(64, 36)).add(grain, seconds=1).add(grain[::-1], seconds=1.5)
    ...       .add(fk.crossfade(0.5)).add(grain[:, ::-1], seconds=1))
    >>> fk.detect_cuts(tl.to_clip())          # the cut at 1 s; the dissolve (2–2.5 s) is not a cut
    [1.0]
    """
    from .assets import Asset
    from .clip import Clip

    if isinstance(clip, Asset):
        clip = clip.path
    if isinstance(clip, (str, Path)) and not Path(clip).is_file():
        raise FilmkitError(f"There is no video at {clip}. Render the film first (tl.render(...) or "
                           "fk.render_project(...)) and pass what it returns.")
    if _is_video_path(clip):        # a file: ffmpeg decodes it small, never a full frame in Python
        small, fps = _video_thumbnails(Path(clip), _CUT_WIDTH)
    else:
        c = clip if isinstance(clip, Clip) else _to_clip(clip)
        if c is None:
            raise FilmkitError(f"detect_cuts needs a clip, a rendered video or a video file; got "
                               f"{type(clip).__name__}.")
        small, fps = (_small(np.asarray(f), _CUT_WIDTH) for f in c.frames()), c.fps
    d: list[float] = []                   # colour, not grey: a cut between equally bright shots is still a cut
    prev: np.ndarray | None = None
    for f in small:
        frame = f.astype(np.float32) / 255.0
        if prev is not None:
            d.append(float(np.abs(frame - prev).mean()))
        prev = frame
    cuts = []
    for i, x in enumerate(d):
        around = np.array(d[max(0, i - 3):i] + d[i + 1:i + 4])
        usual = float(np.median(around)) if around.size else 0.0
        if x >= threshold and x >= ratio * max(usual, 0.005):
            cuts.append(round((i + 1) / fps, 6))
    return cuts


_CUT_WIDTH = 80


def _video_thumbnails(path: Path, width: int) -> tuple[Iterator[np.ndarray], float]:
    """Every frame of a video file, decoded by ffmpeg straight to ``width`` pixels wide (as :func:`_small` sizes
    a frame), one at a time, and the file's fps."""
    from ._ffmpeg import iter_video, probe

    info = probe(path, count_frames=False)
    if info.size is None:
        raise MediaError(f"{path.name} has no video frames.")
    w, h = info.size
    size = None if w <= width else (width, max(1, round(h * width / w)))
    return iter_video(path, size=size), float(info.fps or 24.0)


# --- the fix ------------------------------------------------------------------------------------------------------
def _stats(x: Any, what: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The centre (interquartile mean, as the report measures it) and spread of each Lab channel.

    A report gives its reference colour and no spread (keep the shot's own contrast).
    """
    if isinstance(x, ContinuityReport):
        return np.array(x.reference, dtype=float), None
    cols = _palette_colours(x)
    if cols is not None:
        lab, w = cols
        w = w / w.sum()
        mean = (lab * w[:, None]).sum(0)
        return mean, np.sqrt(((lab - mean) ** 2 * w[:, None]).sum(0))
    lab = np.concatenate([rgb_to_lab(f).reshape(-1, 3) for f in _frames_of_still_or_clip(x, what)])
    return _iqm(lab), lab.std(0)


def match_colour(image_or_clip: Any, reference: Any, *, strength: float = 1.0) -> Any:
    """A copy of a still or clip regraded toward ``reference``: Reinhard's colour transfer in CIELAB.

    Each channel (L*, a*, b*) is shifted and scaled so that its centre and spread match the reference's. The
    centre is the interquartile mean, the same central colour :func:`continuity_report` measures, so a fully
    regraded shot lands on its reference. ``strength`` (0–1) blends between the original (0) and the full
    match (1). A clip is regraded lazily, frame by frame, with one transfer measured on the whole clip (so the
    grade does not flicker); its frames share most of their colours, so each colour is graded once and
    remembered (a 5 s 1280×720 clip grades several times faster, pixel for pixel the same).

    The reference is a still, a clip, a :class:`~filmkit.look.Palette` or a list of colours (only its centre and
    spread are known), or a :class:`ContinuityReport`: then the shot moves to the report's reference colour
    and keeps its own contrast.

    Returns the same kind of thing it was given: a :class:`~filmkit.clip.Clip` for a clip (or a video), an
    array for an array, a PIL image otherwise.

    Examples
    --------
    >>> import numpy as np, filmkit as fk
    >>> dusk = np.zeros((36, 64, 3), np.uint8); dusk[:] = (150, 120, 170); dusk[18:] = (70, 60, 90)
    >>> dawn = np.zeros((36, 64, 3), np.uint8); dawn[:] = (220, 180, 140); dawn[18:] = (110, 100, 90)
    >>> fixed = fk.match_colour(dusk, dawn)
    >>> before, after = (fk.continuity_report([dawn, x], reference=0)[1].drift for x in (dusk, fixed))
    >>> round(before), round(after), fixed.shape
    (30, 0, (36, 64, 3))
    """
    if not 0 <= strength <= 1:
        raise FilmkitError(f"strength blends the original (0) with the full match (1); got {strength!r}.")
    ref_mean, ref_std = _stats(reference, "the reference")
    clip = _to_clip(image_or_clip)
    src_mean, src_std = _stats(clip if clip is not None else image_or_clip, "the image to regrade")
    assert src_std is not None
    if ref_std is None:
        scale = np.ones(3)
    else:
        scale = np.clip(np.where(ref_std < 1.0, 1.0, ref_std / np.maximum(src_std, 1e-3)), 0.25, 4.0)

    def grade(frame: np.ndarray) -> np.ndarray:
        lab = rgb_to_lab(frame)
        moved = (lab - src_mean) * scale + ref_mean
        return lab_to_rgb(lab + strength * (moved - lab))

    if clip is not None:
        memo = _GradeMemo(grade)
        return clip.map(lambda f, i: memo(np.asarray(f)), label=f"{clip.label or 'clip'} (regraded)")
    if isinstance(image_or_clip, np.ndarray):
        if image_or_clip.ndim == 2:
            _still(image_or_clip, "the image to regrade")
        from .clip import as_rgb_array

        return grade(as_rgb_array(image_or_clip))
    from PIL import Image

    from .clip import as_rgb_array

    return Image.fromarray(grade(as_rgb_array(image_or_clip)))


class _GradeMemo:
    """A per-pixel grade that remembers every colour it has graded (a table of all 2²⁴ RGB colours, filled as
    frames come): the frames of a clip share most of their colours, so most pixels are looked up, not computed.

    A frame of mostly new colours (the first one, or noise) is graded whole and remembered; one with a few new
    colours grades only those, once each. The output is the grade's, pixel for pixel.
    """

    def __init__(self, grade: Any) -> None:
        self.grade = grade
        self.table: np.ndarray | None = None   # (2²⁴, 3) graded colours; made on the first frame
        self.known: np.ndarray | None = None   # (2²⁴,) which entries are filled

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
            return np.asarray(self.grade(frame))
        if self.table is None or self.known is None:
            self.table, self.known = np.zeros((1 << 24, 3), np.uint8), np.zeros(1 << 24, bool)
        code = (frame[..., 0].astype(np.uint32) << 16) | (frame[..., 1].astype(np.uint32) << 8) | frame[..., 2]
        new = ~self.known[code]
        n_new = int(np.count_nonzero(new))
        if n_new > code.size // 2:
            out = np.asarray(self.grade(frame))
            self.table[code] = out            # the table first, then `known`: a reader never sees a blank entry
            self.known[code] = True
            return out
        if n_new:
            colours = np.unique(code[new])
            rgb = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], axis=-1).astype(np.uint8)
            self.table[colours] = self.grade(rgb)
            self.known[colours] = True
        return np.asarray(self.table[code])


def _jpeg(arr: np.ndarray) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(_small(np.asarray(arr), 112)).save(buf, format="JPEG", quality=80)
    return base64.b64encode(buf.getvalue()).decode("ascii")
