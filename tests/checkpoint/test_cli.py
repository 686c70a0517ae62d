"""The `checkpoint` CLI end to end against a real central (gRPC on loopback, real Redis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from central.server import Central
from checkpoint.cli.main import main


def run(central: Central, *args: str) -> int:
    return main(["--central", central.address, *args])


def test_add_then_check_json(central: Central, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            central,
            "watchlist",
            "add",
            "冀A·12345",
            "--reason",
            "stolen saloon",
            "--category",
            "stolen",
            "--severity",
            "HIGH",
            "--until",
            "2099-12-31",
        )
        == 0
    )
    assert "added 冀A12345" in capsys.readouterr().out
    assert run(central, "watchlist", "check", "冀AT2345", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {
        "plate": "冀AT2345",
        "matches": [
            {
                "key": "冀A12345",
                "kind": "plate",
                "reason": "stolen saloon",
                "category": "stolen",
                "severity": "high",
                "score": 0.8,
                "exact": False,
                "diff_positions": [2],
            }
        ],
    }
    assert run(central, "watchlist", "check", "川A8H458", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"plate": "川A8H458", "matches": []}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["watchlist", "check", "冀A123"], "too short"),
        (["watchlist", "add", "冀A12#45", "--reason", "x"], "'#'"),
        (
            ["watchlist", "add", "冀A12345", "--reason", "x", "--category", "bogus"],
            "unknown category 'bogus'",
        ),
        (
            ["watchlist", "add", "冀A12345", "--reason", "x", "--until", "31/12/2026"],
            "invalid date",
        ),
        (["watchlist", "add", "*", "--reason", "x"], "fixed characters"),
    ],
)
def test_bad_input_exits_non_zero_with_reason(
    central: Central, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run(central, *args) == 1
    assert message in capsys.readouterr().err


def test_unknown_option_is_an_error(central: Central) -> None:
    with pytest.raises(SystemExit) as info:
        run(central, "watchlist", "list", "--bogus")
    assert info.value.code == 2


def test_unreachable_central(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--central", "127.0.0.1:1", "--timeout", "1", "watchlist", "list"]) == 3
    assert "unreachable" in capsys.readouterr().err


def test_import_reports_every_bad_row_and_applies_nothing(
    central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "stolen.csv"
    csv_file.write_bytes(
        "\ufeffplate,reason,category,severity,valid_until\n"
        "冀A12345,stolen,stolen,high,2099-01-01\n"
        "冀A1,too short,stolen,high,\n"
        "京A54321,fines,enforcement,low,\n"
        "粤B12345,bad category,nonsense,low,\n".encode()
    )
    assert run(central, "watchlist", "import", str(csv_file)) == 1
    err = capsys.readouterr().err
    assert "line 3:" in err and "too short" in err
    assert "line 5:" in err and "unknown category" in err
    assert "nothing imported" in err
    assert run(central, "watchlist", "check", "冀A12345", "--json") == 0
    assert json.loads(capsys.readouterr().out)["matches"] == []

    assert run(central, "watchlist", "import", str(csv_file), "--skip-invalid") == 0
    assert "imported 2 row(s), rejected 2" in capsys.readouterr().out


def test_export_import_round_trip(
    central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for plate, reason in (("冀A12345", "stolen, silver saloon"), ("豫CG*挂", "banned")):
        assert run(central, "watchlist", "add", plate, "--reason", reason) == 0
    out = tmp_path / "export.csv"
    assert run(central, "watchlist", "export", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "plate,reason,category,severity,valid_until"
    assert '"stolen, silver saloon"' in text
    for plate in ("冀A12345", "豫CG*挂"):
        assert run(central, "watchlist", "remove", plate) == 0
    assert run(central, "watchlist", "remove", "冀A12345") == 1
    assert run(central, "watchlist", "import", str(out)) == 0
    capsys.readouterr()
    assert run(central, "watchlist", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(e["key"], e["kind"], e["reason"]) for e in listed] == [
        ("冀A12345", "plate", "stolen, silver saloon"),
        ("豫CG*挂", "plate_pattern", "banned"),
    ]
