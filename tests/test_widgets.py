"""The prompt builder, driven from code: set the controls, read the prompt and the validator's verdict."""
from __future__ import annotations

import filmkit as fk
from filmkit.widgets import LENSES, LIGHTS, PALETTES, SHOT_SIZES


def test_every_combination_of_the_dropdowns_makes_a_valid_prompt() -> None:
    b = fk.widgets.prompt_builder(subject="a fishing boat at anchor")
    for shot, lens, light, pal in zip(SHOT_SIZES, LENSES, LIGHTS, PALETTES):
        b.shot.value, b.lens.value, b.light.value, b.palette.value = shot, lens, light, pal
        p = fk.parse_prompt(b.prompt)
        assert p.text.startswith(f"{shot} of a fishing boat at anchor")
        assert lens in p.text and light in p.text and pal in p.text
        assert [x for x in b.problems if x.severity == "error"] == []


def test_parameters_reach_the_prompt() -> None:
    b = fk.widgets.prompt_builder()
    b.aspect.value, b.seed.value, b.stylize.value, b.version.value = "12:5", 99, 250, "6.1"
    p = fk.parse_prompt(b.prompt)
    assert (p.params["aspect"], p.params["seed"], p.params["stylize"], p.version) == ("12:5", "99", "250", "6.1")
    b.version.value = "niji 6"
    assert fk.parse_prompt(b.prompt).version == "niji 6"


def test_the_panel_updates_live_and_shows_problems() -> None:
    b = fk.widgets.prompt_builder()
    assert "valid" in b.output.value and "problem" not in b.output.value
    b.stylize.value = 5000  # out of range for every version
    assert "1 problem(s)" in b.output.value and "--stylize must be 0–1000" in b.output.value
    b.stylize.value = 100
    b.subject.value = "a red kite over dunes"
    assert "a red kite over dunes" in b.output.value and "problem" not in b.output.value


def test_the_builder_displays_as_a_widget() -> None:
    b = fk.widgets.prompt_builder()
    bundle = b._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert repr(b).startswith("PromptBuilder('wide shot of")


def test_preview_paints_the_current_prompt_offline() -> None:
    b = fk.widgets.prompt_builder(subject="a lighthouse at night")
    b.aspect.value = "1:1"
    frame = b.preview(scale=0.2)
    assert frame.provenance.provider == "previz"
    assert fk.parse_prompt(frame.provenance.prompt) == fk.parse_prompt(b.prompt)
    fk.checks.expect_image(frame, aspect="1:1")
    b.preview_button.click()  # the button shows the frame in the panel
    assert b.preview_area.outputs
