"""Watchlist entry validation, patterns and dates: tables of input -> output or error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from checkpoint.errors import InvalidEntry, InvalidInput, InvalidPlate
from checkpoint.watchlist import (
    Category,
    EntryKind,
    make_entry,
    normalize_key,
    parse_enum,
    parse_until,
    pattern_matches,
    plate_kind_for,
)

CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (EntryKind.PLATE, "冀a·12345", "冀A12345"),
        (EntryKind.VEHICLE, " 粤BD01366 ", "粤BD01366"),
        (EntryKind.PLATE_PATTERN, "冀A**123?", "冀A*123?"),
        (EntryKind.PLATE_PATTERN, "豫cg*挂", "豫CG*挂"),
        (EntryKind.PERSON, " P-001 ", "P-001"),
    ],
)
def test_normalize_key(kind: EntryKind, raw: str, expected: str) -> None:
    assert normalize_key(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "error", "message"),
    [
        (EntryKind.PLATE, "冀A*12345", InvalidPlate, "only allowed in patterns"),
        (EntryKind.PLATE, "冀A1234", InvalidPlate, "too short"),
        (EntryKind.PLATE_PATTERN, "冀A12345", InvalidEntry, "at least one"),
        (EntryKind.PLATE_PATTERN, "*?", InvalidEntry, "fixed characters"),
        (EntryKind.PLATE_PATTERN, "冀A*#", InvalidEntry, "'#'"),
        (EntryKind.PERSON, "  ", InvalidEntry, "non-empty id"),
    ],
)
def test_normalize_key_errors(
    kind: EntryKind, raw: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        normalize_key(kind, raw)


@pytest.mark.parametrize(
    ("pattern", "plate", "hit"),
    [
        ("冀A*123?", "冀AB1234", True),
        ("冀A*123?", "冀A1234", True),  # '*' may be empty
        ("冀A*123?", "冀A12345", False),
        ("冀A*123?", "京AB1234", False),
        ("豫CG*挂", "豫CG117挂", True),
        ("?A12345", "冀A12345", True),
        ("?A12345", "冀A123456", False),
    ],
)
def test_pattern_matches(pattern: str, plate: str, hit: bool) -> None:
    assert pattern_matches(pattern, plate) is hit


def test_parse_until_date_means_end_of_day() -> None:
    assert parse_until("2026-12-31", CST) == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert parse_until("2026-12-31T08:00:00+08:00") == datetime(2026, 12, 31, 0, 0, tzinfo=UTC)
    with pytest.raises(InvalidEntry, match="YYYY-MM-DD"):
        parse_until("tomorrow")


def test_make_entry_rules() -> None:
    now = datetime.now(tz=UTC)
    entry = make_entry(
        EntryKind.PLATE,
        "冀A12345",
        " stolen ",
        category=Category.STOLEN,
        valid_until=now + timedelta(days=1),
    )
    assert entry.reason == "stolen"
    assert entry.is_active(now)
    assert not entry.is_active(now + timedelta(days=2))
    with pytest.raises(InvalidEntry, match="reason is required"):
        make_entry(EntryKind.PLATE, "冀A12345", "")
    with pytest.raises(InvalidEntry, match="after valid_from"):
        make_entry(EntryKind.PLATE, "冀A12345", "x", valid_from=now, valid_until=now)
    with pytest.raises(InvalidEntry, match="time zone"):
        make_entry(EntryKind.PLATE, "冀A12345", "x", valid_until=datetime(2030, 1, 1))


@pytest.mark.parametrize(
    ("text", "kind"), [("冀A12345", EntryKind.PLATE), ("冀A*", EntryKind.PLATE_PATTERN)]
)
def test_plate_kind_for(text: str, kind: EntryKind) -> None:
    assert plate_kind_for(text) is kind


def test_parse_enum_names_allowed_values() -> None:
    assert parse_enum(Category, " Stolen ", "category") is Category.STOLEN
    with pytest.raises(InvalidInput, match="stolen, wanted, enforcement, restricted, other"):
        parse_enum(Category, "lost", "category")
