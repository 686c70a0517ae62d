"""Person matches to their gRPC message: one home for the mapping."""

from __future__ import annotations

from central.persons.matcher import Band, FaceMatch
from checkpoint import wire
from proto import checkpoint_pb2 as pb

_BAND_TO_PB = {Band.MATCH: pb.FACE_MATCH, Band.REVIEW: pb.FACE_REVIEW, Band.NONE: pb.FACE_NONE}


def face_match_to_pb(match: FaceMatch) -> pb.FaceMatch:
    entry = wire.entry_to_pb(match.entry)
    return pb.FaceMatch(
        key=match.entry.key,
        name=match.name,
        distance=match.distance,
        band=_BAND_TO_PB[match.band],
        reason=entry.reason,
        category=entry.category,
        severity=entry.severity,
    )
