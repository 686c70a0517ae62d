"""Watchlist entries: the domain values operators manage, validated before they reach Redis.

The same validation runs in the CLI (so an import reports every bad row before anything is
sent) and in central (which never trusts a client), so it lives here, free of I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from checkpoint import plates
from checkpoint.errors import InvalidEntry, InvalidPlate

E = TypeVar("E", bound=StrEnum)

WILDCARDS = frozenset("*?")
MIN_PATTERN_FIXED_CHARS = 2
MAX_REASON_CHARS = 500


class EntryKind(StrEnum):
    PLATE = "plate"
    PLATE_PATTERN = "plate_pattern"
    VEHICLE = "vehicle"
    PERSON = "person"


class Category(StrEnum):
    STOLEN = "stolen"
    WANTED = "wanted"
    ENFORCEMENT = "enforcement"
    RESTRICTED = "restricted"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class WatchlistEntry:
    """One watchlist entry as central stores it.

    `version` and `updated_at` are assigned by the store on every change; callers building
    a new entry leave them at their defaults.
    """

    kind: EntryKind
    key: str
    reason: str
    category: Category = Category.OTHER
    severity: Severity = Severity.MEDIUM
    created_by: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    version: int = 0
    updated_at: datetime | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)

    def is_active(self, now: datetime) -> bool:
        """True when `now` lies inside the entry's validity window."""
        if self.valid_from is not None and now < self.valid_from:
            return False
        return not (self.valid_until is not None and now >= self.valid_until)


def has_wildcards(text: str) -> bool:
    return any(ch in WILDCARDS for ch in text)


def normalize_key(kind: EntryKind, raw: str) -> str:
    """Return the canonical key for `raw` under `kind`, or raise with the reason.

    Raises:
        InvalidPlate: a plate or vehicle key that is not a plate.
        InvalidEntry: a pattern or person id that cannot be used.
    """
    if kind in (EntryKind.PLATE, EntryKind.VEHICLE):
        if has_wildcards(raw):
            raise InvalidPlate(f"{raw!r}: wildcards '*' and '?' are only allowed in patterns")
        return plates.parse(raw).text
    if kind is EntryKind.PLATE_PATTERN:
        return normalize_pattern(raw)
    person_id = raw.strip()
    if not person_id:
        raise InvalidEntry("a person entry needs a non-empty id")
    return person_id


def normalize_pattern(raw: str) -> str:
    """Normalize a wildcard pattern such as ``冀A*123?``.

    Separators and case are handled as for plates; a pattern must keep enough fixed
    characters that it cannot match most traffic by accident.
    """
    text = plates.normalize(raw)
    if not has_wildcards(text):
        raise InvalidEntry(f"{raw!r}: a pattern needs at least one '*' or '?'")
    fixed = [ch for ch in text if ch not in WILDCARDS]
    for pos, ch in enumerate(text, start=1):
        if ch not in WILDCARDS and not _plate_char(ch):
            raise InvalidEntry(f"{raw!r}: character {ch!r} at position {pos} is not allowed")
    if len(fixed) < MIN_PATTERN_FIXED_CHARS:
        raise InvalidEntry(
            f"{raw!r}: a pattern needs at least {MIN_PATTERN_FIXED_CHARS} fixed characters,"
            f" got {len(fixed)}"
        )
    return re.sub(r"\*+", "*", text)


def _plate_char(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=4096)
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """Compile a normalized wildcard pattern: '*' any run (also empty), '?' one character."""
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(body)


def pattern_matches(pattern: str, plate: str) -> bool:
    return pattern_regex(pattern).fullmatch(plate) is not None


def parse_enum(enum: type[E], value: str, what: str) -> E:
    """Parse a user-supplied enum value case-insensitively, naming the allowed values."""
    try:
        return enum(value.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidEntry(f"unknown {what} {value!r}: use one of {allowed}") from None


def parse_until(value: str, tz: timezone | None = None) -> datetime:
    """Parse an ISO date or datetime given by an operator.

    A bare date means "until the end of that day" in the local time zone (or `tz`), which is
    what an operator typing ``--until 2026-12-31`` expects.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1), time.min)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidEntry(f"invalid date {value!r}: use YYYY-MM-DD or an ISO date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
    return moment.astimezone(UTC)


def make_entry(
    kind: EntryKind,
    key: str,
    reason: str,
    *,
    category: Category = Category.OTHER,
    severity: Severity = Severity.MEDIUM,
    created_by: str = "",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    attributes: Mapping[str, str] | None = None,
) -> WatchlistEntry:
    """Build a validated entry with a normalized key.

    Raises:
        InvalidInput: any field breaks a rule; the message names the field and the value.
    """
    normalized = normalize_key(kind, key)
    reason = reason.strip()
    if kind is not EntryKind.VEHICLE and not reason:
        raise InvalidEntry(f"{key!r}: a reason is required")
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidEntry(f"{key!r}: reason longer than {MAX_REASON_CHARS} characters")
    for name, moment in (("valid_from", valid_from), ("valid_until", valid_until)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidEntry(f"{key!r}: {name} must carry a time zone")
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        raise InvalidEntry(f"{key!r}: valid_until must be after valid_from")
    return WatchlistEntry(
        kind=kind,
        key=normalized,
        reason=reason,
        category=category,
        severity=severity,
        created_by=created_by,
        valid_from=valid_from,
        valid_until=valid_until,
        attributes=dict(attributes or {}),
    )


def plate_kind_for(key: str) -> EntryKind:
    """PLATE for a plain plate, PLATE_PATTERN when the operator typed wildcards."""
    return EntryKind.PLATE_PATTERN if has_wildcards(key) else EntryKind.PLATE
