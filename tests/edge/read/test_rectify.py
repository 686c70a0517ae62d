"""Warping detected lines upright: the size the recogniser gets."""

from __future__ import annotations

import numpy as np
import pytest

from edge.read import PlateReader
from edge.read.models import REC_HEIGHT
from edge.read.rectify import warp_line
from edge.synth import render_plate
from tests.edge.read.conftest import needs_font


def _quad(x: float, y: float, width: float, height: float) -> np.ndarray:
    return np.array([[x, y], [x + width, y], [x + width, y + height], [x, y + height]], np.float32)


@pytest.mark.parametrize(
    ("height", "expected"), [(20, REC_HEIGHT), (120, 120), (600, 4 * REC_HEIGHT)]
)
def test_a_line_is_warped_between_one_and_four_recogniser_heights(
    height: int, expected: int
) -> None:
    """Small lines are enlarged for the recogniser; a 4K close-up is not warped at full
    resolution (a dozen such warps a frame cost milliseconds for nothing)."""
    image = np.full((2000, 4000, 3), 128, np.uint8)
    line = warp_line(image, _quad(100, 100, height * 3.2, height))
    assert line is not None
    assert line.image.shape[0] == expected
    reference = warp_line(image, _quad(100, 100, 64 * 3.2, 64))  # warped 1:1
    assert reference is not None
    assert line.image.shape[1] / expected == pytest.approx(reference.image.shape[1] / 64, rel=0.02)


@needs_font
def test_a_close_up_plate_reads_through_the_capped_warp(reader: PlateReader) -> None:
    """A plate 600 px high (a 4K camera at the barrier) still reads."""
    plate = render_plate("京A12345", "blue", height=600)
    frame = np.full((plate.shape[0] + 200, plate.shape[1] + 200, 3), 90, np.uint8)
    frame[100 : 100 + plate.shape[0], 100 : 100 + plate.shape[1]] = plate
    assert [r.text for r in reader.read(frame)] == ["京A12345"]


def test_a_thin_tall_quad_is_warped_without_error() -> None:
    """A 4 px wide, 3000 px tall 'line' (a pole in a 4K frame) scales below one pixel wide:
    it is warped to a sliver, not passed to OpenCV as a zero-width image."""
    image = np.full((3200, 400, 3), 128, np.uint8)
    line = warp_line(image, _quad(100, 100, 4, 3000))
    assert line is not None
    assert line.image.shape[0] == 4 * REC_HEIGHT
    assert line.image.shape[1] >= 1
