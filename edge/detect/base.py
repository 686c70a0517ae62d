"""What every detector backend provides: an image in, labelled boxes out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from edge.types import Box

# labels that mean "a vehicle" in COCO and in our own plate/vehicle-face model
VEHICLE_LABELS = frozenset({"car", "bus", "truck", "motorcycle", "vehicle_face"})
PLATE_LABEL = "plate"
PERSON_LABEL = "person"


@dataclass(frozen=True, slots=True)
class Detection:
    box: Box
    label: str
    confidence: float

    @property
    def is_vehicle(self) -> bool:
        return self.label in VEHICLE_LABELS

    @property
    def is_plate(self) -> bool:
        return self.label == PLATE_LABEL

    @property
    def is_person(self) -> bool:
        return self.label == PERSON_LABEL


class Detector(ABC):
    """A detector backend; `labels` are its class names, index = class id."""

    name: str
    labels: tuple[str, ...]
    min_confidence: float
    lane_min_confidence: float = 0.1
    """The score a lane takes boxes from: a plate box costs one recognition, and recognition
    plus the plate grammar reject what is not a plate, so a low score pays."""

    @abstractmethod
    def detect(self, image: np.ndarray) -> list[Detection]:
        """Every object in a BGR uint8 (H, W, 3) image, in image pixels, best first."""

    @property
    def finds_vehicles(self) -> bool:
        return any(label in VEHICLE_LABELS for label in self.labels)

    @property
    def finds_plates(self) -> bool:
        return PLATE_LABEL in self.labels

    @property
    def finds_people(self) -> bool:
        return PERSON_LABEL in self.labels
