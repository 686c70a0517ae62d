"""The fast frame downscale: the size asked for, and the pixels area averaging would give."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from edge.read.images import brighten, brightness, percentile, shrink


def _scene(height: int, width: int) -> np.ndarray:
    rng = np.random.default_rng(4)
    image = cv2.GaussianBlur(rng.integers(0, 255, (height, width, 3), dtype=np.uint8), (0, 0), 2)
    cv2.putText(image, "A12345", (width // 4, height // 2), 0, 3.0, (255, 255, 255), 6)
    return image


@pytest.mark.parametrize(
    ("height", "width", "scale"),
    [
        (1080, 1920, 0.344),
        (1080, 1920, 0.5),
        (321, 2102, 0.604),
        (2112, 2592, 0.2),
        (720, 1280, 0.9),
    ],
)
def test_shrink_matches_area_averaging(height: int, width: int, scale: float) -> None:
    image = _scene(height, width)
    fast = shrink(image, scale)
    exact = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # at most the < k edge pixels a whole-number averaging step drops
    assert abs(fast.shape[0] - exact.shape[0]) <= 1
    assert abs(fast.shape[1] - exact.shape[1]) <= 1
    h, w = min(fast.shape[0], exact.shape[0]), min(fast.shape[1], exact.shape[1])
    difference = np.abs(fast[:h, :w].astype(int) - exact[:h, :w].astype(int)).mean()
    assert difference < 3.0, difference


def test_shrink_leaves_small_enough_images_alone() -> None:
    image = _scene(100, 200)
    assert shrink(image, 1.0) is image
    assert shrink(image, 1.5) is image


def test_brighten_restores_a_dark_image_and_leaves_an_exposed_one() -> None:
    """A yellow plate at night: its brightest paint is dim, so it is brightened back toward
    daylight with its hue and saturation kept; the same plate by day is left alone."""
    day = np.zeros((40, 120, 3), np.uint8)
    day[:] = (30, 200, 230)  # yellow (BGR)
    day[10:30, 10:110:10] = (20, 20, 20)  # black strokes
    assert brighten(day) is day
    night = cv2.convertScaleAbs(day, alpha=0.3)
    restored = brighten(night)
    hsv_day = cv2.cvtColor(day, cv2.COLOR_BGR2HSV)[0, 0].astype(int)
    hsv_night = cv2.cvtColor(night, cv2.COLOR_BGR2HSV)[0, 0].astype(int)
    hsv_restored = cv2.cvtColor(restored, cv2.COLOR_BGR2HSV)[0, 0].astype(int)
    assert hsv_night[2] < 80 <= hsv_restored[2]  # back over the yellow plate's threshold
    assert abs(hsv_restored[0] - hsv_day[0]) <= 1 and abs(hsv_restored[1] - hsv_day[1]) <= 6
    # a frame is judged more leniently: only one darker than `dark` is touched
    dim = cv2.convertScaleAbs(day, alpha=0.7)
    assert brighten(dim, dark=128) is dim
    assert brighten(night, dark=128) is not night


@given(arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40), st.just(3))))
def test_brightness_is_the_brightest_channel(image: np.ndarray) -> None:
    assert np.array_equal(brightness(image), image.max(axis=2))
    assert np.array_equal(brightness(image[::2, ::3]), image[::2, ::3].max(axis=2))
    assert np.array_equal(brightness(image[1:, 1:]), image[1:, 1:].max(axis=2))  # a crop


@given(
    arrays(np.uint8, st.integers(1, 500)),
    st.floats(0.0, 100.0, allow_nan=False),
)
def test_percentile_of_bytes_is_numpys(values: np.ndarray, q: float) -> None:
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)), abs=1e-9)


def test_brightness_and_percentile_refuse_what_they_cannot_measure() -> None:
    with pytest.raises(ValueError, match="BGR"):
        brightness(np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        percentile(np.zeros(0, np.uint8), 50)
    with pytest.raises(ValueError, match="uint8"):
        percentile(np.zeros(4, np.float32), 50)
