"""Vehicle class from the plate and from a detector's box."""

from __future__ import annotations

import pytest

from checkpoint.vehicles import VehicleClass
from edge.types import Box
from edge.vehicle.kind import ClassEstimate, class_from_detector, class_from_plate, combine

PLATE = Box(500, 600, 600, 632)  # 100 px wide


@pytest.mark.parametrize(
    ("text", "color", "layers", "box", "expected"),
    [
        ("冀A1234挂", "yellow", 2, None, VehicleClass.LORRY),
        ("琼A6716学", "yellow", 1, None, VehicleClass.CAR),
        ("冀E12345", "yellow", 2, Box(0, 0, 440, 220), VehicleClass.LORRY),
        ("沪AN9241", "yellow", 2, Box(0, 0, 220, 140), VehicleClass.MOTORCYCLE),
        ("粤BD01366", "green", 1, None, VehicleClass.CAR),
        ("粤B01366D", "green", 1, None, VehicleClass.BUS),
        ("京A12345", "blue", 1, None, VehicleClass.CAR),
        ("粤Z1234港", "black", 1, None, VehicleClass.UNKNOWN),
    ],
)
def test_class_from_plate(
    text: str, color: str, layers: int, box: Box | None, expected: VehicleClass
) -> None:
    assert class_from_plate(text, color, layers, box).vehicle_class is expected


@pytest.mark.parametrize(
    ("label", "width", "expected"),
    [
        ("bus", 400, VehicleClass.VAN),  # 4 plates wide: a van COCO calls a bus
        ("truck", 420, VehicleClass.VAN),  # a pickup
        ("bus", 600, VehicleClass.BUS),  # 6 plates: as wide as a bus is
        ("truck", 560, VehicleClass.LORRY),
        ("car", 1100, VehicleClass.CAR),  # seen from the side: wide, still a car
        ("car", 300, VehicleClass.CAR),
        ("person", 300, VehicleClass.UNKNOWN),
    ],
)
def test_a_heavy_class_needs_a_heavy_vehicles_width(
    label: str, width: int, expected: VehicleClass
) -> None:
    box = Box(550 - width // 2, 300, 550 + width // 2, 650)
    assert class_from_detector(label, 0.8, box, PLATE).vehicle_class is expected


def test_without_a_plate_the_detector_class_stands() -> None:
    narrow = Box(0, 0, 200, 300)
    assert class_from_detector("bus", 0.7, narrow).vehicle_class is VehicleClass.BUS
    assert class_from_detector("bus", 0.7).confidence == 0.7


def test_a_trailer_plate_outranks_the_detector() -> None:
    trailer = class_from_plate("冀A1234挂", "yellow", 2, None)
    car = ClassEstimate(VehicleClass.CAR, 0.8)
    assert combine(trailer, car).vehicle_class is VehicleClass.LORRY
    assert combine(class_from_plate("京A12345", "blue", 1, None), car) == car
