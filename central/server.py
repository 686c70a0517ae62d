"""Central: the gRPC server with its servicers, health service and Redis store.

`Central` owns everything it starts (embedded Redis, Redis client, gRPC server) and
releases it on `close()`, so tests and the demo run it in-process on loopback.
"""

from __future__ import annotations

import logging
import threading
from concurrent import futures
from contextlib import ExitStack

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from central.alerts.escalator import Escalator
from central.alerts.store import AlertStore
from central.auth import Authenticator, AuthInterceptor, check_bind
from central.config import CentralConfig
from central.passages import PassageLog
from central.persons.matcher import FaceBands
from central.persons.service import Persons
from central.redis_server import open_redis
from central.services.alerts import AlertsServicer
from central.services.screening import ScreeningServicer
from central.services.watchlist import WatchlistServicer
from central.store import WatchlistStore
from checkpoint.errors import ConfigError
from checkpoint.lifecycle import Service
from checkpoint.screening import ScreeningPolicy
from proto import checkpoint_pb2_grpc as pb_grpc

logger = logging.getLogger(__name__)

SERVICES = ("checkpoint.v1.Watchlist", "checkpoint.v1.Screening", "checkpoint.v1.Alerts")


class Central(Service):
    """The central service, started by `start()` and stopped by `close()`.

    Example:
        >>> with Central(CentralConfig(grpc="127.0.0.1:0")) as central:  # doctest: +SKIP
        ...     print(central.address)
    """

    def __init__(self, config: CentralConfig) -> None:
        self.config = config
        self.port = 0
        self.stopping = threading.Event()
        self._stack = ExitStack()
        self._server: grpc.Server | None = None
        self.store: WatchlistStore | None = None
        self.alerts: AlertStore | None = None
        self.persons: Persons | None = None
        self.auth = Authenticator(config.auth)
        self.http_url: str | None = None
        """The tablet page's base URL once started with `config.http` (port 0 resolved)."""

    @property
    def address(self) -> str:
        host = self.config.grpc.rsplit(":", 1)[0]
        return f"{host}:{self.port}"

    def start(self) -> None:
        try:
            client = self._stack.enter_context(
                open_redis(self.config.redis_url, self.config.data_dir)
            )
            check_bind(self.auth, {"grpc": self.config.grpc, "http": self.config.http})
            self.store = WatchlistStore(client, change_retention=self.config.change_retention)
            self.alerts = AlertStore(client, self.config.alerts)
            self._stack.callback(self.alerts.close)
            bands = FaceBands(self.config.persons.match_max, self.config.persons.review_max)
            self.persons = Persons(self.store, bands)
            self._stack.callback(self.persons.close)
            self._server = self._build_server(self.store, self.alerts, self.persons)
            self._server.start()
            self._stack.enter_context(Escalator(self.alerts, self.config.alerts.escalation_check_s))
            if self.config.http is not None:
                from central.web.app import create_app
                from central.web.server import HttpServer

                app = create_app(self.alerts, self.auth, self.stopping)
                http = self._stack.enter_context(HttpServer(app, self.config.http))
                self.http_url = http.url
        except BaseException:
            self.close()
            raise
        logger.info("central listening grpc=%s data_dir=%s", self.address, self.config.data_dir)

    def _build_server(
        self, store: WatchlistStore, alerts: AlertStore, persons: Persons
    ) -> grpc.Server:
        limit = self.config.max_message_bytes
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=self.config.workers, thread_name_prefix="grpc"),
            options=[
                ("grpc.max_receive_message_length", limit),
                ("grpc.max_send_message_length", limit),
            ],
            interceptors=[AuthInterceptor(self.auth)],
        )
        policy = ScreeningPolicy(
            min_confidence=self.config.screening.min_confidence,
            min_lookalike_score=self.config.screening.min_lookalike_score,
            unsure_province=self.config.screening.unsure_province,
        )
        pb_grpc.add_WatchlistServicer_to_server(
            WatchlistServicer(store, self.stopping, persons), server
        )
        pb_grpc.add_ScreeningServicer_to_server(
            ScreeningServicer(
                store,
                policy,
                alerts,
                PassageLog(store.redis),
                persons,
                restrictions=self.config.restrictions,
            ),
            server,
        )
        pb_grpc.add_AlertsServicer_to_server(
            AlertsServicer(alerts, self.auth, self.stopping), server
        )
        health_servicer = health.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        for name in (*SERVICES, ""):
            health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
        self.port = server.add_insecure_port(self.config.grpc)
        if self.port == 0:
            raise ConfigError(f"cannot listen on {self.config.grpc}: address in use or invalid")
        self._health = health_servicer
        return server

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C in the CLI)."""
        if self._server is not None:
            self._server.wait_for_termination()

    def close(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._health.enter_graceful_shutdown()
            self._server.stop(grace=2).wait()
            self._server = None
        self._stack.close()
