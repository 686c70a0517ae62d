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
_HEAVY_PLATE_WIDTHS = 4.6  # a bus or lorry box is at least this many of its plate's widths


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


def class_from_detector(
    name: str, confidence: float, box: Box | None = None, plate: Box | None = None
) -> ClassEstimate:
    """A detector's vehicle class; classes that are not vehicles say nothing.

    COCO has no van: it calls vans, minibuses and pickups `bus` or `truck`. A heavy vehicle
    is 2.3-2.55 m wide, over five times its 440 mm plate, while cars and vans are 1.6-2.0 m,
    under 4.6 plates; so a `bus` or `truck` box narrower than `_HEAVY_PLATE_WIDTHS` of the
    plate it carries is a van. The rule only narrows: a box seen from the side is wider than
    the vehicle, never narrower, so no car becomes heavy through it.
    """
    found = DETECTOR_CLASSES.get(name)
    if found is None:
        return UNKNOWN
    narrow = box is not None and plate is not None and box.width < _HEAVY_PLATE_WIDTHS * plate.width
    if found in (VehicleClass.BUS, VehicleClass.LORRY) and narrow:
        return ClassEstimate(VehicleClass.VAN, confidence)
    return ClassEstimate(found, confidence)


def combine(plate: ClassEstimate, detector: ClassEstimate) -> ClassEstimate:
    """The detector sees the vehicle; a trailer plate still outranks it."""
    if detector.vehicle_class is VehicleClass.UNKNOWN:
        return plate
    return plate if plate.confidence > detector.confidence else detector
