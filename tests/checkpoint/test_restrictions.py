"""Restricted-vehicle rules: what, where and when, validated at start-up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from checkpoint.restrictions import Restrictions
from checkpoint.vehicles import VehicleClass, VehicleSeen

LORRY = VehicleSeen(vehicle_class=VehicleClass.LORRY, class_confidence=0.8, class_agreement=1.0)
UNSURE_LORRY = VehicleSeen(
    vehicle_class=VehicleClass.LORRY, class_confidence=0.5, class_agreement=1.0
)
CAR = VehicleSeen(vehicle_class=VehicleClass.CAR, class_confidence=0.9, class_agreement=1.0)

RULES = Restrictions.model_validate(
    {
        "timezone": "Asia/Shanghai",
        "lane_groups": {"centre": ["cp-1/*", "cp-2/lane-1"]},
        "rules": [
            {
                "name": "daytime lorry ban",
                "classes": ["lorry"],
                "plate_colors": ["yellow"],
                "lane_group": "centre",
                "start": "07:00",
                "end": "21:00",
            },
            {
                "name": "night coach check",
                "classes": ["bus"],
                "start": "22:00",
                "end": "05:00",
                "verdict": "CHECK",
            },
        ],
    }
)


def at(hour: int, minute: int = 0) -> datetime:
    """A moment given in Beijing time (UTC+8), as a timezone-aware UTC datetime."""
    return datetime(2026, 11, 26, (hour - 8) % 24, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("where", "plate_color", "seen", "when", "rule"),
    [
        (("cp-1", "lane-3"), "", LORRY, at(9), "daytime lorry ban"),
        (("cp-1", "lane-3"), "yellow", CAR, at(9), "daytime lorry ban"),  # the plate says so
        (("cp-1", "lane-3"), "blue", UNSURE_LORRY, at(9), None),  # a guess never stops anyone
        (("cp-1", "lane-3"), "blue", CAR, at(9), None),
        (("cp-1", "lane-3"), "", LORRY, at(21, 30), None),  # after hours
        (("cp-1", "lane-3"), "", LORRY, at(6, 59), None),
        (("cp-2", "lane-1"), "", LORRY, at(12), "daytime lorry ban"),
        (("cp-2", "lane-2"), "", LORRY, at(12), None),  # not in the group
        (
            ("cp-9", "x"),
            "",
            VehicleSeen(vehicle_class=VehicleClass.BUS, class_confidence=0.7, class_agreement=1),
            at(2),
            "night coach check",
        ),  # a window past midnight
    ],
)
def test_find(
    where: tuple[str, str], plate_color: str, seen: VehicleSeen, when: datetime, rule: str | None
) -> None:
    found = RULES.find(*where, plate_color, seen, when)
    assert (found.name if found else None) == rule


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"rules": [{"name": "x", "start": "07:00"}]}, "restricts nothing"),
        ({"rules": [{"name": "x", "classes": ["tank"]}]}, "unknown vehicle class"),
        ({"rules": [{"name": "x", "plate_colors": ["pink"]}]}, "unknown plate colour"),
        ({"rules": [{"name": "x", "classes": ["bus"], "lane_group": "g"}]}, "lane group 'g'"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"rules": [{"name": "x", "classes": ["bus"], "colour": "red"}]}, "Extra inputs"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Restrictions.model_validate(raw)
