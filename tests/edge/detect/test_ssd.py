"""The bundled plate SSD (HyperLPR's, converted to ONNX): loading, anchors, real inference.

Generated lane frames check where its boxes land; the dev photos (skipped where ../shared
is absent) check it on real plates of every colour, which is why it is bundled.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from checkpoint.errors import ConfigError
from edge.detect import Detector, load_detector
from edge.detect.ssd import PlateSsd, _Head
from edge.read.images import load_image
from edge.types import Box
from models.convert_hyperlpr_ssd import parse_prototxt
from tests.edge.read.conftest import DEV_PHOTOS, needs_dev_photos, needs_font
from tests.edge.vehicle.scenes import vehicle_scene

SSD = "hyperlpr-plate-ssd"


@pytest.fixture(scope="module")
def ssd(tmp_path_factory: pytest.TempPathFactory) -> Detector:
    return load_detector(SSD, tmp_path_factory.mktemp("data"), min_confidence=0.3)


def test_loads_from_the_registry_as_a_plate_only_detector(ssd: Detector) -> None:
    assert isinstance(ssd, PlateSsd)
    assert ssd.labels == ("plate",)
    assert ssd.finds_plates and not ssd.finds_vehicles and not ssd.finds_people
    assert ssd.detect(np.zeros((720, 1280, 3), np.uint8)) == []
    assert ssd.detect(np.full((37, 53, 3), 200, np.uint8)) == []  # any size, even odd ones


def test_an_installed_copy_is_recognised_as_an_ssd_by_its_metadata(tmp_path: Path) -> None:
    from models import registry

    entry = next(e for e in registry.entries(tmp_path) if e.name == SSD)
    source = registry.status(entry).path
    assert source is not None
    copy = tmp_path / "plates.onnx"
    shutil.copy(source, copy)
    assert isinstance(load_detector(str(copy), tmp_path), PlateSsd)
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(ConfigError):
        load_detector(str(broken), tmp_path)


def test_anchors_follow_caffe_prior_box_order() -> None:
    head = _Head.from_meta(
        {
            "loc": "l",
            "conf": "c",
            "min_size": 50.0,
            "max_size": 200.0,
            "aspect_ratios": [1.0, 2.0],
            "flip": False,
            "variance": [0.1, 0.1, 0.2, 0.2],
            "offset": 0.5,
        }
    )
    # per cell: the min square, the sqrt(min * max) square, then each other aspect ratio
    assert np.allclose(head.shapes, [(50, 50), (100, 100), (50 * 2**0.5, 50 / 2**0.5)])
    anchors = head.anchors(2, 3, 64, 96)
    assert anchors.shape == (2 * 3 * 3, 4)
    # cell (row 0, col 1): centre (1.5 * 32, 0.5 * 32), its three shapes in turn
    assert anchors[3:6, :2].tolist() == [[48.0, 16.0]] * 3
    assert anchors[3:6, 2].tolist() == pytest.approx([50, 100, 50 * 2**0.5])
    assert anchors[-1, :2].tolist() == [80.0, 48.0]


def test_prototxt_parser_keeps_repeated_keys_and_nesting() -> None:
    parsed = parse_prototxt(
        'layer {\n  name: "p"  # a comment\n  type: "PriorBox"\n'
        "  prior_box_param { min_size: 51.2 aspect_ratio: 1.0 aspect_ratio: 2.0 flip: false }\n}\n"
    )
    (layer,) = parsed["layer"]
    assert layer["name"] == ["p"] and layer["type"] == ["PriorBox"]
    (param,) = layer["prior_box_param"]
    assert param == {"min_size": [51.2], "aspect_ratio": [1.0, 2.0], "flip": [False]}
    with pytest.raises(ValueError, match="cannot parse"):
        parse_prototxt("layer { name: }")


@needs_font
@pytest.mark.parametrize(
    ("plate", "colour", "layers"),
    [("京A12345", "blue", 1), ("粤Z1234港", "black", 1), ("冀E12345", "yellow", 2)],
)
def test_boxes_a_generated_plate_on_a_vehicle(
    ssd: Detector, plate: str, colour: str, layers: int
) -> None:
    frame, truth = vehicle_scene(plate, "silver", plate_color=colour, layers=layers)
    found = ssd.detect(frame)
    assert found, "no plate boxed"
    best = found[0].box
    assert best.iou(truth) > 0.6, (best, truth)


@needs_font
def test_a_small_frame_runs_at_its_own_size_and_its_plate_is_boxed(ssd: Detector) -> None:
    assert isinstance(ssd, PlateSsd)
    frame, truth = vehicle_scene("京A12345", "silver")
    scale = 400 / max(frame.shape[:2])
    small = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    assert ssd.input_side(small.shape) == max(small.shape[:2]) < 640
    assert ssd.input_side((1080, 1920, 3)) == 640  # a lane camera's frame is scaled down
    found = ssd.detect(small)
    assert found, "no plate boxed"
    want = Box(*(round(v * scale) for v in (truth.x1, truth.y1, truth.x2, truth.y2)))
    assert found[0].box.iou(want) > 0.5, (found[0].box, want)


@needs_dev_photos
def test_finds_most_real_plates_of_every_colour(ssd: Detector) -> None:
    rows = [
        r
        for r in csv.DictReader((DEV_PHOTOS / "labels.csv").open(encoding="utf-8"))
        if r["legible"] == "yes"
    ]
    images = {name: load_image(DEV_PHOTOS / name) for name in {r["file"] for r in rows}}
    boxes = {name: [d.box for d in ssd.detect(image)] for name, image in images.items()}
    found: dict[str, int] = {}
    for r in rows:
        cx = (float(r["x1"]) + float(r["x2"])) / 2
        cy = (float(r["y1"]) + float(r["y2"])) / 2
        hit = any(b.x1 <= cx <= b.x2 and b.y1 <= cy <= b.y2 for b in boxes[r["file"]])
        found[r["color"]] = found.get(r["color"], 0) + hit
    # measured: 21 of the 29 legible plates; the misses are Hong Kong plates right above a
    # mainland one, and plates under ~50 px wide in the frame
    assert sum(found.values()) >= 18, found
    assert found.get("white", 0) >= 2 and found.get("black", 0) >= 3, found  # of 6 and 5
