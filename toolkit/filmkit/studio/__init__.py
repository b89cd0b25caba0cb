"""The studio: make images and clips from prompts, offline (``previz``) or on Runway, never paying twice.

``fk.generate(prompt)`` works like a Midjourney job: it returns a :class:`Job` of candidates (four for previz,
one for Runway) that shows itself inline as a 2×2 grid. Pick one with ``job[i]``, upscale it with
``job.upscale(i)``, or vary it with ``job.vary(i, strong=False)``; every candidate's provenance remembers its
parent and the operation. ``animate(image)`` turns a still into a clip (previz: an honest local camera move).

Every call is cached by provider, model and canonical request, seed included: repeating a prompt returns the
stored files without calling the provider (``refresh=True`` asks again on purpose). The default seed is the
prompt's ``--seed``, else a stable hash of the prompt, so "run all" twice never spends twice.

Examples
--------
>>> import filmkit as fk
>>> job = fk.generate("misty harbour at dawn, lone lighthouse --ar 16:9", scale=0.1)
>>> len(job), job.provider, job[0].size, job[0].provenance.model
(4, 'previz', (146, 82), 'previz-1')
>>> fk.generate("misty harbour at dawn, lone lighthouse --ar 16:9", scale=0.1).cached
True
>>> big = job.upscale(0)
>>> big.size, big.provenance.parents == (job[0].id,), big.provenance.operation
((292, 164), True, 'upscale')
"""
from __future__ import annotations

import hashlib
import io
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..assets import Asset, file_id
from ..errors import MediaError, StudioError
from .base import PROVIDERS, Provider, get_provider
from .cache import GenerationCache, generation_cache, key_for
from .previz import PrevizProvider, default_seed, read_prompt, render_previz

__all__ = [
    "PROVIDERS",
    "GenerationCache",
    "Job",
    "PrevizProvider",
    "Provider",
    "animate",
    "generate",
    "generation_cache",
    "get_provider",
    "key_for",
    "render_previz",
]


def _ref_ids(references: Any) -> list[Any]:
    """Reference images as ids for the cache key (Assets, paths, ``{"tag": asset}`` or ``[("tag", asset)]``)."""

    def one(x: Any) -> str:
        if isinstance(x, Asset):
            return x.id
        if isinstance(x, (str, Path)):
            return file_id(x)
        raise StudioError(f"a reference must be an Asset or an image path; got {type(x).__name__}.")

    if isinstance(references, Mapping):
        return [[str(tag), one(x)] for tag, x in references.items()]
    return [[str(x[0]), one(x[1])] if isinstance(x, tuple) else one(x) for x in references]


def _model_of(provider: Any, options: dict[str, Any], attr: str = "model") -> str:
    return str(options.get("model") or getattr(provider, attr, None) or getattr(provider, "model", None)
               or provider.name)


@dataclass(frozen=True)
class Job:
    """The candidates of one generation (a Midjourney-style job). Displays as a 2×2 grid.

    ``job[i]`` is candidate ``i`` (an :class:`~filmkit.assets.Asset`); ``job.upscale(i)`` and ``job.vary(i)``
    make new assets from it, cached like everything else.

    Examples
    --------
    >>> import tempfile
    >>> import filmkit as fk
    >>> with fk.config.override(workspace=tempfile.mkdtemp()):    # a lesson uses its own workspace
    ...     job = fk.generate("koi pond at night --ar 16:9", scale=0.1, seed=3)
    ...     subtle = job.vary(0)                                   # four variations of candidate 0
    >>> job
    Job(4 candidate(s) by previz/previz-1, seed 3: 'koi pond at night --ar 16:9')
    >>> len(job), job[0].kind, subtle.operation, subtle.parent == job[0].id
    (4, 'image', 'vary_subtle', True)
    """

    prompt: str
    seed: int
    provider: str
    assets: tuple[Asset, ...]
    model: str = ""
    operation: str = "text_to_image"
    parent: str | None = None
    key: str = field(default="", repr=False)
    cached: bool = field(default=False, compare=False)

    def __len__(self) -> int:
        return len(self.assets)

    def __getitem__(self, i: int) -> Asset:
        try:
            return self.assets[i]
        except IndexError:
            raise IndexError(f"this job has {len(self.assets)} candidate(s): use job[0] to job[{len(self) - 1}]; "
                             f"got {i}.") from None

    def __iter__(self) -> Iterator[Asset]:
        return iter(self.assets)

    def __repr__(self) -> str:
        where = " (from cache)" if self.cached else ""
        return (f"Job({len(self)} candidate(s) by {self.provider}/{self.model}, seed {self.seed}{where}: "
                f"{self.prompt[:60]!r})")

    # --- derived work ----------------------------------------------------------------------------------------
    def upscale(self, i: int, *, refresh: bool = False) -> Asset:
        """Candidate ``i`` made again at twice the size (previz re-renders it sharper, from the same request)."""
        parent = self[i]
        prov = get_provider(self.provider)
        if not hasattr(prov, "upscale"):
            raise StudioError(f"the {self.provider} provider cannot upscale; use the image as it is, or upscale "
                              "a previz candidate with provider='previz'.")
        request = {"operation": "upscale", "parent": parent.id, "parent_request": dict(parent.provenance.request)}
        key = key_for(prov.name, _model_of(prov, {}), request)
        assets, _ = generation_cache().fetch_or_make(
            key, lambda out: [prov.upscale(parent, out_dir=out)], refresh=refresh)
        return assets[0]

    def vary(self, i: int, *, strong: bool = False, seed: int | None = None, refresh: bool = False) -> Job:
        """A new job of variations of candidate ``i``: subtle (default) or ``strong``, seeded.

        Without ``seed`` the variation seed is derived from the candidate, so asking again is a cache hit.
        """
        parent = self[i]
        prov = get_provider(self.provider)
        vseed = int(seed) if seed is not None else int(
            hashlib.sha256(f"{parent.id}:{bool(strong)}".encode()).hexdigest()[:8], 16)
        request = {"operation": "vary", "parent": parent.id, "strong": bool(strong), "seed": vseed,
                   "parent_request": dict(parent.provenance.request)}
        model = _model_of(prov, {})
        key = key_for(prov.name, model, request)
        assets, hit = generation_cache().fetch_or_make(
            key, lambda out: prov.variations(parent, strong=strong, seed=vseed, out_dir=out), refresh=refresh)
        return Job(prompt=self.prompt, seed=vseed, provider=prov.name, assets=tuple(assets), model=model,
                   operation="vary_strong" if strong else "vary_subtle", parent=parent.id, key=key, cached=hit)

    # --- showing and saving ------------------------------------------------------------------------------------
    def grid(self, *, width: int = 1024) -> Any:
        """The candidates as one 2×2 contact image (``PIL.Image``) with a caption."""
        from PIL import Image, ImageDraw

        ims = [a.image() for a in self.assets if a.kind == "image"]
        if not ims:
            raise MediaError("this job holds no images to show.")
        cols = 2 if len(ims) > 1 else 1
        rows = (len(ims) + cols - 1) // cols
        gap = 6
        cw = (width - gap * (cols + 1)) // cols
        ch = round(cw * ims[0].height / ims[0].width)
        cap = 26
        sheet = Image.new("RGB", (width, rows * ch + gap * (rows + 1) + cap), (24, 24, 26))
        draw = ImageDraw.Draw(sheet)
        for k, im in enumerate(ims):
            x, y = gap + (k % cols) * (cw + gap), gap + (k // cols) * (ch + gap)
            sheet.paste(im.resize((cw, ch), Image.Resampling.LANCZOS), (x, y))
            draw.text((x + 6, y + 4), str(k), fill=(255, 255, 255))
        label = f"{self.provider} · seed {self.seed} · {self.prompt[:110]}"
        draw.text((gap, rows * ch + gap * (rows + 1) + 6), label, fill=(200, 200, 205))
        return sheet

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.grid(width=768).save(buf, format="PNG")
        return buf.getvalue()

    def save(self, folder: str | Path) -> list[Path]:
        """Copy the candidates into ``folder`` (created if needed); never overwrites a different file."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", self.prompt.split(" --")[0].lower()).strip("-")[:40] or "job"
        paths = []
        for k, a in enumerate(self.assets):
            base = f"{self.provider}-{slug}-{self.seed}-{k}"
            dest = out / f"{base}{a.path.suffix}"
            n = 2
            while dest.exists() and dest.read_bytes() != a.path.read_bytes():
                dest = out / f"{base}-{n}{a.path.suffix}"
                n += 1
            if not dest.exists():
                shutil.copyfile(a.path, dest)
            paths.append(dest.resolve())
        return paths


def generate(prompt: Any, *, provider: str | None = None, seed: int | None = None, refresh: bool = False,
             references: Sequence[Any] | Mapping[str, Any] = (), **options: Any) -> Job:
    """Make images for ``prompt``: a :class:`Job` of candidates (previz: 4, Runway: 1), cached.

    Parameters
    ----------
    prompt : str or Prompt
        Midjourney-style text, e.g. ``"misty harbour at dawn --ar 16:9 --chaos 20"``.
    provider : {"previz", "runway"}, optional
        Default ``fk.config.provider`` (``previz`` unless the course chose otherwise).
    seed : int, optional
        Default: the prompt's ``--seed``, else a stable hash of the prompt (so a repeat is a cache hit).
    refresh : bool
        Ask the provider again even if this exact request is cached (it may cost credits on Runway).
    references : sequence of Asset, or {"tag": Asset}
        Reference images (Runway uses them to keep a look consistent; previz records them as parents).
    **options
        Passed to the provider (previz: ``scale=0.25`` for quick small drafts, ``n=``; Runway: its options).

    Examples
    --------
    >>> import filmkit as fk
    >>> job = fk.generate("foggy forest at dawn --seed 3", scale=0.1)
    >>> job.seed, [a.provenance.operation for a in job][:2]
    (3, ['text_to_image', 'text_to_image'])
    """
    p = read_prompt(prompt)
    prov = get_provider(provider)
    seed = default_seed(p) if seed is None else int(seed) % 2**32
    model = _model_of(prov, options)
    request = {"operation": "text_to_image", "prompt": str(p), "seed": seed,
               "references": _ref_ids(references), "options": dict(options)}
    key = key_for(prov.name, model, request)
    assets, hit = generation_cache().fetch_or_make(
        key, lambda out: prov.text_to_image(p, seed=seed, out_dir=out, references=references,  # type: ignore[arg-type]
                                            **options), refresh=refresh)
    return Job(prompt=str(p), seed=seed, provider=prov.name, assets=tuple(assets), model=model, key=key, cached=hit)


def animate(image: Asset | str | Path, prompt_text: str = "", seconds: float = 5, provider: str | None = None,
            seed: int | None = None, *, refresh: bool = False, **options: Any) -> Asset:
    """Animate a still: image-to-video on the provider (previz: a local push-in, honestly labelled), cached.

    Examples
    --------
    >>> import filmkit as fk
    >>> from filmkit.studio import animate
    >>> still = fk.generate("desert at dusk, lone figure --ar 16:9", scale=0.1)[0]
    >>> clip = animate(still, seconds=0.5)
    >>> clip.kind, clip.provenance.provider, clip.provenance.operation, clip.provenance.parents == (still.id,)
    ('video', 'previz', 'image_to_video', True)
    """
    asset = image if isinstance(image, Asset) else Asset.from_file(image)
    if asset.kind != "image":
        raise MediaError(f"animate needs a still image; {asset.path.name} is a {asset.kind}.")
    prov = get_provider(provider)
    model = _model_of(prov, options, "video_model")
    request = {"operation": "image_to_video", "image": asset.id, "prompt_text": prompt_text,
               "seconds": float(seconds), "seed": seed, "options": dict(options)}
    key = key_for(prov.name, model, request)
    assets, _ = generation_cache().fetch_or_make(
        key, lambda out: [prov.image_to_video(asset, prompt_text=prompt_text, seconds=float(seconds), seed=seed,
                                              out_dir=out, **options)], refresh=refresh)
    return assets[0]

