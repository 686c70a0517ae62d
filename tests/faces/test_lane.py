"""The pedestrian lane end to end: frames -> best shot -> Screen at a real central -> alert."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from prometheus_client import generate_latest

from central.alerts.model import Picture
from central.server import Central
from checkpoint.cli.main import main
from checkpoint.client import CentralClient
from edge.config import EdgeConfig
from edge.detect import load_detector
from edge.faces import FaceAnalyzer
from edge.faces.analyze import load_image, read_image
from edge.faces.lane import PersonLane
from edge.types import Box, Frame
from proto import checkpoint_pb2 as pb
from tests.faces.conftest import faceless_jpeg, person_pb


def config(central: Central, tmp_path: Path) -> EdgeConfig:
    return EdgeConfig(
        central=central.address, lane_id="walk-1", spool_dir=tmp_path / "spool", deadline_s=5
    )


def enrol_photo(client: CentralClient, key: str, photo: Path) -> pb.AddPersonResponse:
    request = pb.AddPersonRequest(
        entry=person_pb(key, name=key), photos=[photo.read_bytes()], keep_photos=True
    )
    return client.add_person(request)


def test_nobody_in_view_no_passage(
    central: Central, client: CentralClient, analyzer: FaceAnalyzer, tmp_path: Path
) -> None:
    out = io.StringIO()
    lane = PersonLane(config(central, tmp_path), client, out, analyzer)
    image = load_image(faceless_jpeg())
    for n in range(3):
        lane.process(Frame(image, n, n * 0.1))
    lane.finish()
    assert out.getvalue() == ""
    assert lane.lines == []
    metrics = generate_latest(lane.metrics.registry).decode()
    assert 'checkpoint_edge_person_frames_total{lane="walk-1"} 3.0' in metrics
    assert 'checkpoint_edge_stage_seconds_count{lane="walk-1",stage="face_grade"} 3.0' in metrics
    assert "checkpoint_edge_person_passages_total{" not in metrics


def test_wanted_person_walks_through(
    central: Central, client: CentralClient, analyzer: FaceAnalyzer, dev: Path, tmp_path: Path
) -> None:
    response = enrol_photo(client, "obama", dev / "enroll" / "obama.jpg")
    assert (response.faces, response.photos_kept) == (1, 1)
    out = io.StringIO()
    lane = PersonLane(config(central, tmp_path), client, out, analyzer)
    image = read_image(dev / "probe" / "obama2.jpg")
    for n in range(3):
        lane.process(Frame(np.ascontiguousarray(image), n, n * 0.1))
    lane.finish()
    (line,) = [json.loads(text) for text in out.getvalue().splitlines()]
    assert line["verdict"] == "STOP"
    assert line["decided_by"] == "central"
    assert line["matches"][0]["id"] == "obama"
    assert line["matches"][0]["band"] == "match"
    assert line["frames"] == 3
    metrics = generate_latest(lane.metrics.registry).decode()
    assert (
        'checkpoint_edge_person_passages_total{decided_by="central",lane="walk-1",verdict="STOP"}'
        " 1.0"
    ) in metrics
    assert 'checkpoint_edge_stage_seconds_count{lane="walk-1",stage="face_embed"} 1.0' in metrics
    assert 'checkpoint_edge_person_tracks{lane="walk-1"} 0.0' in metrics
    assert 'checkpoint_edge_person_spool_pending{lane="walk-1"} 0.0' in metrics
    assert central.alerts is not None
    (alert,) = central.alerts.recent()
    assert alert.subject == "person:obama"
    evidence = central.alerts.picture(alert.id, Picture.EVIDENCE)
    assert evidence is not None
    crop = load_image(evidence)  # the face crop, not the whole frame
    assert max(crop.shape[:2]) <= 320


def test_cli_edge_person_mode(
    central: Central,
    client: CentralClient,
    dev: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    enrol_photo(client, "biden", dev / "enroll" / "biden.jpg")
    folder = tmp_path / "frames"
    folder.mkdir()
    for n in range(2):
        shutil.copy(dev / "probe" / "biden2.jpg", folder / f"frame_{n:03d}.jpg")
    args = ["--central", central.address, "edge", "--source", str(folder), "--once"]
    code = main([*args, "--mode", "person", "--spool-dir", str(tmp_path / "spool")])
    assert code == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert [(x["kind"], x["verdict"]) for x in lines] == [("person", "STOP")]


ASTRONAUT = Path(__file__).resolve().parents[1] / "edge" / "detect" / "data" / "astronaut.jpg"


def far_away(scale: float) -> tuple[np.ndarray, Box]:
    """A 1080p frame with the (public-domain) astronaut portrait small in it, and her box."""
    portrait = read_image(ASTRONAUT)
    small = cv2.resize(portrait, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((1080, 1920, 3), (120, 130, 125), np.uint8)
    height, width = small.shape[:2]
    frame[600 : 600 + height, 900 : 900 + width] = small
    return frame, Box(900, 600, 900 + width, 600 + height)


def test_a_face_too_small_for_the_frame_wide_pass_is_found_in_a_person_box(
    analyzer: FaceAnalyzer,
) -> None:
    frame, person = far_away(0.8)  # a face about 70 px wide: the quality gate takes it

    assert analyzer.detect(frame) == []  # 35 px on the 960 px copy: too small for HOG
    faces = analyzer.detect(frame, people=[person])

    assert faces
    assert all(person.holds_centre_of(face) for face in faces)
    assert max(face.width for face in faces) >= 60


def test_a_wanted_person_far_from_the_camera_is_stopped_with_a_person_detector(
    central: Central, client: CentralClient, analyzer: FaceAnalyzer, tmp_path: Path
) -> None:
    head = tmp_path / "astronaut.jpg"
    head.write_bytes(load_jpeg_head(ASTRONAUT))
    assert enrol_photo(client, "astronaut", head).faces == 1
    frame, _ = far_away(0.8)
    lines = {}
    for with_detector in (False, True):
        out = io.StringIO()
        detector = load_detector("coco-yolov5s", tmp_path) if with_detector else None
        lane = PersonLane(config(central, tmp_path), client, out, analyzer, detector=detector)
        for n in range(3):
            lane.process(Frame(frame, n, n * 0.1))
        lane.finish()
        lines[with_detector] = [json.loads(text) for text in out.getvalue().splitlines()]

    assert lines[False] == []  # the face is missed without person boxes
    (line,) = lines[True]
    assert line["verdict"] == "STOP"
    assert line["matches"][0]["id"] == "astronaut"


def load_jpeg_head(path: Path) -> bytes:
    """The portrait's top: one face, as an enrolment photo must hold."""
    image = read_image(path)
    ok, data = cv2.imencode(".jpg", image[:300])
    assert ok
    return data.tobytes()


@pytest.mark.parametrize("mode", ["person", "both"])
def test_cli_edge_finds_far_faces_with_a_detector(
    central: Central,
    client: CentralClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mode: str,
) -> None:
    """`--detector coco-yolov5s` boxes people for the pedestrian lane, in person mode by
    itself and in both mode through the vehicle lane's detector (one run per frame)."""
    head = tmp_path / "astronaut.jpg"
    head.write_bytes(load_jpeg_head(ASTRONAUT))
    enrol_photo(client, "astronaut", head)
    folder = tmp_path / "frames"
    folder.mkdir()
    frame, _ = far_away(0.8)
    for n in range(2):
        cv2.imwrite(str(folder / f"frame_{n:03d}.png"), frame)
    args = ["--central", central.address, "edge", "--source", str(folder), "--once"]
    args += ["--mode", mode, "--detector", "coco-yolov5s", "--spool-dir", str(tmp_path / "spool")]

    assert main(args) == 0

    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert [(x["kind"], x["verdict"]) for x in lines] == [("person", "STOP")]
