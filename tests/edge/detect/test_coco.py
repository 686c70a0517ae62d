"""The bundled COCO detector (YOLOv5s): real loading and inference, vehicle-first reading.

Our generated frames draw vehicles a COCO model does not take for vehicles, so vehicles are
checked on the dev photos (skipped where ../shared is absent) and people on a public-domain
portrait; the lane's fallback to plate-first reading is checked on a generated frame.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from edge.detect import Detector, load_detector
from edge.detect.yolo import YoloOnnx, letterbox
from edge.read.images import load_image
from edge.vehicle.first import VehicleFirstReader, load_lane_reader, owner_of
from tests.edge.read.conftest import DEV_PHOTOS, needs_dev_photos, needs_font
from tests.edge.vehicle.scenes import vehicle_frame

COCO = "coco-yolov5s"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def coco(tmp_path_factory: pytest.TempPathFactory) -> Detector:
    return load_detector(COCO, tmp_path_factory.mktemp("data"), min_confidence=0.2)


@pytest.fixture(scope="module")
def coco_lane(tmp_path_factory: pytest.TempPathFactory) -> VehicleFirstReader:
    found = load_lane_reader(COCO, tmp_path_factory.mktemp("data"))
    assert isinstance(found, VehicleFirstReader)
    return found


def test_loads_from_the_registry_with_the_coco_classes(coco: Detector) -> None:
    assert len(coco.labels) == 80
    assert coco.labels[:4] == ("person", "bicycle", "car", "motorcycle")
    assert {"bus", "truck"} <= set(coco.labels)
    assert coco.finds_vehicles and not coco.finds_plates
    assert coco.detect(np.zeros((720, 1280, 3), np.uint8)) == []


def test_finds_the_person_in_a_real_photo(coco: Detector) -> None:
    image = load_image(DATA / "astronaut.jpg")
    height, width = image.shape[:2]
    people = [d.box for d in coco.detect(image) if d.label == "person"]
    # the astronaut fills most of the portrait
    assert any(
        box.width * box.height > 0.5 * width * height
        and box.x1 < width / 2 < box.x2
        and box.y1 < height / 2 < box.y2
        for box in people
    ), people


def test_a_wide_frame_runs_at_its_own_aspect_and_keeps_frame_coordinates(coco: Detector) -> None:
    # the portrait pasted into a 16:9 frame: the model takes 640x384, not 640x640, and the
    # person comes back where the portrait was put
    assert isinstance(coco, YoloOnnx) and coco.dynamic
    portrait = load_image(DATA / "astronaut.jpg")
    h, w = portrait.shape[:2]
    frame = np.full((h, h * 16 // 9, 3), 90, np.uint8)
    left = frame.shape[1] - w - 20
    frame[:, left : left + w] = portrait
    blob, _, _ = letterbox(frame, coco.input_size, coco.stride)
    assert blob.shape[2:] == (384, 640)
    people = [d.box for d in coco.detect(frame) if d.label == "person"]
    assert any(
        box.x1 >= left - 0.05 * w and box.x2 <= left + 1.05 * w and box.width > w / 2
        for box in people
    ), people


@needs_font
def test_a_vehicle_the_detector_misses_still_has_its_plate_read(
    coco_lane: VehicleFirstReader,
) -> None:
    # a drawn lorry is no COCO vehicle, as a close-up filling the frame often is not
    image = vehicle_frame("冀A12345", "red", kind="lorry")
    assert not [d for d in coco_lane.detector.detect(image) if d.is_vehicle]
    assert [r.text for r in coco_lane.read(image) if r.text] == ["冀A12345"]


def _dev_rows() -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = {}
    with (DEV_PHOTOS / "labels.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["file"], []).append(row)
    return rows


@needs_dev_photos
def test_boxes_the_vehicles_carrying_the_dev_plates(coco: Detector) -> None:
    from benchmarks.common import label_box

    held = total = 0
    for name, rows in _dev_rows().items():
        vehicles = [d for d in coco.detect(load_image(DEV_PHOTOS / name)) if d.is_vehicle]
        for row in rows:
            if row["legible"] == "yes":
                total += 1
                held += owner_of(label_box(row), vehicles) is not None
    # measured 23/29 at 0.2: close-ups filling the frame are the misses
    assert held / total >= 0.6, f"{held}/{total}"


@needs_dev_photos
def test_vehicle_first_reading_on_the_dev_photos(coco_lane: VehicleFirstReader) -> None:
    exact = legible = false_reads = 0
    for name, rows in _dev_rows().items():
        texts = {r.text for r in coco_lane.read(load_image(DEV_PHOTOS / name)) if r.text}
        wanted = [row["plate"] for row in rows if row["legible"] == "yes"]
        legible += len(wanted)
        exact += sum(plate in texts for plate in wanted)
        if all(row["legible"] == "yes" for row in rows):
            false_reads += len(texts - {row["plate"] for row in rows})
    # measured 28/29 with 1 false read (a car badge read as a Hong Kong plate)
    assert exact / legible >= 0.9
    assert false_reads <= 2
