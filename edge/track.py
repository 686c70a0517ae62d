"""Plate tracks: the reads of one vehicle across frames, and when to decide it.

Reads are associated with live tracks by position (overlap or a short jump in the
direction of travel) and by text (same length, most characters equal), greedily, best
pair first. A track is decided once, either when `agree` reads give the same voted text
(fast: the vehicle is still in view) or when it has not been seen for `max_gap_s` (it
left). After its decision a track keeps absorbing reads until it leaves, so one vehicle
is never decided twice.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from checkpoint.plates import text_affinity
from checkpoint.vehicles import VehicleSeen
from edge.types import Box, Frame, PlateRead
from edge.vehicle.look import summarise
from edge.vote import Vote, vote

logger = logging.getLogger(__name__)


class Trigger(StrEnum):
    AGREED = "agreed"
    LEFT = "left"


@dataclass
class Track:
    """Mutable state of one plate track, owned by the tracker."""

    track_id: int
    reads: list[PlateRead] = field(default_factory=list)
    first_seen: float = 0.0
    last_seen: float = 0.0
    last_box: Box | None = None
    decided: bool = False
    best_read: PlateRead | None = None
    best_image: np.ndarray | None = None
    """The frame of the most confident read: the evidence picture."""


@dataclass(frozen=True, slots=True)
class Decided:
    """A track ready for a verdict, with its vote and what triggered it."""

    track_id: int
    vote: Vote
    trigger: Trigger
    reads: int
    first_seen: float
    last_seen: float
    best_read: PlateRead | None
    best_image: np.ndarray | None
    vehicle: VehicleSeen = field(default_factory=VehicleSeen)
    """The vehicle's colour and class voted over the track's frames."""


def anchor(read: PlateRead) -> Box:
    """What a track follows: the vehicle's box when the vehicle stage gave one, else the
    plate's (a vehicle with no legible plate has only its vehicle box)."""
    if read.vehicle is not None and read.vehicle.box is not None:
        return read.vehicle.box
    return read.box


def position_affinity(previous: Box, box: Box) -> float:
    """Overlap, or closeness relative to the plate's size (vehicles move between frames)."""
    overlap = previous.iou(box)
    if overlap > 0:
        return 0.5 + overlap / 2
    (px, py), (bx, by) = previous.center, box.center
    distance = float(np.hypot(px - bx, py - by))
    scale = max(previous.width, box.width)
    return max(0.0, 0.5 - distance / (6 * scale))


class PlateTracker:
    """Associates reads frame by frame and reports tracks ready for a verdict."""

    def __init__(self, *, agree: int = 3, max_gap_s: float = 1.0, min_unreadable: int = 1) -> None:
        if agree < 1:
            raise ValueError(f"agree must be at least 1, got {agree}")
        self.agree = agree
        self.max_gap_s = max_gap_s
        self.min_unreadable = min_unreadable
        """Frames a track with no legible read needs before it becomes a passage: one
        stray detection must not send an officer to check an empty lane."""
        self._tracks: list[Track] = []
        self._ids = itertools.count(1)
        self._latest: float | None = None  # timestamp of the last frame given to `update`

    @property
    def active(self) -> int:
        return len(self._tracks)

    def plates_in_view(self) -> list[Box]:
        """Plate boxes read in the last frame, one per track: where to look in the next.

        Only tracks read in that very frame: a plate missed once is looked for the costly
        way again, so a vehicle that left costs one wasted look, not one per frame.
        """
        return [
            read.box
            for track in self._tracks
            if track.last_seen == self._latest and (read := track.reads[-1]).text
        ]

    def update(self, frame: Frame, reads: Sequence[PlateRead]) -> list[Decided]:
        """Add one frame's reads; returns the tracks decided by this frame."""
        now = frame.timestamp
        self._latest = now
        decided = self._expire(now)
        pairs = sorted(
            (
                (self._affinity(track, read), t, r)
                for t, track in enumerate(self._tracks)
                for r, read in enumerate(reads)
            ),
            reverse=True,
        )
        used_tracks: set[int] = set()
        used_reads: set[int] = set()
        for score, t, r in pairs:
            if score <= 0.3 or t in used_tracks or r in used_reads:
                continue
            used_tracks.add(t)
            used_reads.add(r)
            self._add(self._tracks[t], reads[r], frame)
        for r, read in enumerate(reads):
            if r not in used_reads:
                track = Track(next(self._ids), first_seen=now)
                self._tracks.append(track)
                self._add(track, read, frame)
        for track in self._tracks:
            if not track.decided:
                result = vote(track.reads)
                if result.text and result.agreeing >= self.agree:
                    decided.append(self._decide(track, result, Trigger.AGREED))
        return decided

    def flush(self) -> list[Decided]:
        """Decide every open track (the source ended)."""
        decided = self._leave(self._tracks)
        self._tracks = []
        return decided

    def _affinity(self, track: Track, read: PlateRead) -> float:
        assert track.last_box is not None
        place = position_affinity(track.last_box, anchor(read))
        if place == 0:
            return 0.0
        current = track.best_read.text if track.best_read is not None else ""
        return place * text_affinity(current, read.text)

    @staticmethod
    def _add(track: Track, read: PlateRead, frame: Frame) -> None:
        track.reads.append(read)
        track.last_seen = frame.timestamp
        track.last_box = anchor(read)
        if track.best_read is None or read.confidence > track.best_read.confidence:
            track.best_read = read
            track.best_image = frame.image

    def _expire(self, now: float) -> list[Decided]:
        gone = [t for t in self._tracks if now - t.last_seen > self.max_gap_s]
        self._tracks = [t for t in self._tracks if now - t.last_seen <= self.max_gap_s]
        return self._leave(gone)

    def _leave(self, gone: list[Track]) -> list[Decided]:
        """Decide tracks that left; a vehicle never read must have been seen long enough."""
        decided: list[Decided] = []
        for track in gone:
            if track.decided:
                continue
            result = vote(track.reads)
            if not result.text and len(track.reads) < self.min_unreadable:
                logger.debug(
                    "track %d dropped: %d unreadable frame(s)", track.track_id, len(track.reads)
                )
                continue
            decided.append(self._decide(track, result, Trigger.LEFT))
        return decided

    @staticmethod
    def _decide(track: Track, result: Vote, trigger: Trigger) -> Decided:
        track.decided = True
        logger.debug(
            "track %d decided trigger=%s reads=%d", track.track_id, trigger, len(track.reads)
        )
        return Decided(
            track.track_id,
            result,
            trigger,
            len(track.reads),
            track.first_seen,
            track.last_seen,
            track.best_read,
            track.best_image,
            summarise([r.vehicle for r in track.reads if r.vehicle is not None]),
        )
