"""Provenance made practical: the manifest of a film, its credits roll and a plain-words AI disclosure.

Every :class:`~filmkit.assets.Asset` carries who made it (provider, model, prompt, seed, parents, cost). A
:class:`Manifest` gathers the whole graph of a film — every asset, how they connect, the human roles — and is
written as ``manifest.json`` (never with an API key: provenance refuses to record one). :func:`credits_text` and
:func:`disclosure` turn it into words for the end titles.

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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .assets import Asset, now_iso

__all__ = ["Manifest", "credits_text", "disclosure", "PROVIDER_NAMES"]

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


@dataclass(frozen=True)
class Manifest:
    """A film's provenance graph: assets with their provenance, and the people who made it."""

    title: str
    authors: tuple[str, ...] = ()
    assets: tuple[Asset, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict, hash=False)
    film: Asset | None = None
    human_edits: tuple[str, ...] = ()
    created: str = field(default_factory=now_iso)

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
            "tools": tool_summary(self.assets), "assets": assets, "edges": edges,
            "credits_total": round(sum(a.provenance.cost_credits for a in self.assets), 2),
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
    """
    made: Counter[tuple[str, str]] = Counter()
    for a in manifest.assets:
        if a.provenance.provider not in ("filmkit", "human", "import"):
            made[(a.provenance.provider, a.kind)] += 1
    who = ", ".join(manifest.authors) or "its makers"
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
    return " ".join([opening, *sentences, closing])


def credits_text(manifest: Manifest) -> str:
    """The end credits: human roles first, then the tools and models from provenance, then the disclosure."""
    lines = [manifest.title, ""]
    if manifest.roles:
        for role, name in manifest.roles.items():
            lines += [role, f"  {name}"]
    elif manifest.authors:
        lines += ["A film by", "  " + ", ".join(manifest.authors)]
    lines += ["", "Tools and models"]
    for row in tool_summary(manifest.assets):
        made = ", ".join(_plural(row[k], k) for k in ("image", "video", "audio") if row[k])
        cost = f", {row['credits']:g} credits" if row["credits"] else ""
        name = SHORT_NAMES.get(row["provider"], row["provider"])
        lines.append(f"  {name} — {row['model']} ({made}{cost})")
    lines += ["", disclosure(manifest)]
    return "\n".join(lines)
