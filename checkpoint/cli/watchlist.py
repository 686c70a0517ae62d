"""`checkpoint watchlist ...`: operators' commands, all through central's gRPC API."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path

from checkpoint import wire
from checkpoint.cli import persons
from checkpoint.client import CentralClient
from checkpoint.csvio import (
    CsvError,
    parse_vehicles_csv,
    parse_watchlist_csv,
    read_text,
    write_watchlist_csv,
)
from checkpoint.errors import InvalidInput
from checkpoint.watchlist import (
    Category,
    Severity,
    make_entry,
    parse_enum,
    parse_until,
    plate_kind_for,
)
from proto import checkpoint_pb2 as pb


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("watchlist", help="manage the watchlist on central")
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = commands.add_parser("add", help="add or replace a plate or a wildcard pattern")
    add.add_argument("plate", help="plate, e.g. 冀A12345, or pattern with * and ?, e.g. 冀A*123?")
    add.add_argument("--reason", required=True)
    add.add_argument(
        "--category", default="other", help="stolen, wanted, enforcement, restricted or other"
    )
    add.add_argument("--severity", default="medium", help="low, medium or high")
    add.add_argument("--until", help="ISO date or date-time; a date means the end of that day")
    add.set_defaults(run=_add)

    remove = commands.add_parser("remove", help="remove a plate or pattern")
    remove.add_argument("plate")
    remove.set_defaults(run=_remove)

    listing = commands.add_parser("list", help="list plates and patterns")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.set_defaults(run=_list)

    imp = commands.add_parser(
        "import", help="import a CSV: plate,reason,category,severity,valid_until"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help="apply the valid rows even when some rows are bad",
    )
    imp.set_defaults(run=_import)

    exp = commands.add_parser("export", help="export plates and patterns as CSV")
    exp.add_argument("file", nargs="?", type=Path, help="output file (default: stdout)")
    exp.set_defaults(run=_export)

    check = commands.add_parser("check", help="what a plate matches on the watchlist")
    check.add_argument("plate")
    check.add_argument("--json", action="store_true")
    check.set_defaults(run=_check)

    vehicles = commands.add_parser(
        "import-vehicles",
        help="import vehicle registrations (CSV: plate,color,class,make) for the "
        "cloned-plate check",
    )
    vehicles.add_argument("file", type=Path)
    vehicles.add_argument(
        "--skip-invalid",
        action="store_true",
        help="apply the valid rows even when some rows are bad",
    )
    vehicles.set_defaults(run=_import_vehicles)

    vehicle = commands.add_parser("vehicle", help="what a plate is registered to")
    vehicle.add_argument("plate")
    vehicle.add_argument("--json", action="store_true")
    vehicle.set_defaults(run=_vehicle)

    persons.add_parsers(commands)


def _actor() -> str:
    try:
        return getpass.getuser()
    except OSError:
        return "operator"


def _add(args: argparse.Namespace, client: CentralClient) -> int:
    entry = make_entry(
        plate_kind_for(args.plate),
        args.plate,
        args.reason,
        category=parse_enum(Category, args.category, "category"),
        severity=parse_enum(Severity, args.severity, "severity"),
        created_by=_actor(),
        valid_until=parse_until(args.until) if args.until else None,
    )
    stored = client.upsert(wire.entry_to_pb(entry))
    print(f"added {stored.key} (version {stored.version})")
    return 0


def _remove(args: argparse.Namespace, client: CentralClient) -> int:
    response = client.remove(args.plate)
    if not response.removed:
        print(f"{args.plate} was not on the watchlist", file=sys.stderr)
        return 1
    print(f"removed {args.plate} (version {response.version})")
    return 0


def _plates(client: CentralClient) -> list[pb.WatchlistEntry]:
    found = [*client.entries(pb.PLATE), *client.entries(pb.PLATE_PATTERN)]
    return sorted(found, key=lambda e: (e.kind, e.key))


def entry_json(entry: pb.WatchlistEntry) -> dict[str, object]:
    domain = wire.entry_from_pb(entry)
    return {
        "key": domain.key,
        "kind": domain.kind.value,
        "reason": domain.reason,
        "category": domain.category.value,
        "severity": domain.severity.value,
        "created_by": domain.created_by,
        "valid_from": domain.valid_from.isoformat() if domain.valid_from else None,
        "valid_until": domain.valid_until.isoformat() if domain.valid_until else None,
        "version": domain.version,
    }


def _list(args: argparse.Namespace, client: CentralClient) -> int:
    entries = _plates(client)
    if args.json:
        json.dump([entry_json(e) for e in entries], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for entry in entries:
        data = entry_json(entry)
        until = f" until {data['valid_until']}" if data["valid_until"] else ""
        print(f"{data['key']}\t{data['category']}\t{data['severity']}\t{data['reason']}{until}")
    print(f"{len(entries)} entries", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace, client: CentralClient) -> int:
    result = parse_watchlist_csv(read_text(args.file), created_by=_actor())
    rows = (pb.ImportRow(line=row.line, entry=wire.entry_to_pb(row.entry)) for row in result.rows)
    return _send_rows(
        args,
        result.errors,
        lambda: client.import_rows(rows, skip_invalid=args.skip_invalid, created_by=_actor()),
        "row(s)",
        versioned=True,
    )


def _import_vehicles(args: argparse.Namespace, client: CentralClient) -> int:
    result = parse_vehicles_csv(read_text(args.file))
    rows = (
        pb.VehicleRegistration(
            plate=reg.plate,
            color=reg.color.value,
            vehicle_class=reg.vehicle_class.value,
            make=reg.make,
            line=line,
        )
        for line, reg in result.rows
    )
    return _send_rows(
        args,
        result.errors,
        lambda: client.import_vehicles(rows, skip_invalid=args.skip_invalid),
        "registration(s)",
        versioned=False,  # registrations are not part of the versioned watchlist
    )


def _send_rows(
    args: argparse.Namespace,
    errors: list[CsvError],
    send: Callable[[], pb.ImportResponse],
    what: str,
    *,
    versioned: bool,
) -> int:
    """Report the file's bad rows; send the good ones unless a bad row stops the import."""
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    if errors and not args.skip_invalid:
        print(
            f"{len(errors)} bad row(s): nothing imported (fix them, or pass --skip-invalid)",
            file=sys.stderr,
        )
        return 1
    response = send()
    for row_error in response.errors:
        print(f"{args.file}: line {row_error.line}: {row_error.message}", file=sys.stderr)
    version = f" (version {response.version})" if versioned else ""
    print(
        f"imported {response.applied} {what}, rejected {len(errors) + response.rejected}{version}"
    )
    return 1 if response.errors and not args.skip_invalid else 0


def _vehicle(args: argparse.Namespace, client: CentralClient) -> int:
    found = client.get_vehicle(args.plate)
    if args.json:
        record = {
            "plate": found.plate,
            "color": found.color,
            "class": found.vehicle_class,
            "make": found.make,
        }
        print(json.dumps(record, ensure_ascii=False))
        return 0
    words = " ".join(w for w in (found.color, found.vehicle_class) if w != "unknown")
    print(f"{found.plate}: {words or 'unknown'}{f' ({found.make})' if found.make else ''}")
    return 0


def _export(args: argparse.Namespace, client: CentralClient) -> int:
    entries = [wire.entry_from_pb(e) for e in _plates(client)]
    if args.file is None:
        write_watchlist_csv(entries, sys.stdout)
        return 0
    with args.file.open("w", encoding="utf-8", newline="") as out:
        count = write_watchlist_csv(entries, out)
    print(f"exported {count} row(s) to {args.file}", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace, client: CentralClient) -> int:
    if not args.plate.strip():
        raise InvalidInput("empty plate")
    response = client.check(args.plate)
    matches = [wire.match_to_json(m) for m in response.matches]
    if args.json:
        print(json.dumps({"plate": response.plate, "matches": matches}, ensure_ascii=False))
        return 0
    if not matches:
        print(f"{response.plate}: no match")
    for match in matches:
        how = "exact" if match["exact"] else f"look-alike at {match['diff_positions']}"
        print(
            f"{response.plate}: {match['key']} {match['category']}/{match['severity']} "
            f"score {match['score']} ({how}): {match['reason']}"
        )
    return 0
