"""Central down: the edge decides from its synced copy, spools, and replays when it is back.

Real central (embedded Redis with persistence, gRPC on loopback), stopped and restarted
on the same port and data directory.
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from central.config import CentralConfig
from central.passages import PassageLog
from central.server import Central
from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.localcache import LocalWatchlist
from checkpoint.restrictions import RestrictionRule, Restrictions
from checkpoint.screening import PlateReading, Verdict
from checkpoint.watchlist import Category, EntryKind, make_entry
from edge.gate import Gate
from edge.passage import Passage, to_pb
from edge.spool import Spool
from edge.sync import WatchlistSync
from proto import checkpoint_pb2 as pb


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def passage(text: str, color: str = "blue") -> Passage:
    return Passage(
        passage_id=f"p-{text}",
        checkpoint_id="cp",
        lane_id="lane-1",
        seen_at=datetime.now(tz=UTC),
        reading=PlateReading(text, 0.95),
        color=color,
        layers=1,
        box=None,
        frames=3,
    )


def wait_for(predicate: object, timeout_s: float = 10) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_spool_and_replay_across_central_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    config = CentralConfig(grpc=f"127.0.0.1:{free_port()}", data_dir=tmp_path / "central")
    local = LocalWatchlist()
    spool = Spool(tmp_path / "spool")
    with CentralClient(config.grpc, timeout_s=2) as client:
        central = Central(config)
        central.start()
        try:
            client.upsert(
                wire.entry_to_pb(
                    make_entry(
                        EntryKind.PLATE, "冀A12345", "stolen saloon", category=Category.STOLEN
                    )
                )
            )
            sync = WatchlistSync(client, local).start()
            assert wait_for(lambda: local.get(EntryKind.PLATE, "冀A12345") is not None)
        finally:
            central.close()

        gate = Gate(client, local, spool, deadline_s=0.3, retry_after_s=0.0)
        hit = gate.decide(passage("冀A12345"))
        clear = gate.decide(passage("川A8H458"))
        assert (hit.verdict, hit.decided_by) == (Verdict.STOP, "local")
        assert "stolen saloon" in hit.reason
        assert (clear.verdict, clear.decided_by) == (Verdict.PASS, "local")
        assert len(spool) == 2
        assert gate.replay() == 0  # still down: nothing lost
        assert len(spool) == 2

        with Central(config) as back:
            assert gate.replay() == 2
            assert len(spool) == 0
            assert back.store is not None
            log = PassageLog(back.store.redis)
            first = log.seen("p-冀A12345")
            assert first is not None and first.verdict == pb.STOP and first.alert_id
            # sent twice (a reply lost on the way back): screened and alerted once
            twice = client.screen(to_pb(passage("冀A12345")))
            assert (twice.verdict, twice.alert_id) == (first.verdict, first.alert_id)
            again = gate.decide(passage("冀A12345"))
            assert (again.verdict, again.decided_by) == (Verdict.STOP, "central")
            # the synced copy follows live changes once central is back
            client.upsert(wire.entry_to_pb(make_entry(EntryKind.PLATE, "川A8H458", "wanted")))
            assert wait_for(lambda: local.get(EntryKind.PLATE, "川A8H458") is not None, 15)
        sync.close()


def test_restricted_vehicles_are_stopped_while_central_is_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    rules = Restrictions(
        lane_groups={"centre": ("cp/*",)},
        rules=(RestrictionRule(name="lorry ban", plate_colors=("yellow",), lane_group="centre"),),
    )
    config = CentralConfig(
        grpc=f"127.0.0.1:{free_port()}", data_dir=tmp_path / "central", restrictions=rules
    )
    local = LocalWatchlist()
    with CentralClient(config.grpc, timeout_s=2) as client:
        gate = Gate(client, local, Spool(tmp_path / "spool"), deadline_s=0.3, retry_after_s=0.0)
        with Central(config):
            sync = WatchlistSync(client, local, gate.refresh_restrictions).start()
            assert wait_for(lambda: len(gate.restrictions.rules) == 1)
        # central is gone: its rules still hold at the edge, and a failed refresh keeps them
        assert not gate.refresh_restrictions()
        lorry = gate.decide(passage("豫C12345", "yellow"))
        car = gate.decide(passage("京A12346"))
        sync.close()
    assert (lorry.verdict, lorry.decided_by) == (Verdict.STOP, "local")
    assert lorry.reason == "restricted vehicle: lorry ban"
    assert (car.verdict, car.decided_by) == (Verdict.PASS, "local")


def test_corrupt_spool_file_is_moved_aside(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    (tmp_path / "00000000000000000001-bad.passage").write_bytes(b"\xff\xfe not protobuf")
    assert list(spool.pending()) == []
    assert len(spool) == 0
    assert (tmp_path / "00000000000000000001-bad.corrupt").exists()
