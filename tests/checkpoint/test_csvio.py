"""The operators' CSV: every bad row reported with its line number."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from checkpoint.csvio import (
    parse_vehicles_csv,
    parse_watchlist_csv,
    read_text,
    write_watchlist_csv,
)
from checkpoint.errors import InvalidInput
from checkpoint.watchlist import Category, Severity

HEADER = "plate,reason,category,severity,valid_until\n"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ("冀A12345,stolen,stolen,high,2030-01-01\n", []),
        ("冀A12345,stolen,,,\n", []),
        ("\n冀A12345,stolen,,,\n\n", []),
        ("冀A1,x,,,\n", [(2, "too short")]),
        (",x,,,\n", [(2, "empty plate")]),
        ("冀A12345,,,,\n", [(2, "reason is required")]),
        ("冀A12345,x,lost,,\n", [(2, "unknown category")]),
        ("冀A12345,x,,urgent,\n", [(2, "unknown severity")]),
        ("冀A12345,x,,,someday\n", [(2, "invalid date")]),
        ("冀A12345,x\n", [(2, "expected 5 fields, got 2")]),
        ('冀A12345,"multi\nline",,,\n京A1,x,,,\n', [(5 - 1, "too short")]),
    ],
)
def test_rows(body: str, errors: list[tuple[int, str]]) -> None:
    result = parse_watchlist_csv(HEADER + body)
    assert [(e.line, m in e.message) for e, (_, m) in zip(result.errors, errors, strict=True)] == [
        (line, True) for line, _ in errors
    ]


def test_optional_columns_and_defaults() -> None:
    result = parse_watchlist_csv("reason,plate\nstolen,冀A12345\n")
    assert result.errors == []
    entry = result.rows[0].entry
    assert (entry.key, entry.category, entry.severity) == (
        "冀A12345",
        Category.OTHER,
        Severity.MEDIUM,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("plate\n冀A12345\n", "missing reason"),
        ("plate,reason,colour\n", "unknown column(s) colour"),
    ],
)
def test_bad_header(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_watchlist_csv(text)


def test_bom_and_non_utf8(tmp_path: Path) -> None:
    good = tmp_path / "bom.csv"
    good.write_bytes(b"\xef\xbb\xbf" + (HEADER + "冀A12345,x,,,\n").encode())
    assert parse_watchlist_csv(read_text(good)).rows[0].entry.key == "冀A12345"
    bad = tmp_path / "gbk.csv"
    bad.write_bytes(HEADER.encode() + "冀A12345,x,,,\n".encode("gbk"))
    with pytest.raises(InvalidInput, match="line 2 is not UTF-8"):
        read_text(bad)


def test_write_round_trips() -> None:
    rows = parse_watchlist_csv(HEADER + '冀A12345,"stolen, red",stolen,high,2030-01-01\n').rows
    out = io.StringIO()
    assert write_watchlist_csv([r.entry for r in rows], out) == 1
    again = parse_watchlist_csv(out.getvalue())
    assert again.errors == []
    assert again.rows[0].entry == rows[0].entry


@pytest.mark.parametrize(
    ("text", "rows", "errors"),
    [
        ("plate,color,class,make\n冀A·12345,White,car,Geely\n", [(2, "冀A12345")], []),
        ("plate,color\n冀A12345,red\n", [(2, "冀A12345")], []),  # class and make optional
        (
            "plate,color,class,make\n冀A12345,white,car,x\n冀A1,white,car,x\n京A12345,plaid,car,x\n"
            "京B12345,white,tank,x\n,white,car,x\n京C12345,white\n",
            [(2, "冀A12345")],
            [
                (3, "too short"),
                (4, "unknown vehicle colour 'plaid'"),
                (5, "unknown vehicle class 'tank'"),
                (6, "empty plate"),
                (7, "expected 4 fields, got 2"),
            ],
        ),
    ],
)
def test_vehicle_rows(
    text: str, rows: list[tuple[int, str]], errors: list[tuple[int, str]]
) -> None:
    result = parse_vehicles_csv(text)
    assert [(line, reg.plate) for line, reg in result.rows] == rows
    assert len(result.errors) == len(errors)
    for error, (line, message) in zip(result.errors, errors, strict=True):
        assert error.line == line
        assert message in error.message


def test_vehicle_header_must_name_the_plate() -> None:
    with pytest.raises(InvalidInput, match=r"line 1: bad header.*missing plate"):
        parse_vehicles_csv("colour,class\nwhite,car\n")
