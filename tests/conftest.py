"""Shared fixtures: a real Redis server and a real central on loopback.

Redis: ``REDIS_URL`` when set (its database is FLUSHed between tests: point it at a
throwaway database), otherwise one embedded redis-server for the whole session.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from central.alerts.store import AlertStore
from central.auth import AuthConfig, Role, TokenConfig
from central.config import CentralConfig
from central.redis_server import EmbeddedRedis, connect
from central.server import Central
from central.store import WatchlistStore
from checkpoint.client import CentralClient

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = connect(redis_url)
    client.flushdb()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def store(redis_client: redis.Redis) -> WatchlistStore:
    return WatchlistStore(redis_client)


@pytest.fixture
def central(redis_client: redis.Redis, redis_url: str, tmp_path: Path) -> Iterator[Central]:
    config = CentralConfig(grpc="127.0.0.1:0", redis_url=redis_url, data_dir=tmp_path)
    with Central(config) as server:
        yield server


@pytest.fixture
def client(central: Central) -> Iterator[CentralClient]:
    with CentralClient(central.address, timeout_s=10) as c:
        yield c


@pytest.fixture
def alert_store(redis_client: redis.Redis) -> Iterator[AlertStore]:
    alerts = AlertStore(redis_client)
    try:
        yield alerts
    finally:
        alerts.close()


@pytest.fixture
def auth_config() -> AuthConfig:
    """One fixed token per role (tests only)."""
    return AuthConfig(
        tokens=(
            TokenConfig(token="edge-token-0123456789", role=Role.EDGE, name="lane-pc-1"),
            TokenConfig(token="operator-token-0123456789", role=Role.OPERATOR, name="op-li"),
            TokenConfig(token="officer-token-0123456789", role=Role.OFFICER, name="officer-wang"),
        )
    )


@pytest.fixture
def central_with(
    redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> Iterator[Callable[..., Central]]:
    """Start a central with config overrides (auth, http, alerts...); all closed afterwards."""
    started: list[Central] = []

    def start(**overrides: object) -> Central:
        fields: dict[str, object] = {
            "grpc": "127.0.0.1:0",
            "redis_url": redis_url,
            "data_dir": tmp_path,
        }
        config = CentralConfig.model_validate(fields | overrides)
        server = Central(config)
        server.start()
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in reversed(started):
            server.close()
