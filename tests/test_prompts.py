"""The Midjourney prompt layer: parsing, formatting, validation per version, permutations.

Most cases live in ``tests/data/prompts/*.json``: Midjourney's documented examples, valid and invalid, with the
expected result. The property tests check ``parse_prompt(str(p)) == p``.
"""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import filmkit as fk
import pytest
from filmkit.errors import PromptError, PromptSyntaxError, PromptValidationError
from filmkit.prompts import (
    Problem,
    Prompt,
    WeightedPart,
    expand_prompt,
    format_prompt,
    parse_prompt,
    validate_prompt,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DATA = Path(__file__).parent / "data" / "prompts"
PARSE = json.loads((DATA / "parse_cases.json").read_text(encoding="utf-8"))["cases"]
VALIDATION = json.loads((DATA / "validation_cases.json").read_text(encoding="utf-8"))
EXPAND = json.loads((DATA / "expand_cases.json").read_text(encoding="utf-8"))["cases"]


def _id(case: dict) -> str:
    return case["input"][:50]


# --- parsing the documented examples ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", PARSE, ids=_id)
def test_parses_documented_examples(case: dict) -> None:
    p = parse_prompt(case["input"])
    assert p.text == case["text"]
    assert dict(p.params) == case["params"]
    assert list(p.image_prompts) == case.get("image_prompts", [])
    if "weights" in case:
        expected = None if case["weights"] is None else tuple(WeightedPart(t, w) for t, w in case["weights"])
        assert p.weights == expected


@pytest.mark.parametrize("case", PARSE, ids=_id)
def test_documented_examples_round_trip(case: dict) -> None:
    p = parse_prompt(case["input"])
    again = parse_prompt(str(p))
    assert again == p
    assert str(again) == str(p)


def test_canonical_form_uses_short_names_and_plain_dashes() -> None:
    p = parse_prompt("<https://s.mj.run/a1>  koi pond,  —ASPECT 2:3 --stylize 50 --chaos 5 --quality 1 "
                     "--version 6 --repeat 2 --weird 9 --personalize abc --tile")
    assert str(p) == "https://s.mj.run/a1 koi pond --ar 2:3 --s 50 --c 5 --q 1 --v 6 --r 2 --w 9 --p abc --tile"
    assert format_prompt("koi  --AR 2:3") == "koi --ar 2:3"


def test_markers_inside_a_permutation_group_belong_to_the_group() -> None:
    p = parse_prompt("a {cat --ar 2:3, dog} --v 6")
    assert p.text == "a {cat --ar 2:3, dog}"
    assert dict(p.params) == {"version": "6"}


def test_unbalanced_braces_still_parse() -> None:
    p = parse_prompt("a {red, green bird --ar 2:3")
    assert p.text == "a {red, green bird"
    assert p.params["aspect"] == "2:3"
    assert p.permutations == 0


def test_parse_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="str"):
        parse_prompt(42)  # type: ignore[arg-type]


def test_public_names_reach_the_same_functions() -> None:
    assert fk.parse_prompt is parse_prompt and fk.Prompt is Prompt and fk.Problem is Problem
    assert fk.validate_prompt is validate_prompt and fk.expand_prompt is expand_prompt
    assert Prompt.parse("koi --ar 2:3") == parse_prompt("koi --ar 2:3")


# --- the Prompt value ----------------------------------------------------------------------------------------
def test_prompt_is_immutable_and_hashable() -> None:
    p = parse_prompt("koi pond --ar 2:3 --tile")
    with pytest.raises(AttributeError):
        p.text = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        p.params["aspect"] = "1:1"  # type: ignore[index]
    assert len({p, parse_prompt("koi pond --ar 2:3 --tile"), parse_prompt("koi pond --tile")}) == 2


def test_prompt_pickles_without_its_cached_hash() -> None:
    p = parse_prompt("koi --ar 2:3 --no trees")
    hash(p)
    q = pickle.loads(pickle.dumps(p))
    assert q == p and q.params._hash is None  # type: ignore[attr-defined]
    assert hash(q) == hash(p)


def test_parameter_order_does_not_change_equality_but_is_kept_in_text() -> None:
    a, b = parse_prompt("koi --ar 2:3 --v 6"), parse_prompt("koi --v 6 --ar 2:3")
    assert a == b and hash(a) == hash(b)
    assert str(a) == "koi --ar 2:3 --v 6" and str(b) == "koi --v 6 --ar 2:3"


def test_with_param_accepts_aliases_and_returns_copies() -> None:
    p = Prompt("koi pond")
    q = p.with_param("ar", "16:9").with_param("s", 250).with_param("--tile").with_param("iw", 0.5)
    assert dict(p.params) == {}
    assert dict(q.params) == {"aspect": "16:9", "stylize": "250", "tile": True, "iw": "0.5"}
    assert str(q) == "koi pond --ar 16:9 --s 250 --tile --iw 0.5"
    assert q.with_param("aspect", "2:3").params["aspect"] == "2:3"
    assert str(q.without_param("ar").without_param("tile")) == "koi pond --s 250 --iw 0.5"
    assert q.with_param("tile", False) == q.without_param("tile")
    assert q.without_param("chaos") is q


def test_with_text_and_image_prompts() -> None:
    p = parse_prompt("https://s.mj.run/a.png koi pond --ar 2:3")
    q = p.with_text("lotus:: pond::-.5")
    assert q.image_prompts == p.image_prompts and q.params == p.params
    assert q.weights == (WeightedPart("lotus", 1), WeightedPart("pond", -0.5))
    assert p.text == "koi pond"
    assert q.with_image_prompts().image_prompts == ()
    assert Prompt("koi", image_prompts=("<https://s.mj.run/x>",)).image_prompts == ("https://s.mj.run/x",)


def test_constructor_normalises_names_values_and_text() -> None:
    p = Prompt("  koi pond ,, ", params={"AR": "16:9", "c": 5, "no": "trees,   people", "tile": True,
                                         "seed": None})
    assert p.text == "koi pond"
    assert dict(p.params) == {"aspect": "16:9", "chaos": "5", "no": "trees, people", "tile": True}
    assert p == parse_prompt(str(p))


def test_version_property() -> None:
    assert parse_prompt("koi --v 6.1").version == "6.1"
    assert parse_prompt("koi --niji 6").version == "niji 6"
    assert parse_prompt("koi --niji").version == "niji"
    assert parse_prompt("koi").version is None


def test_weights_drop_empty_parts_and_keep_decimals() -> None:
    assert parse_prompt("::2 dog:: cat::.25").weights == (WeightedPart("dog", 1), WeightedPart("cat", 0.25))
    assert parse_prompt("hot dog").weights is None


def test_permutations_count_nested_groups() -> None:
    p = parse_prompt("A {sculpture, painting} of a {seagull {on a pier, on a beach}, poodle {on a sofa, in a truck}}.")
    assert p.permutations == 8 == len(p.expand())
    assert parse_prompt("no groups").permutations == 1


def test_repr_html_shows_each_part_escaped() -> None:
    assert repr(parse_prompt("koi —ar 2:3")) == "Prompt('koi --ar 2:3')"
    page = parse_prompt("https://s.mj.run/a.png <b>cat</b>::2 dog --ar 2:3")._repr_html_()
    assert "&lt;b&gt;cat&lt;/b&gt;" in page and "<sub>2</sub>" in page and "--ar 2:3" in page
    assert "https://s.mj.run/a.png" in page and "aspect ratio" in page


# --- validation ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", VALIDATION["valid"], ids=_id)
def test_documented_valid_prompts_have_no_errors(case: dict) -> None:
    errors = [p for p in validate_prompt(case["input"]) if p.is_error]
    assert errors == []


@pytest.mark.parametrize("case", VALIDATION["invalid"], ids=_id)
def test_invalid_prompts_report_the_expected_errors(case: dict) -> None:
    problems = validate_prompt(case["input"], plan=case.get("plan", "standard"))
    assert [p.code for p in problems if p.is_error] == case["errors"]
    for problem in problems:
        assert str(problem) == problem.message and problem.message.endswith((".", "?"))


@pytest.mark.parametrize("case", VALIDATION["warnings"], ids=_id)
def test_uncertain_points_are_warnings_not_errors(case: dict) -> None:
    text = "a fox " * 400 if case["input"] == "LONG" else case["input"]
    problems = validate_prompt(text)
    assert [p.code for p in problems] == case["warnings"]
    assert all(p.severity == "warning" for p in problems)


def test_messages_name_the_value_and_the_fix() -> None:
    (chaos,) = validate_prompt("a bird --chaos 150")
    assert chaos.param == "chaos" and "150" in chaos.message and "0–100" in chaos.message
    assert "Use 100 or less" in chaos.message
    (aspect,) = validate_prompt("a bird --ar 2.39:1")
    assert "'2.39:1'" in aspect.message and "--ar 239:100" in aspect.message
    (unknown,) = validate_prompt("a bird --stylise 500")
    assert "Did you mean --stylize?" in unknown.message
    (cref,) = validate_prompt("a bird --cref https://s.mj.run/a")
    assert "V7" in cref.message and "--oref" in cref.message
    (glued,) = validate_prompt("poppies--ar 2:3")
    assert "'poppies--ar'" in glued.message and "space" in glued.message
    (after,) = validate_prompt("text --ar 16:9 more text")
    assert "'more text'" in after.message and after.param == "aspect"
    (jobs,) = validate_prompt("a {1,2,3} {4,5} bird", plan="basic")
    assert "6 jobs" in jobs.message and "4" in jobs.message


def test_dash_and_case_warnings_belong_to_the_written_text_not_to_copies() -> None:
    p = parse_prompt("koi –ar 2:3 --S 50")
    assert [x.code for x in validate_prompt(p)] == ["dash-style", "uppercase-name"]
    assert validate_prompt(p.with_param("chaos", 5)) == []
    assert validate_prompt(str(p)) == []


def test_prose_dashes_are_not_parameters_but_glued_names_are() -> None:
    assert validate_prompt("yes—no, a sci-fi city – no people") == []
    assert [x.code for x in validate_prompt("street photography—ar 16:9")] == ["glued-parameter"]
    assert [x.code for x in validate_prompt("poppies--no trees")] == ["glued-parameter"]


def test_explicit_version_overrides_the_prompts_own() -> None:
    text = "a girl reading --cref https://s.mj.run/a1 --cw 50"
    assert [p.code for p in validate_prompt(text)] == ["not-in-version", "not-in-version"]
    assert validate_prompt(text, version="6") == []
    assert validate_prompt(text, version="v6.1") == []
    assert validate_prompt(text, version=6.1) == []
    assert [p.code for p in validate_prompt("koi --tile", version="niji 4")] == ["not-in-version"]
    assert validate_prompt("koi --tile --v 4", version="7") == []


def test_version_ranges_differ() -> None:
    img = "https://s.mj.run/a.png koi"
    assert validate_prompt(f"{img} --iw 2.5 --v 6") == []
    assert [p.code for p in validate_prompt(f"{img} --iw 2.5 --v 5.2")] == ["out-of-range"]
    assert [p.code for p in validate_prompt(f"{img} --iw 1 --v 4")] == ["not-in-version"]
    assert validate_prompt("koi --sref 1 --sv 6 --v 7") == []
    assert [p.code for p in validate_prompt("koi --sref 1 --sv 6 --v 6")] == ["out-of-range"]
    assert validate_prompt("koi --q 4 --v 7") == []
    assert validate_prompt("koi --ar 3:1 --v 5") == []


def test_bad_arguments_raise_prompt_errors() -> None:
    with pytest.raises(PromptError, match="'4.7'"):
        validate_prompt("koi", version="4.7")
    with pytest.raises(PromptError, match="plan must be one of"):
        validate_prompt("koi", plan="gold")


def test_mega_and_pro_plans_allow_forty_jobs() -> None:
    text = "a {1,2,3,4,5} {a,b,c,d} {x,y} bird"  # 40 jobs
    assert validate_prompt(text, plan="pro") == validate_prompt(text, plan="mega") == []
    assert [p.code for p in validate_prompt(text)] == ["too-many-jobs"]


def test_check_raises_with_the_problems_and_ignores_warnings() -> None:
    with pytest.raises(PromptValidationError) as info:
        parse_prompt("koi --c 150 --s -1").check()
    assert [p.code for p in info.value.problems] == ["out-of-range", "out-of-range"]
    assert "--chaos must be 0–100" in str(info.value)
    ok = parse_prompt("koi --style raw --v 7")
    assert ok.check() is ok and [p.severity for p in ok.problems()] == ["warning"]


def test_validate_accepts_a_prompt_value() -> None:
    p = Prompt("koi", params={"chaos": 101})
    assert [x.code for x in validate_prompt(p)] == ["out-of-range"]


# --- permutations --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", EXPAND, ids=_id)
def test_expands_documented_permutations_in_order(case: dict) -> None:
    prompts = expand_prompt(case["input"])
    assert [str(p) for p in prompts] == case["expected"]
    if "image_prompts" in case:
        assert [list(p.image_prompts) for p in prompts] == case["image_prompts"]


def test_expansions_are_parsed_prompts() -> None:
    v5, niji, test = expand_prompt("a fruit salad bird --{v 5, niji, test}")
    assert v5.version == "5" and niji.version == "niji" and dict(test.params) == {"test": True}


def test_expand_refuses_unbalanced_braces() -> None:
    with pytest.raises(PromptSyntaxError, match="do not balance"):
        expand_prompt("a {red, green bird")


# --- properties ----------------------------------------------------------------------------------------------
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
PHRASE = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
NUM = st.one_of(st.integers(-5, 5), st.sampled_from([0.5, 1.5, -0.25, 2.75])).map(
    lambda x: str(x).replace("0.", ".") if isinstance(x, float) else str(x))
WEIGHTED = st.lists(st.tuples(PHRASE, st.one_of(st.just(""), NUM)), min_size=1, max_size=4).map(
    lambda parts: " ".join(f"{t}::{w}" for t, w in parts))
TEXT = st.one_of(PHRASE, WEIGHTED, PHRASE.map(lambda t: f"a {{{t}, other}} bird"))
URL = st.builds(lambda host, name, ext: f"https://{host}.example/{name}.{ext}", WORD, WORD,
                st.sampled_from(["png", "jpg", "webp"]))
VALUES = {
    "aspect": st.builds(lambda w, h: f"{w}:{h}", st.integers(1, 40), st.integers(1, 40)),
    "chaos": st.integers(0, 100).map(str),
    "stylize": st.integers(0, 1000).map(str),
    "weird": st.integers(0, 3000).map(str),
    "seed": st.integers(0, 4294967295).map(str),
    "quality": st.sampled_from(["1", "2", "4"]),
    "no": st.lists(WORD, min_size=1, max_size=3).map(", ".join),
    "sref": st.lists(st.integers(1, 10**10).map(str), min_size=1, max_size=3).map(" ".join),
    "exp": st.integers(0, 100).map(str),
    "profile": st.one_of(st.just(True), WORD),
    "tile": st.just(True),
    "raw": st.just(True),
    "draft": st.just(True),
    "version": st.just("7"),
    "stop": st.integers(10, 100).map(str),
    "sw": st.integers(0, 1000).map(str),
    "oref": URL,
    "ow": st.integers(1, 1000).map(str),
    "iw": st.sampled_from([".5", "1", "2.25", "3"]),
    "motion": st.sampled_from(["low", "high"]),
    "video": st.just(True),
}
PARAMS = st.lists(st.sampled_from(sorted(VALUES)), unique=True, max_size=6).flatmap(
    lambda names: st.tuples(*[st.tuples(st.just(n), VALUES[n]) for n in names]))
PROMPTS = st.builds(lambda images, text, params: Prompt(text, params=params, image_prompts=tuple(images)),
                    st.lists(URL, max_size=2), TEXT, PARAMS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROMPTS)
def test_property_parse_of_str_is_the_prompt(p: Prompt) -> None:
    assert parse_prompt(str(p)) == p
    assert [x for x in validate_prompt(p) if x.is_error and x.code != "weights-sum"] == []


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_property_parse_is_idempotent_on_any_text(s: str) -> None:
    p = parse_prompt(s)
    assert parse_prompt(str(p)) == p


PIECES = st.sampled_from(["a", "b c", " ", ",", "::", "::2", "::-.5", "{", "}", "{x, y}", "\\,", "--ar 2:3",
                          "—v 6", "–s 9", "--tile", "--AR", "https://s.mj.run/x", "<https://s.mj.run/y>",
                          "--{v 5, niji}", "--no a, b", "poppies--ar", "\n", "—", "--"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=14).map("".join))
def test_property_parse_is_idempotent_on_prompt_like_text(s: str) -> None:
    p = parse_prompt(s)
    again = parse_prompt(str(p))
    assert again == p and str(again) == str(p)
    validate_prompt(s)  # never raises on any text
