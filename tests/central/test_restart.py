"""Central on its embedded Redis keeps the watchlist across a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.config import CentralConfig
from central.server import Central
from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.errors import StoreUnavailable
from checkpoint.watchlist import EntryKind, make_entry


def test_restart_keeps_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    config = CentralConfig(grpc="127.0.0.1:0", data_dir=tmp_path)
    with Central(config) as central, CentralClient(central.address) as client:
        client.upsert(wire.entry_to_pb(make_entry(EntryKind.PLATE, "冀A12345", "stolen")))
        client.upsert(wire.entry_to_pb(make_entry(EntryKind.PLATE_PATTERN, "豫CG*挂", "ban")))
    assert (tmp_path / "redis" / "appendonly.aof").exists() or any(
        (tmp_path / "redis").glob("appendonly*")
    )
    with Central(config) as central, CentralClient(central.address) as client:
        assert [m.key for m in client.check("冀A12345").matches] == ["冀A12345"]
        assert [m.key for m in client.check("豫CG117挂").matches] == ["豫CG*挂"]
        assert central.store is not None
        assert central.store.version() == 2


def test_second_central_on_same_data_dir_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    config = CentralConfig(grpc="127.0.0.1:0", data_dir=tmp_path)
    with Central(config), pytest.raises(StoreUnavailable, match="already running"):
        Central(config).start()
