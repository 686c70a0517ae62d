"""The vehicle stage: look at the vehicle around each plate read, and sum a track up.

Runs after the plate reader on the same frame. Each read gets a `VehicleLook` (colour,
class, signature, box); a track's looks are then voted into one `VehicleSeen`, with the
share of frames that agreed, because a cloned-plate check must rest on what the camera
saw consistently, not on one frame's glare.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TypeVar

import cv2
import numpy as np

from checkpoint.vehicles import VehicleClass, VehicleColor, VehicleSeen
from edge.read.colour import Scene, judge_scene
from edge.types import Box, PlateRead, VehicleLook
from edge.vehicle.color import body_region, estimate_color, judge_light
from edge.vehicle.kind import ClassEstimate, class_from_plate, combine

logger = logging.getLogger(__name__)

_T = TypeVar("_T", VehicleColor, VehicleClass)
_SIGNATURE_BINS = (8, 2, 4)  # hue, saturation, value
_SIGNATURE_PIXELS = 48 * 48


def look(
    image: np.ndarray,
    plate: PlateRead | None,
    vehicle_box: Box | None = None,
    detected: ClassEstimate | None = None,
    scene: Scene | None = None,
    *,
    others: Sequence[Box] = (),
) -> VehicleLook:
    """Describe the vehicle around `plate` and/or inside `vehicle_box` in one frame
    (`scene`: the frame's light, `judge_scene`, when several vehicles share the frame;
    `others`: the frame's other plates, which are no vehicle's paint)."""
    plate_box = plate.box if plate is not None else None
    region = body_region(image.shape, plate_box, vehicle_box)
    from_plate = (
        class_from_plate(plate.text, plate.color, plate.layers, plate.box)
        if plate is not None
        else ClassEstimate(VehicleClass.UNKNOWN, 0.0)
    )
    kind = combine(from_plate, detected or ClassEstimate(VehicleClass.UNKNOWN, 0.0))
    if region is None:
        return VehicleLook(
            VehicleColor.UNKNOWN, 0.0, True, kind.vehicle_class, kind.confidence, vehicle_box
        )
    light = judge_light(image, plate_box, region, scene)
    estimate = estimate_color(image, region, plate_box, light, others)
    return VehicleLook(
        estimate.color,
        estimate.confidence,
        estimate.doubtful,
        kind.vehicle_class,
        kind.confidence,
        vehicle_box or region,
        signature(image, region),
    )


def add_looks(
    image: np.ndarray, reads: Sequence[PlateRead], scene: Scene | None = None
) -> list[PlateRead]:
    """The reads with their vehicle looked at (reads that already carry one are kept); the
    frame's light (`scene`, when the caller judged it for the reader too) is judged once
    for all of them."""
    if all(read.vehicle is not None for read in reads):
        return list(reads)
    if scene is None:
        scene = judge_scene(image)
    boxes = [read.box for read in reads]
    return [
        read
        if read.vehicle is not None
        else dataclasses.replace(
            read, vehicle=look(image, read, scene=scene, others=boxes[:i] + boxes[i + 1 :])
        )
        for i, read in enumerate(reads)
    ]


def signature(image: np.ndarray, region: Box) -> tuple[float, ...]:
    """An L2-normalised hue/saturation/value histogram of the region.

    A large region is thinned to every step-th pixel before it is averaged down: area
    averaging reads every pixel of the region (~1 ms for a lorry's 900x400 px panels), and
    a histogram of 8x2x4 bins does not need that much detail."""
    crop = image[region.y1 : region.y2, region.x1 : region.x2]
    step = int(np.sqrt(crop.shape[0] * crop.shape[1] / (4 * _SIGNATURE_PIXELS)))
    if step > 1:
        crop = crop[::step, ::step]
    scale = min(1.0, float(np.sqrt(_SIGNATURE_PIXELS / max(1, crop.shape[0] * crop.shape[1]))))
    if scale < 1.0:
        size = (max(1, int(crop.shape[1] * scale)), max(1, int(crop.shape[0] * scale)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, list(_SIGNATURE_BINS), [0, 180, 0, 256, 0, 256])
    flat = hist.ravel().astype(np.float64)
    norm = float(np.linalg.norm(flat))
    return tuple(round(float(v), 4) for v in flat / norm) if norm else ()


def summarise(looks: Sequence[VehicleLook]) -> VehicleSeen:
    """Vote a track's looks into one description, with how many frames agreed."""
    if not looks:
        return VehicleSeen()
    colors: dict[VehicleColor, list[float]] = defaultdict(list)
    for item in looks:
        if item.color is not VehicleColor.UNKNOWN:
            colors[item.color].append(item.color_confidence)
    classes: dict[VehicleClass, list[float]] = defaultdict(list)
    for item in looks:
        if item.vehicle_class is not VehicleClass.UNKNOWN:
            classes[item.vehicle_class].append(item.class_confidence)
    doubtful = Counter(item.color_doubtful for item in looks)
    color, color_conf, color_share = _vote(colors, len(looks), VehicleColor.UNKNOWN)
    kind, kind_conf, kind_share = _vote(classes, len(looks), VehicleClass.UNKNOWN)
    return VehicleSeen(
        color=color,
        color_confidence=color_conf,
        color_agreement=color_share,
        color_doubtful=doubtful[True] * 2 >= len(looks),
        vehicle_class=kind,
        class_confidence=kind_conf,
        class_agreement=kind_share,
        frames=len(looks),
    )


def _vote(votes: dict[_T, list[float]], frames: int, unknown: _T) -> tuple[_T, float, float]:
    """The value with the most confidence summed; its mean confidence and frame share."""
    if not votes:
        return unknown, 0.0, 0.0
    best = max(votes, key=lambda v: sum(votes[v]))
    confidences = votes[best]
    return best, sum(confidences) / len(confidences), len(confidences) / frames
