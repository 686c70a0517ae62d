"""gRPC Screening servicer: a passage in, a verdict out, decided by `checkpoint.screening`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import grpc

from central.alerts.model import Picture, draft_alert, should_alert
from central.alerts.store import AlertStore
from central.passages import PassageLog
from central.persons.convert import face_match_to_pb
from central.persons.matcher import FaceMatch
from central.persons.service import Persons
from central.registrations import RegistrationStore
from central.services.errors import grpc_errors
from central.store import WatchlistStore
from checkpoint import wire
from checkpoint.errors import InvalidInput
from checkpoint.restrictions import Restrictions
from checkpoint.screening import ScreeningPolicy, Verdict, screen_plate, screen_vehicle
from checkpoint.vehicles import VehicleSeen
from proto import checkpoint_pb2 as pb
from proto import checkpoint_pb2_grpc as pb_grpc

logger = logging.getLogger(__name__)


class ScreeningServicer(pb_grpc.ScreeningServicer):  # type: ignore[misc]
    def __init__(
        self,
        store: WatchlistStore,
        policy: ScreeningPolicy,
        alerts: AlertStore | None = None,
        passages: PassageLog | None = None,
        persons: Persons | None = None,
        *,
        restrictions: Restrictions | None = None,
    ) -> None:
        self._store = store
        self._registrations = RegistrationStore(store.redis)
        self._restrictions = restrictions or Restrictions()
        self._policy = policy
        self._alerts = alerts
        self._passages = passages
        self._persons = persons

    def Screen(  # noqa: N802
        self, request: pb.ScreenRequest, context: grpc.ServicerContext
    ) -> pb.ScreenResponse:
        with grpc_errors(context):
            passage = request.passage
            if self._passages is not None and passage.passage_id:
                earlier = self._passages.seen(passage.passage_id)
                if earlier is not None:  # replayed from an edge's spool: already screened
                    logger.info(
                        "screen passage=%s replayed: verdict given before", passage.passage_id
                    )
                    return earlier
            version = self._store.version()
            now = datetime.now(tz=UTC)
            reading = wire.reading_from_pb(passage.plate)
            face_matches: list[FaceMatch] = []
            if passage.HasField("face"):
                if self._persons is None:
                    raise InvalidInput("person screening is not enabled on this central")
                decision, face_matches = self._persons.screen(passage.face.embedding, now)
            else:
                decision = screen_plate(reading, self._store, now, self._policy)
                seen = (
                    wire.vehicle_from_pb(passage.vehicle) if passage.HasField("vehicle") else None
                )
                registration = self._registrations.get(reading.text) if seen else None
                restriction = self._restrictions.find(
                    passage.checkpoint_id,
                    passage.lane_id,
                    passage.plate.color,
                    seen or VehicleSeen(),
                    now,
                )
                decision = screen_vehicle(
                    decision, seen=seen, registration=registration, restriction=restriction
                )
            if decision.verdict is Verdict.PASS:
                logger.debug("screen lane=%s verdict=PASS", passage.lane_id)
            elif passage.HasField("face"):  # person data is never logged at INFO
                logger.info(
                    "screen checkpoint=%s lane=%s passage=%s verdict=%s person hit",
                    passage.checkpoint_id,
                    passage.lane_id,
                    passage.passage_id,
                    decision.verdict,
                )
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
            response = wire.decision_to_pb(passage.passage_id, decision, version)
            response.face_matches.extend(face_match_to_pb(m) for m in face_matches)
            if self._alerts is not None and should_alert(decision.verdict):
                draft = draft_alert(
                    checkpoint=passage.checkpoint_id,
                    lane=passage.lane_id,
                    passage_id=passage.passage_id,
                    time=now,
                    plate=reading,
                    decision=decision,
                )
                pictures = {
                    Picture.EVIDENCE: passage.evidence_jpeg,
                    Picture.THUMBNAIL: passage.thumbnail_jpeg,
                }
                response.alert_id, _ = self._alerts.raise_alert(draft, pictures)
            if self._passages is not None:
                return self._passages.record(response)
            return response

    def GetRestrictions(  # noqa: N802
        self, request: pb.RestrictionsRequest, context: grpc.ServicerContext
    ) -> pb.RestrictionsResponse:
        with grpc_errors(context):
            return pb.RestrictionsResponse(config_json=self._restrictions.model_dump_json())
