"""The Midjourney parameter table, as data: names, aliases, value kinds, ranges and versions.

Sources are summarised in ``/work/shared/reference/midjourney_syntax.md`` (§2). Where that note marks a point as
uncertain (§11), the rule lives in an ``uncertain`` field and the validator reports a *warning*, never an error.
:mod:`filmkit.prompts` reads this table; nothing here does any work.

>>> SPECS["chaos"].ranges["*"]
(0, 100)
>>> ALIASES["ar"], SHORT["aspect"]
('aspect', 'ar')
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# --- model versions ------------------------------------------------------------------------------------------
# The versions filmkit has rules for. Keys are the normalised spelling ``parse_version`` returns.
V4, V5, V51, V52, V6, V61, V7 = "4", "5", "5.1", "5.2", "6", "6.1", "7"
N4, N5, N6 = "niji 4", "niji 5", "niji 6"
CHECKED_VERSIONS: tuple[str, ...] = (V4, V5, V51, V52, V6, V61, V7, N4, N5, N6)
# Versions Midjourney has (or had) that filmkit checks with the rules of a neighbour, with a warning.
OTHER_VERSIONS = {"1": V4, "2": V4, "3": V4, "8": V7, "8.1": V7, "niji 7": N6}
V_VALUES = ("1", "2", "3", "4", "5", "5.1", "5.2", "6", "6.1", "7", "8", "8.1")
NIJI_VALUES = ("4", "5", "6", "7")
DEFAULT_VERSION: str = V7
DEFAULT_NIJI = N6

ALL = frozenset(CHECKED_VERSIONS)
V5X = frozenset({V5, V51, V52, N5})
V6PLUS = frozenset({V6, V61, V7, N6})
V6ERA = frozenset({V6, V61, N6})
ONLY_V7 = frozenset({V7})

# --- permutation job limits per plan -------------------------------------------------------------------------
PLAN_JOBS = {"basic": 4, "standard": 10, "pro": 40, "mega": 40}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: how its value reads and where it is allowed.

    ``kind`` is one of ``flag`` (no value), ``int``, ``number`` (decimals allowed), ``aspect`` (``W:H``),
    ``choice`` (one word from ``choices``), ``words`` (free text such as ``--no``), ``refs`` (URLs or codes),
    ``url`` (one URL), ``version``, ``niji``, ``quality``, ``style``, ``repeat``, ``legacy``.
    ``ranges`` maps a version (or ``"*"``) to an inclusive ``(low, high)``.
    """

    name: str
    kind: str
    help: str
    example: str = ""
    versions: frozenset[str] = ALL
    # versions where the parameter is *probably* fine but the docs do not say so: a warning, not an error
    uncertain: Mapping[str, str] = field(default_factory=dict)
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    instead: Mapping[str, str] = field(default_factory=dict)  # version -> what to use instead there


def _spec(name: str, kind: str, help: str, example: str = "", **kw: object) -> ParamSpec:
    return ParamSpec(name, kind, help, example, **kw)  # type: ignore[arg-type]


_TABLE = [
    _spec("aspect", "aspect", "aspect ratio W:H of the image", "16:9"),
    _spec("chaos", "int", "how varied the four images are", "50", ranges={"*": (0, 100)}),
    _spec("quality", "quality", "rendering time spent (GPU cost)", "1"),
    _spec("stylize", "int", "how strongly Midjourney's own taste is applied", "250", ranges={"*": (0, 1000)}),
    _spec("weird", "int", "quirky, unexpected qualities", "250", ranges={"*": (0, 3000)},
          versions=frozenset({V5, V51, V52, V6, V61, V7, N5, N6})),
    _spec("seed", "int", "starting noise of the first grid", "1234", ranges={"*": (0, 4294967295)}),
    _spec("stop", "int", "finish the job early, at this percent", "80", ranges={"*": (10, 100)},
          versions=frozenset(ALL - {V7}),
          uncertain={V7: "--stop is not in the V7 parameter list (moved to the legacy page)"}),
    _spec("repeat", "repeat", "run the same prompt several times", "4"),
    _spec("no", "words", "things to leave out (like ::-.5 each)", "trees, people"),
    _spec("tile", "flag", "seamless repeating pattern", versions=frozenset(ALL - {V4, N4})),
    _spec("style", "style", "a style variant such as raw", "raw"),
    _spec("raw", "flag", "less automatic beautifying (V7)", versions=ONLY_V7,
          instead={V6: "--style raw", V61: "--style raw", N6: "--style raw", V51: "--style raw",
                   V52: "--style raw"}),
    _spec("version", "version", "model version", "7"),
    _spec("niji", "niji", "the anime model (niji)", "6"),
    _spec("iw", "number", "image prompt weight vs the text", "1.5",
          versions=frozenset(ALL - {V4, N4}),
          ranges={V5: (0, 2), V51: (0, 2), V52: (0, 2), N5: (0, 2), V6: (0, 3), V61: (0, 3), N6: (0, 3),
                  V7: (0, 3)}),
    _spec("sref", "refs", "style reference: image URLs, style codes or random", "2618598419", versions=V6PLUS),
    _spec("sw", "int", "style reference weight", "100", versions=V6PLUS, ranges={"*": (0, 1000)}),
    _spec("sv", "int", "style reference version", "4", versions=V6PLUS,
          ranges={V6: (1, 4), V61: (1, 4), N6: (1, 4), V7: (1, 6)}),
    _spec("cref", "refs", "character reference image URLs", "https://s.mj.run/abc", versions=V6ERA,
          instead={V7: "--oref (omni reference)"}),
    _spec("cw", "int", "character reference weight (0 = face only)", "100", versions=V6ERA,
          ranges={"*": (0, 100)}, instead={V7: "--ow"}),
    _spec("oref", "url", "omni reference: one image URL (V7)", "https://s.mj.run/abc", versions=ONLY_V7,
          instead={V6: "--cref", V61: "--cref", N6: "--cref"}),
    _spec("ow", "int", "omni reference weight", "100", versions=ONLY_V7, ranges={"*": (0, 1000)},
          instead={V6: "--cw", V61: "--cw", N6: "--cw"}),
    _spec("exp", "int", "experimental aesthetics (V7)", "25", versions=ONLY_V7, ranges={"*": (0, 100)}),
    _spec("profile", "words", "personalization profile or moodboard codes (bare = default profile)",
          versions=V6PLUS),
    _spec("draft", "flag", "draft mode: fast, half cost (V7)", versions=ONLY_V7),
    _spec("fast", "flag", "fast GPU mode for this job"),
    _spec("relax", "flag", "relax GPU mode for this job"),
    _spec("turbo", "flag", "turbo GPU mode for this job"),
    _spec("stealth", "flag", "hide this job from the public gallery"),
    _spec("public", "flag", "show this job in the public gallery"),
    _spec("video", "flag", "make a video from the image or prompt"),
    _spec("motion", "choice", "video motion amount", "low", choices=("low", "high")),
    _spec("loop", "flag", "video: loop back to the start frame"),
    _spec("end", "url", "video: end frame image URL", "https://s.mj.run/abc"),
    _spec("bs", "int", "video batch size", "1", ranges={"*": (1, 4)}),
    _spec("hd", "flag", "legacy high definition (V1-3; V8 2K mode)", versions=frozenset(),
          uncertain={v: "--hd is a legacy parameter (V1-3) and V8's 2K mode" for v in CHECKED_VERSIONS}),
]
_LEGACY = ["width", "h", "height", "hq", "vibe", "newclip", "nostretch", "old", "beta", "uplight", "upbeta",
           "upanime", "test", "testp", "creative", "sameseed", "mine"]
_TABLE += [_spec(n, "legacy", "legacy parameter from the V1-V3 era") for n in _LEGACY]

SPECS: dict[str, ParamSpec] = {s.name: s for s in _TABLE}

# alias -> canonical name (every canonical name maps to itself too)
ALIASES: dict[str, str] = {name: name for name in SPECS}
ALIASES.update({"ar": "aspect", "c": "chaos", "s": "stylize", "q": "quality", "v": "version", "r": "repeat",
                "w": "weird", "p": "profile", "personalize": "profile"})
# canonical -> the short form str(Prompt) writes (the form Midjourney itself echoes back)
SHORT: dict[str, str] = {"aspect": "ar", "chaos": "c", "stylize": "s", "quality": "q", "version": "v",
                         "repeat": "r", "weird": "w", "profile": "p"}

# values of these parameters accumulate when the parameter is repeated (reference rule R5)
JOIN_SPACE = frozenset({"sref", "cref", "profile"})
JOIN_COMMA = frozenset({"no"})

# --quality: value sets per version (documented) and values that are plausible but undocumented (warnings)
QUALITY_OK: dict[str, frozenset[float]] = {
    **{v: frozenset({0.25, 0.5, 1.0}) for v in (V4, V5, V51, V52, V6, V61, N4, N5, N6)},
    V7: frozenset({1.0, 2.0, 4.0}),
}
QUALITY_UNSURE: dict[str, frozenset[float]] = {V61: frozenset({2.0}), V7: frozenset({0.5})}

# --style: values per version
STYLE_VALUES: dict[str, frozenset[str]] = {
    V4: frozenset({"4a", "4b", "4c"}),
    V51: frozenset({"raw"}), V52: frozenset({"raw"}), V6: frozenset({"raw"}), V61: frozenset({"raw"}),
    N5: frozenset({"cute", "expressive", "original", "scenic"}), N6: frozenset({"raw"}),
}
