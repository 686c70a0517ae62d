"""The quality gate: size, sharpness and frontalness floors, as tables."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge.faces.quality import QualityGate, frontalness, grade, sharpness

# dlib 5-point order: two corners of one eye, two of the other, then the nose.
FRONTAL = np.array([[70, 40], [55, 40], [25, 40], [40, 40], [48, 70]], np.float32)


def turned(shift: float) -> np.ndarray:
    points = FRONTAL.copy()
    points[4, 0] += shift
    return points


@pytest.mark.parametrize(
    ("points", "low", "high"),
    [
        (FRONTAL, 0.95, 1.0),
        (turned(3), 0.6, 0.8),  # a slight turn: still frontal enough
        (turned(-15), 0.0, 0.0),  # nose past the eye: a profile
        (np.zeros((5, 2), np.float32), 0.0, 0.0),  # degenerate landmarks
    ],
)
def test_frontalness(points: np.ndarray, low: float, high: float) -> None:
    assert low <= frontalness(points) <= high


def test_frontalness_rejects_wrong_shape() -> None:
    with pytest.raises(ValueError, match=r"shape \(5, 2\)"):
        frontalness(np.zeros((68, 2)))


def test_sharpness_falls_with_blur() -> None:
    rng = np.random.default_rng(0)
    crisp = rng.integers(0, 255, (120, 120), dtype=np.uint8)
    blurred = cv2.GaussianBlur(crisp, (0, 0), 4)
    assert sharpness(crisp) > 10 * sharpness(blurred)
    assert sharpness(np.full((80, 80), 128, np.uint8)) == 0.0


def test_sharpness_rejects_colour() -> None:
    with pytest.raises(ValueError, match="grey image"):
        sharpness(np.zeros((10, 10, 3), np.uint8))


@pytest.mark.parametrize(
    ("size", "sharp", "frontal", "passed", "problem"),
    [
        (120, 200.0, 0.9, True, ""),
        (40, 200.0, 0.9, False, "40px < 60px"),
        (120, 5.0, 0.9, False, "blurred"),
        (120, 200.0, 0.2, False, "not frontal"),
    ],
)
def test_grade(size: int, sharp: float, frontal: float, passed: bool, problem: str) -> None:
    quality = grade(size, sharp, frontal, QualityGate())
    assert quality.passed is passed
    assert problem in "; ".join(quality.problems)
    assert 0.0 <= quality.score <= 1.0


def test_better_shot_scores_higher() -> None:
    gate = QualityGate()
    assert grade(200, 400.0, 0.95, gate).score > grade(80, 60.0, 0.6, gate).score


def test_gate_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        QualityGate.model_validate({"min_face_px": 50, "min_eyes": 2})
