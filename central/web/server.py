"""Uvicorn on a background thread, owned by `Central` like its gRPC server."""

from __future__ import annotations

import logging
import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

from checkpoint.errors import ConfigError
from checkpoint.lifecycle import Service

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0


class HttpServer(Service):
    """Serves `app` on HOST:PORT (port 0 picks a free one) until `close()`.

    The socket is bound here, before the thread starts, so a taken port is a `ConfigError`
    at start-up rather than a log line from a dying thread.
    """

    def __init__(self, app: FastAPI, address: str) -> None:
        host, _, port = address.rpartition(":")
        self._host = host.strip("[]") or "127.0.0.1"
        try:
            family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
            self._socket = socket.socket(family, socket.SOCK_STREAM)
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._socket.bind((self._host, int(port)))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot listen for HTTP on {address}: {exc}") from exc
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="http", daemon=True
        )

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise ConfigError(f"HTTP server on {self.url} did not start")
            time.sleep(0.01)
        logger.info("tablet page at %s", self.url)

    def close(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._socket.close()
