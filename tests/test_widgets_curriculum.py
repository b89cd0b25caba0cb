"""The curriculum widgets, driven from code: the storyboard editor (lesson 03) and the variation explorer (04)."""
from __future__ import annotations

import io

import filmkit as fk
import numpy as np
import pytest
from filmkit.errors import PromptError, TimelineError
from PIL import Image


def _panels() -> list[fk.Panel]:
    colours = [(200, 40, 40), (40, 200, 40), (40, 40, 200)]
    return [fk.Panel(np.full((90, 160, 3), c, np.uint8), description=f"shot {k}", seconds=1.0 + k)
            for k, c in enumerate(colours)]


def _sheet_pixels(editor: fk.widgets.StoryboardEditor) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(editor.image.value)).convert("RGB"))


def test_moving_a_panel_reorders_the_board_and_redraws_the_sheet() -> None:
    ed = fk.widgets.storyboard_editor(_panels(), columns=3, panel_width=120)
    before = _sheet_pixels(ed)
    ed.move(2, 0)
    assert [p.number for p in ed.panels] == [3, 1, 2]  # shot numbers travel with their panels
    after = _sheet_pixels(ed)
    # the first panel of the redrawn sheet is now blue: sample the middle of the first cell
    margin = 8
    y, x = margin + 30, margin + 60
    assert tuple(before[y, x]) == (200, 40, 40) and tuple(after[y, x]) == (40, 40, 200)
    assert ed.picker.value == 0 and ed.picker.options[0][0].startswith("#3")


def test_editing_fields_changes_the_panel_and_the_running_time() -> None:
    ed = fk.widgets.storyboard_editor(_panels())
    assert ed.total_seconds == 6.0
    ed.picker.value = 1
    assert ed.description.value == "shot 1" and ed.seconds.value == 2.0
    ed.seconds.value = 4.5
    ed.description.value = "the keeper climbs the stair"
    p = ed.panels[1]
    assert (p.description, p.seconds) == ("the keeper climbs the stair", 4.5)
    assert ed.total_seconds == 8.5 and "8.5 s" in ed.total.value
    ed.down.click()
    assert ed.panels[2].description == "the keeper climbs the stair" and ed.picker.value == 2
    ed.up.click()
    ed.up.click()
    ed.up.click()  # already first: nothing moves
    assert ed.panels[0].description == "the keeper climbs the stair"


def test_the_edited_panels_feed_the_storyboard_function() -> None:
    ed = fk.widgets.storyboard_editor(_panels(), panel_width=120).remove(0).edit(0, seconds=3)
    assert len(ed.panels) == 2 and ed.total_seconds == 6.0
    assert fk.storyboard(ed.panels, columns=4, panel_width=120).size == ed.sheet().size


def test_bad_positions_and_empty_boards_explain_themselves() -> None:
    ed = fk.widgets.storyboard_editor(_panels()[:1])
    with pytest.raises(TimelineError, match="from 0 to 0"):
        ed.move(3, 0)
    with pytest.raises(TimelineError, match="at least one panel"):
        ed.remove(0)
    with pytest.raises(TimelineError, match="no panels given"):
        fk.widgets.storyboard_editor([])


def test_the_explorer_walks_the_grid_with_stable_ids() -> None:
    lib = fk.example_library()
    ex = fk.widgets.variation_explorer(lib)
    assert ex.item.id == lib.grid()[0].id and set(ex.axes) == set(lib.axes)
    ex.core.value = "net-loft"
    ex.axes["weather"].value = "drizzle"
    want = next(i for i in lib.grid() if i.id == "net-loft/dawn/drizzle/wide-shot")
    assert ex.item.id == want.id and ex.prompt == str(want.prompt)
    assert "net-loft/dawn/drizzle/wide-shot" in ex.output.value
    assert lib.coverage([ex.item]).ok


def test_the_explorer_previews_offline() -> None:
    ex = fk.widgets.variation_explorer(fk.example_library(), scale=0.1).choose("quay", time_of_day="night")
    frame = ex.preview()
    assert frame.provenance.provider == "previz" and frame.provenance.prompt == ex.prompt
    shown = Image.open(io.BytesIO(ex.image.value))
    assert shown.size == frame.size and abs(shown.size[0] / shown.size[1] - 16 / 9) < 0.03


def test_the_explorer_refuses_what_is_not_there() -> None:
    ex = fk.widgets.variation_explorer(fk.example_library())
    with pytest.raises(PromptError, match="no option 'noon'.*'dawn'"):
        ex.choose(time_of_day="noon")
    with pytest.raises(PromptError, match="no axis 'mood'"):
        ex.choose(mood="calm")
    with pytest.raises(PromptError, match="needs a PromptLibrary"):
        fk.widgets.variation_explorer("quay/dawn")
