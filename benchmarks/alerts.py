"""Alert latency from the Screen verdict to the tablet page, and alerts/s sustained.

Usage: ``python -m benchmarks.alerts [--samples 300] [--alerts 2000] [--threads 8]``

Runs a real central on loopback (embedded Redis, or ``REDIS_URL``: its database is
flushed) with tokens configured, HTTP on, and the evidence picture a 16 KiB JPEG-sized
blob. A reader holds the page's live feed (``/api/stream``, server-sent events) and another
an ``Alerts.Subscribe`` gRPC stream. Latency: each STOP is screened alone and timed from the
moment its verdict returns to the moment each feed delivers the alert. Throughput: edges on
`--threads` threads screen distinct watchlisted plates as fast as they can; alerts/s is
counted when the page has received every one. Same-run baseline: Screen of a clear plate
(PASS, no alert). Target: p95 verdict -> page well under the 1 s the officers are promised.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import grpc

from benchmarks.common import percentiles, table, timed_ms
from central.auth import AuthConfig, Role, TokenConfig
from central.config import CentralConfig
from central.server import Central
from checkpoint.client import CentralClient
from proto import checkpoint_pb2 as pb

logger = logging.getLogger(__name__)

EDGE, OPERATOR, OFFICER = ("bench-edge-0123456789", "bench-op-0123456789", "bench-off-0123456789")
PICTURE = b"\xff\xd8\xff\xe0" + bytes(16 * 1024)


class Arrivals:
    """When each alert id first arrived on a feed (perf_counter seconds)."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self._cond = threading.Condition()

    def add(self, alert_id: str) -> None:
        with self._cond:
            self.at.setdefault(alert_id, time.perf_counter())
            self._cond.notify_all()

    def wait(self, alert_id: str, timeout: float = 10) -> float:
        with self._cond:
            if not self._cond.wait_for(lambda: alert_id in self.at, timeout):
                raise TimeoutError(f"alert {alert_id} never arrived")
            return self.at[alert_id]

    def wait_count(self, count: int, timeout: float = 120) -> float:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.at) >= count, timeout):
                raise TimeoutError(f"only {len(self.at)} of {count} alerts arrived")
            return max(self.at.values())


def read_page_feed(url: str, arrivals: Arrivals, stop: threading.Event) -> None:
    """The page's live feed, read the way the page reads it."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=30)
    conn.request("GET", "/api/stream", headers={"Authorization": f"Bearer {OFFICER}"})
    response = conn.getresponse()
    while not stop.is_set():
        line = response.readline()
        if not line:
            break
        if line.startswith(b"data: "):
            event = json.loads(line[6:])
            if event["event"] == "raised":
                arrivals.add(event["alert"]["id"])
    conn.close()


def read_grpc_feed(client: CentralClient, arrivals: Arrivals) -> None:
    try:
        for alert in client.alerts.Subscribe(pb.AlertSubscribeRequest()):
            if alert.event == pb.Alert.RAISED:
                arrivals.add(alert.id)
    except grpc.RpcError:
        pass  # cancelled at the end of the run


def plates(count: int, offset: int = 0) -> Iterator[str]:
    for n in range(offset, offset + count):
        yield f"冀{'ABCDEFGHJK'[n // 100_000]}{n % 100_000:05d}"


def seed(client: CentralClient, count: int) -> None:
    rows = (
        pb.ImportRow(
            line=n,
            entry=pb.WatchlistEntry(
                kind=pb.PLATE, key=p, reason="bench", category=pb.STOLEN, severity=pb.MEDIUM
            ),
        )
        for n, p in enumerate(plates(count))
    )
    client.import_rows(rows, skip_invalid=False, created_by="bench")


def passage(plate: str) -> pb.Passage:
    return pb.Passage(
        passage_id=uuid.uuid4().hex,
        checkpoint_id="bench",
        lane_id="lane-1",
        plate=pb.PlateReading(text=plate, confidence=0.95),
        evidence_jpeg=PICTURE,
    )


def run(samples: int, total: int, threads: int) -> int:
    tokens = (
        TokenConfig(token=EDGE, role=Role.EDGE, name="edge"),
        TokenConfig(token=OPERATOR, role=Role.OPERATOR, name="op"),
        TokenConfig(token=OFFICER, role=Role.OFFICER, name="officer"),
    )
    with tempfile.TemporaryDirectory(prefix="cp-bench-") as tmp:
        config = CentralConfig(
            grpc="127.0.0.1:0",
            http="127.0.0.1:0",
            data_dir=Path(tmp),
            workers=max(16, threads * 2),
            auth=AuthConfig(tokens=tokens),
        )
        with (
            Central(config) as central,
            CentralClient(central.address, token=EDGE) as edge,
            CentralClient(central.address, token=OPERATOR) as operator,
            CentralClient(central.address, token=OFFICER) as officer,
        ):
            assert central.store is not None
            central.store.redis.flushdb()
            seed(operator, samples + total)
            page, stream, stop = Arrivals(), Arrivals(), threading.Event()
            readers = [
                threading.Thread(
                    target=read_page_feed, args=(central.http_url, page, stop), daemon=True
                ),
                threading.Thread(target=read_grpc_feed, args=(officer, stream), daemon=True),
            ]
            for reader in readers:
                reader.start()
            time.sleep(0.5)  # both feeds connected

            screen_ms, to_page, to_grpc = [], [], []
            for plate in plates(samples):
                start = time.perf_counter()
                alert_id = edge.screen(passage(plate)).alert_id
                verdict = time.perf_counter()
                screen_ms.append((verdict - start) * 1000)
                to_page.append((page.wait(alert_id) - verdict) * 1000)
                to_grpc.append((stream.wait(alert_id) - verdict) * 1000)
            clear = timed_ms(lambda p: edge.screen(passage(p)), ["川A8H458"] * samples)

            burst = list(plates(total, offset=samples))
            start = time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                ids = list(pool.map(lambda p: edge.screen(passage(p)).alert_id, burst))
            screened = time.perf_counter() - start
            last = page.wait_count(samples + total)
            delivered = last - start
            start = time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(lambda p: edge.screen(passage(p)), ["川A8H458"] * total))
            passes = time.perf_counter() - start
            stop.set()
            officer.close()
            assert len(set(ids)) == total
    rows: list[list[object]] = [
        ["Screen STOP (verdict + alert written)", *percentiles(screen_ms), ""],
        ["verdict -> page (SSE /api/stream)", *percentiles(to_page), ""],
        ["verdict -> gRPC Alerts.Subscribe", *percentiles(to_grpc), ""],
        ["baseline: Screen PASS (no alert)", *percentiles(clear), ""],
        [
            f"sustained: {total} STOPs on {threads} threads",
            "",
            "",
            "",
            f"{total / screened:,.0f}/s screened, {total / delivered:,.0f}/s on the page",
        ],
        [
            f"baseline: {total} PASSes on {threads} threads",
            "",
            "",
            "",
            f"{total / passes:,.0f}/s screened (no alert)",
        ],
    ]
    print(table(["stage", "p50 ms", "p95 ms", "p99 ms", "alerts/s"], rows))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300, help="latency samples")
    parser.add_argument("--alerts", type=int, default=2000, help="alerts in the throughput run")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    return run(args.samples, args.alerts, args.threads)


if __name__ == "__main__":
    sys.exit(main())
