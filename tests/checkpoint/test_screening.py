"""Verdict rules over the in-memory watchlist (the edge's local copy)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checkpoint.localcache import LocalWatchlist
from checkpoint.restrictions import RestrictionRule
from checkpoint.screening import (
    Decision,
    PlateCandidate,
    PlateReading,
    Verdict,
    screen_plate,
    screen_vehicle,
)
from checkpoint.vehicles import Registration, VehicleClass, VehicleColor, VehicleSeen
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
        (PlateReading("", 0.0), Verdict.CHECK, "plate unreadable"),
    ],
)
def test_verdicts(
    view: LocalWatchlist, reading: PlateReading, verdict: Verdict, reason: str
) -> None:
    decision = screen_plate(reading, view, NOW)
    assert decision.verdict is verdict
    assert reason in decision.reason


GUESSED_PROVINCE = (0.03, 0.99, 0.98, 0.99, 0.97, 0.99, 0.98)  # the rest sure
SURE_PROVINCE = (0.92, 0.99, 0.98, 0.99, 0.97, 0.99, 0.98)


@pytest.mark.parametrize(
    ("reading", "verdict", "reason"),
    [
        (
            PlateReading("皖A12345", 0.03, (), GUESSED_PROVINCE),
            Verdict.CHECK,
            "possible match 冀A12345 (province unsure: read 皖A12345)",
        ),
        (PlateReading("皖A12345", 0.92, (), SURE_PROVINCE), Verdict.PASS, "no watchlist match"),
        (PlateReading("皖A12345", 0.03), Verdict.CHECK, "low-confidence"),  # no per-char
        (PlateReading("皖A12346", 0.03, (), GUESSED_PROVINCE), Verdict.CHECK, "low-confidence"),
    ],
    ids=["unsure-province-names-the-listed-plate", "sure-province", "unknown", "other-plate"],
)
def test_a_plate_whose_province_was_unsure_is_matched_with_every_province(
    view: LocalWatchlist, reading: PlateReading, verdict: Verdict, reason: str
) -> None:
    """A small province is often guessed, and a guess is often wrong: a listed 冀A12345
    read as 皖A12345 with its province unsure is a CHECK that names the listed plate (never
    a STOP: only the best reading's exact hit stops), not only a low-confidence reading."""
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


# --- the vehicle itself: restrictions and cloned plates on top of the plate's decision ---

WHITE_CAR = Registration("冀A12345", VehicleColor.WHITE, VehicleClass.CAR)
RED = VehicleSeen(color=VehicleColor.RED, color_confidence=0.9, color_agreement=1.0, frames=4)
WHITE = VehicleSeen(color=VehicleColor.WHITE, color_confidence=0.9, color_agreement=1.0, frames=4)
CLEAR = Decision(Verdict.PASS, "no watchlist match")
UNSURE = Decision(Verdict.CHECK, "low-confidence plate reading (0.40)")
BAN = RestrictionRule(name="lorry ban", classes=(VehicleClass.LORRY,))
CHECK_RULE = RestrictionRule(name="coach check", classes=(VehicleClass.BUS,), verdict="CHECK")


@pytest.mark.parametrize(
    ("plate", "seen", "restriction", "verdict", "reason_has"),
    [
        (
            Decision(Verdict.PASS, "no watchlist match"),
            RED,
            None,
            Verdict.CHECK,
            "possible cloned plate",
        ),
        (
            Decision(Verdict.PASS, "no watchlist match"),
            WHITE,
            None,
            Verdict.PASS,
            "no watchlist match",
        ),
        (Decision(Verdict.STOP, "stolen"), RED, BAN, Verdict.STOP, "stolen"),
        (
            Decision(Verdict.PASS, "no watchlist match"),
            WHITE,
            BAN,
            Verdict.STOP,
            "restricted vehicle: lorry ban",
        ),
        (
            Decision(Verdict.PASS, "no watchlist match"),
            WHITE,
            CHECK_RULE,
            Verdict.CHECK,
            "coach check",
        ),
        (
            Decision(Verdict.CHECK, "low-confidence plate reading (0.40)"),
            RED,
            None,
            Verdict.CHECK,
            "low-confidence plate reading (0.40); possible cloned plate",
        ),
    ],
)
def test_screen_vehicle(
    plate: Decision,
    seen: VehicleSeen,
    restriction: RestrictionRule | None,
    verdict: Verdict,
    reason_has: str,
) -> None:
    decision = screen_vehicle(plate, seen=seen, registration=WHITE_CAR, restriction=restriction)
    assert decision.verdict is verdict
    assert reason_has in decision.reason


def test_no_registration_means_no_clone_check() -> None:
    assert screen_vehicle(CLEAR, seen=RED, registration=None) is CLEAR
