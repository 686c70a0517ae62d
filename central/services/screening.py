"""gRPC Screening servicer: a passage in, a verdict out, decided by `checkpoint.screening`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import grpc

from central.services.errors import grpc_errors
from central.store import WatchlistStore
from checkpoint import wire
from checkpoint.screening import ScreeningPolicy, Verdict, screen_plate
from proto import checkpoint_pb2 as pb
from proto import checkpoint_pb2_grpc as pb_grpc

logger = logging.getLogger(__name__)


class ScreeningServicer(pb_grpc.ScreeningServicer):  # type: ignore[misc]
    def __init__(self, store: WatchlistStore, policy: ScreeningPolicy) -> None:
        self._store = store
        self._policy = policy

    def Screen(  # noqa: N802
        self, request: pb.ScreenRequest, context: grpc.ServicerContext
    ) -> pb.ScreenResponse:
        with grpc_errors(context):
            passage = request.passage
            version = self._store.version()
            decision = screen_plate(
                wire.reading_from_pb(passage.plate),
                self._store,
                datetime.now(tz=UTC),
                self._policy,
            )
            if decision.verdict is Verdict.PASS:
                logger.debug("screen lane=%s verdict=PASS", passage.lane_id)
            else:
                # Plates are personal data: logged only for hits and checks.
                logger.info(
                    "screen checkpoint=%s lane=%s passage=%s verdict=%s plate=%s reason=%s",
                    passage.checkpoint_id,
                    passage.lane_id,
                    passage.passage_id,
                    decision.verdict,
                    passage.plate.text,
                    decision.reason,
                )
            return wire.decision_to_pb(passage.passage_id, decision, version)
