"""The `with` protocol shared by servers, clients and sources, on real ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.redis_server import EmbeddedRedis, connect
from checkpoint.client import CentralClient
from checkpoint.errors import StoreUnavailable
from checkpoint.lifecycle import Closeable, Service


def test_a_service_is_started_by_with_and_closed_when_the_block_fails(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "redis")
    assert isinstance(server, Service)
    with pytest.raises(RuntimeError, match="the block fails"), server as running:
        assert running is server
        assert connect(server.url).ping()
        raise RuntimeError("the block fails")
    with pytest.raises(StoreUnavailable):
        connect(server.url)


def test_a_client_is_closed_on_leaving_the_block() -> None:
    with CentralClient("127.0.0.1:1", timeout_s=0.5) as client:
        assert isinstance(client, Closeable)
    with pytest.raises(ValueError, match="closed channel"):
        client.check("京A12345")
