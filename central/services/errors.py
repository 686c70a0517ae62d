"""Translate domain errors into gRPC statuses, in one place for every servicer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import grpc
import redis

from checkpoint.errors import CheckpointError, InvalidInput, NotFound, StoreUnavailable

logger = logging.getLogger(__name__)

_STATUS: list[tuple[type[CheckpointError], grpc.StatusCode]] = [
    (InvalidInput, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (StoreUnavailable, grpc.StatusCode.UNAVAILABLE),
]


def status_for(exc: CheckpointError) -> grpc.StatusCode:
    for error_type, code in _STATUS:
        if isinstance(exc, error_type):
            return code
    return grpc.StatusCode.INTERNAL


@contextmanager
def grpc_errors(
    context: grpc.ServicerContext, stopping: threading.Event | None = None
) -> Iterator[None]:
    """Abort the call with a status and a clear message when the domain raises.

    A long-lived stream passes central's `stopping` event: when central shuts down, Redis
    closes under the stream, and that ends the stream quietly instead of as an error.
    """
    try:
        yield
    except CheckpointError as exc:
        context.abort(status_for(exc), str(exc))
    except redis.RedisError as exc:
        if stopping is not None and stopping.is_set():
            logger.debug("store closed under a stream during shutdown: %s", exc)
            return
        logger.error("watchlist store error: %s", exc)
        context.abort(grpc.StatusCode.UNAVAILABLE, f"watchlist store unavailable: {exc}")
