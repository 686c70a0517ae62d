"""Verdict rules over the in-memory watchlist (the edge's local copy)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checkpoint.localcache import LocalWatchlist
from checkpoint.screening import PlateCandidate, PlateReading, Verdict, screen_plate
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry

NOW = datetime.now(tz=UTC)


@pytest.fixture
def view() -> LocalWatchlist:
    return LocalWatchlist(
        [
            make_entry(
                EntryKind.PLATE,
                "冀A12345",
                "stolen saloon",
                category=Category.STOLEN,
                severity=Severity.HIGH,
            ),
            make_entry(
                EntryKind.PLATE_PATTERN, "豫CG*挂", "banned trailers", category=Category.RESTRICTED
            ),
        ]
    )


@pytest.mark.parametrize(
    ("reading", "verdict", "reason"),
    [
        (PlateReading("冀A12345", 0.95), Verdict.STOP, "stolen saloon [exact]"),
        (PlateReading("冀A·12345", 0.30), Verdict.STOP, "stolen"),
        (PlateReading("豫CG117挂", 0.9), Verdict.STOP, "pattern 豫CG*挂"),
        (PlateReading("冀A1Z345", 0.9), Verdict.CHECK, "possible match 冀A12345 (look-alike"),
        (PlateReading("冀A1Z34S", 0.9), Verdict.CHECK, "look-alike, score 0.64"),
        (PlateReading("冀ATZ34S", 0.9), Verdict.PASS, "no watchlist match"),  # 3 diffs: 0.51
        (
            PlateReading("京A77777", 0.9, (PlateCandidate("冀A12345", 0.4),)),
            Verdict.CHECK,
            "candidate reading",
        ),
        (PlateReading("京A77777", 0.9), Verdict.PASS, "no watchlist match"),
        (PlateReading("京A77777", 0.3), Verdict.CHECK, "low-confidence"),
        (PlateReading("", 0.0), Verdict.CHECK, "no readable plate"),
    ],
)
def test_verdicts(
    view: LocalWatchlist, reading: PlateReading, verdict: Verdict, reason: str
) -> None:
    decision = screen_plate(reading, view, NOW)
    assert decision.verdict is verdict
    assert reason in decision.reason


def test_local_cache_remove_and_versions(view: LocalWatchlist) -> None:
    view.remove(EntryKind.PLATE, "冀A12345", version=7)
    view.remove(EntryKind.PLATE_PATTERN, "豫CG*挂", version=8)
    assert view.version == 8
    assert len(view) == 0
    assert screen_plate(PlateReading("冀A12345", 0.9), view, NOW).verdict is Verdict.PASS
    assert screen_plate(PlateReading("豫CG117挂", 0.9), view, NOW).verdict is Verdict.PASS
