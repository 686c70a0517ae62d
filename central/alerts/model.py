"""What an alert is, and the pure rules around it; no Redis, no network.

An alert is raised for every STOP and CHECK verdict. Sightings of the same *subject* at the
same checkpoint within the de-duplication window update one alert instead of raising many:
the officer at the lane needs one card per vehicle, not one per camera frame or per lane.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from checkpoint.errors import InvalidInput
from checkpoint.screening import Decision, PlateReading, Verdict, describe
from checkpoint.watchlist import Severity

JPEG_MAGIC = b"\xff\xd8\xff"
_CURSOR = re.compile(r"\d{1,20}(-\d{1,20})?")


class EventKind(StrEnum):
    """What happened to an alert; one stream event each."""

    RAISED = "raised"
    SIGHTED = "sighted"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"


class Picture(StrEnum):
    """The two evidence pictures kept per alert."""

    EVIDENCE = "evidence"
    """The vehicle crop."""
    THUMBNAIL = "thumbnail"
    """A small thumbnail of the whole frame."""


@dataclass(frozen=True, slots=True)
class AlertReason:
    """Why the alert was raised: the officer-facing text and the watchlist entry hit."""

    text: str
    key: str = ""
    """The watchlist entry's key; empty when no entry was hit (unreadable plate...)."""
    kind: str = ""
    category: str = ""
    severity: Severity = Severity.MEDIUM
    note: str = ""
    """The entry's own reason, as the operator wrote it."""
    score: float = 0.0
    label: str = ""
    """What officers call the subject when the key is an id: a wanted person's name."""


@dataclass(frozen=True, slots=True)
class AlertDraft:
    """Everything known about a sighting before the store gives it an id."""

    checkpoint: str
    lane: str
    passage_id: str
    time: datetime
    verdict: Verdict
    reason: AlertReason
    subject: str
    plate: PlateReading


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert as stored: the first sighting, plus what happened since."""

    id: str
    checkpoint: str
    lane: str
    time: datetime
    verdict: Verdict
    reason: AlertReason
    subject: str
    plate: PlateReading
    sightings: int = 1
    last_seen: datetime | None = None
    last_lane: str = ""
    escalated: bool = False
    escalated_at: datetime | None = None
    acknowledged_by: str = ""
    acknowledged_at: datetime | None = None
    pictures: frozenset[Picture] = frozenset()


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One entry of the alert stream; `id` is the resume cursor."""

    id: str
    kind: EventKind
    alert: Alert


def should_alert(verdict: Verdict) -> bool:
    return verdict is not Verdict.PASS


def reason_for(decision: Decision) -> AlertReason:
    """The entry behind a decision: the match whose description the reason quotes."""
    chosen = next((m for m in decision.matches if describe(m) in decision.reason), None)
    if chosen is None and decision.matches:
        chosen = decision.matches[0]
    if chosen is None:
        return AlertReason(text=decision.reason)
    entry = chosen.entry
    return AlertReason(
        text=decision.reason,
        key=entry.key,
        kind=entry.kind.value,
        category=entry.category.value,
        severity=entry.severity,
        note=entry.reason,
        score=round(chosen.score, 4),
        label=entry.attributes.get("name", "") if entry.kind.value == "person" else "",
    )


def subject_for(reason: AlertReason, plate_text: str, passage_id: str) -> str:
    """What de-duplication keys on.

    The watchlist entry hit when there is one (a look-alike read and an exact read of the
    same stolen car are one vehicle), else the plate text, else the passage itself:
    two different vehicles with unreadable plates must never merge into one alert.
    """
    if reason.key:
        return f"{reason.kind}:{reason.key}"
    if plate_text.strip():
        return f"plate:{plate_text.strip()}"
    return f"passage:{passage_id}"


def draft_alert(
    *,
    checkpoint: str,
    lane: str,
    passage_id: str,
    time: datetime,
    plate: PlateReading,
    decision: Decision,
) -> AlertDraft:
    reason = reason_for(decision)
    return AlertDraft(
        checkpoint=checkpoint or "default",
        lane=lane,
        passage_id=passage_id,
        time=time,
        verdict=decision.verdict,
        reason=reason,
        subject=subject_for(reason, plate.text, passage_id),
        plate=plate,
    )


def escalation_due(
    severity: Severity, raised: datetime, after_s: float, severities: Collection[Severity]
) -> datetime | None:
    """When an unacknowledged alert escalates; None when its severity never does."""
    if severity not in severities:
        return None
    return raised + timedelta(seconds=after_s)


def accept_picture(data: bytes, max_bytes: int) -> tuple[bytes | None, str]:
    """The picture to keep and, when dropped, why (for a log line).

    A picture is kept only when it is a JPEG no larger than the cap: the stream is read by
    every tablet, so one oversized frame must not slow the feed for the whole checkpoint.
    """
    if not data:
        return None, ""
    if not data.startswith(JPEG_MAGIC):
        return None, "not a JPEG"
    if len(data) > max_bytes:
        return None, f"{len(data)} bytes exceeds the {max_bytes}-byte cap"
    return data, ""


def cursor(text: str) -> str:
    """A client's resume cursor (an event id such as ``1732600000000-0``), checked.

    Raises:
        InvalidInput: anything that is not a stream id, before it reaches Redis.
    """
    text = text.strip()
    if not _CURSOR.fullmatch(text):
        raise InvalidInput(f"{text!r} is not an alert event id (like 1732600000000-0)")
    return text
