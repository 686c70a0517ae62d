"""Alerts in Redis: a durable event stream, de-duplication, acknowledgement, escalation.

Redis data model (every key shares the ``{cp}`` hash tag, like `central.store`):

- ``cp:{cp}:al:stream`` - stream of events, fields op (raised, sighted, acknowledged,
  escalated), alert, checkpoint. The id of an alert is the id of its ``raised`` event; an
  event id is the resume cursor of `Alerts.Subscribe` and of the page's live feed.
  Trimmed with ``MINID`` to `retention_s`.
- ``cp:{cp}:al:a:<id>`` - hash, the alert's state: checkpoint, lane, time (epoch ms),
  verdict, reason fields (reason, key, kind, category, severity, note, score, label),
  subject,
  plate, confidence, candidates (JSON), sightings, last_seen, last_lane, escalated,
  escalated_at, acknowledged_by, acknowledged_at, pictures (comma list). EXPIRE retention.
- ``cp:{cp}:al:img:<id>:<evidence|thumbnail>`` - string, one JPEG (size-capped on the way
  in). EXPIRE retention.
- ``cp:{cp}:al:dedup:<checkpoint>:<subject>`` - string, the open alert's id; ``SET NX EX``
  window, and every sighting pushes the expiry out again, so a vehicle circling the
  checkpoint stays one alert. A STOP sighting of a CHECK alert turns it into a STOP.
- ``cp:{cp}:al:passage:<passage_id>`` - string, the alert a passage went to; a passage
  replayed from an edge's spool is answered with it and counts no new sighting.
- ``cp:{cp}:al:recent`` and ``cp:{cp}:al:recent:<checkpoint>`` - sorted sets, alert id by
  raise time (ms): the newest-first listing, trimmed to the retention.
- ``cp:{cp}:al:pending`` - sorted set, alert id by escalation due time (ms): only alerts
  whose severity escalates, removed on acknowledgement or escalation.

Every change is one Lua script (`central.alerts.scripts`), so the alert, its indexes and its
stream event move together: a subscriber that sees an event always finds the alert it names.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import cast

import redis

from central.alerts import scripts
from central.alerts.config import AlertsConfig
from central.alerts.model import (
    Alert,
    AlertDraft,
    AlertEvent,
    AlertReason,
    EventKind,
    Picture,
    accept_picture,
    escalation_due,
)
from checkpoint.errors import NotFound
from checkpoint.screening import PlateCandidate, PlateReading, Verdict
from checkpoint.watchlist import Severity

logger = logging.getLogger(__name__)

PREFIX = "cp:{cp}:al:"
STREAM_KEY = PREFIX + "stream"
PENDING_KEY = PREFIX + "pending"
RECENT_KEY = PREFIX + "recent"
_KEYS = [STREAM_KEY, PENDING_KEY, RECENT_KEY]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _from_ms(value: str | None) -> datetime | None:
    return None if not value else datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def to_fields(draft: AlertDraft) -> str:
    """The alert hash's fields as one JSON object (one script argument, not thirty)."""
    reason = draft.reason
    candidates = [[c.text, c.confidence] for c in draft.plate.candidates]
    return json.dumps(
        {
            "checkpoint": draft.checkpoint,
            "lane": draft.lane,
            "time": str(_ms(draft.time)),
            "verdict": draft.verdict.value,
            "reason": reason.text,
            "key": reason.key,
            "kind": reason.kind,
            "category": reason.category,
            "severity": reason.severity.value,
            "note": reason.note,
            "label": reason.label,
            "score": repr(reason.score),
            "subject": draft.subject,
            "plate": draft.plate.text,
            "confidence": repr(draft.plate.confidence),
            "candidates": json.dumps(candidates, ensure_ascii=False),
        },
        ensure_ascii=False,
    )


def from_hash(alert_id: str, fields: dict[str, str]) -> Alert:
    candidates = json.loads(fields.get("candidates") or "[]")
    return Alert(
        id=alert_id,
        checkpoint=fields.get("checkpoint", ""),
        lane=fields.get("lane", ""),
        time=_from_ms(fields.get("time")) or datetime.fromtimestamp(0, tz=UTC),
        verdict=Verdict(fields.get("verdict", "CHECK")),
        reason=AlertReason(
            text=fields.get("reason", ""),
            key=fields.get("key", ""),
            kind=fields.get("kind", ""),
            category=fields.get("category", ""),
            severity=Severity(fields.get("severity", "medium")),
            note=fields.get("note", ""),
            score=float(fields.get("score") or 0),
            label=fields.get("label", ""),
        ),
        subject=fields.get("subject", ""),
        plate=PlateReading(
            text=fields.get("plate", ""),
            confidence=float(fields.get("confidence") or 0),
            candidates=tuple(PlateCandidate(str(t), float(c)) for t, c in candidates),
        ),
        sightings=int(fields.get("sightings") or 1),
        last_seen=_from_ms(fields.get("last_seen")),
        last_lane=fields.get("last_lane", ""),
        escalated=fields.get("escalated") == "1",
        escalated_at=_from_ms(fields.get("escalated_at")),
        acknowledged_by=fields.get("acknowledged_by", ""),
        acknowledged_at=_from_ms(fields.get("acknowledged_at")),
        pictures=frozenset(Picture(p) for p in (fields.get("pictures") or "").split(",") if p),
    )


class AlertStore:
    """Alert persistence in Redis; thread-safe (redis-py clients are).

    `client` must decode replies to str (as `central.redis_server.connect` does); pictures
    are read through a second, binary client on the same server, closed by `close()`.
    """

    def __init__(self, client: redis.Redis, config: AlertsConfig | None = None) -> None:
        self._r = client
        self.config = config or AlertsConfig()
        pool = client.connection_pool
        self._raw = redis.Redis(
            connection_pool=redis.ConnectionPool(
                connection_class=pool.connection_class,
                **{**pool.connection_kwargs, "decode_responses": False},
            )
        )
        self._raise = client.register_script(scripts.RAISE)
        self._ack = client.register_script(scripts.ACK)
        self._escalate = client.register_script(scripts.ESCALATE)

    def close(self) -> None:
        self._raw.close()

    def _minid(self, now: datetime) -> str:
        return str(_ms(now) - self.config.retention_s * 1000)

    # ------------------------------------------------------------------ writes

    def raise_alert(
        self, draft: AlertDraft, pictures: dict[Picture, bytes] | None = None
    ) -> tuple[str, EventKind | None]:
        """Raise an alert, or count a sighting of the open one for the same subject.

        Returns:
            The alert id and what happened: RAISED, SIGHTED, or None for a passage that
            was already recorded (a replay from an edge's spool).
        """
        config = self.config
        due = escalation_due(
            draft.reason.severity,
            draft.time,
            config.escalate_after_s,
            config.escalate_severities,
        )
        args: list[str | bytes] = [
            PREFIX,
            str(_ms(draft.time)),
            str(config.dedup_window_s),
            str(config.retention_s),
            self._minid(draft.time),
            draft.passage_id,
            draft.checkpoint,
            draft.subject,
            draft.lane,
            "" if due is None else str(_ms(due)),
            to_fields(draft),
        ]
        for picture, data in (pictures or {}).items():
            kept, why = accept_picture(data, config.max_evidence_bytes)
            if kept is None:
                if why:
                    logger.warning("alert picture dropped kind=%s: %s", picture, why)
                continue
            args += [picture.value, kept]
        alert_id, op = cast(list[str], self._raise(keys=_KEYS, args=args))
        kind = None if op == "replay" else EventKind(op)
        # A plate on an alert is a hit, so logging it is the point; person data never goes
        # to INFO (issue 6: privacy), only the alert id an officer can look up.
        subject = "person" if draft.subject.startswith("person:") else draft.subject
        logger.info(
            "alert %s id=%s checkpoint=%s lane=%s verdict=%s subject=%s",
            op,
            alert_id,
            draft.checkpoint,
            draft.lane,
            draft.verdict,
            subject,
        )
        return alert_id, kind

    def acknowledge(self, alert_id: str, officer: str, now: datetime | None = None) -> Alert:
        """Record who acknowledged an alert and when; a second acknowledgement keeps the first.

        Raises:
            NotFound: no such alert (never raised, or past retention).
        """
        now = now or datetime.now(tz=UTC)
        result = self._ack(
            keys=_KEYS, args=[PREFIX, alert_id, officer, str(_ms(now)), self._minid(now)]
        )
        if result == "missing":
            raise NotFound(f"no alert {alert_id!r} (never raised, or past retention)")
        alert = self.get(alert_id)
        if alert is None:
            raise NotFound(f"alert {alert_id!r} expired while being acknowledged")
        if result == "ok":
            logger.info("alert acknowledged id=%s officer=%s", alert_id, officer)
        return alert

    def escalate_due(self, now: datetime | None = None) -> list[str]:
        """Escalate every unacknowledged alert whose escalation time has passed."""
        now = now or datetime.now(tz=UTC)
        ids = cast(
            list[str], self._escalate(keys=_KEYS, args=[PREFIX, str(_ms(now)), self._minid(now)])
        )
        for alert_id in ids:
            logger.warning("alert escalated id=%s: not acknowledged in time", alert_id)
        return ids

    # ------------------------------------------------------------------ reads

    def get(self, alert_id: str) -> Alert | None:
        fields = cast(dict[str, str], self._r.hgetall(PREFIX + "a:" + alert_id))
        return from_hash(alert_id, fields) if fields else None

    def _get_many(self, ids: Sequence[str]) -> dict[str, Alert]:
        pipe = self._r.pipeline(transaction=False)
        for alert_id in ids:
            pipe.hgetall(PREFIX + "a:" + alert_id)
        return {
            alert_id: from_hash(alert_id, fields)
            for alert_id, fields in zip(ids, pipe.execute(), strict=True)
            if fields
        }

    def recent(self, checkpoint: str | None = None, limit: int = 50) -> list[Alert]:
        """The newest alerts first, of one checkpoint or all."""
        index = RECENT_KEY + (f":{checkpoint}" if checkpoint else "")
        ids = cast(list[str], self._r.zrevrange(index, 0, max(limit, 1) - 1))
        found = self._get_many(ids)
        return [found[i] for i in ids if i in found]

    def picture(self, alert_id: str, picture: Picture) -> bytes | None:
        data = self._raw.get(f"{PREFIX}img:{alert_id}:{picture.value}")
        return cast(bytes | None, data)

    def last_event_id(self) -> str:
        """The newest event's id ("0-0" when none): where a fresh subscriber starts."""
        last = cast(list[tuple[str, dict[str, str]]], self._r.xrevrange(STREAM_KEY, count=1))
        return last[0][0] if last else "0-0"

    def events_after(
        self,
        after_id: str,
        *,
        checkpoint: str | None = None,
        block_ms: int = 0,
        count: int = 200,
    ) -> tuple[str, list[AlertEvent]]:
        """Events after the cursor `after_id`, oldest first, blocking up to `block_ms`.

        Returns:
            The new cursor (the last event read, filtered out or not) and the events of
            `checkpoint` (all when None) whose alert still exists.
        """
        if block_ms > 0:
            reply = self._r.xread({STREAM_KEY: after_id}, count=count, block=block_ms)
        else:
            reply = self._r.xread({STREAM_KEY: after_id}, count=count)
        streams = cast(list[tuple[str, list[tuple[str, dict[str, str]]]]], reply or [])
        raw = streams[0][1] if streams else []
        if not raw:
            return after_id, []
        wanted = [
            (event_id, fields)
            for event_id, fields in raw
            if not checkpoint or fields.get("checkpoint") == checkpoint
        ]
        ids = [fields.get("alert") or event_id for event_id, fields in wanted]
        alerts = self._get_many(sorted(set(ids)))
        events = [
            AlertEvent(event_id, EventKind(fields["op"]), alerts[alert_id])
            for (event_id, fields), alert_id in zip(wanted, ids, strict=True)
            if alert_id in alerts
        ]
        return raw[-1][0], events
