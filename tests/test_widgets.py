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


# --- lesson 09: the audio-reactive preview ---------------------------------------------------------------------------
def _reactive_setup() -> tuple:
    import numpy as np

    music, _ = fk.synth_music(2.0, bpm=120, seed=0)
    heard = fk.analyse_audio(music, fps=12, bpm=120)
    still = np.full((90, 160, 3), 40, np.uint8)
    still[30:60, 60:100] = (230, 190, 110)                # a bright window: its size shows zoom, its light glow
    return still, heard


def _window_width(frame) -> int:  # type: ignore[no-untyped-def]
    return int((frame[45, :, 0] > 150).sum())


def test_reactive_preview_sliders_change_the_frame_and_the_curves() -> None:
    import numpy as np

    still, heard = _reactive_setup()
    rp = fk.widgets.reactive_preview(still, heard, size=(160, 90), pulse=0.0, glow=0.0)
    assert np.array_equal(rp.frame(0.0), rp.frame(0.25))          # nothing mapped: the beat changes nothing
    rp.pulse.value = 0.2
    assert _window_width(rp.frame(0.0)) > _window_width(rp.frame(0.25)) + 4   # bigger on the beat (0 s)
    assert rp.curves["pulse"][0] == 0.2 and rp.curves["pulse"][3] < 0.05
    before = rp.frame(0.25).mean()
    rp.glow.value = 1.0                                               # glow follows the low band (the kick)
    assert np.allclose(rp.curves["glow"], heard.envelope("low"))
    assert rp.frame(0.0).mean() > before + 5
    rp.glow_band.value = "high"                                       # now the hats drive it
    assert np.allclose(rp.curves["glow"], heard.envelope("high"))
    rp.decay.value = 0.6                                              # a longer tail after each beat
    assert rp.curves["pulse"][3] > 0.05


def test_reactive_preview_scrubber_colour_shift_and_panel() -> None:
    import numpy as np

    still, heard = _reactive_setup()
    rp = fk.widgets.reactive_preview(still, heard, size=(160, 90), pulse=0.0, glow=0.0)
    plot_before, frame_before = rp.plot_image.value, rp.frame_image.value
    rp.set(colour_shift=90.0, shift_band="beat")
    assert rp.plot_image.value != plot_before                          # the driven curve is redrawn
    on_beat = rp.frame(0.0)[45, 80].astype(int)
    assert np.argmax(on_beat) != 0                                     # the orange window has turned on the beat
    rp.time.value = 0.25                                               # scrub off the beat
    assert rp.frame_image.value != frame_before and "frame 3" in rp.output.value
    off_beat = rp.render()[45, 80].astype(int)
    assert np.argmax(off_beat) == 0                                    # …and is orange again between beats
    assert "colour_shift=('beat', 90)" in rp.code
    assert "application/vnd.jupyter.widget-view+json" in rp._repr_mimebundle_()


def test_reactive_preview_clip_carries_the_track_and_matches_the_code() -> None:
    import numpy as np

    still, heard = _reactive_setup()
    rp = fk.widgets.reactive_preview(still, heard, size=(160, 90), glow=0.5, colour_shift=30.0)
    clip = rp.clip()
    assert clip.audio is not None and clip.n_frames == heard.n_frames and clip.size == (160, 90)
    same = fk.audio_reactive(still, heard, pulse=(heard.beat_pulse(decay=0.25), 0.05), glow=("low", 0.5),
                             colour_shift=("mid", 30.0), size=(160, 90))
    assert all(np.array_equal(clip.frame(i), same.frame(i)) for i in (0, 5, 11))


def test_reactive_preview_bad_values_explain_themselves() -> None:
    import pytest
    from filmkit.errors import MediaError

    still, heard = _reactive_setup()
    with pytest.raises(MediaError, match="one of 'low', 'mid', 'high', 'beat', 'onset'"):
        fk.widgets.reactive_preview(still, heard, glow_band="bass")
    rp = fk.widgets.reactive_preview(still, heard, size=(160, 90))
    with pytest.raises(MediaError, match="outside the slider's range"):
        rp.set(pulse=2.0)
    with pytest.raises(MediaError, match="outside the track"):
        rp.frame(5.0)
    with pytest.raises(MediaError, match="fk.analyse_audio"):
        fk.widgets.reactive_preview(still, "song.wav")


# --- lesson 10: the timeline scrubber, and camera_move_preview's full pan/tilt range ---------------------------------
def _scrub_edit() -> fk.Timeline:
    import numpy as np

    red, green, blue = (np.full((90, 160, 3), c, np.uint8) for c in ((200, 30, 30), (30, 200, 30), (30, 30, 200)))
    return (fk.Timeline(fps=12, size=(160, 90))
            .add(red, seconds=2, label="red", description="the red room")
            .add(green, seconds=2, label="green")
            .add(fk.crossfade(1.0)).add(blue, seconds=2, label="blue", description="the blue sea")
            .title("OPENING", at=0.5, seconds=1))


def test_the_scrubber_shows_the_frame_and_the_shot_at_the_slider_time() -> None:
    import io

    import numpy as np
    from PIL import Image

    tl = _scrub_edit()
    s = fk.widgets.timeline_scrubber(tl, width=160)
    assert s.cuts == [2.0, 3.0] and (s.t, s.shot) == (0.0, 0)
    assert "red" in s.info.value and "the red room" in s.info.value
    s.time.value = 4.5                                                   # moving the slider, as a person would
    assert s.shot == 2 and "blue" in s.info.value and "the blue sea" in s.info.value
    assert s.frame[45, 80].tolist() == [30, 30, 200]
    assert np.array_equal(s.frame, tl.frame_at(4.5))
    shown = np.asarray(Image.open(io.BytesIO(s.image.value)).convert("RGB"))
    assert np.array_equal(shown, s.frame)                                 # the picture in the panel is that frame
    s.seek(1.0)
    assert s.frame.max() == 255 and "title" in s.info.value and "OPENING" in s.info.value  # the title is up
    s.seek(3.5)
    assert "crossfade" in s.info.value and 30 < s.frame[45, 80, 2] < 200  # halfway through the dissolve


def test_next_and_previous_cut_walk_the_cuts_and_stop_at_the_ends() -> None:
    s = fk.widgets.timeline_scrubber(_scrub_edit(), width=160)
    assert [s.next().t for _ in range(3)] == [2.0, 3.0, s.time.max]
    assert abs(s.time.max - 59 / 12) < 1e-9                                # the last frame, 4.92 s
    s.seek(2.5)
    assert s.previous().t == 2.0 and s.previous().t == 0.0 and s.previous().t == 0.0
    s.next_cut.click()
    assert s.t == 2.0
    s.previous_cut.click()
    assert s.t == 0.0


def test_the_strip_marks_shots_transitions_titles_and_the_playhead() -> None:
    import io

    import numpy as np
    from PIL import Image

    s = fk.widgets.timeline_scrubber(_scrub_edit(), width=160, strip_height=30)
    assert s.spans == [("shot", 0.0, 2.0, "#1 red"), ("shot", 2.0, 4.0, "#2 green"), ("shot", 3.0, 5.0, "#3 blue"),
                       ("transition", 3.0, 4.0, "crossfade"), ("title", 0.5, 1.5, "OPENING")]
    strip = np.asarray(s.seek(4.5).strip())
    assert strip.shape == (30, 160, 3)
    assert strip[5, 112].tolist() == [230, 160, 40]                        # 3.5 s of 5: the dissolve, amber
    assert strip[25, 32].tolist() == [240, 240, 240] and strip[25, 64].tolist() != [240, 240, 240]  # the title
    assert strip[15, 144].tolist() == [230, 40, 40]                        # the playhead at 4.5 s
    panel = np.asarray(Image.open(io.BytesIO(s.strip_image.value)).convert("RGB"))
    assert np.array_equal(panel, strip)
    assert "application/vnd.jupyter.widget-view+json" in s._repr_mimebundle_()
    assert repr(s) == "TimelineScrubber(4.50 s of 5.00 s, shot 3 of 3, 2 cuts)"


def test_the_scrubber_refuses_what_it_cannot_show() -> None:
    import pytest
    from filmkit.errors import TimelineError

    with pytest.raises(TimelineError, match="needs a Timeline"):
        fk.widgets.timeline_scrubber([1, 2, 3])
    with pytest.raises(TimelineError, match="has no shots"):
        fk.widgets.timeline_scrubber(fk.Timeline(fps=12, size=(160, 90)))


def test_camera_move_preview_pans_and_tilts_as_far_as_camera_move_covers() -> None:
    import numpy as np
    import pytest
    from filmkit.errors import FilmkitError
    from PIL import Image

    grain = np.random.default_rng(0).integers(0, 255, (9, 16, 3), dtype=np.uint8)
    still = np.asarray(Image.fromarray(grain).resize((160, 90), Image.Resampling.BICUBIC))
    p = fk.widgets.camera_move_preview(still, seconds=1, fps=8, size=(160, 90))
    assert (p.pan.min, p.pan.max, p.tilt.min, p.tilt.max) == (-0.9, 0.9, -0.9, 0.9)
    p.set(pan=0.6)                                                        # was refused at ±0.25
    assert p.facts.motion == "pan-right" and "pan=0.6" in p.code
    p.set(pan=0.0, tilt=-0.5)
    assert p.facts.motion == "tilt-down"
    with pytest.raises(FilmkitError, match="outside the slider's range -0.9 to 0.9"):
        p.set(pan=1.0)                                                    # a full frame: no zoom can cover it
