"""Watchlist Check latency in-process and over gRPC, and import time, at several sizes.

Usage: ``python -m benchmarks.watchlist [--sizes 1000,100000,1000000] [--queries 2000]``

Runs a real central on loopback over an embedded Redis (or ``REDIS_URL``; its database is
flushed). Each size is imported through the gRPC ``Import`` stream, then timed with a mix
of exact hits, look-alike hits and misses. Baselines measured in the same run: a Redis
PING (the floor for anything that asks Redis) and a gRPC health check (the floor for any
RPC), so the ratios compare across noisy machines. Targets: in-process p99 < 1 ms at 1M
entries, gRPC Check p99 < 5 ms.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import grpc
import redis
from grpc_health.v1 import health_pb2, health_pb2_grpc

from benchmarks.common import percentiles, table, timed_ms
from central.config import CentralConfig
from central.server import Central
from checkpoint.client import CentralClient
from checkpoint.matching import match_plate
from checkpoint.plates import PROVINCES
from proto import checkpoint_pb2 as pb

logger = logging.getLogger(__name__)

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
SERIAL = LETTERS + "0123456789"
SWAPS = {"0": "D", "8": "B", "2": "Z", "5": "S", "1": "T", "6": "G"}


def random_plates(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    provinces = sorted(PROVINCES)
    seen: set[str] = set()
    while len(seen) < count:
        serial = "".join(rng.choice(SERIAL) for _ in range(5))
        seen.add(rng.choice(provinces) + rng.choice(LETTERS) + serial)
    return sorted(seen)


def queries(plates: list[str], count: int, seed: int) -> list[str]:
    """A third exact hits, a third look-alike variants, a third (almost surely) misses."""
    rng = random.Random(seed)
    out: list[str] = []
    for n in range(count):
        plate = rng.choice(plates)
        if n % 3 == 1:
            positions = [i for i, ch in enumerate(plate) if ch in SWAPS]
            if positions:
                i = rng.choice(positions)
                plate = plate[:i] + SWAPS[plate[i]] + plate[i + 1 :]
        elif n % 3 == 2:
            plate = plate[:2] + "".join(rng.choice(SERIAL) for _ in range(5))
        out.append(plate)
    return out


def import_rows(plates: list[str]) -> Iterator[pb.ImportRow]:
    for line, plate in enumerate(plates, start=2):
        yield pb.ImportRow(
            line=line,
            entry=pb.WatchlistEntry(
                kind=pb.PLATE, key=plate, reason="bench", category=pb.STOLEN, severity=pb.MEDIUM
            ),
        )


def settle(redis_client: redis.Redis, timeout_s: float = 300) -> None:
    """Wait for the import's background AOF rewrite / snapshot to finish before timing.

    Those forks are one-off costs of a bulk import; timing lookups over them would
    measure the fork, not the lookup.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        info = redis_client.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("rdb_bgsave_in_progress"):
            return
        time.sleep(0.5)


def measure(
    central: Central, client: CentralClient, size: int, query_count: int
) -> list[list[object]]:
    """Import `size` plates, then time Check and the two baselines; one table row each."""
    store = central.store
    assert store is not None
    redis_client = store.redis
    redis_client.flushdb()
    plates = random_plates(size, seed=size)
    start = time.perf_counter()
    response = client.import_rows(import_rows(plates), skip_invalid=False, created_by="bench")
    import_s = time.perf_counter() - start
    assert response.applied == size, response
    settle(redis_client)
    asks = queries(plates, query_count, seed=7)
    now = datetime.now(tz=UTC)
    in_proc = timed_ms(lambda plate: match_plate(plate, store, now), asks)
    over_grpc = timed_ms(client.check, asks)
    ping = timed_ms(lambda _: redis_client.ping(), asks)
    with grpc.insecure_channel(central.address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        request = health_pb2.HealthCheckRequest(service="")
        health_ms = timed_ms(lambda _: health.Check(request, timeout=5), asks)
    hits = sum(1 for plate in asks if match_plate(plate, store, now))
    label = f"{size:,}"
    return [
        [
            label,
            "Check in-process",
            *percentiles(in_proc),
            f"{percentiles(in_proc)[0] / percentiles(ping)[0]:.1f}x PING",
        ],
        [
            label,
            "Check over gRPC",
            *percentiles(over_grpc),
            f"{percentiles(over_grpc)[0] / percentiles(health_ms)[0]:.1f}x health",
        ],
        [label, "baseline: Redis PING", *percentiles(ping), ""],
        [label, "baseline: gRPC health Check", *percentiles(health_ms), ""],
        [
            label,
            f"import over gRPC: {import_s:.1f} s ({size / import_s:,.0f} rows/s); "
            f"asks with a match: {hits}/{len(asks)}",
            "",
            "",
            "",
            "",
        ],
    ]


def run(sizes: list[int], query_count: int) -> int:
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="cp-bench-") as tmp:
        config = CentralConfig(grpc="127.0.0.1:0", data_dir=Path(tmp), workers=8)
        with Central(config) as central, CentralClient(central.address) as client:
            for size in sizes:
                rows += measure(central, client, size, query_count)
                logger.warning("size %d done", size)
    print(table(["entries", "stage", "p50 ms", "p95 ms", "p99 ms", "p50 vs baseline"], rows))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    return run([int(s) for s in args.sizes.split(",")], args.queries)


if __name__ == "__main__":
    sys.exit(main())
