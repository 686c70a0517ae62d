"""The shipped plate/vehicle-face detector: real loading and inference on generated frames."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from checkpoint.errors import ConfigError, InvalidInput
from edge.detect import Detector, load_detector
from edge.detect.loader import TRAINED_DETECTOR
from edge.detect.yolo import letterbox
from tests.edge.read.conftest import needs_font
from tests.edge.vehicle.scenes import vehicle_frame, vehicle_scene


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> Detector:
    # the lane's threshold: plate boxes are verified by recognition afterwards
    return load_detector(TRAINED_DETECTOR, tmp_path_factory.mktemp("data"), min_confidence=0.1)


def test_the_shipped_model_loads_from_the_registry(detector: Detector) -> None:
    assert detector.labels == ("plate", "vehicle_face")
    assert detector.finds_plates and detector.finds_vehicles
    assert detector.detect(np.zeros((1080, 1920, 3), np.uint8)) == []


@needs_font
@pytest.mark.parametrize(
    ("text", "color", "layers", "kind"),
    [
        ("京A12345", "blue", 1, "car"),
        ("粤BD01366", "green", 1, "car"),
        ("冀E12345", "yellow", 2, "lorry"),
        ("鄂F8888警", "white", 1, "car"),
        ("粤Z1234港", "black", 1, "car"),
    ],
)
def test_finds_plates_in_generated_frames(
    detector: Detector, text: str, color: str, layers: int, kind: str
) -> None:
    hits = 0
    for paint, scale in (("white", 0.8), ("red", 1.0), ("silver", 1.2), ("blue", 1.4)):
        image, truth = vehicle_scene(
            text, paint, plate_color=color, layers=layers, kind=kind, scale=scale
        )
        plates = [d.box for d in detector.detect(image) if d.is_plate]
        hits += any(box.iou(truth) >= 0.3 for box in plates)
    assert hits >= 3, f"{text}: {hits}/4 plates found"


@needs_font
def test_finds_the_vehicle_face_around_its_plate(detector: Detector) -> None:
    image = vehicle_frame("冀A12345", "red", kind="lorry")
    found = detector.detect(image)
    plates = [d for d in found if d.is_plate]
    faces = [d for d in found if d.is_vehicle]
    assert plates and faces
    cx, cy = plates[0].box.center
    assert any(f.box.x1 <= cx <= f.box.x2 and f.box.y1 <= cy <= f.box.y2 for f in faces)


def test_letterbox_keeps_the_aspect_and_centres() -> None:
    image = np.full((1080, 1920, 3), 255, np.uint8)
    blob, scale, (left, top) = letterbox(image, (288, 512))
    assert blob.shape == (1, 3, 288, 512)
    assert scale == pytest.approx(512 / 1920)
    assert (left, top) == (0.0, 0.0)
    tall = np.zeros((1000, 500, 3), np.uint8)
    blob, scale, (left, top) = letterbox(tall, (288, 512))
    assert scale == pytest.approx(0.288)
    assert left == pytest.approx((512 - 144) / 2, abs=1) and top == 0.0
    assert blob[0, :, 0, 0].tolist() == pytest.approx([114 / 255] * 3)


def test_letterbox_for_a_dynamic_input_pads_only_to_the_stride() -> None:
    wide = np.zeros((1080, 1920, 3), np.uint8)
    blob, scale, (left, top) = letterbox(wide, (640, 640), stride=32)
    assert blob.shape == (1, 3, 384, 640)  # 640x360 content, 12 px of grey above and below
    assert scale == pytest.approx(1 / 3) and (left, top) == (0.0, 12.0)
    tall = np.zeros((1000, 500, 3), np.uint8)
    blob, scale, (left, top) = letterbox(tall, (640, 640), stride=32)
    assert blob.shape == (1, 3, 640, 320) and (left, top) == (0.0, 0.0)


def test_bad_input_is_refused(detector: Detector) -> None:
    with pytest.raises(InvalidInput, match="BGR uint8"):
        detector.detect(np.zeros((100, 100), np.uint8))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no-such-model", "no detector named 'no-such-model'"),
        ("/nonexistent/model.onnx", "does not exist"),
    ],
)
def test_unknown_detectors_are_config_errors(spec: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=message):
        load_detector(spec, tmp_path)


def test_a_file_that_is_not_a_model_is_a_config_error(tmp_path: Path) -> None:
    bogus = tmp_path / "model.onnx"
    bogus.write_bytes(b"not an onnx file")
    with pytest.raises(ConfigError, match="cannot load model"):
        load_detector(str(bogus), tmp_path)


def test_pt_weights_without_the_extra_say_how_to_get_it(tmp_path: Path) -> None:
    weights = tmp_path / "yolov8n.pt"
    weights.write_bytes(b"\x80\x02")
    if importlib.util.find_spec("ultralytics") is not None:
        pytest.skip("the [yolo] extra is installed here")
    with pytest.raises(ConfigError, match=r"\[yolo\]"):
        load_detector(str(weights), tmp_path)
