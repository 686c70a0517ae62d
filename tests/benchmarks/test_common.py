"""The benchmarks' changed takings: a turned camera must keep each labelled box on its plate."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.common import Taking
from edge.types import Box


@pytest.mark.parametrize(
    "taking",
    [Taking(roll=10), Taking(roll=-15), Taking(yaw=30), Taking(roll=8, yaw=-40, scale=0.5)],
    ids=["roll", "roll-back", "yaw", "roll-yaw-scale"],
)
def test_a_turned_photo_keeps_its_labelled_box_on_the_plate(taking: Taking, tmp_path: Path) -> None:
    photo = np.full((480, 640, 3), 90, np.uint8)
    plate = Box(380, 300, 500, 340)
    photo[plate.y1 : plate.y2, plate.x1 : plate.x2] = (255, 0, 0)
    path = tmp_path / "photo.png"
    assert cv2.imwrite(str(path), photo)

    turned = taking.photo(path)
    box = taking.box(plate, photo.shape)

    blue = (turned[..., 0] > 200) & (turned[..., 2] < 60)
    ys, xs = np.nonzero(blue)
    assert len(xs) > 0.8 * plate.width * plate.height * taking.scale**2 * 0.5
    # every plate pixel lies in the box, and the box is no larger than the turned plate
    assert box.x1 - 2 <= xs.min() and xs.max() <= box.x2 + 2
    assert box.y1 - 2 <= ys.min() and ys.max() <= box.y2 + 2
    assert box.width <= xs.max() - xs.min() + 4 and box.height <= ys.max() - ys.min() + 4
    # the whole photo stays in view: no corner of it is cut off
    assert turned.shape[0] >= photo.shape[0] * taking.scale * 0.9


@pytest.mark.parametrize(("angle", "axis"), [(90.0, 0), (0.0, 1)])
def test_motion_blur_smears_along_its_direction(angle: float, axis: int, tmp_path: Path) -> None:
    """`--motion 9`: a bright dot becomes a line 9 px long up the frame (90 degrees) or
    across it (0), and the photo keeps its brightness."""
    photo = np.zeros((41, 41, 3), np.uint8)
    photo[20, 20] = 255
    path = tmp_path / "dot.png"
    assert cv2.imwrite(str(path), photo)
    smeared = Taking(motion=9, motion_angle=angle).photo(path)[..., 0].astype(float)
    lit = np.nonzero(smeared > 0)
    assert np.ptp(lit[axis]) == 8 and np.ptp(lit[1 - axis]) == 0
    assert abs(smeared.sum() - 255) < 10
