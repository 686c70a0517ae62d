"""The edge pipeline on real frames: real reader, real central, metrics that say what ran."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from prometheus_client import generate_latest
from pydantic import ValidationError

from central.server import Central
from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.watchlist import Category, EntryKind, make_entry
from edge.app import Edge
from edge.config import EdgeConfig
from edge.detect.loader import LANE_DETECTOR
from edge.read import PlateReader
from edge.source import open_source
from edge.synth.clip import CLIP, FRAMES_PER_VEHICLE, GAP_FRAMES, VEHICLES
from edge.types import Box, Frame
from edge.vehicle.first import VehicleFirstReader, load_lane_reader
from tests.edge.read.conftest import needs_font, plates_frame


@pytest.fixture(params=["plate-first", "behind the plate SSD"])
def lane_reader(
    request: pytest.FixtureRequest, reader: PlateReader, tmp_path_factory: pytest.TempPathFactory
) -> PlateReader | VehicleFirstReader:
    """Both lanes a user can run: the default reader alone, and `--detector
    hyperlpr-plate-ssd` (its boxes read first, one thorough frame in 9)."""
    if request.param == "plate-first":
        return reader
    return load_lane_reader("hyperlpr-plate-ssd", tmp_path_factory.mktemp("data"))


def test_first_vehicles_of_the_clip_get_one_verdict_each(
    central: Central,
    client: CentralClient,
    lane_reader: PlateReader | VehicleFirstReader,
    tmp_path: Path,
) -> None:
    reader = lane_reader
    client.upsert(
        wire.entry_to_pb(
            make_entry(EntryKind.PLATE, VEHICLES[1].plate, "stolen", category=Category.STOLEN)
        )
    )
    out = io.StringIO()
    config = EdgeConfig(central=central.address, lane_id="lane-7", spool_dir=tmp_path)
    frames_wanted = 2 * (FRAMES_PER_VEHICLE + GAP_FRAMES)
    with open_source(str(CLIP)) as source, Edge(config, reader, out, client) as edge:
        for frame in source.frames():
            if frame.index >= frames_wanted:
                break
            edge.process(frame)
        # a frame of pure noise: nothing read, nothing decided, the lane goes on
        noise = np.random.default_rng(1).integers(0, 255, (720, 1280, 3), dtype=np.uint8)
        edge.process(Frame(image=noise, index=frames_wanted, timestamp=99.0))
        edge.finish()
        metrics = generate_latest(edge.metrics.registry).decode()
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(v["plate"], v["verdict"], v["decided_by"]) for v in lines] == [
        (VEHICLES[0].plate, "PASS", "central"),
        (VEHICLES[1].plate, "STOP", "central"),
    ]
    assert all(v["lane"] == "lane-7" and v["frames"] >= 3 for v in lines)
    assert f'checkpoint_edge_frames_total{{lane="lane-7"}} {frames_wanted + 1}.0' in metrics
    assert 'checkpoint_edge_stage_seconds_count{lane="lane-7",stage="read"}' in metrics
    assert (
        'checkpoint_edge_passages_total{decided_by="central",lane="lane-7",verdict="STOP"} 1.0'
    ) in metrics


@needs_font
def test_a_lane_region_screens_only_its_own_lane(
    central: Central, client: CentralClient, reader: PlateReader, tmp_path: Path
) -> None:
    """One camera sees two lanes; with `roi` on the left half, the right lane's vehicle is
    not this lane's passage."""
    frame = plates_frame(
        4,
        (720, 1280),
        [("京A12345", "blue", 200, (320, 450)), ("苏B2V9L7", "blue", 200, (960, 450))],
    )
    lanes = {}
    for roi in (None, (0.0, 0.0, 0.5, 1.0)):
        out = io.StringIO()
        config = EdgeConfig(central=central.address, spool_dir=tmp_path, roi=roi)
        with Edge(config, reader, out, client) as edge:
            for i in range(4):
                edge.process(Frame(image=frame, index=i, timestamp=i / 10))
            edge.finish()
        lanes[roi] = sorted(json.loads(line)["plate"] for line in out.getvalue().splitlines())

    assert lanes[None] == ["京A12345", "苏B2V9L7"]
    assert lanes[(0.0, 0.0, 0.5, 1.0)] == ["京A12345"]


def test_a_lane_region_must_lie_in_the_frame() -> None:
    config = EdgeConfig(roi=(0.25, 0.3, 0.75, 1.0))
    assert config.roi_box(1280, 720) == Box(320, 216, 960, 720)
    assert EdgeConfig().roi_box(1280, 720) is None
    for bad in ((0.5, 0.0, 0.4, 1.0), (0.0, 0.0, 1.2, 1.0), (-0.1, 0.0, 0.5, 0.5)):
        with pytest.raises(ValidationError, match="want 0 <= x1 < x2 <= 1"):
            EdgeConfig(roi=bad)


def test_a_lane_reads_behind_the_plate_detector_unless_told_none(tmp_path: Path) -> None:
    """The lane's default reader is the fast one the speed target is measured on; 'none'
    (the word a TOML file or the command line can carry) still gives plate-first."""
    lane = load_lane_reader(EdgeConfig().detector, tmp_path)
    assert isinstance(lane, VehicleFirstReader)
    assert lane.detector.name == LANE_DETECTOR and lane.detector.finds_plates
    for spelled in ("none", "None", ""):
        assert EdgeConfig(detector=spelled).detector is None
        assert isinstance(
            load_lane_reader(EdgeConfig(detector=spelled).detector, tmp_path), PlateReader
        )
