"""Typed values that flow through the edge pipeline (STYLE.md rule 1).

camera -> `Frame` -> reader -> `PlateRead` per plate -> tracker -> `Passage` per vehicle.
Frozen dataclasses, validated where a wrong shape would surface far from its cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from checkpoint.vehicles import VehicleClass, VehicleColor


@dataclass(frozen=True, slots=True)
class Box:
    """Axis-aligned pixel box, x2/y2 exclusive."""

    x1: int
    y1: int
    x2: int
    y2: int

    def __post_init__(self) -> None:
        if self.x2 <= self.x1 or self.y2 <= self.y1:
            raise ValueError(f"empty box: {self}")

    @property
    def width(self) -> int:
        return self.x2 - self.x1

    @property
    def height(self) -> int:
        return self.y2 - self.y1

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x1 + self.x2) / 2, (self.y1 + self.y2) / 2)

    def as_list(self) -> list[int]:
        return [self.x1, self.y1, self.x2, self.y2]

    def holds_centre_of(self, inner: Box, margin: float = 0.0) -> bool:
        """Whether `inner`'s centre lies in this box grown by `margin` of its size."""
        cx, cy = inner.center
        mx, my = self.width * margin, self.height * margin
        return self.x1 - mx <= cx <= self.x2 + mx and self.y1 - my <= cy <= self.y2 + my

    def share_inside(self, outer: Box) -> float:
        """Fraction of this box's area that lies inside `outer` (0.0 to 1.0)."""
        common = self.intersection(outer)
        return common.width * common.height / (self.width * self.height) if common else 0.0

    def intersection(self, other: Box) -> Box | None:
        """The part of this box inside `other`; None when they do not overlap."""
        x1, y1 = max(self.x1, other.x1), max(self.y1, other.y1)
        x2, y2 = min(self.x2, other.x2), min(self.y2, other.y2)
        return Box(x1, y1, x2, y2) if x2 > x1 and y2 > y1 else None

    def moved(self, dx: int, dy: int) -> Box:
        return Box(self.x1 + dx, self.y1 + dy, self.x2 + dx, self.y2 + dy)

    def overlap_across(self, other: Box) -> int:
        """How many pixel columns the two boxes share (0 when side by side)."""
        return max(0, min(self.x2, other.x2) - max(self.x1, other.x1))

    def iou(self, other: Box) -> float:
        ix = self.overlap_across(other)
        iy = max(0, min(self.y2, other.y2) - max(self.y1, other.y1))
        inter = ix * iy
        union = self.width * self.height + other.width * other.height - inter
        return inter / union if union else 0.0

    def body_around(self) -> Box:
        """For a plate box: where the vehicle carrying it is, unclipped.

        A car is about four plate widths wide and its bumper and bonnet or boot lid rise
        about three plate heights above its plate (a 440 mm plate on a 1.8 m car).
        """
        cx = (self.x1 + self.x2) // 2
        return Box(
            cx - 2 * self.width,
            self.y1 - 3 * self.height,
            cx + 2 * self.width,
            self.y2 + self.height // 2,
        )


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded camera frame. `image` is BGR uint8, shape (H, W, 3)."""

    image: np.ndarray
    index: int
    timestamp: float
    """Seconds: the stream's position for files, wall-clock time for live sources."""
    source: str = ""

    def __post_init__(self) -> None:
        shape = getattr(self.image, "shape", None)
        if shape is None or len(shape) != 3 or shape[2] != 3 or self.image.dtype != np.uint8:
            raise ValueError(
                f"Frame.image must be a BGR uint8 array of shape (H, W, 3), got "
                f"{getattr(self.image, 'dtype', type(self.image))} {shape}"
            )


@dataclass(frozen=True, slots=True)
class VehicleLook:
    """One frame's view of a vehicle: body colour, class and appearance signature.

    `box` is the detector's vehicle box, or the body region judged around the plate when
    no detector runs. `signature` is an L2-normalised colour histogram of that region, for
    telling the same vehicle again (re-identification), not for naming it.
    """

    color: VehicleColor
    color_confidence: float
    color_doubtful: bool
    vehicle_class: VehicleClass
    class_confidence: float
    box: Box | None
    signature: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class PlateRead:
    """One plate read in one image.

    `text` is normalized and grammar-checked (empty when the plate is there but could not
    be read); `candidates` are the top-N alternative texts, best first, with confidences;
    `char_confidences` has one value per character of `text`.
    """

    text: str
    confidence: float
    box: Box
    color: str = "unknown"
    """blue, yellow, green, white, black or unknown."""
    layers: int = 1
    char_confidences: tuple[float, ...] = ()
    candidates: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    vehicle: VehicleLook | None = None
    """The vehicle around the plate, once the vehicle stage has looked at it."""

    def __post_init__(self) -> None:
        if self.char_confidences and len(self.char_confidences) != len(self.text):
            raise ValueError(
                f"char_confidences has {len(self.char_confidences)} values for "
                f"{len(self.text)} characters"
            )
