"""The quality gate: only a face big, sharp and frontal enough is embedded and matched.

A match on a poor crop is worse than no match: a blurred or turned face lands closer to
strangers in embedding space, so it would stop the wrong person. Three measures, each with
a floor:

- size: the shorter side of the face box in frame pixels;
- sharpness: variance of the Laplacian of the grey crop resized to a fixed 100x100, so
  the measure does not grow with the face's size;
- frontalness: from the five landmarks, how far the nose tip sits from the middle of the
  eyes along the eye line (0 when turned away ~45 degrees or more, 1 when facing the camera).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from pydantic import Field

from checkpoint.settings import Settings

SHARPNESS_SIDE = 100


class QualityGate(Settings):
    """Floors a face must clear to be embedded and matched."""

    min_face_px: int = Field(60, ge=20, description="shorter side of the face box, pixels")
    min_sharpness: float = Field(
        30.0, ge=0, description="variance of the Laplacian on the 100x100 grey crop"
    )
    min_frontalness: float = Field(0.5, ge=0, le=1, description="1 frontal, 0 side view")


@dataclass(frozen=True, slots=True)
class Quality:
    """How good one face crop is; `score` in [0, 1] ranks shots of the same track."""

    size_px: int
    sharpness: float
    frontalness: float
    passed: bool
    problems: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        size = min(1.0, self.size_px / 160)
        sharp = min(1.0, self.sharpness / 300)
        return round((size + sharp + 2 * self.frontalness) / 4, 4)

    def as_json(self) -> dict[str, object]:
        return {
            "size_px": self.size_px,
            "sharpness": round(self.sharpness, 1),
            "frontalness": round(self.frontalness, 3),
            "score": self.score,
            "passed": self.passed,
            "problems": list(self.problems),
        }


def sharpness(grey_crop: np.ndarray) -> float:
    """Variance of the Laplacian on the crop resized to 100x100 (uint8 grey, shape (H, W))."""
    if grey_crop.ndim != 2 or grey_crop.size == 0:
        raise ValueError(f"expected a non-empty grey image (H, W), got shape {grey_crop.shape}")
    small = cv2.resize(grey_crop, (SHARPNESS_SIDE, SHARPNESS_SIDE), interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(small, cv2.CV_64F).var())


def frontalness(landmarks: np.ndarray) -> float:
    """1 for a face looking at the camera, falling to 0 as it turns (yaw) away.

    Args:
        landmarks: dlib's five points, shape (5, 2): two corners of one eye, two of the
            other, then the bottom of the nose.
    """
    if landmarks.shape != (5, 2):
        raise ValueError(f"landmarks must have shape (5, 2), got {landmarks.shape}")
    eye_a = landmarks[0:2].mean(axis=0)
    eye_b = landmarks[2:4].mean(axis=0)
    axis = eye_b - eye_a
    span = float(np.linalg.norm(axis))
    if span < 1e-6:
        return 0.0
    offset = float(np.dot(landmarks[4] - (eye_a + eye_b) / 2, axis / span)) / span
    # A frontal face has the nose under the eyes' midpoint; at ~45 degrees of yaw it sits
    # about a third of the eye distance aside.
    return float(max(0.0, 1.0 - abs(offset) / 0.35))


def grade(size_px: int, sharp: float, frontal: float, gate: QualityGate) -> Quality:
    problems = []
    if size_px < gate.min_face_px:
        problems.append(f"face {size_px}px < {gate.min_face_px}px")
    if sharp < gate.min_sharpness:
        problems.append(f"blurred (sharpness {sharp:.0f} < {gate.min_sharpness:.0f})")
    if frontal < gate.min_frontalness:
        problems.append(f"not frontal ({frontal:.2f} < {gate.min_frontalness:.2f})")
    return Quality(size_px, sharp, frontal, passed=not problems, problems=tuple(problems))
