"""Conversions between the domain values and the gRPC messages (`proto/checkpoint.proto`).

One home for the mapping, used by central's servicers, the CLI and the edge, so the
contract and the domain cannot drift apart in two places.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from google.protobuf.timestamp_pb2 import Timestamp

from checkpoint.errors import InvalidEntry, InvalidInput
from checkpoint.matching import Match
from checkpoint.screening import Decision, PlateCandidate, PlateReading, Verdict
from checkpoint.vehicles import (
    Registration,
    VehicleSeen,
    parse_class,
    parse_color,
)
from checkpoint.watchlist import Category, EntryKind, Severity, WatchlistEntry
from proto import checkpoint_pb2 as pb

EMBEDDING_DIM = 128
EMBEDDING_BYTES = EMBEDDING_DIM * 4
_EMBEDDING_DTYPE = np.dtype("<f4")

_KIND_TO_PB = {
    EntryKind.PLATE: pb.PLATE,
    EntryKind.PLATE_PATTERN: pb.PLATE_PATTERN,
    EntryKind.VEHICLE: pb.VEHICLE,
    EntryKind.PERSON: pb.PERSON,
}
_KIND_FROM_PB: dict[int, EntryKind] = {v: k for k, v in _KIND_TO_PB.items()}
_CATEGORY_TO_PB = {
    Category.STOLEN: pb.STOLEN,
    Category.WANTED: pb.WANTED,
    Category.ENFORCEMENT: pb.ENFORCEMENT,
    Category.RESTRICTED: pb.RESTRICTED,
    Category.OTHER: pb.OTHER,
}
_CATEGORY_FROM_PB: dict[int, Category] = {v: k for k, v in _CATEGORY_TO_PB.items()}
_SEVERITY_TO_PB = {Severity.LOW: pb.LOW, Severity.MEDIUM: pb.MEDIUM, Severity.HIGH: pb.HIGH}
_SEVERITY_FROM_PB: dict[int, Severity] = {v: k for k, v in _SEVERITY_TO_PB.items()}
_VERDICT_TO_PB = {Verdict.PASS: pb.PASS, Verdict.STOP: pb.STOP, Verdict.CHECK: pb.CHECK}
_VERDICT_FROM_PB: dict[int, Verdict] = {v: k for k, v in _VERDICT_TO_PB.items()}


def kind_to_pb(kind: EntryKind) -> pb.EntryKind:
    return _KIND_TO_PB[kind]


def kind_from_pb(value: int) -> EntryKind | None:
    """None for ENTRY_KIND_UNSPECIFIED (callers decide the default)."""
    return _KIND_FROM_PB.get(value)


def verdict_to_pb(verdict: Verdict) -> pb.Verdict:
    return _VERDICT_TO_PB[verdict]


def verdict_from_pb(value: int) -> Verdict:
    return _VERDICT_FROM_PB[value]


def ts(moment: datetime | None) -> Timestamp | None:
    if moment is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


def from_ts(message: pb.WatchlistEntry, name: str) -> datetime | None:
    if not message.HasField(name):  # type: ignore[arg-type]
        return None
    stamp: Timestamp = getattr(message, name)
    return stamp.ToDatetime(tzinfo=UTC)


def entry_to_pb(entry: WatchlistEntry) -> pb.WatchlistEntry:
    return pb.WatchlistEntry(
        kind=kind_to_pb(entry.kind),
        key=entry.key,
        reason=entry.reason,
        category=_CATEGORY_TO_PB[entry.category],
        severity=_SEVERITY_TO_PB[entry.severity],
        created_by=entry.created_by,
        valid_from=ts(entry.valid_from),
        valid_until=ts(entry.valid_until),
        version=entry.version,
        updated_at=ts(entry.updated_at),
        attributes=dict(entry.attributes),
    )


def entry_from_pb(message: pb.WatchlistEntry) -> WatchlistEntry:
    """Decode without validating; central validates with `checkpoint.watchlist.make_entry`."""
    return WatchlistEntry(
        kind=kind_from_pb(message.kind) or EntryKind.PLATE,
        key=message.key,
        reason=message.reason,
        category=_CATEGORY_FROM_PB.get(message.category, Category.OTHER),
        severity=_SEVERITY_FROM_PB.get(message.severity, Severity.MEDIUM),
        created_by=message.created_by,
        valid_from=from_ts(message, "valid_from"),
        valid_until=from_ts(message, "valid_until"),
        version=message.version,
        updated_at=from_ts(message, "updated_at"),
        attributes=dict(message.attributes),
    )


def match_to_pb(match: Match) -> pb.Match:
    entry = match.entry
    return pb.Match(
        key=entry.key,
        kind=kind_to_pb(entry.kind),
        reason=entry.reason,
        category=_CATEGORY_TO_PB[entry.category],
        severity=_SEVERITY_TO_PB[entry.severity],
        score=match.score,
        exact=match.exact,
        diff_positions=list(match.diff_positions),
        matched_text=match.matched_text,
    )


def match_to_json(match: pb.Match) -> dict[str, object]:
    """The JSON shape `checkpoint watchlist check --json` prints per match."""
    return {
        "key": match.key,
        "kind": (kind_from_pb(match.kind) or EntryKind.PLATE).value,
        "reason": match.reason,
        "category": (_CATEGORY_FROM_PB.get(match.category, Category.OTHER)).value,
        "severity": (_SEVERITY_FROM_PB.get(match.severity, Severity.MEDIUM)).value,
        "score": round(float(match.score), 4),
        "exact": bool(match.exact),
        "diff_positions": list(match.diff_positions),
    }


def reading_from_pb(message: pb.PlateReading) -> PlateReading:
    return PlateReading(
        text=message.text,
        confidence=message.confidence,
        candidates=tuple(PlateCandidate(c.text, c.confidence) for c in message.candidates),
        char_confidences=tuple(message.char_confidence),
    )


def reading_to_pb(reading: PlateReading) -> pb.PlateReading:
    return pb.PlateReading(
        text=reading.text,
        confidence=reading.confidence,
        candidates=[
            pb.PlateCandidate(text=c.text, confidence=c.confidence) for c in reading.candidates
        ],
        char_confidence=list(reading.char_confidences),
    )


def vehicle_to_pb(seen: VehicleSeen) -> pb.VehicleObservation:
    return pb.VehicleObservation(
        color=seen.color.value,
        vehicle_class=seen.vehicle_class.value,
        color_confidence=seen.color_confidence,
        color_agreement=seen.color_agreement,
        color_doubtful=seen.color_doubtful,
        class_confidence=seen.class_confidence,
        class_agreement=seen.class_agreement,
        frames=seen.frames,
    )


def vehicle_from_pb(message: pb.VehicleObservation) -> VehicleSeen:
    """What the edge saw; names central does not know are treated as unseen, not errors.

    An edge on a newer release may name a colour this central does not know yet; that
    must not fail a passage, only stop that name from counting.
    """
    try:
        color = parse_color(message.color)
    except InvalidInput:
        color = parse_color("")
    try:
        vehicle_class = parse_class(message.vehicle_class)
    except InvalidInput:
        vehicle_class = parse_class("")
    return VehicleSeen(
        color=color,
        color_confidence=message.color_confidence,
        color_agreement=message.color_agreement,
        color_doubtful=message.color_doubtful,
        vehicle_class=vehicle_class,
        class_confidence=message.class_confidence,
        class_agreement=message.class_agreement,
        frames=message.frames,
    )


def registration_to_pb(registration: Registration) -> pb.VehicleRegistration:
    return pb.VehicleRegistration(
        plate=registration.plate,
        color=registration.color.value,
        vehicle_class=registration.vehicle_class.value,
        make=registration.make,
    )


def decision_to_pb(passage_id: str, decision: Decision, version: int) -> pb.ScreenResponse:
    return pb.ScreenResponse(
        passage_id=passage_id,
        verdict=verdict_to_pb(decision.verdict),
        reason=decision.reason,
        matches=[match_to_pb(m) for m in decision.matches],
        watchlist_version=version,
    )


def embeddings_to_bytes(vectors: np.ndarray) -> bytes:
    """Face embeddings, shape (N, 128) or (128,), as little-endian float32 bytes.

    The one encoding of an embedding on the wire and in Redis (512 bytes per face).

    Raises:
        InvalidEntry: wrong shape, or values that are not finite.
    """
    array = np.asarray(vectors, dtype=_EMBEDDING_DTYPE)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != EMBEDDING_DIM:
        raise InvalidEntry(
            f"face embeddings must have shape (N, {EMBEDDING_DIM}), got {array.shape}"
        )
    if not np.isfinite(array).all():
        raise InvalidEntry("face embeddings must be finite numbers")
    return array.tobytes()


def embeddings_from_bytes(data: bytes) -> np.ndarray:
    """`embeddings_to_bytes` reversed: float32, shape (N, 128).

    Raises:
        InvalidEntry: a length that is not a whole number of embeddings.
    """
    if not data or len(data) % EMBEDDING_BYTES:
        raise InvalidEntry(
            f"face embedding bytes must be a non-zero multiple of {EMBEDDING_BYTES}, "
            f"got {len(data)}"
        )
    array = np.frombuffer(data, dtype=_EMBEDDING_DTYPE).reshape(-1, EMBEDDING_DIM)
    return array.astype(np.float32)
