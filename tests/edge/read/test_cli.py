"""`checkpoint read --json`: one JSON object per image, an error line for a non-image."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from checkpoint.cli.main import main
from checkpoint.vehicles import VehicleColor
from edge.synth import render_plate
from tests.edge.read.conftest import needs_font
from tests.edge.vehicle.scenes import vehicle_frame


@needs_font
def test_read_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = np.full((360, 640, 3), 90, np.uint8)
    plate = render_plate("京A12345", "blue", height=60)
    frame[150:210, 200 : 200 + plate.shape[1]] = plate
    folder = tmp_path / "shots"
    folder.mkdir()
    cv2.imwrite(str(folder / "b_plate.png"), frame)
    cv2.imwrite(str(folder / "a_empty.jpg"), np.full((100, 100, 3), 200, np.uint8))
    (folder / "notes.txt").write_text("ignored: not an image extension")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"this is not a jpeg")

    code = main(["read", "--json", str(folder), str(broken)])

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # one file could not be read
    assert [Path(line["image"]).name for line in lines] == [
        "a_empty.jpg",
        "b_plate.png",
        "broken.jpg",
    ]
    empty, found, error = lines
    assert empty["plates"] == []
    assert isinstance(empty["ms"], float)
    assert set(found) == {"image", "plates", "vehicles", "ms"}
    (plate_json,) = found["plates"]
    assert set(plate_json) == {
        "text",
        "confidence",
        "color",
        "layers",
        "box",
        "candidates",
        "vehicle",
    }
    x1, y1, x2, y2 = plate_json["box"]
    assert 190 <= x1 < x2 <= 200 + plate.shape[1] + 10
    assert 140 <= y1 < y2 <= 220
    vehicle = plate_json["vehicle"]
    assert vehicle["color"] in {c.value for c in VehicleColor}
    assert vehicle["class"] == "car"  # a blue plate: a light vehicle
    vx1, vy1, vx2, vy2 = vehicle["box"]
    assert vy2 > vy1
    assert vx1 <= x1 < x2 <= vx2 and vy1 <= y1
    assert plate_json["text"] == "京A12345"
    assert plate_json["color"] == "blue"
    assert plate_json["layers"] == 1
    assert plate_json["candidates"][0] == ["京A12345", plate_json["confidence"]]
    assert set(error) == {"image", "error"}
    assert "not a decodable image" in error["error"]


def test_read_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "grey.png"
    cv2.imwrite(str(image), np.full((120, 160, 3), 128, np.uint8))
    assert main(["read", str(image)]) == 0
    assert capsys.readouterr().out.startswith(f"{image}: no plate [")


@needs_font
def test_read_with_a_detector_lists_vehicles_without_a_legible_plate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    covered, plated = tmp_path / "covered.png", tmp_path / "plated.png"
    cv2.imwrite(str(covered), vehicle_frame("冀A12345", "white", covered=True))
    cv2.imwrite(str(plated), vehicle_frame("冀A12345", "red", kind="lorry"))

    code = main(["read", "--json", "--detector", "plate-vface-yolov8n", str(covered), str(plated)])

    assert code == 0
    hidden, seen = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert hidden["plates"] == []
    assert hidden["vehicles"], "the vehicle with the covered plate is listed"
    assert hidden["vehicles"][0]["color"] == "white"
    assert [p["text"] for p in seen["plates"]] == ["冀A12345"]
    assert seen["plates"][0]["vehicle"]["color"] == "red"
