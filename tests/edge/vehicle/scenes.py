"""Generated vehicle fronts of known body colour and class, under chosen light, and a lane
to drive them through."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from central.server import Central
from checkpoint.client import CentralClient
from edge.app import Edge, Reader
from edge.config import EdgeConfig
from edge.synth import render_plate
from edge.synth.clip import HEIGHT, WIDTH, Vehicle, draw_vehicle, road
from edge.types import Box, Frame

# body paint in BGR, as a camera sees ordinary car paint in daylight
PAINTS: dict[str, tuple[int, int, int]] = {
    "white": (235, 235, 232),
    "silver": (180, 178, 175),
    "black": (28, 28, 30),
    "red": (35, 35, 190),
    "blue": (150, 80, 25),
    "green": (50, 140, 40),
    "yellow": (30, 200, 230),
    "orange": (20, 120, 235),
}
WIDTH_FACTORS = {"car": 4.2, "lorry": 5.6}


def vehicle_frame(plate: str, paint: str, **options: Any) -> np.ndarray:
    """A 1280x720 lane frame with one vehicle front (see `vehicle_scene`)."""
    return vehicle_scene(plate, paint, **options)[0]


def vehicle_scene(
    plate: str,
    paint: str,
    *,
    plate_color: str = "blue",
    layers: int = 1,
    kind: str = "car",
    gain: float = 1.0,
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0),
    covered: bool = False,
    scale: float = 1.1,
    seed: int = 3,
) -> tuple[np.ndarray, Box]:
    """A 1280x720 lane frame with one vehicle front, and its plate's box.

    `gain` and `tint` (BGR) set the light.

    `covered` paints over the plate with the body colour (a covered or removed plate).
    """
    rng = np.random.default_rng(seed)
    frame = road(rng)
    # asphalt grain, kerbs and road marks: a real lane is textured everywhere, and the light
    # (`tint`) is judged on those grey edges, not on the horizon's one long edge
    grain = cv2.GaussianBlur(rng.normal(0, 14, frame.shape[:2]).astype(np.float32), (0, 0), 1.5)
    ground = np.arange(frame.shape[0]) >= frame.shape[0] // 6
    frame[ground] = np.clip(frame[ground] + grain[ground, :, None], 0, 255).astype(np.uint8)
    vehicle = Vehicle(plate, plate_color, layers, PAINTS[paint], WIDTH_FACTORS[kind])
    image = render_plate(plate, plate_color, layers=layers)
    if covered:
        image[:] = PAINTS[paint]
    box = draw_vehicle(frame, vehicle, image, cx=WIDTH // 2, bottom=HEIGHT - 60, scale=scale)
    assert box is not None
    lit = frame.astype(np.float32) * gain * np.asarray(tint, np.float32)
    noisy = lit + rng.normal(0, 3, frame.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8), box


def passage_through(
    central: Central, client: CentralClient, reader: Reader, tmp: Path, image: np.ndarray
) -> dict[str, Any]:
    """Five frames of one vehicle through a lane; its one verdict line."""
    out = io.StringIO()
    config = EdgeConfig(central=central.address, lane_id="lane-1", spool_dir=tmp)
    with Edge(config, reader, out, client) as edge:
        for index in range(5):
            edge.process(Frame(image=image, index=index, timestamp=index * 0.1))
        edge.finish()
    (line,) = out.getvalue().splitlines()
    verdict: dict[str, Any] = json.loads(line)
    return verdict
