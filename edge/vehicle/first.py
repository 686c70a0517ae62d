"""Vehicle-first reading: detect vehicles (and plates), then read plates inside them.

With a detector the lane knows a vehicle is there before any plate is legible, so a
vehicle whose plate is covered, missing or unreadable still becomes a passage ("plate
unreadable"), and the plate reader only looks where a vehicle or plate is. Frames with
nothing in them cost one detector pass. A detector that also boxes plates (our own
plate/vehicle-face model) saves the plate finder; a COCO model leaves the finder to work
inside each vehicle box.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

import numpy as np

from edge.detect import Detection, Detector
from edge.read.base import PlateReader
from edge.read.config import PPOCRConfig
from edge.types import Box, PlateRead, VehicleLook
from edge.vehicle.kind import class_from_detector
from edge.vehicle.look import look

logger = logging.getLogger(__name__)

_SAME_PLATE_IOU = 0.3


class VehicleFirstReader:
    """A `Reader` for the edge: detector -> plate reads per vehicle -> vehicle looks."""

    def __init__(self, detector: Detector, plates: PlateReader) -> None:
        self.detector = detector
        self.plates = plates

    def read(self, image: np.ndarray, roi: Box | None = None) -> list[PlateRead]:
        return self.read_timed(image)[0]

    def read_timed(self, image: np.ndarray) -> tuple[list[PlateRead], dict[str, float]]:
        """`read`, plus milliseconds spent detecting, reading plates and looking at vehicles."""
        start = time.perf_counter()
        detections = self.detector.detect(image)
        detected = time.perf_counter()
        vehicles = [d for d in detections if d.is_vehicle]
        boxed = [d.box for d in detections if d.is_plate]
        reads = self.plates.read_boxes(image, boxed) if boxed else []
        for vehicle in vehicles:
            if not any(_inside(r.box, vehicle.box) for r in reads):
                found = self.plates.read(image, roi=vehicle.box)
                reads += [
                    r for r in found if all(r.box.iou(o.box) < _SAME_PLATE_IOU for o in reads)
                ]
        read_done = time.perf_counter()
        out: list[PlateRead] = []
        owners: set[int] = set()
        for read in reads:
            index = _owner(read.box, vehicles)
            owner = vehicles[index] if index is not None else None
            if index is not None:
                owners.add(index)
            out.append(dataclasses.replace(read, vehicle=_look(image, read, owner)))
        for index, vehicle in enumerate(vehicles):
            if index not in owners:  # a vehicle with no legible plate in this frame
                out.append(
                    PlateRead(
                        text="",
                        confidence=0.0,
                        box=vehicle.box,
                        vehicle=_look(image, None, vehicle),
                    )
                )
        end = time.perf_counter()
        times = {
            "detect": (detected - start) * 1000,
            "read": (read_done - detected) * 1000,
            "vehicle": (end - read_done) * 1000,
        }
        return out, times


def _look(image: np.ndarray, read: PlateRead | None, vehicle: Detection | None) -> VehicleLook:
    if vehicle is None:
        return look(image, read)
    return look(image, read, vehicle.box, class_from_detector(vehicle.label, vehicle.confidence))


def _inside(inner: Box, outer: Box) -> bool:
    cx, cy = inner.center
    return outer.x1 <= cx <= outer.x2 and outer.y1 <= cy <= outer.y2


def _owner(plate: Box, vehicles: list[Detection]) -> int | None:
    """The smallest vehicle box holding the plate's centre (a car in front of a lorry)."""
    holding = [i for i, v in enumerate(vehicles) if _inside(plate, v.box)]
    if not holding:
        return None
    return min(holding, key=lambda i: vehicles[i].box.width * vehicles[i].box.height)


def load_lane_reader(
    detector: str | None, data_dir: Path, *, threads: int = 2
) -> PlateReader | VehicleFirstReader:
    """The lane's reader: vehicle-first with a detector, else plate-first (said once)."""
    from edge.detect import load_detector
    from edge.read import load_reader

    plates = load_reader(PPOCRConfig(threads=threads))
    if detector is None:
        logger.warning(
            "no vehicle detector configured: running plate-first; vehicles without a legible "
            "plate are not seen (install a YOLO model and pass --detector)"
        )
        return plates
    found = load_detector(detector, data_dir, threads=threads)
    if not found.finds_vehicles:
        logger.warning("detector %s finds no vehicles (%s)", found.name, ",".join(found.labels))
    logger.info("vehicle-first lane: detector %s", found.name)
    return VehicleFirstReader(found, plates)
