"""gRPC Alerts servicer: the officers' feed and acknowledgements, over `AlertStore`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import grpc

from central.alerts import model
from central.alerts.convert import alert_to_pb
from central.alerts.model import AlertEvent, EventKind, Picture
from central.alerts.store import AlertStore
from central.auth import Authenticator, metadata_authorization
from central.services.errors import grpc_errors
from checkpoint.errors import InvalidInput
from proto import checkpoint_pb2 as pb
from proto import checkpoint_pb2_grpc as pb_grpc

logger = logging.getLogger(__name__)

SUBSCRIBE_POLL_MS = 500
SUBSCRIBED_FROM = "alerts-from"
"""Initial metadata of `Subscribe`: the cursor the feed runs from, sent once it is live."""


class AlertsServicer(pb_grpc.AlertsServicer):  # type: ignore[misc]
    def __init__(self, store: AlertStore, auth: Authenticator, stopping: threading.Event) -> None:
        self._store = store
        self._auth = auth
        self._stopping = stopping

    def _message(self, event: AlertEvent) -> pb.Alert:
        pictures: dict[Picture, bytes] = {}
        if event.kind is EventKind.RAISED:
            for picture in event.alert.pictures:
                data = self._store.picture(event.alert.id, picture)
                if data:
                    pictures[picture] = data
        return alert_to_pb(event.alert, event, pictures)

    def Subscribe(  # noqa: N802
        self, request: pb.AlertSubscribeRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.Alert]:
        """Events after `after_id` (or only new ones), then live ones until cancelled.

        The cursor is the stream's own event id, so a client that reconnects with the last
        `event_id` it got misses nothing and sees nothing twice.
        """
        with grpc_errors(context, self._stopping):
            cursor = (
                model.cursor(request.after_id) if request.after_id else self._store.last_event_id()
            )
            # the feed is live from here: a client that must not miss what it raises next
            # (a tablet connecting, a test) waits for these headers before going on
            context.send_initial_metadata(((SUBSCRIBED_FROM, cursor),))
            checkpoint = request.checkpoint_id or None
            while context.is_active() and not self._stopping.is_set():
                cursor, events = self._store.events_after(
                    cursor, checkpoint=checkpoint, block_ms=SUBSCRIBE_POLL_MS
                )
                for event in events:
                    yield self._message(event)

    def Acknowledge(  # noqa: N802
        self, request: pb.AcknowledgeRequest, context: grpc.ServicerContext
    ) -> pb.AcknowledgeResponse:
        """Record the acknowledgement under the token's name (the request's when open)."""
        with grpc_errors(context):
            if not request.alert_id:
                raise InvalidInput("alert_id is required")
            officer = self._auth.principal(metadata_authorization(context)).name
            if self._auth.open:
                officer = request.officer.strip() or officer
            alert = self._store.acknowledge(request.alert_id, officer)
            return pb.AcknowledgeResponse(alert=alert_to_pb(alert))
