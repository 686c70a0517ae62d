"""`checkpoint demo`: the whole system on an embedded default, for a first look.

Starts an embedded Redis and central on loopback, seeds a small watchlist, screens a few
sample passages through the real gRPC API and prints one verdict per line (the gate
output). Without `--once` central keeps serving so the operator commands can be tried.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from pathlib import Path

from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.screening import PlateCandidate, PlateReading
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry
from proto import checkpoint_pb2 as pb

SEED = (
    (
        EntryKind.PLATE,
        "冀A12345",
        "stolen saloon, reported 2026-11-20",
        Category.STOLEN,
        Severity.HIGH,
    ),
    (EntryKind.PLATE, "粤BD01366", "unpaid fines", Category.ENFORCEMENT, Severity.LOW),
    (EntryKind.PLATE, "京A8B2Z5", "wanted driver", Category.WANTED, Severity.HIGH),
    (
        EntryKind.PLATE_PATTERN,
        "豫CG*挂",
        "banned trailer series",
        Category.RESTRICTED,
        Severity.MEDIUM,
    ),
)

SAMPLES = (
    PlateReading("冀A·12345", 0.97),
    PlateReading("川A8H458", 0.95),
    PlateReading("京A8BZZ5", 0.90),  # 2 read as Z: look-alike of 京A8B2Z5
    PlateReading("豫CG117挂", 0.93),
    PlateReading("苏BD00111", 0.96),
    PlateReading("", 0.0),
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="run the whole system on an embedded default")
    parser.add_argument("--once", action="store_true", help="stop after the sample passages")
    parser.add_argument("--data-dir", type=Path, help="default: a temporary folder")
    parser.add_argument("--grpc", default="127.0.0.1:50051", metavar="HOST:PORT")
    parser.set_defaults(run=run, needs_client=False)


def run(args: argparse.Namespace) -> int:
    from central.config import CentralConfig
    from central.server import Central

    with tempfile.TemporaryDirectory(prefix="checkpoint-demo-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        config = CentralConfig(grpc=args.grpc, data_dir=data_dir, redis_url=None)
        with Central(config) as central:
            print(f"demo: central on {central.address}, embedded Redis in {data_dir}", flush=True)
            with CentralClient(central.address) as client:
                for kind, key, reason, category, severity in SEED:
                    entry = make_entry(
                        kind, key, reason, category=category, severity=severity, created_by="demo"
                    )
                    client.upsert(wire.entry_to_pb(entry))
                print(f"demo: watchlist seeded with {len(SEED)} entries", flush=True)
                for reading in SAMPLES:
                    _screen(client, reading)
            if not args.once:
                print(
                    f"demo: serving until Ctrl-C; try: checkpoint --central "
                    f"{central.address} watchlist check 冀A12345",
                    flush=True,
                )
                central.wait()
    return 0


def _screen(client: CentralClient, reading: PlateReading) -> None:
    candidates = (*reading.candidates, PlateCandidate(reading.text, reading.confidence))
    passage = pb.Passage(
        passage_id=uuid.uuid4().hex,
        checkpoint_id="demo",
        lane_id="lane-1",
        plate=wire.reading_to_pb(PlateReading(reading.text, reading.confidence, candidates)),
    )
    response = client.screen(passage)
    print(
        json.dumps(
            {
                "lane": passage.lane_id,
                "plate": reading.text,
                "verdict": wire.verdict_from_pb(response.verdict).value,
                "reason": response.reason,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
