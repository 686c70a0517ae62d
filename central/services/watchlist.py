"""gRPC Watchlist servicer: translates messages and calls the store; no rules live here."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import grpc

from central.persons.convert import face_match_to_pb
from central.persons.service import Persons
from central.registrations import RegistrationStore
from central.services.errors import grpc_errors
from central.store import Change, ChangeOp, WatchlistStore
from checkpoint import plates, wire
from checkpoint.errors import InvalidEntry, InvalidInput, NotFound
from checkpoint.matching import match_plate
from checkpoint.vehicles import Registration, make_registration
from checkpoint.watchlist import (
    EntryKind,
    WatchlistEntry,
    make_entry,
    normalize_key,
    plate_kind_for,
)
from proto import checkpoint_pb2 as pb
from proto import checkpoint_pb2_grpc as pb_grpc

logger = logging.getLogger(__name__)

SUBSCRIBE_POLL_MS = 1000


def validate_entry(message: pb.WatchlistEntry, actor: str) -> WatchlistEntry:
    """Rebuild an entry from the wire through the domain validation."""
    raw = wire.entry_from_pb(message)
    kind = wire.kind_from_pb(message.kind) or plate_kind_for(message.key)
    return make_entry(
        kind,
        raw.key,
        raw.reason,
        category=raw.category,
        severity=raw.severity,
        created_by=raw.created_by or actor,
        valid_from=raw.valid_from,
        valid_until=raw.valid_until,
        attributes=raw.attributes,
    )


def registration_from_pb(message: pb.VehicleRegistration) -> Registration:
    """A registration from the wire, validated as the CSV reader does."""
    return make_registration(message.plate, message.color, message.vehicle_class, message.make)


def _kind_and_key(kind: int, key: str) -> tuple[EntryKind, str]:
    resolved = wire.kind_from_pb(kind) or plate_kind_for(key)
    return resolved, normalize_key(resolved, key)


def change_to_pb(change: Change) -> pb.WatchlistChange:
    op = pb.WatchlistChange.UPSERT if change.op is ChangeOp.UPSERT else pb.WatchlistChange.REMOVE
    return pb.WatchlistChange(
        op=op,
        version=change.version,
        kind=wire.kind_to_pb(change.kind),
        key=change.key,
        entry=wire.entry_to_pb(change.entry) if change.entry is not None else None,
        actor=change.actor,
        at=wire.ts(change.at),
    )


class WatchlistServicer(pb_grpc.WatchlistServicer):  # type: ignore[misc]
    def __init__(
        self, store: WatchlistStore, stopping: threading.Event, persons: Persons | None = None
    ) -> None:
        self._store = store
        self._stopping = stopping
        self._persons = persons
        self._registrations = RegistrationStore(store.redis)

    def _persons_or_fail(self) -> Persons:
        if self._persons is None:
            raise InvalidInput("person screening is not enabled on this central")
        return self._persons

    def Upsert(  # noqa: N802
        self, request: pb.UpsertRequest, context: grpc.ServicerContext
    ) -> pb.UpsertResponse:
        with grpc_errors(context):
            entry = validate_entry(request.entry, actor="operator")
            if entry.kind is EntryKind.PERSON:
                raise InvalidEntry("person entries need faces: add them with AddPerson")
            stored = self._store.upsert(entry, actor=entry.created_by)
            return pb.UpsertResponse(entry=wire.entry_to_pb(stored))

    def Remove(  # noqa: N802
        self, request: pb.RemoveRequest, context: grpc.ServicerContext
    ) -> pb.RemoveResponse:
        with grpc_errors(context):
            kind, key = _kind_and_key(request.kind, request.key)
            version = self._store.remove(kind, key, actor="operator")
            return pb.RemoveResponse(
                removed=version is not None, version=version or self._store.version()
            )

    def Get(  # noqa: N802
        self, request: pb.GetRequest, context: grpc.ServicerContext
    ) -> pb.WatchlistEntry:
        with grpc_errors(context):
            kind, key = _kind_and_key(request.kind, request.key)
            entry = self._store.get(kind, key)
            if entry is None:
                raise NotFound(f"no {kind.value} entry {key!r} on the watchlist")
            return wire.entry_to_pb(entry)

    def _entries(
        self, kind: pb.EntryKind, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchlistEntry]:
        """List and Export stream the same thing: every entry of `kind` (all when unset)."""
        with grpc_errors(context):
            for entry in self._store.iter_entries(wire.kind_from_pb(kind)):
                yield wire.entry_to_pb(entry)

    def List(  # noqa: N802
        self, request: pb.ListRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchlistEntry]:
        yield from self._entries(request.kind, context)

    def Export(  # noqa: N802
        self, request: pb.ExportRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchlistEntry]:
        yield from self._entries(request.kind, context)

    def Import(  # noqa: N802
        self, request_iterator: Iterator[pb.ImportRequest], context: grpc.ServicerContext
    ) -> pb.ImportResponse:
        """Validate every row first; apply nothing when any is bad unless told to skip."""
        with grpc_errors(context):
            options = pb.ImportOptions()
            valid: list[WatchlistEntry] = []
            errors: list[pb.RowError] = []
            for number, item in enumerate(request_iterator):
                if number == 0:
                    options = item.options
                actor = options.created_by or "import"
                for row in item.rows:
                    try:
                        entry = validate_entry(row.entry, actor=actor)
                        if entry.kind is EntryKind.PERSON:
                            raise InvalidEntry("person entries need faces: use AddPerson")
                        valid.append(entry)
                    except InvalidInput as exc:
                        errors.append(pb.RowError(line=row.line, message=str(exc)))
            if errors and not options.skip_invalid:
                logger.info(
                    "watchlist import refused rows=%d bad=%d", len(valid) + len(errors), len(errors)
                )
                return pb.ImportResponse(
                    applied=0, rejected=len(errors), errors=errors, version=self._store.version()
                )
            applied = self._store.upsert_many(valid, actor=options.created_by or "import")
            return pb.ImportResponse(
                applied=applied,
                rejected=len(errors),
                errors=errors,
                version=self._store.version(),
            )

    def ImportVehicles(  # noqa: N802
        self, request_iterator: Iterator[pb.ImportVehiclesRequest], context: grpc.ServicerContext
    ) -> pb.ImportResponse:
        """Registration records; like Import, nothing is applied when a row is bad."""
        with grpc_errors(context):
            options = pb.ImportOptions()
            valid: list[Registration] = []
            errors: list[pb.RowError] = []
            for number, item in enumerate(request_iterator):
                if number == 0:
                    options = item.options
                for row in item.rows:
                    try:
                        valid.append(registration_from_pb(row))
                    except InvalidInput as exc:
                        errors.append(pb.RowError(line=row.line, message=str(exc)))
            applied = 0
            if not errors or options.skip_invalid:
                applied = self._registrations.put_many(valid)
            else:
                logger.info(
                    "vehicle import refused rows=%d bad=%d", len(valid) + len(errors), len(errors)
                )
            return pb.ImportResponse(
                applied=applied, rejected=len(errors), errors=errors, version=self._store.version()
            )

    def GetVehicle(  # noqa: N802
        self, request: pb.CheckRequest, context: grpc.ServicerContext
    ) -> pb.VehicleRegistration:
        with grpc_errors(context):
            plate = plates.parse(request.plate).text
            found = self._registrations.get(plate)
            if found is None:
                raise NotFound(f"no registration for {plate}")
            return wire.registration_to_pb(found)

    def Check(  # noqa: N802
        self, request: pb.CheckRequest, context: grpc.ServicerContext
    ) -> pb.CheckResponse:
        with grpc_errors(context):
            plate = plates.parse(request.plate).text
            version = self._store.version()
            matches = match_plate(plate, self._store, datetime.now(tz=UTC))
            return pb.CheckResponse(
                plate=plate, matches=[wire.match_to_pb(m) for m in matches], version=version
            )

    def Subscribe(  # noqa: N802
        self, request: pb.SubscribeRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchlistChange]:
        """Replay changes after `since_version`, then stream live ones until cancelled.

        When the change stream no longer reaches back that far, send RESET and a snapshot.
        """
        version = request.since_version
        with grpc_errors(context, self._stopping):
            while context.is_active() and not self._stopping.is_set():
                batch = self._store.changes_since(version, block_ms=SUBSCRIBE_POLL_MS)
                if batch.reset:
                    current, entries = self._store.snapshot()
                    yield pb.WatchlistChange(op=pb.WatchlistChange.RESET, version=current)
                    for entry in entries:
                        yield pb.WatchlistChange(
                            op=pb.WatchlistChange.UPSERT,
                            version=entry.version,
                            kind=wire.kind_to_pb(entry.kind),
                            key=entry.key,
                            entry=wire.entry_to_pb(entry),
                        )
                    version = current
                    continue
                for change in batch.changes:
                    yield change_to_pb(change)
                    version = change.version

    def AddPerson(  # noqa: N802
        self, request: pb.AddPersonRequest, context: grpc.ServicerContext
    ) -> pb.AddPersonResponse:
        with grpc_errors(context):
            request.entry.kind = pb.PERSON
            entry = validate_entry(request.entry, actor="operator")
            stored, faces, kept = self._persons_or_fail().enrol(
                entry,
                photos=list(request.photos),
                embeddings=list(request.embeddings),
                keep_photos=request.keep_photos,
                actor=entry.created_by,
            )
            return pb.AddPersonResponse(
                entry=wire.entry_to_pb(stored), faces=faces, photos_kept=kept
            )

    def MatchFaces(  # noqa: N802
        self, request: pb.MatchFacesRequest, context: grpc.ServicerContext
    ) -> pb.MatchFacesResponse:
        with grpc_errors(context):
            persons = self._persons_or_fail()
            found = persons.match(
                list(request.embeddings), datetime.now(tz=UTC), request.limit or 3
            )
            return pb.MatchFacesResponse(
                faces=[
                    pb.FaceMatches(matches=[face_match_to_pb(m) for m in matches])
                    for matches in found
                ],
                version=persons.index.version,
            )

    def ForgetPhotos(  # noqa: N802
        self, request: pb.ForgetPhotosRequest, context: grpc.ServicerContext
    ) -> pb.ForgetPhotosResponse:
        with grpc_errors(context):
            key = normalize_key(EntryKind.PERSON, request.key)
            if self._store.get(EntryKind.PERSON, key) is None:
                raise NotFound("no such person on the watchlist")
            removed = self._persons_or_fail().store.forget_photos(key, actor="operator")
            return pb.ForgetPhotosResponse(removed=removed)
