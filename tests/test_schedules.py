"""Deforum schedules: tokenizer, safe evaluator, interpolation, errors that name the keyframe, and motion rates."""
from __future__ import annotations

import math

import filmkit as fk
import numpy as np
import pytest
from filmkit.camera import CameraPath
from filmkit.curves import Curve, keyframes
from filmkit.errors import ScheduleError
from filmkit.schedules import deforum_to_path, format_schedule, parse_schedule, path_to_deforum, safe_eval


def test_numeric_keys_interpolate_linearly_and_extend() -> None:
    s = fk.parse_schedule("0:(1.0), 48:(1.2)", max_frames=60)
    assert s.values.shape == (60,)
    assert s[0] == 1.0 and s[24] == pytest.approx(1.1) and s[48] == pytest.approx(1.2) and s[59] == 1.2
    late = parse_schedule("10:(5), 20:(7)", max_frames=30)
    assert late[0] == 5.0 and late[15] == pytest.approx(6.0) and late[29] == 7.0  # first/last keys extend


def test_deforum_default_zoom_expression() -> None:
    s = parse_schedule("0: (1.0025+0.002*sin(1.25*3.14*t/30))", max_frames=120)
    t = np.arange(120)
    assert np.allclose(s.values, 1.0025 + 0.002 * np.sin(1.25 * 3.14 * t / 30))


def test_translation_and_expression_until_the_next_key() -> None:
    s = parse_schedule("0:(0), 10:(2*t), 20:(0)", max_frames=25)
    assert s[5] == pytest.approx(10.0)  # between numeric 0 and the expression's first value 20
    assert s[15] == 30.0 and s[19] == 38.0  # the expression runs from its key until the next key
    assert s[20] == 0.0 and s[24] == 0.0
    assert parse_schedule("0: (1.75)", max_frames=3).values.tolist() == [1.75] * 3  # translation_z default


def test_seed_schedule_with_quoted_frame_expressions() -> None:
    text = '0:(s), 1:(-1), "max_f-2":(-1), "max_f-1":(s)'
    s = parse_schedule(text, max_frames=10, seed=42)
    assert s.values.tolist() == [42, -1, -1, -1, -1, -1, -1, -1, 42, 42]
    assert [k.frame for k in s.keyframes] == [0, 1, 7, 8]
    with pytest.raises(ScheduleError, match="seed") as info:
        parse_schedule(text, max_frames=10)
    assert info.value.keyframe == "0:(s)"


def test_commas_inside_expressions() -> None:
    s = parse_schedule("0:(where(t>5, 1, 0)), 8:(max(t, 20)), 10:(clip(t*3, 0, 25))", max_frames=12)
    assert s.values.tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 20, 20, 25, 25]
    assert parse_schedule("0:(min(1,2,3)), ", max_frames=2).values.tolist() == [1.0, 1.0]  # trailing comma is fine
    assert parse_schedule("0:1.5, 2:(2.5)", max_frames=3).values.tolist() == [1.5, 2.0, 2.5]  # bare values too


def test_allowed_names_and_functions() -> None:
    s = parse_schedule("0:(floor(t/2) + ceil(0.5) + abs(-1) + sqrt(4) + exp(0) + log(e) + tan(0) + cos(0)"
                       " + t % 2 + max_f/10 + pi*0 + 2**2 + (t >= 1) + ((t < 1) | (t > 2)))", max_frames=3)
    assert np.allclose(s.values, [12.2, 13.2, 13.2])


@pytest.mark.parametrize("bad, needle", [
    ("__import__('os')", "'__import__' is not allowed"),
    ("os.system('ls')", "attribute access (os.system)"),
    ("t.__class__", "attribute access (t.__class__)"),
    ("(lambda: 1)()", "only plain function calls"),
    ("lambda t: 1", "lambda is not allowed"),
    ("open('x')", "'open' is not allowed"),
    ("[1, 2]", "List is not allowed"),
    ("'text'", "only numbers"),
    ("t ^ 2", "write t**2"),
    ("sin(t, x=1)", "keyword"),
    ("where(t)", "takes 3"),
    ("x + 1", "unknown name 'x'"),
    ("1 +", "not a valid expression"),
])
def test_malicious_or_broken_values_are_refused_and_named(bad: str, needle: str) -> None:
    text = f"0:(1.0), 10:({bad})"
    with pytest.raises(ScheduleError) as info:
        parse_schedule(text, max_frames=20)
    msg = str(info.value)
    assert needle in msg
    assert "keyframe 2" in msg and f"10:({bad})" in msg
    assert info.value.keyframe == f"10:({bad})"


@pytest.mark.parametrize("text, needle", [
    ("0:(1.0), 10:(2.0", "'(' was never closed"),
    ("0:(1.0) 10:(2.0)", "expected a comma"),
    ("0:(1.0), 10(2.0)", "colon"),
    ("0:(1.0), :(2.0)", "frame number before ':' is missing"),
    ("0:(1.0), 5:()", "value is empty"),
    ('0:(1.0), "max_f:(2.0)', "never closed"),
    ("0:(1.0), -3:(2.0)", "negative"),
    ("0:(1.0), 5:(1/(t-5))", "not a finite number at frame 5"),
    ("", "empty"),
])
def test_format_errors_name_the_keyframe_and_the_fix(text: str, needle: str) -> None:
    with pytest.raises(ScheduleError, match="e.g.|Write|Frames|Change|write") as info:
        parse_schedule(text, max_frames=20)
    assert needle in str(info.value)


def test_no_key_inside_the_frames() -> None:
    with pytest.raises(ScheduleError, match="falls inside"):
        parse_schedule("50:(1)", max_frames=10)


def test_safe_eval_is_vectorised_and_safe() -> None:
    assert np.allclose(safe_eval("sin(t)", t=np.arange(4)), np.sin(np.arange(4)))
    with pytest.raises(ScheduleError, match="not allowed"):
        safe_eval("().__class__.__bases__[0].__subclasses__()")


def test_round_trip_to_a_string_and_a_curve() -> None:
    s = parse_schedule("0:(1.0),   48: (1.2)", max_frames=60)
    assert str(s) == "0:(1.0), 48:(1.2)"
    assert format_schedule(s) == "0:(1.0), 48:(1.2)"
    assert np.allclose(parse_schedule(format_schedule(s), max_frames=60).values, s.values)
    curve = s.to_curve(24)
    assert curve(1.0) == pytest.approx(1.1) and curve(2.0) == pytest.approx(1.2)
    eased = keyframes({0: 0.0, 2: 1.0}, ease="ease_in_out_sine")
    text = format_schedule(eased, 24)
    back = parse_schedule(text, max_frames=49).values
    assert np.allclose(back, eased.sample(24), atol=1e-6)
    assert format_schedule(eased, 24, every=12).count(":") == 5
    assert str(parse_schedule('0:(s), "max_f-1":(s)', max_frames=5, seed=1)) == '0:(s), "max_f-1":(s)'


def test_deforum_zoom_compounds() -> None:
    path = deforum_to_path(zoom="0:(1.02)", max_frames=31, fps=24)
    assert path.zoom_at(30 / 24) == pytest.approx(1.02**30)  # 1.81×, not 1.02×
    assert path.zoom_at(0) == 1.0  # frame 0 is the untouched picture
    spin = deforum_to_path(angle="0:(2)", translation_x=np.zeros(11), fps=10)
    assert spin.rotation(1.0) == pytest.approx(20.0)


def test_deforum_translation_adds_up_and_carries_through_zoom() -> None:
    path = deforum_to_path(translation_x="0:(4)", max_frames=11, fps=10, size=(400, 200))
    # content moves right 4 px per frame = the camera looks left: x = -40 px / 400 px after 10 frames
    assert path.x(1.0) == pytest.approx(-0.1)
    both = deforum_to_path(zoom=1.1, translation_x=4.0, max_frames=3, fps=1, size=(400, 200))
    # Deforum translates then zooms each frame: content offset after 2 frames is 1.1*(1.1*4 + 4) px
    z, _, x, _ = both.screen(2.0)
    assert z == pytest.approx(1.21) and -x * 400 * z == pytest.approx(1.1 * (1.1 * 4 + 4))


def test_path_to_deforum_inverts_deforum_to_path() -> None:
    rates = dict(zoom="0:(1.0), 10:(1.03), 20:(0.99)", angle="0:(0.5*sin(t/4))", translation_x="0:(3), 30:(-2)",
                 translation_y="0:(-1)")
    path = deforum_to_path(**rates, max_frames=31, fps=24, size=(512, 512))
    back = path_to_deforum(path, fps=24, max_frames=31, size=(512, 512))
    for name, text in rates.items():
        want = parse_schedule(text, max_frames=31).values[1:]  # frame 0 is never warped
        got = parse_schedule(back[name], max_frames=31).values[1:]
        assert np.allclose(got, want, atol=1e-5), name


def test_path_to_deforum_from_a_filmkit_move() -> None:
    push = fk.camera_move(push=1.2, seconds=2, fps=24, ease="linear")
    rates = path_to_deforum(push, fps=24)
    z = parse_schedule(rates["zoom"], max_frames=48).values
    assert np.prod(z) == pytest.approx(1.2, rel=1e-6)  # the per-frame rates compound back to 1.2×
    assert rates["angle"] == "0:(0.0)"


def test_schedule_plot() -> None:
    import matplotlib.figure

    fig = parse_schedule("0:(1.0), 10:(1.2)", max_frames=20).plot(fps=10)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert np.allclose(fig.axes[0].lines[0].get_xdata()[-1], 1.9)


def test_bad_zoom_rate() -> None:
    with pytest.raises(ScheduleError, match="must be positive"):
        deforum_to_path(zoom="0:(1), 5:(0)", max_frames=10)
    assert isinstance(deforum_to_path(zoom=np.full(5, 1.01)), CameraPath)
    assert isinstance(parse_schedule("0:(1)", max_frames=2).to_curve(24), Curve)
    assert math.isclose(parse_schedule("0:(1)", max_frames=2)[1], 1.0)
