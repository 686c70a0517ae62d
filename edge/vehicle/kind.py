"""Vehicle class from what the camera gives: a detector's class, or the plate itself.

GA 36-2018 ties plate colour and layout to vehicle size: yellow plates are for large
vehicles (a two-row yellow plate on a lorry's or bus's rear), 挂 is a trailer, a
motorcycle's two-row plate is squarer than a lorry's, and a new-energy plate says small
(D/F third) or large (D/F last). Blue plates also sit on light trucks, so blue alone is
only a weak hint. A detector that sees the vehicle knows better and wins when present.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkpoint.vehicles import VehicleClass
from edge.types import Box

# detector class names (COCO and our own) -> vehicle class
DETECTOR_CLASSES: dict[str, VehicleClass] = {
    "car": VehicleClass.CAR,
    "bus": VehicleClass.BUS,
    "truck": VehicleClass.LORRY,
    "lorry": VehicleClass.LORRY,
    "motorcycle": VehicleClass.MOTORCYCLE,
    "van": VehicleClass.VAN,
}
_MOTORCYCLE_ASPECT = 1.75  # a 220x140 mm motorcycle plate against a 440x220 mm rear plate
_NEV_LENGTH = 8


@dataclass(frozen=True, slots=True)
class ClassEstimate:
    vehicle_class: VehicleClass
    confidence: float


UNKNOWN = ClassEstimate(VehicleClass.UNKNOWN, 0.0)


def class_from_plate(text: str, color: str, layers: int, box: Box | None) -> ClassEstimate:
    """What the plate alone says about the vehicle carrying it."""
    if text.endswith("挂"):
        return ClassEstimate(VehicleClass.LORRY, 0.9)
    if text.endswith("学"):
        return ClassEstimate(VehicleClass.CAR, 0.7)
    if color == "yellow":
        if layers == 2 and box is not None and box.width / box.height < _MOTORCYCLE_ASPECT:
            return ClassEstimate(VehicleClass.MOTORCYCLE, 0.6)
        return ClassEstimate(VehicleClass.LORRY, 0.6 if layers == 2 else 0.5)
    if color == "green" and len(text) == _NEV_LENGTH:
        if text[-1] in "DF":
            return ClassEstimate(VehicleClass.BUS, 0.6)
        return ClassEstimate(VehicleClass.CAR, 0.6)
    if color == "blue":
        return ClassEstimate(VehicleClass.CAR, 0.5)
    return UNKNOWN


def class_from_detector(name: str, confidence: float) -> ClassEstimate:
    """A detector's vehicle class; classes that are not vehicles say nothing."""
    found = DETECTOR_CLASSES.get(name)
    return ClassEstimate(found, confidence) if found else UNKNOWN


def combine(plate: ClassEstimate, detector: ClassEstimate) -> ClassEstimate:
    """The detector sees the vehicle; a trailer plate still outranks it."""
    if detector.vehicle_class is VehicleClass.UNKNOWN:
        return plate
    return plate if plate.confidence > detector.confidence else detector
