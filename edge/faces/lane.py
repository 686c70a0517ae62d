"""The pedestrian lane: frames in, one screened passage per person out.

Every frame is graded (detect, landmarks, quality; no embedding). The tracker keeps each
person's best shot; when the person has left, that one shot is embedded and sent to
central's `Screen` as a person passage, with the face crop as the alert's evidence.
Only the embedding and the crop leave the lane, never the stream.

The edge holds no embeddings (they stay at central), so when central is unreachable a
person cannot be matched here: the passage is spooled, the lane answers CHECK (an officer
looks), and central screens the passage, and alerts, when the spool is replayed.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO

import cv2
import numpy as np

from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.errors import CentralUnavailable, CheckpointError
from edge.config import EdgeConfig
from edge.detect import Detector
from edge.faces.analyze import FaceAnalyzer
from edge.faces.track import BestShot, FaceTracker
from edge.metrics import EdgeMetrics
from edge.spool import Spool
from edge.types import Box, Frame
from proto import checkpoint_pb2 as pb

logger = logging.getLogger(__name__)

EVIDENCE_MAX_SIDE = 320
THUMBNAIL_WIDTH = 320
_BAND = {pb.FACE_MATCH: "match", pb.FACE_REVIEW: "review", pb.FACE_NONE: "none"}


def jpeg(image: np.ndarray, max_side: int) -> bytes:
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale < 1.0:
        size = (max(1, int(width * scale)), max(1, int(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return data.tobytes() if ok else b""


class PersonLane:
    """One pedestrian lane; `process` per frame, `finish` when the source ends."""

    def __init__(
        self,
        config: EdgeConfig,
        client: CentralClient,
        out: TextIO,
        analyzer: FaceAnalyzer | None = None,
        *,
        metrics: EdgeMetrics | None = None,
        detector: Detector | None = None,
    ) -> None:
        self.config = config
        self.detector = detector
        """Boxes people, so faces too small for the whole-frame pass are found in their
        heads; without one (or when `process` is given the boxes) only that pass runs."""
        # beside a vehicle lane on the same camera, pass its metrics: one registry, one port
        self.metrics = metrics or EdgeMetrics(config.lane_id)
        self._client = client
        self._out = out
        self.analyzer = analyzer or FaceAnalyzer()
        self.tracker = FaceTracker(max_gap_s=config.max_gap_s)
        self.spool = Spool(config.spool_dir / f"{config.lane_id}-persons")
        self.lines: list[dict[str, object]] = []
        self._down_until = 0.0

    def process(self, frame: Frame, people: Sequence[Box] | None = None) -> None:
        """Grade one frame's faces; screen the people who just left. A bad frame is skipped.

        `people` are person boxes another lane's detector found in this frame (a vehicle
        lane with a COCO model on the same camera); without them the lane's own detector,
        if any, boxes them.
        """
        start = time.perf_counter()
        try:
            if people is None and self.detector is not None:
                people = [d.box for d in self.detector.detect(frame.image) if d.is_person]
                self.metrics.stage("person_detect", time.perf_counter() - start)
            faces = self.analyzer.analyze(frame.image, embed=False, people=people or ())
        except Exception:
            self.metrics.person_errors.inc()
            logger.exception("face pipeline failed on frame %d; lane continues", frame.index)
            return
        finally:
            self.metrics.person_frames.inc()
        self.metrics.stage("face_grade", time.perf_counter() - start)
        for shot in self.tracker.update(frame, faces):
            self._emit(shot)
        self.metrics.person_tracks.set(self.tracker.active)

    def finish(self) -> None:
        """Screen everyone still in view (the source ended), then retry the spool once."""
        for shot in self.tracker.flush():
            self._emit(shot)
        self.metrics.person_tracks.set(self.tracker.active)
        self.replay()

    def passage(self, shot: BestShot) -> pb.Passage:
        """The person passage for one best shot: embedding, box, crop and thumbnail."""
        face = shot.face
        embedding = self.analyzer.embed_chip(face.chip)
        box = face.box
        return pb.Passage(
            passage_id=uuid.uuid4().hex,
            checkpoint_id=self.config.checkpoint_id,
            lane_id=self.config.lane_id,
            seen_at=wire.ts(datetime.now(tz=UTC)),
            frames=shot.faces,
            face=pb.FaceObservation(
                embedding=wire.embeddings_to_bytes(embedding),
                box=pb.Box(x1=box.x1, y1=box.y1, x2=box.x2, y2=box.y2),
                quality=face.quality.score,
            ),
            evidence_jpeg=jpeg(face.crop, EVIDENCE_MAX_SIDE),
            thumbnail_jpeg=jpeg(shot.frame, THUMBNAIL_WIDTH),
        )

    def _emit(self, shot: BestShot) -> None:
        start = time.perf_counter()
        message = self.passage(shot)
        embedded = time.perf_counter()
        self.metrics.stage("face_embed", embedded - start)
        verdict, reason, by = "CHECK", "central unreachable: face not screened", "local"
        matches: list[dict[str, object]] = []
        if time.monotonic() >= self._down_until:
            try:
                response = self._client.screen(message, timeout_s=self.config.deadline_s)
            except CheckpointError as exc:
                self._down_until = time.monotonic() + self.config.retry_after_s
                logger.warning("central did not screen the person passage: %s", exc)
            else:
                verdict = wire.verdict_from_pb(response.verdict).value
                reason, by = response.reason, "central"
                if verdict != "PASS":
                    matches = [
                        {"id": m.key, "distance": round(m.distance, 3), "band": _BAND[m.band]}
                        for m in response.face_matches
                        if m.band != pb.FACE_NONE
                    ]
        if by == "local":
            self.spool.put(message)
        self.metrics.stage("person_decide", time.perf_counter() - embedded)
        self.metrics.person_passages.labels(
            lane=message.lane_id, verdict=verdict, decided_by=by
        ).inc()
        self.metrics.person_spool_pending.set(len(self.spool))
        line: dict[str, object] = {
            "time": datetime.now(tz=UTC).isoformat(timespec="milliseconds"),
            "checkpoint": message.checkpoint_id,
            "lane": message.lane_id,
            "passage_id": message.passage_id,
            "kind": "person",
            "frames": shot.faces,
            "quality": shot.face.quality.score,
            "verdict": verdict,
            "reason": reason if verdict != "PASS" else "",
            "matches": matches,
            "decided_by": by,
            "ms": round((time.perf_counter() - start) * 1000, 1),
        }
        self.lines.append(line)
        self._out.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._out.flush()
        # Person ids are never logged at INFO (the gate output above carries hits).
        logger.info(
            "lane=%s passage=%s person verdict=%s by=%s",
            message.lane_id,
            message.passage_id,
            verdict,
            by,
        )

    def replay(self) -> int:
        """Send spooled person passages to central, oldest first; stops at the first failure."""
        sent = 0
        for path, message in self.spool.pending():
            try:
                self._client.screen(message, timeout_s=max(self.config.deadline_s, 2.0))
            except CentralUnavailable:
                break
            except CheckpointError:
                logger.exception("central refused spooled person passage; kept")
                break
            self.spool.done(path)
            sent += 1
        if sent:
            self._down_until = 0.0
            logger.info("replayed spooled person passages count=%d", sent)
        self.metrics.person_spool_pending.set(len(self.spool))
        return sent
