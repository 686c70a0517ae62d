"""Alerts to the gRPC message and to the JSON the tablet page reads: one home for both."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from central.alerts.model import Alert, AlertEvent, EventKind, Picture
from checkpoint import wire
from checkpoint.watchlist import Category, EntryKind, Severity
from proto import checkpoint_pb2 as pb

_EVENT_TO_PB = {
    EventKind.RAISED: pb.Alert.RAISED,
    EventKind.SIGHTED: pb.Alert.SIGHTED,
    EventKind.ACKNOWLEDGED: pb.Alert.ACKNOWLEDGED,
    EventKind.ESCALATED: pb.Alert.ESCALATED,
}
_SEVERITY_TO_PB = {Severity.LOW: pb.LOW, Severity.MEDIUM: pb.MEDIUM, Severity.HIGH: pb.HIGH}
_KIND_TO_PB = {
    EntryKind.PLATE.value: pb.PLATE,
    EntryKind.PLATE_PATTERN.value: pb.PLATE_PATTERN,
    EntryKind.VEHICLE.value: pb.VEHICLE,
    EntryKind.PERSON.value: pb.PERSON,
}
_CATEGORY_TO_PB = {
    Category.STOLEN.value: pb.STOLEN,
    Category.WANTED.value: pb.WANTED,
    Category.ENFORCEMENT.value: pb.ENFORCEMENT,
    Category.RESTRICTED.value: pb.RESTRICTED,
    Category.OTHER.value: pb.OTHER,
}


def alert_to_pb(
    alert: Alert,
    event: AlertEvent | None = None,
    pictures: dict[Picture, bytes] | None = None,
) -> pb.Alert:
    """The gRPC message; `pictures` are attached when given (raised events only)."""
    reason = alert.reason
    matches = []
    if reason.key:
        matches.append(
            pb.Match(
                key=reason.key,
                kind=_KIND_TO_PB.get(reason.kind, pb.ENTRY_KIND_UNSPECIFIED),
                reason=reason.note,
                category=_CATEGORY_TO_PB.get(reason.category, pb.CATEGORY_UNSPECIFIED),
                severity=_SEVERITY_TO_PB[reason.severity],
                score=reason.score,
                exact=reason.score >= 1.0,
            )
        )
    pictures = pictures or {}
    return pb.Alert(
        id=alert.id,
        checkpoint_id=alert.checkpoint,
        lane_id=alert.lane,
        time=wire.ts(alert.time),
        verdict=wire.verdict_to_pb(alert.verdict),
        reason=reason.text,
        matches=matches,
        plate=wire.reading_to_pb(alert.plate),
        evidence_jpeg=pictures.get(Picture.EVIDENCE, b""),
        thumbnail_jpeg=pictures.get(Picture.THUMBNAIL, b""),
        subject=alert.subject,
        sightings=alert.sightings,
        escalated=alert.escalated,
        acknowledged_by=alert.acknowledged_by,
        acknowledged_at=wire.ts(alert.acknowledged_at),
        event_id=event.id if event else "",
        event=_EVENT_TO_PB[event.kind] if event else pb.Alert.EVENT_UNSPECIFIED,
        severity=_SEVERITY_TO_PB[reason.severity],
        last_seen=wire.ts(alert.last_seen),
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="milliseconds")


def alert_to_json(alert: Alert) -> dict[str, Any]:
    """The shape of GET /api/alerts items and of the live feed's ``alert`` field."""
    reason = alert.reason
    base = f"/api/alerts/{alert.id}/"
    return {
        "id": alert.id,
        "verdict": alert.verdict.value,
        "plate": alert.plate.text,
        "plate_confidence": round(alert.plate.confidence, 3),
        "candidates": [
            {"text": c.text, "confidence": round(c.confidence, 3)} for c in alert.plate.candidates
        ],
        "reason": reason.text,
        "match": {
            "key": reason.key,
            "kind": reason.kind,
            "category": reason.category,
            "severity": reason.severity.value,
            "note": reason.note,
            "score": reason.score,
            "label": reason.label,
        },
        "severity": reason.severity.value,
        "checkpoint": alert.checkpoint,
        "lane": alert.lane,
        "time": _iso(alert.time),
        "last_seen": _iso(alert.last_seen),
        "last_lane": alert.last_lane,
        "sightings": alert.sightings,
        "escalated": alert.escalated,
        "escalated_at": _iso(alert.escalated_at),
        "acknowledged_by": alert.acknowledged_by or None,
        "acknowledged_at": _iso(alert.acknowledged_at),
        "evidence_url": base + "evidence.jpg" if Picture.EVIDENCE in alert.pictures else None,
        "thumbnail_url": base + "thumbnail.jpg" if Picture.THUMBNAIL in alert.pictures else None,
    }


def event_to_json(event: AlertEvent) -> dict[str, Any]:
    return {"event_id": event.id, "event": event.kind.value, "alert": alert_to_json(event.alert)}
