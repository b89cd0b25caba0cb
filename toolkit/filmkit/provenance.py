"""Provenance made practical: the manifest of a film, its credits roll and a plain-words AI disclosure.

Every :class:`~filmkit.assets.Asset` carries who made it (provider, model, prompt, seed, parents, cost). A
:class:`Manifest` gathers the whole graph of a film — every asset, how they connect, the human roles — and is
written as ``manifest.json`` (never with an API key: provenance refuses to record one). :func:`credits_text` and
:func:`disclosure` turn it into words for the end titles.

A :class:`Consent` records each person who appears in the film and what they agreed to (their likeness in live
footage, their voice, a photograph used as a reference), for which release (this film, festivals, online), when,
and the *file name* of the signed form — or that the performer is synthetic and no real person appears. A manifest
refuses a real person without a signed form, and the disclosure and credits say who appears and on what terms.

Examples
--------
>>> from filmkit.assets import Asset, Provenance
>>> from filmkit.provenance import Manifest, disclosure
>>> a = Asset(path="key.png", kind="image", id="k1",
...           provenance=Provenance(provider="previz", model="previz-1", prompt="grey sea at dawn", seed=3))
>>> m = Manifest(title="Tide", authors=("A. Learner",), assets=(a,), roles={"Directed by": "A. Learner"})
>>> print(disclosure(m))  # doctest: +NORMALIZE_WHITESPACE
AI disclosure: "Tide" was made by A. Learner; no generative AI model made any of its images or clips.
1 image was rendered from text prompts by filmkit previz, an offline pre-visualisation renderer, not a
generative AI model. People chose every prompt, selected and edited every shot, and wrote and edited the film.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .assets import Asset, now_iso
from .errors import ProjectError

__all__ = ["Manifest", "Consent", "credits_text", "disclosure", "tool_summary", "PROVIDER_NAMES", "SYNTHETIC",
           "COVERS", "SCOPES"]

PROVIDER_NAMES = {
    "previz": "filmkit previz, an offline pre-visualisation renderer, not a generative AI model",
    "runway": "Runway",
    "midjourney-import": "Midjourney",
    "filmkit": "filmkit (local camera moves, keying, compositing and editing)",
    "import": "imported files",
    "human": "the filmmakers",
}
_GENERATIVE = {"runway", "midjourney-import"}
SHORT_NAMES = {"previz": "filmkit previz", "runway": "Runway", "midjourney-import": "Midjourney",
               "filmkit": "filmkit", "import": "imported files", "human": "the filmmakers"}
_NOT_MADE = ("filmkit", "human", "import")   # providers that edit or import, and generate nothing


SYNTHETIC = "synthetic performer"
COVERS = {
    "likeness": "their likeness in live footage",
    "voice": "their voice",
    "reference photo": "a photograph of them used as a reference image",
}
SCOPES = {"this film": "this film", "festival": "festival screenings", "online": "online release"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_FORM = re.compile(r"[^\s/\\][^/\\\n]{0,119}\.[A-Za-z0-9]{1,5}\Z")


def _words(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _tuple(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    try:
        out = tuple(value)
    except TypeError:
        raise ProjectError(f"{what} must be a list of words, like ['this film']; got {value!r}") from None
    if not all(isinstance(v, str) for v in out):
        raise ProjectError(f"{what} must be a list of words, like ['this film']; got {value!r}")
    return out


@dataclass(frozen=True)
class Consent:
    """A person in the film and what they agreed to: a performer's signed release, or a synthetic performer.

    ``covers`` is what the release covers (``"likeness"`` in live footage, ``"voice"``, ``"reference photo"``),
    ``scope`` where the film may be shown (``"this film"``, ``"festival"``, ``"online"``), ``date`` when they
    signed (YYYY-MM-DD), and ``form`` the **file name** of the signed form. The form itself stays with the
    producer, off the repository: only its name is recorded. ``shots`` are the shot ids the person appears in.

    Examples
    --------
    >>> import filmkit as fk
    >>> mara = fk.Consent("Mara Quinn", role="The wanderer", shots=("wanderer",), covers=("likeness", "voice"),
    ...                   scope=("this film", "festival"), date="2026-11-20", form="releases/mara-quinn.pdf")
    >>> mara.form, mara.signed                          # the file name, never the path or the content
    ('mara-quinn.pdf', True)
    >>> fk.Consent.synthetic(role="The wanderer", shots=("wanderer",)).is_synthetic
    True
    >>> print(fk.Consent("Mara Quinn", shots=("wanderer",)).problem())    # doctest: +ELLIPSIS
    Mara Quinn appears in shot 'wanderer' but no signed release is recorded: ...
    """

    name: str
    role: str = ""
    shots: tuple[str, ...] = ()
    covers: tuple[str, ...] = ("likeness",)
    scope: tuple[str, ...] = ("this film",)
    date: str = ""
    form: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ProjectError(f'a Consent needs the person\'s name (or "{SYNTHETIC}"); got {self.name!r}')
        object.__setattr__(self, "name", self.name.strip())
        for attr, allowed in (("covers", COVERS), ("scope", SCOPES)):
            values = _tuple(getattr(self, attr), attr)
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ProjectError(f"{attr} {bad[0]!r} is not one of {', '.join(repr(a) for a in allowed)}; "
                                   f"e.g. {attr}=({next(iter(allowed))!r},)")
            object.__setattr__(self, attr, values)
        object.__setattr__(self, "shots", _tuple(self.shots, "shots"))
        if self.date and not (isinstance(self.date, str) and _DATE.match(self.date)):
            raise ProjectError(f"date must be the day the form was signed, as YYYY-MM-DD (e.g. '2026-11-20'); "
                               f"got {self.date!r}")
        if self.form is not None:
            name = Path(str(self.form)).name if isinstance(self.form, (str, Path)) else ""
            if not _FORM.match(name):
                raise ProjectError("form must be the file name of the signed release (e.g. 'release-mara-quinn.pdf'), "
                                   "never the form's text; keep the signed form itself with the producer")
            object.__setattr__(self, "form", name)
            if self.is_synthetic:
                raise ProjectError(f"a {SYNTHETIC} needs no release form; remove form={name!r} "
                                   "(or give the real person's name)")

    @classmethod
    def synthetic(cls, *, role: str = "", shots: Iterable[str] = ()) -> Consent:
        """A performer made in code (like ``fk.greenscreen_footage``): no real person, no release needed."""
        return cls(SYNTHETIC, role=role, shots=tuple(shots), covers=(), scope=tuple(SCOPES))

    @property
    def is_synthetic(self) -> bool:
        """True for a performer made in code: no real person appears."""
        return self.name.lower() == SYNTHETIC

    @property
    def signed(self) -> bool:
        """True for a synthetic performer, or a real person whose signed form is recorded."""
        return self.is_synthetic or self.form is not None

    def _where(self) -> str:
        if not self.shots:
            return "the film"
        return ("shot " if len(self.shots) == 1 else "shots ") + _words([repr(s) for s in self.shots])

    def problem(self) -> str | None:
        """What is missing, and the fix — or ``None`` when this person may appear in the film."""
        if self.signed:
            return None
        return (f"{self.name} appears in {self._where()} but no signed release is recorded: ask them to sign one "
                f"(covering {_words(self.covers or ('likeness',))}, for {_words(self.scope)}) and record its file "
                f"name with form='release-....pdf' and date='YYYY-MM-DD', or recast the part with "
                f"fk.Consent.synthetic(role={self.role!r}, shots={self.shots!r}).")

    def sentence(self) -> str:
        """One sentence for the disclosure."""
        role = f" ({self.role.lower()})" if self.role else ""
        if self.is_synthetic:
            return f"The performer{role} in {self._where()} is synthetic footage made in code; no real person appears."
        return (f"{self.name}{role} appears in {self._where()} with their written consent to the use of "
                f"{_words([COVERS[c] for c in self.covers]) or 'their likeness'}, for "
                f"{_words([SCOPES[s] for s in self.scope])}.")

    def credit(self) -> str:
        """One line for the cast in the credits."""
        if self.is_synthetic:
            return f"{self.role or 'Performer'} — a synthetic performer (no real person)"
        what = ", ".join(self.covers) or "likeness"
        when = f", signed {self.date}" if self.date else ""
        return f"{self.role or 'Performer'} — {self.name} (written consent: {what}; {', '.join(self.scope)}{when})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; ``form`` is the file name only."""
        return {"name": self.name, "role": self.role, "shots": list(self.shots), "covers": list(self.covers),
                "scope": list(self.scope), "date": self.date, "form": self.form, "synthetic": self.is_synthetic}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Consent:
        """Read one back from :meth:`to_dict` (or a project file's ``[[cast]]`` entry, already parsed)."""
        return cls(d["name"], role=d.get("role", ""), shots=tuple(d.get("shots", ())),
                   covers=tuple(d.get("covers", ("likeness",))), scope=tuple(d.get("scope", ("this film",))),
                   date=d.get("date", ""), form=d.get("form"))


@dataclass(frozen=True)
class Manifest:
    """A film's provenance graph: assets with their provenance, the people who made it, and who appears in it.

    ``cast`` holds a :class:`Consent` for each person (or synthetic performer) in the film. A real person
    without a signed release is refused, naming the shot and the fix.

    Examples
    --------
    >>> import filmkit as fk
    >>> key = fk.Asset(path="key.png", kind="image", id="k1",
    ...                provenance=fk.Provenance(provider="previz", model="previz-1", prompt="salt flat", seed=4))
    >>> m = fk.Manifest.from_assets("Salt", [key, key], authors=["A. Learner"],
    ...                             cast=[fk.Consent.synthetic(role="The walker", shots=("walk",))])
    >>> m
    Manifest('Salt', 1 asset: previz/previz-1 ×1; cast: The walker (synthetic); by A. Learner)
    >>> fk.Manifest("Salt", cast=(fk.Consent("Mara Quinn", shots=("walk",)),))   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    filmkit.errors.ProjectError: Mara Quinn appears in shot 'walk' but no signed release is recorded: ...
    """

    title: str
    authors: tuple[str, ...] = ()
    assets: tuple[Asset, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict, hash=False)
    film: Asset | None = None
    human_edits: tuple[str, ...] = ()
    created: str = field(default_factory=now_iso)
    cast: tuple[Consent, ...] = ()

    def __post_init__(self) -> None:
        for name in ("authors", "assets", "human_edits", "cast"):
            value = getattr(self, name)
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))
        for c in self.cast:
            if not isinstance(c, Consent):
                raise ProjectError(f"cast holds Consent values (fk.Consent(...) or fk.Consent.synthetic(...)); "
                                   f"got {c!r}")
            if c.problem():
                raise ProjectError(c.problem())

    @classmethod
    def from_assets(cls, title: str, assets: Iterable[Asset], *, authors: Iterable[str] | str = (),
                    roles: Mapping[str, str] | None = None, cast: Iterable[Consent] = (),
                    human_edits: Iterable[str] = (), film: Asset | None = None) -> Manifest:
        """The manifest of your own assets, without a render: each asset once (by id), in the order given."""
        seen: set[str] = set()
        kept: list[Asset] = []
        for a in assets:
            if not isinstance(a, Asset):
                hint = " (save a clip first: clip.save(path) returns an Asset)" if hasattr(a, "frame_fn") else ""
                raise ProjectError(f"a manifest lists Assets; got {type(a).__name__}{hint}")
            key = a.id or str(a.path)
            if key not in seen:
                seen.add(key)
                kept.append(a)
        return cls(title=title, authors=(authors,) if isinstance(authors, str) else tuple(authors),
                   assets=tuple(kept), roles=dict(roles or {}), film=film, human_edits=tuple(human_edits),
                   cast=tuple(cast))

    def __repr__(self) -> str:
        tools = ", ".join(f"{r['provider']}/{r['model']} ×{r['image'] + r['video'] + r['audio']}"
                          for r in tool_summary(self.assets))
        cast = "; cast: " + ", ".join(f"{c.role or c.name} ({'synthetic' if c.is_synthetic else 'consent on file'})"
                                      for c in self.cast) if self.cast else ""
        who = f"; by {', '.join(self.authors)}" if self.authors else ""
        return f"Manifest({self.title!r}, {_plural(len(self.assets), 'asset')}: {tools or 'none'}{cast}{who})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every asset with provenance (paths relative to the film when possible), edges, roles."""
        base = Path(self.film.path).parent if self.film else None

        def rel(p: Path | str) -> str:
            pp = Path(p)
            if base is not None:
                try:
                    return pp.resolve().relative_to(base.resolve()).as_posix()
                except ValueError:
                    pass
            return pp.name

        assets = []
        for a in self.assets:
            d = a.to_dict()
            d["path"] = rel(a.path)
            d["layers"] = {k: rel(v) for k, v in a.layers.items()}
            d["provenance"]["request"] = _strip_urls(d["provenance"].get("request", {}))
            assets.append(d)
        edges = [{"from": p, "to": a.id} for a in self.assets for p in a.provenance.parents]
        out: dict[str, Any] = {
            "title": self.title, "authors": list(self.authors), "created": self.created,
            "roles": dict(self.roles), "human_edits": list(self.human_edits),
            "cast": [c.to_dict() for c in self.cast],
            "tools": tool_summary(self.assets), "assets": assets, "edges": edges,
            "credits_total": round(sum(a.provenance.cost_credits for a in self.assets), 2),
            "disclosure": disclosure(self),
        }
        if self.film is not None:
            out["film"] = {"path": rel(self.film.path), "id": self.film.id, "duration": self.film.duration,
                           "size": list(self.film.size) if self.film.size else None}
        return out

    def write(self, path: str | Path) -> Path:
        """Write ``manifest.json`` atomically."""
        import os
        import tempfile

        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh, indent=2, ensure_ascii=False)
        os.replace(tmp, p)
        return p


def _strip_urls(value: Any) -> Any:
    """Drop query strings from URLs (signed download links expire and must not be handed on)."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return value.split("?", 1)[0]
    if isinstance(value, Mapping):
        return {k: _strip_urls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_urls(v) for v in value]
    return value


def tool_summary(assets: Iterable[Asset]) -> list[dict[str, Any]]:
    """One row per (provider, model): how many images/videos/sounds it made and the credits spent."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for a in assets:
        p = a.provenance
        row = rows.setdefault((p.provider, p.model), {"provider": p.provider, "model": p.model,
                                                       "image": 0, "video": 0, "audio": 0, "credits": 0.0})
        row[a.kind] += 1
        row["credits"] = round(row["credits"] + p.cost_credits, 2)
    return sorted(rows.values(), key=lambda r: (r["provider"], r["model"]))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def disclosure(manifest: Manifest) -> str:
    """A plain-words AI disclosure: what was generated, by which tools, and what people did.

    Honest about previz: offline pre-visualisation frames are not generative AI, and the statement says so.
    Each person in ``manifest.cast`` gets a sentence: who appears where, with what consent, or that the
    performer is synthetic and no real person appears.

    >>> import filmkit as fk
    >>> clip = fk.Asset(path="walk.mp4", kind="video", id="w1",
    ...                 provenance=fk.Provenance(provider="runway", model="gen4_turbo", prompt="she walks"))
    >>> mara = fk.Consent("Mara Quinn", role="The wanderer", shots=("walk",), form="release-mara.pdf")
    >>> print(fk.disclosure(fk.Manifest.from_assets("Salt", [clip], authors="A. Learner", cast=[mara])))
    ... # doctest: +NORMALIZE_WHITESPACE
    AI disclosure: "Salt" was made by A. Learner with generative AI tools (Runway). 1 video was generated with
    Runway. People chose every prompt, selected and edited every shot, and wrote and edited the film. Mara Quinn
    (the wanderer) appears in shot 'walk' with their written consent to the use of their likeness in live
    footage, for this film.
    """
    made: Counter[tuple[str, str]] = Counter()
    for a in manifest.assets:
        if a.provenance.provider not in _NOT_MADE:
            made[(a.provenance.provider, a.kind)] += 1
    who = _words(manifest.authors) if manifest.authors else "its makers"
    generative = sorted({p for p, _ in made if p in _GENERATIVE})
    sentences = []
    for provider in sorted({p for p, _ in made}):
        n = sum(c for (p, _), c in made.items() if p == provider)
        counts = " and ".join(_plural(c, k) for (p, k), c in sorted(made.items()) if p == provider)
        if provider == "previz":
            sentences.append(f"{counts} {'was' if n == 1 else 'were'} rendered from text prompts by "
                             f"{PROVIDER_NAMES['previz']}.")
        elif provider == "midjourney-import":
            sentences.append(f"{counts} {'was' if n == 1 else 'were'} generated with Midjourney and imported.")
        else:
            sentences.append(f"{counts} {'was' if n == 1 else 'were'} generated with "
                             f"{PROVIDER_NAMES.get(provider, provider)}.")
    if generative:
        opening = (f'AI disclosure: "{manifest.title}" was made by {who} with generative AI tools '
                   f"({', '.join(PROVIDER_NAMES[g] for g in generative)}).")
    else:
        opening = (f'AI disclosure: "{manifest.title}" was made by {who}; no generative AI model made any of '
                   "its images or clips.")
    closing = ("People chose every prompt, selected and edited every shot, and wrote and edited the film."
               + (" " + " ".join(manifest.human_edits) if manifest.human_edits else ""))
    return " ".join([opening, *sentences, closing, *(c.sentence() for c in manifest.cast)])


def credits_text(manifest: Manifest) -> str:
    """The end credits: human roles first, then the cast and their consent, the tools and models from
    provenance, and the disclosure. Roll them with :func:`filmkit.render.credits_roll`.

    >>> import filmkit as fk
    >>> key = fk.Asset(path="key.png", kind="image", id="k1",
    ...                provenance=fk.Provenance(provider="runway", model="gen4_image", cost_credits=5))
    >>> text = fk.credits_text(fk.Manifest.from_assets("Salt", [key], roles={"Directed by": "A. Learner"},
    ...                        cast=[fk.Consent.synthetic(role="The walker", shots=("walk",))]))
    >>> print(text.split("AI disclosure")[0].strip())
    Salt
    <BLANKLINE>
    Directed by
      A. Learner
    <BLANKLINE>
    Cast
      The walker — a synthetic performer (no real person)
    <BLANKLINE>
    Tools and models
      Runway — gen4_image (1 image, 5 credits)
    """
    lines = [manifest.title, ""]
    if manifest.roles:
        for role, name in manifest.roles.items():
            lines += [role, f"  {name}"]
    elif manifest.authors:
        lines += ["A film by", "  " + ", ".join(manifest.authors)]
    if manifest.cast:
        lines += ["", "Cast"] + [f"  {c.credit()}" for c in manifest.cast]
    lines += ["", "Tools and models"]
    for row in tool_summary(manifest.assets):
        made = ", ".join(_plural(row[k], k) for k in ("image", "video", "audio") if row[k])
        cost = f", {row['credits']:g} credits" if row["credits"] else ""
        name = SHORT_NAMES.get(row["provider"], row["provider"])
        lines.append(f"  {name} — {row['model']} ({made}{cost})")
    lines += ["", disclosure(manifest)]
    return "\n".join(lines)
