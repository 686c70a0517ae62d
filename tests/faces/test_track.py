"""Person tracks keep the best shot that passed the gate, and nothing when none did."""

from __future__ import annotations

import numpy as np

from edge.faces.quality import Quality
from edge.faces.track import FaceTracker
from edge.faces.types import Face
from edge.types import Box, Frame

IMAGE = np.zeros((480, 640, 3), np.uint8)


def face(x: int, score_px: int, passed: bool = True) -> Face:
    quality = Quality(score_px, 200.0, 0.9, passed, () if passed else ("blurred",))
    return Face(
        Box(x, 100, x + 80, 180),
        quality,
        np.zeros((5, 2), np.float32),
        np.zeros((10, 10, 3), np.uint8),
        np.zeros((150, 150, 3), np.uint8),
    )


def frame(t: float) -> Frame:
    return Frame(IMAGE, int(t * 10), t)


def test_best_shot_of_one_walker() -> None:
    tracker = FaceTracker(max_gap_s=0.5)
    for t, (x, size) in enumerate([(100, 70), (110, 150), (120, 90)]):
        assert tracker.update(frame(t * 0.1), [face(x, size)]) == []
    (shot,) = tracker.update(frame(2.0), [])  # left the camera
    assert shot.face.quality.size_px == 150
    assert shot.faces == 3
    assert tracker.active == 0


def test_two_people_two_tracks() -> None:
    tracker = FaceTracker()
    tracker.update(frame(0.0), [face(50, 100), face(400, 120)])
    tracker.update(frame(0.1), [face(60, 100), face(390, 120)])
    shots = tracker.flush()
    assert sorted(s.face.box.x1 for s in shots) == [50, 400]  # ties keep the first shot


def test_poor_crops_only_yield_nothing() -> None:
    tracker = FaceTracker()
    tracker.update(frame(0.0), [face(100, 100, passed=False)])
    tracker.update(frame(0.1), [face(105, 100, passed=False)])
    assert tracker.flush() == []
