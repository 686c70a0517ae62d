"""The ``[central.alerts]`` config section: de-duplication, escalation, retention."""

from __future__ import annotations

from pydantic import Field

from checkpoint.settings import Settings
from checkpoint.watchlist import Severity


class AlertsConfig(Settings):
    dedup_window_s: int = Field(
        60,
        ge=1,
        le=86_400,
        description="Sightings of one subject at one checkpoint this close together are one alert.",
    )
    escalate_after_s: float = Field(
        30.0,
        gt=0,
        le=86_400,
        description="An escalating alert not acknowledged within this many seconds escalates.",
    )
    escalate_severities: tuple[Severity, ...] = Field(
        (Severity.HIGH,), description="Severities whose unacknowledged alerts escalate."
    )
    escalation_check_s: float = Field(
        0.5, gt=0, le=60, description="How often the escalator looks for overdue alerts."
    )
    retention_s: int = Field(
        7 * 86_400,
        ge=60,
        description="Alerts, their pictures and their stream events are kept this long.",
    )
    max_evidence_bytes: int = Field(
        512 * 1024,
        ge=1024,
        le=8 * 1024 * 1024,
        description="A larger evidence JPEG is dropped at ingestion (the alert is kept).",
    )
