"""Edge metrics in Prometheus format: per-stage latency, fps, dropped and corrupt frames.

Each `Edge` owns its own registry, so several lanes (or tests) in one process never mix
their numbers; `serve` exposes it on an HTTP port for Prometheus to scrape. A pedestrian
lane on the same camera shares its vehicle lane's registry (one port per camera) and has
its own `person_*` series, so neither lane's frames or passages are counted twice.
"""

from __future__ import annotations

import logging
import time
from collections import deque

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

logger = logging.getLogger(__name__)

STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class EdgeMetrics:
    def __init__(self, lane: str) -> None:
        self.registry = CollectorRegistry()
        labels = {"lane": lane}
        self.stage_seconds = Histogram(
            "checkpoint_edge_stage_seconds",
            "Time per pipeline stage per frame or passage",
            ["lane", "stage"],
            buckets=STAGE_BUCKETS,
            registry=self.registry,
        )
        self.frames = Counter(
            "checkpoint_edge_frames", "Frames processed", ["lane"], registry=self.registry
        ).labels(**labels)
        self.dropped = Gauge(
            "checkpoint_edge_frames_dropped",
            "Frames the grabber overwrote because processing was busy",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.corrupt = Gauge(
            "checkpoint_edge_frames_corrupt",
            "Frames skipped as unreadable",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.read_errors = Counter(
            "checkpoint_edge_read_errors",
            "Frames the reader failed on",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.fps = Gauge(
            "checkpoint_edge_fps",
            "Frames processed per second (last 50)",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.passages = Counter(
            "checkpoint_edge_passages",
            "Passages by verdict and decider",
            ["lane", "verdict", "decided_by"],
            registry=self.registry,
        )
        self.spool_pending = Gauge(
            "checkpoint_edge_spool_pending",
            "Passages waiting for central",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.active_tracks = Gauge(
            "checkpoint_edge_active_tracks",
            "Plate tracks in view",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.person_frames = Counter(
            "checkpoint_edge_person_frames",
            "Frames the pedestrian lane graded for faces",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.person_errors = Counter(
            "checkpoint_edge_person_errors",
            "Frames the face pipeline failed on (skipped)",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.person_passages = Counter(
            "checkpoint_edge_person_passages",
            "Person passages by verdict and decider",
            ["lane", "verdict", "decided_by"],
            registry=self.registry,
        )
        self.person_tracks = Gauge(
            "checkpoint_edge_person_tracks",
            "People (face tracks) in view",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self.person_spool_pending = Gauge(
            "checkpoint_edge_person_spool_pending",
            "Person passages waiting for central",
            ["lane"],
            registry=self.registry,
        ).labels(**labels)
        self._lane = lane
        self._ticks: deque[float] = deque(maxlen=50)

    def stage(self, name: str, seconds: float) -> None:
        self.stage_seconds.labels(lane=self._lane, stage=name).observe(seconds)

    def frame_done(self) -> None:
        self.frames.inc()
        self._ticks.append(time.monotonic())
        if len(self._ticks) > 1 and self._ticks[-1] > self._ticks[0]:
            self.fps.set((len(self._ticks) - 1) / (self._ticks[-1] - self._ticks[0]))

    def serve(self, port: int, addr: str = "127.0.0.1") -> None:
        start_http_server(port, addr=addr, registry=self.registry)
        logger.info("edge metrics on http://%s:%d/metrics", addr, port)
