"""The operators' CSV files: the watchlist (``plate,reason,category,severity,valid_until``)
and vehicle registrations (``plate,color,class,make``).

Every row is validated before anything is sent, and every bad row is reported with its
line number, so an operator fixes the whole file in one go. UTF-8 with or without a BOM
(Excel writes one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Generic, TextIO, TypeVar

from checkpoint.errors import InvalidInput
from checkpoint.vehicles import Registration, make_registration
from checkpoint.watchlist import (
    Category,
    EntryKind,
    Severity,
    WatchlistEntry,
    make_entry,
    parse_enum,
    parse_until,
    plate_kind_for,
)

COLUMNS = ("plate", "reason", "category", "severity", "valid_until")
REQUIRED = ("plate", "reason")
VEHICLE_COLUMNS = ("plate", "color", "class", "make")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    entry: WatchlistEntry


@dataclass(frozen=True, slots=True)
class CsvError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class CsvResult:
    rows: list[CsvRow]
    errors: list[CsvError]


def read_text(path: Path) -> str:
    """The file's text; a file that is not UTF-8 is an error naming the byte offset."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"{path}: line {line} is not UTF-8 (byte {exc.start}); save the file as UTF-8"
        ) from None


def parse_watchlist_csv(text: str, *, created_by: str = "") -> CsvResult:
    """Parse and validate every row.

    Raises:
        InvalidInput: the header itself is unusable (missing or unknown columns).
    """
    parsed = _parse_rows(text, COLUMNS, REQUIRED, lambda fields: _entry(fields, created_by))
    return CsvResult([CsvRow(line, value) for line, value in parsed.rows], parsed.errors)


def parse_vehicles_csv(text: str) -> VehiclesResult:
    """Parse and validate a registration file (``plate,color,class,make``).

    Raises:
        InvalidInput: the header itself is unusable (missing or unknown columns).
    """
    parsed = _parse_rows(text, VEHICLE_COLUMNS, ("plate",), _registration)
    return VehiclesResult(parsed.rows, parsed.errors)


@dataclass(frozen=True, slots=True)
class VehiclesResult:
    rows: list[tuple[int, Registration]]
    """(line, registration) per good row."""
    errors: list[CsvError]


@dataclass(frozen=True, slots=True)
class _Parsed(Generic[_T]):
    rows: list[tuple[int, _T]]
    errors: list[CsvError]


def _parse_rows(
    text: str,
    columns: Sequence[str],
    required: Sequence[str],
    build: Callable[[dict[str, str]], _T],
) -> _Parsed[_T]:
    """Check the header, then build every row, collecting each bad row with its line."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise InvalidInput("the file is empty: expected a header row " + ",".join(columns))
    names = [name.strip().lower() for name in header]
    unknown = [name for name in names if name not in columns]
    missing = [name for name in required if name not in names]
    if unknown or missing:
        raise InvalidInput(
            f"line 1: bad header {','.join(header)!r}: "
            + (f"unknown column(s) {', '.join(unknown)}; " if unknown else "")
            + (f"missing {', '.join(missing)}; " if missing else "")
            + f"expected {','.join(columns)} (all but {' and '.join(required)} optional)"
        )
    rows: list[tuple[int, _T]] = []
    errors: list[CsvError] = []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(names):
            errors.append(CsvError(line, f"expected {len(names)} fields, got {len(values)}"))
            continue
        fields = dict(zip(names, (v.strip() for v in values), strict=True))
        try:
            rows.append((line, build(fields)))
        except InvalidInput as exc:
            errors.append(CsvError(line, str(exc)))
    return _Parsed(rows, errors)


def _registration(fields: dict[str, str]) -> Registration:
    return make_registration(
        fields["plate"], fields.get("color", ""), fields.get("class", ""), fields.get("make", "")
    )


def _entry(fields: dict[str, str], created_by: str) -> WatchlistEntry:
    plate = fields["plate"]
    if not plate:
        raise InvalidInput("empty plate")
    category = fields.get("category") or ""
    severity = fields.get("severity") or ""
    until = fields.get("valid_until") or ""
    return make_entry(
        plate_kind_for(plate),
        plate,
        fields["reason"],
        category=parse_enum(Category, category, "category") if category else Category.OTHER,
        severity=parse_enum(Severity, severity, "severity") if severity else Severity.MEDIUM,
        created_by=created_by,
        valid_until=parse_until(until) if until else None,
    )


def write_watchlist_csv(entries: Iterable[WatchlistEntry], out: TextIO) -> int:
    """Write plate and pattern entries in the import format; returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for entry in entries:
        if entry.kind not in (EntryKind.PLATE, EntryKind.PLATE_PATTERN):
            continue
        until = entry.valid_until.astimezone(UTC).isoformat() if entry.valid_until else ""
        writer.writerow(
            [entry.key, entry.reason, entry.category.value, entry.severity.value, until]
        )
        count += 1
    return count
