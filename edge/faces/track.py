"""Person tracks: the faces of one person across frames, and the best shot of each.

Faces are associated with live tracks by box overlap (or a short jump, people walk),
greedily, best pair first. A track keeps only its best face that passed the quality gate;
when the person has not been seen for `max_gap_s` (left the camera) or the source ends,
the track yields that one shot. A track whose faces all failed the gate yields nothing:
a poor crop is never matched.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edge.faces.types import Face
from edge.types import Box, Frame

logger = logging.getLogger(__name__)


@dataclass
class _Track:
    track_id: int
    box: Box
    first_seen: float
    last_seen: float
    faces: int = 1
    best: Face | None = None
    best_frame: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class BestShot:
    """The best face of one person track: what gets embedded and matched."""

    track_id: int
    face: Face
    frame: np.ndarray
    """The whole frame the face was best in (thumbnail for the alert)."""
    faces: int
    first_seen: float
    last_seen: float


def _near(a: Box, b: Box) -> float:
    """Association score: overlap, or closeness relative to the face size (0 = unrelated)."""
    iou = a.iou(b)
    if iou > 0:
        return 1.0 + float(iou)
    ax, ay = a.center
    bx, by = b.center
    jump = math.hypot(ax - bx, ay - by) / max(a.width, b.width)
    return max(0.0, 1.0 - jump)  # within one face width: still the same person


class FaceTracker:
    """Keeps one best shot per person; `update` per frame, `flush` at the end."""

    def __init__(self, max_gap_s: float = 1.0) -> None:
        self.max_gap_s = max_gap_s
        self._tracks: list[_Track] = []
        self._ids = itertools.count(1)

    @property
    def active(self) -> int:
        return len(self._tracks)

    def update(self, frame: Frame, faces: Sequence[Face]) -> list[BestShot]:
        """Add one frame's faces; returns the best shots of the tracks that just ended."""
        pairs = sorted(
            (
                (_near(track.box, face.box), t, f)
                for t, track in enumerate(self._tracks)
                for f, face in enumerate(faces)
            ),
            reverse=True,
        )
        used_tracks: set[int] = set()
        used_faces: set[int] = set()
        for score, t, f in pairs:
            if score <= 0 or t in used_tracks or f in used_faces:
                continue
            used_tracks.add(t)
            used_faces.add(f)
            self._absorb(self._tracks[t], faces[f], frame)
        for f, face in enumerate(faces):
            if f not in used_faces:
                track = _Track(next(self._ids), face.box, frame.timestamp, frame.timestamp, 0)
                self._absorb(track, face, frame)
                self._tracks.append(track)
        ended = [t for t in self._tracks if frame.timestamp - t.last_seen > self.max_gap_s]
        self._tracks = [t for t in self._tracks if t not in ended]
        return [shot for t in ended if (shot := _shot(t)) is not None]

    def flush(self) -> list[BestShot]:
        """End every track (the source ended): their best shots."""
        ended, self._tracks = self._tracks, []
        return [shot for t in ended if (shot := _shot(t)) is not None]

    @staticmethod
    def _absorb(track: _Track, face: Face, frame: Frame) -> None:
        track.box = face.box
        track.last_seen = frame.timestamp
        track.faces += 1
        if face.quality.passed and (
            track.best is None or face.quality.score > track.best.quality.score
        ):
            track.best = face
            track.best_frame = frame.image


def _shot(track: _Track) -> BestShot | None:
    if track.best is None or track.best_frame is None:
        logger.debug("person track %d ended without a usable face", track.track_id)
        return None
    return BestShot(
        track.track_id,
        track.best,
        track.best_frame,
        track.faces,
        track.first_seen,
        track.last_seen,
    )
