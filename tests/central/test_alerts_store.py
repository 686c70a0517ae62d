"""The alert data model against a real Redis: de-duplication, pictures, ack, escalation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from central.alerts.config import AlertsConfig
from central.alerts.model import AlertDraft, AlertReason, EventKind, Picture
from central.alerts.store import PENDING_KEY, PREFIX, AlertStore
from checkpoint.errors import NotFound
from checkpoint.screening import PlateCandidate, PlateReading, Verdict
from checkpoint.watchlist import Severity

DATA = Path(__file__).resolve().parents[1] / "web" / "data"
VEHICLE = (DATA / "vehicle.jpg").read_bytes()
FRAME = (DATA / "frame.jpg").read_bytes()
NOW = datetime.now(tz=UTC)


def draft(
    subject: str = "plate:冀A12345",
    *,
    checkpoint: str = "cp-1",
    lane: str = "lane-1",
    passage: str = "",
    severity: Severity = Severity.HIGH,
    at: datetime = NOW,
) -> AlertDraft:
    return AlertDraft(
        checkpoint=checkpoint,
        lane=lane,
        passage_id=passage,
        time=at,
        verdict=Verdict.STOP,
        reason=AlertReason(
            "stolen (high): stolen saloon [exact]",
            key=subject.split(":", 1)[1],
            kind="plate",
            category="stolen",
            severity=severity,
            note="stolen saloon",
            score=1.0,
        ),
        subject=subject,
        plate=PlateReading("冀A12345", 0.97, (PlateCandidate("冀A12345", 0.97),)),
    )


def test_raise_round_trips_every_field(alert_store: AlertStore) -> None:
    alert_id, kind = alert_store.raise_alert(
        draft(), {Picture.EVIDENCE: VEHICLE, Picture.THUMBNAIL: FRAME}
    )
    assert kind is EventKind.RAISED
    alert = alert_store.get(alert_id)
    assert alert is not None
    assert (alert.checkpoint, alert.lane, alert.verdict, alert.subject) == (
        "cp-1",
        "lane-1",
        Verdict.STOP,
        "plate:冀A12345",
    )
    assert alert.reason == draft().reason
    assert alert.plate == draft().plate
    assert abs(alert.time - NOW) < timedelta(milliseconds=1)
    assert alert.pictures == {Picture.EVIDENCE, Picture.THUMBNAIL}
    assert alert_store.picture(alert_id, Picture.EVIDENCE) == VEHICLE
    assert alert_store.picture(alert_id, Picture.THUMBNAIL) == FRAME


def test_same_subject_within_window_is_one_alert(
    alert_store: AlertStore, redis_client: redis.Redis
) -> None:
    first, _ = alert_store.raise_alert(draft(lane="lane-1"))
    again, kind = alert_store.raise_alert(draft(lane="lane-3"))
    other_checkpoint, other_kind = alert_store.raise_alert(draft(checkpoint="cp-2"))
    assert (again, kind) == (first, EventKind.SIGHTED)
    assert other_checkpoint != first and other_kind is EventKind.RAISED
    alert = alert_store.get(first)
    assert alert is not None and (alert.sightings, alert.last_lane) == (2, "lane-3")
    # The window passes: the next sighting is a new alert.
    redis_client.delete(f"{PREFIX}dedup:cp-1:plate:冀A12345")
    later, later_kind = alert_store.raise_alert(draft())
    assert later != first and later_kind is EventKind.RAISED


def test_dedup_key_is_set_nx_with_the_window(redis_client: redis.Redis) -> None:
    alerts = AlertStore(redis_client, AlertsConfig(dedup_window_s=45))
    alert_id, _ = alerts.raise_alert(draft())
    key = f"{PREFIX}dedup:cp-1:plate:冀A12345"
    assert redis_client.get(key) == alert_id
    assert 40 <= int(redis_client.ttl(key)) <= 45
    alerts.close()


def test_a_confirming_stop_upgrades_a_check(alert_store: AlertStore) -> None:
    check = replace(draft(), verdict=Verdict.CHECK, reason=AlertReason("possible match"))
    alert_id, _ = alert_store.raise_alert(check)
    _, kind = alert_store.raise_alert(draft(lane="lane-4"))
    alert = alert_store.get(alert_id)
    assert kind is EventKind.SIGHTED and alert is not None
    assert (alert.verdict, alert.reason, alert.lane) == (Verdict.STOP, draft().reason, "lane-1")


def test_replayed_passage_counts_no_new_sighting(alert_store: AlertStore) -> None:
    alert_id, _ = alert_store.raise_alert(draft(passage="p-1"))
    assert alert_store.raise_alert(draft(passage="p-1")) == (alert_id, None)
    alert = alert_store.get(alert_id)
    assert alert is not None and alert.sightings == 1


def test_pictures_over_the_cap_or_not_jpeg_are_dropped_not_the_alert(
    redis_client: redis.Redis,
) -> None:
    alerts = AlertStore(redis_client, AlertsConfig(max_evidence_bytes=len(FRAME) + 1))
    alert_id, _ = alerts.raise_alert(
        draft(), {Picture.EVIDENCE: VEHICLE, Picture.THUMBNAIL: b"GIF89a..."}
    )
    alert = alerts.get(alert_id)
    assert alert is not None and alert.pictures == frozenset()
    assert alerts.picture(alert_id, Picture.EVIDENCE) is None
    alerts.close()


def test_everything_expires_with_the_retention(redis_client: redis.Redis) -> None:
    alerts = AlertStore(redis_client, AlertsConfig(retention_s=3600))
    alert_id, _ = alerts.raise_alert(draft(), {Picture.EVIDENCE: VEHICLE})
    for key in (f"{PREFIX}a:{alert_id}", f"{PREFIX}img:{alert_id}:evidence"):
        assert 3500 < int(redis_client.ttl(key)) <= 3600
    alerts.close()


def test_acknowledge_records_officer_once(
    alert_store: AlertStore, redis_client: redis.Redis
) -> None:
    alert_id, _ = alert_store.raise_alert(draft())
    acked = alert_store.acknowledge(alert_id, "officer-wang")
    again = alert_store.acknowledge(alert_id, "officer-li")
    assert acked.acknowledged_by == again.acknowledged_by == "officer-wang"
    assert acked.acknowledged_at is not None
    assert redis_client.hget(f"{PREFIX}a:{alert_id}", "acknowledged_by") == "officer-wang"
    assert redis_client.zscore(PENDING_KEY, alert_id) is None
    _, events = alert_store.events_after("0-0")
    assert [e.kind for e in events] == [EventKind.RAISED, EventKind.ACKNOWLEDGED]
    with pytest.raises(NotFound, match="no alert"):
        alert_store.acknowledge("1-0", "officer-wang")


def test_overdue_high_severity_alerts_escalate_once(alert_store: AlertStore) -> None:
    high, _ = alert_store.raise_alert(draft("plate:冀A12345", severity=Severity.HIGH))
    acked, _ = alert_store.raise_alert(draft("plate:冀A54321", severity=Severity.HIGH))
    medium, _ = alert_store.raise_alert(draft("plate:京A8B2Z5", severity=Severity.MEDIUM))
    alert_store.acknowledge(acked, "officer-wang")
    assert alert_store.escalate_due(NOW + timedelta(seconds=29)) == []
    assert alert_store.escalate_due(NOW + timedelta(seconds=31)) == [high]
    assert alert_store.escalate_due(NOW + timedelta(seconds=60)) == []
    states = {i: alert_store.get(i) for i in (high, acked, medium)}
    assert {i: a.escalated for i, a in states.items() if a} == {
        high: True,
        acked: False,
        medium: False,
    }
    _, events = alert_store.events_after("0-0")
    assert [(e.kind, e.alert.id) for e in events][-1] == (EventKind.ESCALATED, high)


def test_recent_is_newest_first_per_checkpoint(alert_store: AlertStore) -> None:
    ids = [
        alert_store.raise_alert(
            draft(f"plate:冀A1234{n}", checkpoint=cp, at=NOW + timedelta(seconds=n))
        )[0]
        for n, cp in enumerate(["cp-1", "cp-2", "cp-1"])
    ]
    assert [a.id for a in alert_store.recent()] == ids[::-1]
    assert [a.id for a in alert_store.recent("cp-1")] == [ids[2], ids[0]]
    assert [a.id for a in alert_store.recent(limit=1)] == [ids[2]]


def test_events_after_a_cursor_filter_by_checkpoint(alert_store: AlertStore) -> None:
    start = alert_store.last_event_id()
    assert start == "0-0"
    one, _ = alert_store.raise_alert(draft("plate:冀A11111", checkpoint="cp-1"))
    alert_store.raise_alert(draft("plate:冀A22222", checkpoint="cp-2"))
    cursor, events = alert_store.events_after(start, checkpoint="cp-1")
    assert [e.alert.id for e in events] == [one]
    assert cursor == alert_store.last_event_id()
    assert alert_store.events_after(cursor, block_ms=10) == (cursor, [])
