"""Vehicle-first reading with the shipped detector, and the no-plate scenario end to end."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from central.server import Central
from checkpoint.client import CentralClient
from checkpoint.vehicles import VehicleColor
from edge.detect import Detection
from edge.detect.loader import TRAINED_DETECTOR
from edge.types import Box
from edge.vehicle.first import VehicleFirstReader, load_lane_reader, one_box_per_vehicle
from tests.edge.read.conftest import needs_font
from tests.edge.vehicle.scenes import passage_through, vehicle_frame


@pytest.fixture(scope="module")
def lane(tmp_path_factory: pytest.TempPathFactory) -> VehicleFirstReader:
    found = load_lane_reader(TRAINED_DETECTOR, tmp_path_factory.mktemp("data"))
    assert isinstance(found, VehicleFirstReader)
    return found


@needs_font
def test_reads_the_plate_inside_the_vehicle(lane: VehicleFirstReader) -> None:
    image = vehicle_frame("冀A12345", "red", kind="lorry")
    reads, times = lane.read_timed(image)
    plates = [r for r in reads if r.text]
    assert [r.text for r in plates] == ["冀A12345"]
    look = plates[0].vehicle
    assert look is not None and look.box is not None
    assert look.color is VehicleColor.RED
    cx, cy = plates[0].box.center
    assert look.box.x1 <= cx <= look.box.x2 and look.box.y1 <= cy <= look.box.y2
    assert set(times) == {"detect", "read", "vehicle"}


@needs_font
def test_a_covered_plate_leaves_a_vehicle_with_no_text(lane: VehicleFirstReader) -> None:
    reads = lane.read(vehicle_frame("冀A12345", "white", covered=True))
    assert reads, "the vehicle itself is still seen"
    assert all(r.text == "" for r in reads)
    assert any(r.vehicle is not None and r.vehicle.color is VehicleColor.WHITE for r in reads)


@needs_font
def test_a_vehicle_without_a_readable_plate_gets_check_plate_unreadable(
    central: Central, client: CentralClient, lane: VehicleFirstReader, tmp_path: Path
) -> None:
    image = vehicle_frame("冀A12345", "white", covered=True)
    verdict = passage_through(central, client, lane, tmp_path, image)
    assert (verdict["plate"], verdict["verdict"], verdict["reason"]) == (
        "",
        "CHECK",
        "plate unreadable",
    )
    assert verdict["vehicle"]["color"] == "white"


@pytest.fixture(scope="module")
def vehicles_only(tmp_path_factory: pytest.TempPathFactory) -> VehicleFirstReader:
    """A detector that boxes vehicles and no plates, as a COCO model does.

    The bundled COCO model does not take our drawn vehicles for vehicles (it is tested on
    real photos in tests/edge/detect/test_coco.py), so the plate model stands in with its
    classes named the way a vehicle-only model's are: its plate class becomes a label the
    lane ignores and `vehicle_face` becomes `car`. Loading, inference and the lane's
    vehicle-only path (plates read inside each vehicle box) are the real ones.
    """
    from edge.detect.yolo import YoloOnnx
    from edge.read import PPOCRConfig, load_reader
    from models import registry

    entry = next(
        e for e in registry.entries(tmp_path_factory.mktemp("data")) if e.name == TRAINED_DETECTOR
    )
    path = registry.status(entry).path
    assert path is not None
    detector = YoloOnnx(path, min_confidence=0.1, labels=("traffic light", "car"), name="coco")
    assert detector.finds_vehicles and not detector.finds_plates
    return VehicleFirstReader(detector, load_reader(PPOCRConfig()))


@needs_font
def test_a_vehicle_only_detector_reads_plates_inside_vehicle_boxes(
    vehicles_only: VehicleFirstReader,
) -> None:
    image = vehicle_frame("苏B2V9L7", "silver")
    cars = [d for d in vehicles_only.detector.detect(image) if d.label == "car"]
    assert cars, "the vehicle is boxed"
    plates = [r for r in vehicles_only.read(image) if r.text]
    assert [r.text for r in plates] == ["苏B2V9L7"]
    look = plates[0].vehicle
    assert look is not None and look.box is not None
    assert any(look.box == car.box for car in cars)  # the plate belongs to its vehicle box
    assert look.box.holds_centre_of(plates[0].box)


def test_a_vehicle_only_detector_sees_an_empty_road_as_empty(
    vehicles_only: VehicleFirstReader,
) -> None:
    road = np.full((720, 1280, 3), 90, np.uint8)
    assert vehicles_only.read(road) == []


@needs_font
def test_a_vehicle_too_small_for_a_readable_plate_is_not_plate_unreadable(
    lane: VehicleFirstReader,
) -> None:
    """Far away, a plate would be under ~60 px and unreadable anyway: such a vehicle is no
    "plate unreadable" case (a parked car across the street must not send an officer)."""
    far = cv2.resize(vehicle_frame("冀A12345", "white", covered=True), None, fx=0.35, fy=0.35)
    seen = [d for d in lane.detector.detect(far) if d.is_vehicle]
    assert any(d.confidence >= lane.min_vehicle_confidence for d in seen)  # it is seen...
    assert all(d.box.width < lane.min_unreadable_width for d in seen)  # ...but small
    assert lane.read(far) == []


def test_one_vehicle_named_twice_is_one_vehicle() -> None:
    van_as_bus = Detection(Box(38, 32, 516, 412), "bus", 0.54)
    van_as_truck = Detection(Box(38, 36, 519, 424), "truck", 0.31)
    car_in_front = Detection(Box(100, 200, 300, 412), "car", 0.8)

    kept = one_box_per_vehicle([van_as_truck, van_as_bus, car_in_front])

    assert kept == [car_in_front, van_as_bus]


@needs_font
def test_vehicles_outside_the_lane_region_are_not_this_lanes(
    vehicles_only: VehicleFirstReader,
) -> None:
    image = vehicle_frame("苏B2V9L7", "silver")  # the vehicle stands mid-frame
    height, width = image.shape[:2]
    inside = [r.text for r in vehicles_only.read(image, roi=Box(0, 0, width, height))]
    elsewhere = vehicles_only.read(image, roi=Box(0, 0, width // 5, height))

    assert inside == ["苏B2V9L7"]
    assert elsewhere == []
