"""Keeps the edge's local watchlist in step with central through `Watchlist.Subscribe`.

The local copy is what the edge decides from when central is unreachable, so the thread
reconnects for ever (with backoff) and resumes from the last version it applied.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import grpc

from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.localcache import LocalWatchlist
from checkpoint.watchlist import EntryKind
from proto import checkpoint_pb2 as pb

logger = logging.getLogger(__name__)

MAX_BACKOFF_S = 10.0


class WatchlistSync:
    """A background subscriber applying central's changes to a `LocalWatchlist`."""

    def __init__(
        self,
        client: CentralClient,
        local: LocalWatchlist,
        on_connect: Callable[[], object] | None = None,
    ) -> None:
        self._client = client
        self.local = local
        self._on_connect = on_connect
        """Called before each (re)subscription, e.g. to refresh other reference data."""
        self._stop = threading.Event()
        self._call: grpc.Future[pb.WatchlistChange] | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="watchlist-sync", daemon=True)

    def start(self) -> WatchlistSync:
        self._thread.start()
        return self

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                self._follow()
                backoff = 0.5
            except grpc.RpcError as exc:
                if self._stop.is_set():
                    return
                logger.warning("watchlist sync lost (%s): retry in %.1fs", exc.code(), backoff)
            self._stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)

    def _follow(self) -> None:
        if self._on_connect is not None:
            try:
                self._on_connect()
            except Exception:  # reference data is a bonus; the watchlist feed must go on
                logger.exception("watchlist sync: on-connect refresh failed")
        request = pb.SubscribeRequest(since_version=self.local.version)
        call = self._client.watchlist.Subscribe(request)
        with self._lock:
            self._call = call
        if self._stop.is_set():
            call.cancel()
            return
        logger.info("watchlist sync from version=%d", self.local.version)
        for change in call:
            self._apply(change)

    def _apply(self, change: pb.WatchlistChange) -> None:
        if change.op == pb.WatchlistChange.RESET:
            self.local.clear()
            return
        kind = wire.kind_from_pb(change.kind)
        if kind is None or kind is EntryKind.PERSON:
            return  # a lane decides plates locally; names of wanted people stay at central
        if change.op == pb.WatchlistChange.UPSERT and change.HasField("entry"):
            self.local.upsert(wire.entry_from_pb(change.entry))
        elif change.op == pb.WatchlistChange.REMOVE:
            self.local.remove(kind, change.key, change.version)

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            if self._call is not None:
                self._call.cancel()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
