"""Keyframed curves: easing per segment, times or frames, sampling, arithmetic, smoothing, plotting."""
from __future__ import annotations

import dataclasses

import filmkit as fk
import numpy as np
import pytest
from filmkit.curves import Curve, as_curve, keyframes
from filmkit.easing import ease_in_out_cubic, ease_out_quad
from filmkit.errors import FilmkitError


def test_keyframes_interpolate_with_the_easing() -> None:
    c = fk.keyframes({0: 1.0, 2.5: 1.2}, ease="ease_in_out_cubic")
    t = np.linspace(0, 2.5, 11)
    assert np.allclose(c(t), 1.0 + 0.2 * ease_in_out_cubic(t / 2.5))
    assert c(0) == 1.0 and c(2.5) == 1.2
    assert c(-1) == 1.0 and c(99) == 1.2  # ends hold
    assert isinstance(c(1.0), float) and c(t).shape == t.shape


def test_each_segment_has_its_own_easing() -> None:
    c = keyframes({0: 0.0, 1: (10.0, "ease_out_quad"), 3: 0.0}, ease="linear")
    assert c(0.5) == pytest.approx(10 * ease_out_quad(0.5))
    assert c(2.0) == pytest.approx(5.0)  # second segment stays linear
    d = keyframes({0: 0.0, 1: 1.0, 2: 0.0}, ease=["ease_in_quad", None])
    assert d(0.5) == pytest.approx(0.25) and d(1.5) == pytest.approx(0.5)
    with pytest.raises(FilmkitError, match="2 segments; got 3"):
        keyframes({0: 0.0, 1: 1.0, 2: 0.0}, ease=["linear"] * 3)


def test_keys_may_be_frames() -> None:
    c = keyframes({0: 1.0, 48: 1.2}, fps=24)
    assert (c.start, c.end) == (0.0, 2.0)
    assert c(1.0) == pytest.approx(1.1)


def test_sample_gives_one_value_per_frame() -> None:
    c = keyframes({0: 0.0, 2: 1.0})
    assert len(c.sample(24)) == 49  # up to and including the last key
    v = c.sample(24, duration=5)
    assert len(v) == 120 and v[24] == pytest.approx(0.5) and v[-1] == 1.0
    assert np.allclose(c.sample(10)[:5], [0, 0.05, 0.1, 0.15, 0.2])


def test_from_samples_is_piecewise_linear() -> None:
    times = np.array([0.0, 0.5, 1.0, 1.5])
    values = np.array([0.0, 1.0, 0.0, 4.0])
    c = Curve.from_samples(times, values)
    assert c(0.25) == pytest.approx(0.5) and c(1.25) == pytest.approx(2.0) and c(9) == 4.0
    assert np.allclose(c(times), values)
    shuffled = Curve.from_samples(times[::-1], values[::-1])
    assert shuffled(1.25) == pytest.approx(2.0)
    env = Curve.from_frames(np.abs(np.sin(np.arange(240) / 7)), fps=24)
    assert np.allclose(env.sample(24, duration=10), np.abs(np.sin(np.arange(240) / 7)))
    with pytest.raises(FilmkitError, match="NaN"):
        Curve.from_samples([0, 1], [0, np.nan])


def test_arithmetic() -> None:
    a = keyframes({0: 1.0, 1: 3.0})
    b = keyframes({0: 0.0, 2: 2.0})
    assert (a * 2)(0.5) == 4.0 and (2 * a)(0.5) == 4.0
    assert (a + 1)(0.5) == 3.0 and (1 + a)(0.5) == 3.0 and (a - 1)(0.5) == 1.0 and (5 - a)(0.5) == 3.0
    assert (a / 2)(1.0) == 1.5 and (-a)(1.0) == -3.0
    s = a + b
    assert s(0.5) == pytest.approx(2.5) and s(1.5) == pytest.approx(4.5)  # a holds 3 after 1 s
    assert (a * b)(1.0) == pytest.approx(3.0)
    assert (a - b)(2.0) == pytest.approx(1.0)
    assert s.times == (0.0, 1.0, 2.0)  # keeps both curves' keys for plots
    assert a.scale(10).values == (10.0, 30.0) and a.offset(-1).values == (0.0, 2.0)
    assert a(0.5) == 2.0  # a is unchanged: curves are values


def test_clamp_map_and_shift() -> None:
    c = keyframes({0: -1.0, 2: 3.0})
    assert c.clamp(0, 1).sample(2).tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert c.clamp(high=0)(2) == 0.0 and c.clamp(low=0)(0) == 0.0
    assert c.map(np.abs)(0) == 1.0
    assert c.shift(1)(1) == -1.0 and c.shift(1)(3) == 3.0
    with pytest.raises(FilmkitError, match="low must not be above high"):
        c.clamp(1, 0)


def test_smooth_average_and_one_pole() -> None:
    step = Curve.from_frames([0] * 10 + [1] * 10, fps=10)
    avg = step.smooth(0.5, fps=10).sample(10)
    assert avg[0] == 0.0 and avg[-1] == 1.0
    assert np.all(np.diff(avg) >= 0) and 0 < avg[10] < 1 and avg[7] == 0.0  # ramps over ±2 frames
    assert avg.sum() == pytest.approx(10.0)  # a centred average keeps the area
    pole = step.smooth(0.2, fps=10, method="one_pole").sample(10)
    assert pole[9] == 0.0 and pole[10] == pytest.approx(1 - np.exp(-0.5))  # lags: starts rising at the step
    assert pole[-1] > 0.98 and np.all(np.diff(pole) >= 0)
    with pytest.raises(FilmkitError, match="average"):
        step.smooth(0.2, method="gaussian")


def test_curves_are_frozen_and_validate() -> None:
    c = keyframes({0: 1.0, 1: 2.0})
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.values = (3.0, 4.0)  # type: ignore[misc]
    with pytest.raises(FilmkitError, match="increase"):
        Curve((1.0, 0.0), (0.0, 1.0))
    with pytest.raises(FilmkitError, match="unknown easing"):
        keyframes({0: 0, 1: 1}, ease="wobbly")
    with pytest.raises(FilmkitError, match="not a number"):
        keyframes({0: "big"})
    with pytest.raises(FilmkitError, match="at least one"):
        keyframes({})


def test_as_curve_and_repr() -> None:
    assert as_curve(2.0)(50) == 2.0 and as_curve({0: 0, 2: 1})(1) == 0.5
    c = keyframes({0: 1.0, 2.5: 1.2}, ease="ease_in_out_cubic", label="zoom")
    assert repr(c) == "Curve('zoom', {0: 1, 2.5: 1.2}, ease='ease_in_out_cubic')"


def test_plot_returns_a_figure_with_the_samples() -> None:
    c = keyframes({0: 0.0, 1: 1.0}, ease="ease_in_quad", label="opacity")
    fig = c.plot(fps=10)
    import matplotlib.figure

    assert isinstance(fig, matplotlib.figure.Figure)
    line = fig.axes[0].lines[0]
    assert np.allclose(line.get_ydata(), np.arange(11) ** 2 / 100)
    assert c._repr_png_().startswith(b"\x89PNG")
