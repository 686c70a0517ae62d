"""The background worker that escalates high-severity alerts nobody acknowledged in time."""

from __future__ import annotations

import logging
import threading

import redis

from central.alerts.store import AlertStore
from checkpoint.lifecycle import Service

logger = logging.getLogger(__name__)


class Escalator(Service):
    """Calls `AlertStore.escalate_due` every `interval_s` on its own thread until `close()`.

    The escalation itself is one atomic script, so several centrals sharing a Redis may run
    an escalator each: an alert escalates once.
    """

    def __init__(self, store: AlertStore, interval_s: float) -> None:
        self._store = store
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="alert-escalator", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._store.escalate_due()
            except redis.RedisError as exc:
                logger.warning("escalation check failed, retrying: %s", exc)
            except Exception:
                logger.exception("escalator crashed in one round; continuing")

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
