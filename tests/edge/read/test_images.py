"""The fast frame downscale: the size asked for, and the pixels area averaging would give."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge.read.images import shrink


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
