"""`checkpoint demo`: the whole system on an embedded default, for a first look.

Starts an embedded Redis and central on loopback (with the officers' tablet page), seeds a
small watchlist, and runs one edge on the bundled lane clip (`edge/samples/lane.mp4`,
made by `edge.synth.clip`): one verdict per vehicle, one JSON line each (the gate output).
Without `--once` central keeps serving afterwards so the page and the operator commands
can be tried.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from checkpoint import wire
from checkpoint.client import DEFAULT_CENTRAL, CentralClient
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

# registration records for the cloned-plate check: 苏E5Z731 is an orange car in the clip
REGISTRATIONS = (
    ("川A8H458", "white", "car", "Ford Focus"),
    ("苏E5Z731", "black", "car", "VW Passat"),
)

DEMO_HTTP = "127.0.0.1:8080"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="run the whole system on an embedded default")
    parser.add_argument("--once", action="store_true", help="stop after the sample clip")
    parser.add_argument("--data-dir", type=Path, help="default: a temporary folder")
    parser.add_argument("--grpc", default=DEFAULT_CENTRAL, metavar="HOST:PORT")
    parser.add_argument(
        "--http",
        metavar="HOST:PORT",
        help=f"the officers' tablet page (default {DEMO_HTTP}; with --once only when given)",
    )
    parser.add_argument("--source", help="what the edge watches (default: the bundled clip)")
    parser.set_defaults(run=run, needs_client=False)


def run(args: argparse.Namespace) -> int:
    from central.config import CentralConfig
    from central.server import Central
    from edge.app import Edge
    from edge.config import EdgeConfig
    from edge.source import open_source
    from edge.synth.clip import CLIP
    from edge.vehicle.first import load_lane_reader

    with tempfile.TemporaryDirectory(prefix="checkpoint-demo-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        http = args.http or (None if args.once else DEMO_HTTP)
        config = CentralConfig(grpc=args.grpc, data_dir=data_dir, redis_url=None, http=http)
        with Central(config) as central:
            print(f"demo: central on {central.address}, embedded Redis in {data_dir}", flush=True)
            if central.http_url:
                print(f"demo: officers' tablet page on {central.http_url}/", flush=True)
            source_spec = args.source or str(CLIP)
            edge_config = EdgeConfig(
                central=central.address,
                checkpoint_id="demo",
                lane_id="lane-1",
                spool_dir=data_dir / "spool",
            )
            reader = load_lane_reader(edge_config.detector, data_dir)
            with CentralClient(central.address) as client:
                for kind, key, reason, category, severity in SEED:
                    entry = make_entry(
                        kind, key, reason, category=category, severity=severity, created_by="demo"
                    )
                    client.upsert(wire.entry_to_pb(entry))
                print(f"demo: watchlist seeded with {len(SEED)} entries", flush=True)
                client.import_vehicles(
                    (
                        pb.VehicleRegistration(
                            plate=plate, color=color, vehicle_class=kind, make=make
                        )
                        for plate, color, kind, make in REGISTRATIONS
                    ),
                    skip_invalid=False,
                )
                print(f"demo: {len(REGISTRATIONS)} vehicle registrations imported", flush=True)
                print(f"demo: edge lane-1 watching {source_spec}", flush=True)
                with (
                    open_source(source_spec) as source,
                    Edge(edge_config, reader, sys.stdout, client) as edge,
                ):
                    edge.run(source)
                    edge.drain(timeout_s=10)
                counts = Counter(v.verdict.value for v in edge.verdicts)
                print(
                    f"demo: {len(edge.verdicts)} passages: {dict(sorted(counts.items()))}",
                    flush=True,
                )
            if not args.once:
                print(
                    f"demo: serving until Ctrl-C; try: checkpoint --central "
                    f"{central.address} watchlist check 冀A12345",
                    flush=True,
                )
                central.wait()
    return 0
