"""One vehicle's passage: the voted plate reading plus evidence, ready for screening."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import cv2
import numpy as np

from checkpoint import wire
from checkpoint.screening import PlateCandidate, PlateReading
from checkpoint.vehicles import VehicleSeen
from edge.track import Decided
from edge.types import Box
from proto import checkpoint_pb2 as pb

EVIDENCE_MAX_SIDE = 640
THUMBNAIL_WIDTH = 320
JPEG_QUALITY = 80


@dataclass(frozen=True, slots=True)
class Passage:
    passage_id: str
    checkpoint_id: str
    lane_id: str
    seen_at: datetime
    reading: PlateReading
    color: str
    layers: int
    box: Box | None
    frames: int
    evidence_jpeg: bytes = b""
    thumbnail_jpeg: bytes = b""
    vehicle: VehicleSeen = field(default_factory=VehicleSeen)
    vehicle_box: Box | None = None
    signature: tuple[float, ...] = ()


def _jpeg(image: np.ndarray, max_side: int) -> bytes:
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale < 1.0:
        image = cv2.resize(
            image, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA
        )
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return data.tobytes() if ok else b""


def vehicle_crop(image: np.ndarray, box: Box) -> np.ndarray:
    """The region around a plate where the vehicle's front is: wider and mostly above."""
    height, width = image.shape[:2]
    x1 = max(0, box.x1 - 2 * box.width)
    x2 = min(width, box.x2 + 2 * box.width)
    y1 = max(0, box.y1 - 5 * box.height)
    y2 = min(height, box.y2 + 2 * box.height)
    return image[y1:y2, x1:x2]


def from_decided(
    decided: Decided, *, checkpoint_id: str, lane_id: str, seen_at: datetime | None = None
) -> Passage:
    best = decided.best_read
    look = best.vehicle if best else None
    result = decided.vote
    candidates = tuple(PlateCandidate(text, conf) for text, conf in result.candidates)
    evidence = thumbnail = b""
    if decided.best_image is not None:
        thumbnail = _jpeg(decided.best_image, THUMBNAIL_WIDTH)
        crop = vehicle_crop(decided.best_image, best.box) if best else decided.best_image
        evidence = _jpeg(crop, EVIDENCE_MAX_SIDE) if crop.size else b""
    return Passage(
        passage_id=uuid.uuid4().hex,
        checkpoint_id=checkpoint_id,
        lane_id=lane_id,
        seen_at=seen_at or datetime.now(tz=UTC),
        reading=PlateReading(result.text, result.confidence, candidates, result.char_confidences),
        color=best.color if best else "unknown",
        layers=best.layers if best else 1,
        box=best.box if best else None,
        frames=decided.reads,
        evidence_jpeg=evidence,
        thumbnail_jpeg=thumbnail,
        vehicle=decided.vehicle,
        vehicle_box=look.box if look else None,
        signature=look.signature if look else (),
    )


def _box_to_pb(box: Box) -> pb.Box:
    return pb.Box(x1=box.x1, y1=box.y1, x2=box.x2, y2=box.y2)


def to_pb(passage: Passage) -> pb.Passage:
    reading = wire.reading_to_pb(passage.reading)
    reading.color = passage.color
    reading.layers = passage.layers
    if passage.box is not None:
        reading.box.CopyFrom(_box_to_pb(passage.box))
    vehicle = wire.vehicle_to_pb(passage.vehicle)
    vehicle.signature.extend(passage.signature)
    if passage.vehicle_box is not None:
        vehicle.box.CopyFrom(_box_to_pb(passage.vehicle_box))
    return pb.Passage(
        vehicle=vehicle,
        passage_id=passage.passage_id,
        checkpoint_id=passage.checkpoint_id,
        lane_id=passage.lane_id,
        seen_at=wire.ts(passage.seen_at),
        plate=reading,
        frames=passage.frames,
        evidence_jpeg=passage.evidence_jpeg,
        thumbnail_jpeg=passage.thumbnail_jpeg,
    )
