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
import itertools
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from edge.detect import Detection, Detector
from edge.read.base import PlateReader
from edge.read.colour import Scene, judge_scene
from edge.read.config import PPOCRConfig
from edge.types import Box, PlateRead, VehicleLook
from edge.vehicle.kind import class_from_detector
from edge.vehicle.look import look

logger = logging.getLogger(__name__)

_SAME_PLATE_IOU = 0.3
_SAME_VEHICLE_IOU = 0.85  # two boxes this alike are one vehicle named twice
# a car is about four plate widths wide, and plates narrower than about 60 px are rarely read
_MIN_UNREADABLE_WIDTH = 4 * 60


class VehicleFirstReader:
    """A `Reader` for the edge: detector + plate reader -> plate reads with vehicle looks.

    With a detector that boxes plates, its boxes stand in for the slow whole-frame text
    detector and are read first: a box costs one recognition, and recognition plus the
    plate grammar reject what is not a plate, so plate boxes are taken at a low score. The
    cheap colour finder runs on the whole frame only when no box read (a plate the detector
    missed, mostly a small one). Text detection still runs when the detector saw something
    that neither its boxes nor the finder could read (in a lane on one tile of the frame
    per such frame, in turn). One frame in `thorough_every` gets both searches whatever
    the boxes read, for a plate the detector does not box beside one it does; on the other
    frames an empty lane costs one detector pass.
    With a vehicle-only detector (COCO), the plate reader looks inside each vehicle box.
    """

    def __init__(
        self,
        detector: Detector,
        plates: PlateReader,
        *,
        min_vehicle_confidence: float = 0.35,
        whole_frame: bool = False,
    ) -> None:
        self.detector = detector
        self.plates = plates
        self.people: list[Box] = []
        """The person boxes of the last frame read, for a pedestrian lane on the same camera."""
        self.whole_frame = whole_frame
        """Read plates on the whole frame, not inside vehicle boxes (stills: every plate
        counts, and a photo gets no second frame to find one the detector missed)."""
        self.min_vehicle_confidence = min_vehicle_confidence
        """A vehicle with no legible plate is reported only above this score."""
        self.min_unreadable_width = _MIN_UNREADABLE_WIDTH
        """...and only when at least this many pixels wide: on a narrower vehicle (far
        away, parked across the street) a plate would be too small to read anyway, and
        "plate unreadable" must mean a plate that should have been read."""
        self.max_plate_boxes = 4
        """Plate boxes read per frame, best first: low-score boxes cost a read each."""
        self.thorough_every = 9
        """Behind a plate detector, one frame in this many (the first included) also gets
        the plate reader's whole search (colour finder and whole-frame text detection), for
        a plate the detector does not box: a small one, or one beside a plate it boxed. A
        vehicle stays in view for dozens of frames, so it is searched several times while
        the other frames cost the detector and a read per box. 0: never (stills search
        every frame)."""
        self.restart()

    def restart(self) -> None:
        """Start the thorough-frame schedule over, as for a new camera."""
        self._frames = itertools.count()

    def read(
        self,
        image: np.ndarray,
        roi: Box | None = None,
        near: Sequence[Box] = (),
        scene: Scene | None = None,
    ) -> list[PlateRead]:
        return self.read_timed(image, near, roi, scene)[0]

    def read_timed(
        self,
        image: np.ndarray,
        near: Sequence[Box] = (),
        roi: Box | None = None,
        scene: Scene | None = None,
    ) -> tuple[list[PlateRead], dict[str, float]]:
        """`read`, plus milliseconds spent detecting, reading plates and looking at vehicles.

        With `roi` (the lane), the detector still sees the whole frame (a vehicle entering
        the lane is whole in it), but only vehicles whose centre is in the lane count and
        plates are read only there.
        """
        start = time.perf_counter()
        self.people = []  # a frame that fails here leaves no stale boxes for the next lane
        detections = self.detector.detect(image)
        detected = time.perf_counter()
        if roi is not None:
            detections = [d for d in detections if roi.holds_centre_of(d.box)]
        vehicles = one_box_per_vehicle([d for d in detections if d.is_vehicle])
        self.people = [d.box for d in detections if d.is_person]
        # one judgement of the frame's light for every plate read and vehicle looked at
        scene = scene if scene is not None else judge_scene(image)
        if self.detector.finds_plates:
            every = self.thorough_every
            thorough = self.whole_frame or (every > 0 and next(self._frames) % every == 0)
            boxed = [d.box for d in detections if d.is_plate][: self.max_plate_boxes]
            reads = self.plates.read(
                image, roi=roi, near=near, scene=scene, boxed=boxed, thorough=thorough
            )
            if not reads and detections and not thorough:
                # something is there and nothing cheap read it: text detection on the frame,
                # in a lane one tile of it per such frame (a vehicle stays in view for many;
                # dev photos behind the SSD, 18 takings, each photo one frame: the whole frame
                # read 397 of 522, a tile 396, and p95 150 -> 107 ms)
                reads = self.plates.read_text_lines(image, scene, sweep=not self.whole_frame)
                if roi is not None:
                    reads = [r for r in reads if roi.holds_centre_of(r.box)]
        elif self.whole_frame:
            reads = self.plates.read(image, roi=roi, near=near, scene=scene)
        else:
            reads = []
            for vehicle in vehicles:
                found = self.plates.read(image, roi=vehicle.box, scene=scene)
                reads += [
                    r for r in found if all(r.box.iou(o.box) < _SAME_PLATE_IOU for o in reads)
                ]
            if not reads:
                # a COCO model misses a vehicle that fills the frame or is cut off by its
                # edge (a close-up at the barrier): a plate must not go unread for that
                reads = self.plates.read(image, roi=roi, near=near, scene=scene)
        read_done = time.perf_counter()
        owned = [owner_of(read.box, vehicles) for read in reads]
        unread = [
            vehicle
            for index, vehicle in enumerate(vehicles)
            if index not in owned
            and vehicle.confidence >= self.min_vehicle_confidence
            and vehicle.box.width >= self.min_unreadable_width
        ]
        boxes = [read.box for read in reads]
        out = [
            dataclasses.replace(
                read,
                vehicle=_look(
                    image,
                    read,
                    vehicles[index] if index is not None else None,
                    scene,
                    boxes[:i] + boxes[i + 1 :],
                ),
            )
            for i, (read, index) in enumerate(zip(reads, owned, strict=True))
        ]
        # vehicles with no legible plate in this frame
        out += [
            PlateRead(
                text="", confidence=0.0, box=v.box, vehicle=_look(image, None, v, scene, boxes)
            )
            for v in unread
        ]
        end = time.perf_counter()
        times = {
            "detect": (detected - start) * 1000,
            "read": (read_done - detected) * 1000,
            "vehicle": (end - read_done) * 1000,
        }
        return out, times


def _look(
    image: np.ndarray,
    read: PlateRead | None,
    vehicle: Detection | None,
    scene: Scene | None,
    others: list[Box],
) -> VehicleLook:
    """`others`: the frame's plates other than `read`'s, kept out of the paint."""
    if vehicle is None:
        return look(image, read, scene=scene, others=others)
    plate = read.box if read is not None else None
    detected = class_from_detector(vehicle.label, vehicle.confidence, vehicle.box, plate)
    return look(image, read, vehicle.box, detected, scene, others=others)


def one_box_per_vehicle(vehicles: list[Detection]) -> list[Detection]:
    """The surest of near-identical boxes: a detector's per-class suppression keeps a van
    boxed as both `bus` and `truck`, and the second box would be a vehicle of its own with
    no plate (CHECK "plate unreadable" for nothing)."""
    kept: list[Detection] = []
    for vehicle in sorted(vehicles, key=lambda d: -d.confidence):
        if all(vehicle.box.iou(k.box) < _SAME_VEHICLE_IOU for k in kept):
            kept.append(vehicle)
    return kept


def owner_of(plate: Box, vehicles: list[Detection]) -> int | None:
    """The smallest vehicle box holding the plate's centre (a car in front of a lorry)."""
    holding = [i for i, v in enumerate(vehicles) if v.box.holds_centre_of(plate)]
    if not holding:
        return None
    return min(holding, key=lambda i: vehicles[i].box.width * vehicles[i].box.height)


def load_lane_reader(
    detector: str | None, data_dir: Path, *, threads: int = 2, stills: bool = False
) -> PlateReader | VehicleFirstReader:
    """The lane's reader: vehicle-first with a detector, else plate-first (said once).

    `stills` is for photos (`checkpoint read`): each gets one chance and may hold several
    plates, so the plate reader always runs text detection on the whole frame, and a
    vehicle-only detector's boxes only say whose each plate is.
    """
    from edge.detect import load_detector
    from edge.read import load_reader

    if detector is None:
        if not stills:
            logger.warning(
                "no vehicle detector configured: running plate-first; vehicles without a "
                "legible plate are not seen (install a YOLO model and pass --detector)"
            )
        return load_reader(
            PPOCRConfig(threads=threads, full_frame="always" if stills else "when_no_plate")
        )
    # plate boxes are verified by recognition and the grammar: each backend says how low
    found = load_detector(detector, data_dir, threads=threads)
    found.min_confidence = found.lane_min_confidence
    if not found.finds_vehicles:
        logger.warning(
            "detector %s finds no vehicles (%s): a vehicle without a legible plate is not "
            "seen (a vehicle detector such as coco-yolov5s sees it)",
            found.name,
            ",".join(found.labels),
        )
    # a detector that boxes plates replaces whole-frame text detection
    mode: Literal["always", "when_no_plate", "never"] = (
        "always" if stills else "never" if found.finds_plates else "when_no_plate"
    )
    plates = load_reader(PPOCRConfig(threads=threads, full_frame=mode))
    logger.info("vehicle-first reading: detector %s, plate reader full_frame=%s", found.name, mode)
    return VehicleFirstReader(found, plates, whole_frame=stills)
