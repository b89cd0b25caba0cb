"""Easing functions: easings.net names, exact ends, the right shapes, floats and arrays alike."""
from __future__ import annotations

import filmkit as fk
import numpy as np
import pytest
from filmkit import easing
from filmkit.easing import EASINGS, get_easing
from filmkit.errors import FilmkitError

T = np.linspace(0.0, 1.0, 1001)
OVERSHOOT = ("back", "elastic")
NOT_MONOTONIC = ("back", "elastic", "bounce")


def test_every_family_in_every_direction_is_there() -> None:
    families = ["sine", "quad", "cubic", "quart", "quint", "expo", "circ", "back", "elastic", "bounce"]
    expected = {"linear"} | {f"ease_{k}_{f}" for f in families for k in ("in", "out", "in_out")}
    assert set(EASINGS) == expected
    assert fk.easing.ease_in_out_cubic is easing.ease_in_out_cubic  # reachable as fk.easing.<name>


@pytest.mark.parametrize("name", sorted(EASINGS))
def test_ends_are_exact_and_floats_stay_floats(name: str) -> None:
    f = EASINGS[name]
    assert f(0.0) == 0.0 and f(1.0) == 1.0
    assert isinstance(f(0.3), float)
    assert f(-2.0) == 0.0 and f(5.0) == 1.0  # t is clipped to [0, 1]
    ys = f(T)
    assert isinstance(ys, np.ndarray) and ys.shape == T.shape
    assert np.allclose(ys[::100], [f(float(t)) for t in T[::100]])  # arrays and floats agree


@pytest.mark.parametrize("name", sorted(n for n in EASINGS if not n.endswith(NOT_MONOTONIC)))
def test_monotonic_and_within_the_unit_interval(name: str) -> None:
    ys = EASINGS[name](T)
    assert np.all(np.diff(ys) >= -1e-12)
    assert ys.min() >= 0.0 and ys.max() <= 1.0


@pytest.mark.parametrize("family", ["sine", "quad", "cubic", "quart", "quint", "expo", "circ", "back", "elastic",
                                    "bounce"])
def test_out_mirrors_in_and_in_out_is_symmetric(family: str) -> None:
    e_in, e_out, e_io = (EASINGS[f"ease_{k}_{family}"] for k in ("in", "out", "in_out"))
    assert np.allclose(e_out(T), 1 - e_in(1 - T), atol=1e-9)
    assert np.allclose(e_io(T) + e_io(1 - T), 1.0, atol=1e-9)
    assert e_io(0.5) == pytest.approx(0.5)


def test_shapes_match_easings_net() -> None:
    assert easing.ease_in_quad(0.5) == pytest.approx(0.25)
    assert easing.ease_in_cubic(0.5) == pytest.approx(0.125)
    assert easing.ease_out_quint(0.5) == pytest.approx(1 - 0.5**5)
    assert easing.ease_in_sine(0.5) == pytest.approx(1 - np.cos(np.pi / 4))
    assert easing.ease_in_back(T).min() < -0.09  # pulls back about 10 %
    assert easing.ease_out_back(T).max() > 1.09
    assert easing.ease_out_elastic(T).max() > 1.3
    assert easing.ease_out_bounce(T).min() >= 0 and easing.ease_out_bounce(T).max() <= 1 + 1e-12
    assert np.all(np.diff(easing.ease_in_out_cubic(T)[:500]) > 0)  # accelerates...
    assert np.all(np.diff(easing.ease_in_out_cubic(T)[:500], 2) > -1e-12)


def test_get_easing_accepts_names_functions_and_none() -> None:
    assert get_easing("ease_in_out_sine") is easing.ease_in_out_sine
    assert get_easing("easeInOutSine") is easing.ease_in_out_sine
    assert get_easing("ease-in-out-sine") is easing.ease_in_out_sine
    assert get_easing(None) is easing.linear
    custom = lambda t: t**0.5
    assert get_easing(custom) is custom


def test_unknown_easing_suggests_and_lists_names() -> None:
    with pytest.raises(FilmkitError) as info:
        get_easing("ease_in_out_cubix")
    msg = str(info.value)
    assert "'ease_in_out_cubix'" in msg and "did you mean 'ease_in_out_cubic'" in msg
    assert "ease_out_bounce" in msg and "linear" in msg
    with pytest.raises(FilmkitError, match="name like"):
        get_easing(3)  # type: ignore[arg-type]


def test_unit_interval_decorator_makes_a_custom_easing() -> None:
    @easing.unit_interval
    def smoothstep(t: np.ndarray) -> np.ndarray:
        return t * t * (3 - 2 * t)

    assert smoothstep(0.5) == 0.5 and smoothstep(2.0) == 1.0
    assert smoothstep(np.array([0.0, 1.0])).tolist() == [0.0, 1.0]
