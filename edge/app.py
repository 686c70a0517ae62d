"""The edge node for one lane: frames in, one verdict per vehicle out.

source -> reader -> tracker -> gate, in the frame thread (the grabber of a live source
drops what this loop cannot keep up with). Verdicts go to the gate output: one JSON line
per passage on `out` (stdout in the CLI). Two background threads keep the local watchlist
synced and the spool drained. One bad frame never stops the lane.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from typing import Protocol, TextIO

import numpy as np

from checkpoint.client import CentralClient
from checkpoint.errors import InvalidInput
from checkpoint.lifecycle import Service
from checkpoint.localcache import LocalWatchlist
from edge.config import EdgeConfig
from edge.gate import Gate, GateVerdict
from edge.metrics import EdgeMetrics
from edge.passage import from_decided
from edge.read.base import check_image
from edge.read.colour import Scene, judge_scene
from edge.source import Source
from edge.spool import Spool
from edge.sync import WatchlistSync
from edge.track import Decided, PlateTracker
from edge.types import Box, Frame, PlateRead
from edge.vehicle.look import add_looks

logger = logging.getLogger(__name__)


class Reader(Protocol):
    """What the edge needs from a plate reader (see `edge.read`)."""

    def read(
        self,
        image: np.ndarray,
        roi: Box | None = None,
        near: Sequence[Box] = (),
        scene: Scene | None = None,
    ) -> list[PlateRead]: ...


def verdict_line(result: GateVerdict) -> str:
    """The gate output: one JSON object per passage."""
    passage = result.passage
    return json.dumps(
        {
            "time": passage.seen_at.isoformat(timespec="milliseconds"),
            "checkpoint": passage.checkpoint_id,
            "lane": passage.lane_id,
            "passage_id": passage.passage_id,
            "plate": passage.reading.text,
            "confidence": round(passage.reading.confidence, 3),
            "candidates": [[c.text, round(c.confidence, 3)] for c in passage.reading.candidates],
            "color": passage.color,
            "vehicle": {
                "color": passage.vehicle.color.value,
                "class": passage.vehicle.vehicle_class.value,
            },
            "frames": passage.frames,
            "verdict": result.verdict.value,
            "reason": result.reason,
            "decided_by": result.decided_by,
            "ms": round(result.ms, 1),
        },
        ensure_ascii=False,
    )


class Edge(Service):
    """One lane's edge node; `run` processes a source, `close` stops the helpers."""

    def __init__(
        self, config: EdgeConfig, reader: Reader, out: TextIO, client: CentralClient | None = None
    ) -> None:
        self.config = config
        self._reader = reader
        self._out = out
        self._client = client or CentralClient(config.central)
        self._owns_client = client is None
        self.local = LocalWatchlist()
        self.spool = Spool(config.spool_dir / config.lane_id)
        self.metrics = EdgeMetrics(config.lane_id)
        self.gate = Gate(
            self._client,
            self.local,
            self.spool,
            deadline_s=config.deadline_s,
            retry_after_s=config.retry_after_s,
        )
        self.tracker = PlateTracker(
            agree=config.agree,
            max_gap_s=config.max_gap_s,
            min_unreadable=config.min_unreadable_frames,
        )
        self.sync = WatchlistSync(self._client, self.local, self.gate.refresh_restrictions)
        self.verdicts: list[GateVerdict] = []
        self.stop = threading.Event()
        self._replayer = threading.Thread(
            target=self._replay_loop, name="spool-replay", daemon=True
        )

    def start(self) -> Edge:
        self.sync.start()
        self._replayer.start()
        if self.config.metrics_port is not None:
            self.metrics.serve(self.config.metrics_port)
        return self

    def run(self, source: Source) -> None:
        """Process frames until the source ends or `stop` is set; decide what is left."""
        for frame in source.frames():
            self.process(frame)
            self.metrics.dropped.set(source.stats.dropped)
            self.metrics.corrupt.set(source.stats.corrupt)
            if self.stop.is_set():
                break
        self.finish()

    def finish(self) -> None:
        """Decide every open track: the source ended, so every vehicle in view has left."""
        for decided in self.tracker.flush():
            self._emit(decided)

    def process(self, frame: Frame) -> None:
        """Read, track and decide one frame; a failure costs this frame only."""
        start = time.perf_counter()
        try:
            image, whole = check_image(frame.image, None)
            roi = self.config.roi_box(whole.width, whole.height)
            # the frame's light, judged once for the reader and the vehicle stage
            scene = judge_scene(image)
            reads = self._reader.read(
                image, roi=roi, near=self.tracker.plates_in_view(), scene=scene
            )
        except InvalidInput as exc:
            self.metrics.read_errors.inc()
            logger.warning("frame %d unreadable: %s", frame.index, exc)
            return
        except Exception:
            self.metrics.read_errors.inc()
            logger.exception("reader failed on frame %d; lane continues", frame.index)
            return
        read_done = time.perf_counter()
        self.metrics.stage("read", read_done - start)
        try:
            reads = add_looks(image, reads, scene)
        except Exception:  # the vehicle's look is extra evidence; the plate still counts
            logger.exception("vehicle stage failed on frame %d; plates kept", frame.index)
        looked = time.perf_counter()
        self.metrics.stage("vehicle", looked - read_done)
        read_done = looked
        decided = self.tracker.update(frame, reads)
        self.metrics.stage("track", time.perf_counter() - read_done)
        self.metrics.active_tracks.set(self.tracker.active)
        for item in decided:
            self._emit(item)
        self.metrics.frame_done()

    def _emit(self, decided: Decided) -> None:
        start = time.perf_counter()
        passage = from_decided(
            decided, checkpoint_id=self.config.checkpoint_id, lane_id=self.config.lane_id
        )
        result = self.gate.decide(passage)
        self.metrics.stage("decide", time.perf_counter() - start)
        self.metrics.passages.labels(
            lane=self.config.lane_id, verdict=result.verdict.value, decided_by=result.decided_by
        ).inc()
        self.metrics.spool_pending.set(len(self.spool))
        self.verdicts.append(result)
        self._out.write(verdict_line(result) + "\n")
        self._out.flush()
        if result.verdict.value == "PASS":  # plates are personal data: only hits name them
            logger.info(
                "lane=%s passage=%s verdict=PASS by=%s ms=%.1f",
                passage.lane_id,
                passage.passage_id,
                result.decided_by,
                result.ms,
            )
        else:
            logger.info(
                "lane=%s passage=%s verdict=%s plate=%s reason=%s by=%s ms=%.1f",
                passage.lane_id,
                passage.passage_id,
                result.verdict,
                passage.reading.text,
                result.reason,
                result.decided_by,
                result.ms,
            )

    def _replay_loop(self) -> None:
        while not self.stop.wait(self.config.replay_every_s):
            try:
                self.gate.replay()
                self.metrics.spool_pending.set(len(self.spool))
            except Exception:
                logger.exception("spool replay failed; will retry")

    def drain(self, timeout_s: float = 30.0) -> bool:
        """Replay the spool until empty or `timeout_s` passes; True when empty."""
        deadline = time.monotonic() + timeout_s
        while len(self.spool) and time.monotonic() < deadline:
            self.gate.replay()
            if len(self.spool):
                time.sleep(0.5)
        return len(self.spool) == 0

    def close(self) -> None:
        self.stop.set()
        self.sync.close()
        if self._replayer.is_alive():
            self._replayer.join(timeout=5)
        if self._owns_client:
            self._client.close()
