"""A typed client for central's gRPC services, used by the CLI and the edge.

Turns gRPC failures into the product's errors so callers never parse status codes:
INVALID_ARGUMENT -> `InvalidInput`, NOT_FOUND -> `NotFound`, an unreachable central or a
passed deadline -> `CentralUnavailable`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import grpc
from pydantic import ValidationError

from checkpoint.batching import batched
from checkpoint.errors import (
    CentralUnavailable,
    CheckpointError,
    InvalidInput,
    NotFound,
)
from checkpoint.lifecycle import Closeable
from checkpoint.restrictions import Restrictions
from proto import checkpoint_pb2 as pb
from proto import checkpoint_pb2_grpc as pb_grpc

DEFAULT_CENTRAL = "127.0.0.1:50051"
"""Where central listens and edges and the CLI dial when told nothing else (loopback)."""
DEFAULT_TIMEOUT_S = 10.0
# Edges must notice a restarted central within seconds, not minutes: the channel retries a
# lost connection after at most this long (gRPC adds up to 20% jitter).
MAX_RECONNECT_BACKOFF_S = 2.0
RECONNECT_WAIT_S = MAX_RECONNECT_BACKOFF_S * 1.2 + 0.5
"""A call that may wait this long for the channel outlasts one reconnect backoff: sent
just after central comes back, it is not lost to the retry the channel has not made yet."""
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
IMPORT_CHUNK_ROWS = 1000

_UNAVAILABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}
TOKEN_ENV = "CHECKPOINT_TOKEN"


class _BearerToken(
    grpc.UnaryUnaryClientInterceptor,  # type: ignore[misc, type-arg]
    grpc.UnaryStreamClientInterceptor,  # type: ignore[misc, type-arg]
    grpc.StreamUnaryClientInterceptor,  # type: ignore[misc, type-arg]
    grpc.StreamStreamClientInterceptor,  # type: ignore[misc, type-arg]
):
    """Adds ``authorization: Bearer <token>`` to every call on the channel."""

    def __init__(self, token: str) -> None:
        self._pair = ("authorization", f"Bearer {token}")

    def _call(self, continuation: Callable[[Any, Any], Any], details: Any, request: Any) -> Any:
        metadata = [*(details.metadata or ()), self._pair]
        return continuation(details._replace(metadata=metadata), request)

    intercept_unary_unary = _call  # type: ignore[assignment]
    intercept_unary_stream = _call  # type: ignore[assignment]
    intercept_stream_unary = _call  # type: ignore[assignment]
    intercept_stream_stream = _call  # type: ignore[assignment]


def translate(exc: grpc.RpcError, address: str) -> CheckpointError:
    """The product error for a failed call, keeping central's message."""
    code = exc.code()
    detail = exc.details() or str(code)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidInput(detail)
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(detail)
    if code in _UNAVAILABLE:
        return CentralUnavailable(f"central at {address} is unreachable: {detail}")
    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        hint = f" (pass --token or set {TOKEN_ENV})"
        return CheckpointError(f"central at {address} refused: {detail}{hint}")
    return CheckpointError(f"central at {address} answered {code.name}: {detail}")


class CentralClient(Closeable):
    """gRPC stubs for one central, over a channel closed by `close()`.

    Example:
        >>> with CentralClient("127.0.0.1:50051") as client:  # doctest: +SKIP
        ...     client.check("冀A12345")
    """

    def __init__(
        self, address: str, *, timeout_s: float = DEFAULT_TIMEOUT_S, token: str | None = None
    ) -> None:
        """`token` is sent as a bearer token on every call.

        None takes it from ``$CHECKPOINT_TOKEN`` (so an edge started with the variable set
        needs no flag); an empty string sends none.
        """
        if token is None:
            token = os.environ.get(TOKEN_ENV, "")
        self.address = address
        self.timeout_s = timeout_s
        self._raw_channel = grpc.insecure_channel(
            address,
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.initial_reconnect_backoff_ms", 200),
                ("grpc.max_reconnect_backoff_ms", round(MAX_RECONNECT_BACKOFF_S * 1000)),
            ],
        )
        self._channel = (
            grpc.intercept_channel(self._raw_channel, _BearerToken(token))
            if token
            else self._raw_channel
        )
        self.watchlist = pb_grpc.WatchlistStub(self._channel)
        self.screening = pb_grpc.ScreeningStub(self._channel)
        self.alerts = pb_grpc.AlertsStub(self._channel)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn a failed call into the product's error (see `translate`)."""
        try:
            yield
        except grpc.RpcError as exc:
            raise translate(exc, self.address) from None

    def check(self, plate: str) -> pb.CheckResponse:
        with self._errors():
            response: pb.CheckResponse = self.watchlist.Check(
                pb.CheckRequest(plate=plate), timeout=self.timeout_s
            )
        return response

    def upsert(self, entry: pb.WatchlistEntry) -> pb.WatchlistEntry:
        with self._errors():
            response: pb.UpsertResponse = self.watchlist.Upsert(
                pb.UpsertRequest(entry=entry), timeout=self.timeout_s
            )
        return response.entry

    def get(self, key: str, kind: pb.EntryKind = pb.ENTRY_KIND_UNSPECIFIED) -> pb.WatchlistEntry:
        with self._errors():
            response: pb.WatchlistEntry = self.watchlist.Get(
                pb.GetRequest(kind=kind, key=key),
                timeout=self.timeout_s,
            )
        return response

    def remove(self, key: str, kind: pb.EntryKind = pb.ENTRY_KIND_UNSPECIFIED) -> pb.RemoveResponse:
        with self._errors():
            response: pb.RemoveResponse = self.watchlist.Remove(
                pb.RemoveRequest(kind=kind, key=key),
                timeout=self.timeout_s,
            )
        return response

    def entries(
        self, kind: pb.EntryKind = pb.ENTRY_KIND_UNSPECIFIED
    ) -> Iterator[pb.WatchlistEntry]:
        """Every entry of `kind` (all kinds when unspecified), streamed."""
        with self._errors():
            yield from self.watchlist.Export(pb.ExportRequest(kind=kind))

    def import_rows(
        self, rows: Iterable[pb.ImportRow], *, skip_invalid: bool, created_by: str
    ) -> pb.ImportResponse:
        def requests() -> Iterator[pb.ImportRequest]:
            yield pb.ImportRequest(
                options=pb.ImportOptions(skip_invalid=skip_invalid, created_by=created_by)
            )
            for chunk in batched(rows, IMPORT_CHUNK_ROWS):
                yield pb.ImportRequest(rows=chunk)

        with self._errors():
            response: pb.ImportResponse = self.watchlist.Import(requests(), timeout=600)
        return response

    def import_vehicles(
        self, rows: Iterable[pb.VehicleRegistration], *, skip_invalid: bool
    ) -> pb.ImportResponse:
        def requests() -> Iterator[pb.ImportVehiclesRequest]:
            yield pb.ImportVehiclesRequest(options=pb.ImportOptions(skip_invalid=skip_invalid))
            for chunk in batched(rows, IMPORT_CHUNK_ROWS):
                yield pb.ImportVehiclesRequest(rows=chunk)

        with self._errors():
            response: pb.ImportResponse = self.watchlist.ImportVehicles(requests(), timeout=600)
        return response

    def get_vehicle(self, plate: str) -> pb.VehicleRegistration:
        with self._errors():
            response: pb.VehicleRegistration = self.watchlist.GetVehicle(
                pb.CheckRequest(plate=plate), timeout=self.timeout_s
            )
        return response

    def add_person(self, request: pb.AddPersonRequest) -> pb.AddPersonResponse:
        """Enrol a person from photos (central embeds them) and/or embeddings."""
        with self._errors():
            response: pb.AddPersonResponse = self.watchlist.AddPerson(
                request,
                timeout=max(self.timeout_s, 60.0),  # first photo loads the models
            )
        return response

    def match_faces(self, embeddings: Iterable[bytes], limit: int = 0) -> pb.MatchFacesResponse:
        """The nearest wanted persons for each embedding (128 float32 bytes each)."""
        with self._errors():
            response: pb.MatchFacesResponse = self.watchlist.MatchFaces(
                pb.MatchFacesRequest(embeddings=list(embeddings), limit=limit),
                timeout=self.timeout_s,
            )
        return response

    def forget_photos(self, person_id: str) -> int:
        """Delete a person's kept enrolment photos at central; returns how many."""
        with self._errors():
            response: pb.ForgetPhotosResponse = self.watchlist.ForgetPhotos(
                pb.ForgetPhotosRequest(key=person_id), timeout=self.timeout_s
            )
        return int(response.removed)

    def screen(self, passage: pb.Passage, timeout_s: float | None = None) -> pb.ScreenResponse:
        with self._errors():
            response: pb.ScreenResponse = self.screening.Screen(
                pb.ScreenRequest(passage=passage),
                timeout=timeout_s or self.timeout_s,
                wait_for_ready=True,  # ride out a reconnect within the deadline
            )
        return response

    def restrictions(self) -> Restrictions:
        """Central's restricted-vehicle rules, for an edge to apply when central is down.

        Raises:
            CheckpointError: central is unreachable, or sent rules this edge cannot read.
        """
        with self._errors():
            response: pb.RestrictionsResponse = self.screening.GetRestrictions(
                pb.RestrictionsRequest(), timeout=self.timeout_s
            )
        try:
            return Restrictions.model_validate_json(response.config_json)
        except ValidationError as exc:
            problem = f"central sent restriction rules this edge cannot read: {exc}"
            raise InvalidInput(problem) from exc

    def alert_feed(self, after_id: str = "", checkpoint: str = "") -> Iterator[pb.Alert]:
        """Alert events after `after_id` (only new ones when empty), live, until closed.

        Resume after a dropped connection by passing the last `event_id` received.
        """
        request = pb.AlertSubscribeRequest(after_id=after_id, checkpoint_id=checkpoint)
        try:
            yield from self.alerts.Subscribe(request)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                raise translate(exc, self.address) from None

    def acknowledge(self, alert_id: str, officer: str = "") -> pb.Alert:
        with self._errors():
            response: pb.AcknowledgeResponse = self.alerts.Acknowledge(
                pb.AcknowledgeRequest(alert_id=alert_id, officer=officer), timeout=self.timeout_s
            )
        return response.alert

    def close(self) -> None:
        self._raw_channel.close()
