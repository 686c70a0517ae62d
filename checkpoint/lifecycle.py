"""Things that hold threads, sockets, processes or captures, and the `with` blocks that
release them: one place for the enter/exit protocol every server, client and source shares."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closeable:
    """A resource that `close()` releases; a `with` block closes it on the way out, however
    the block ends (a lane's camera, a gRPC channel). `close()` must be safe to call twice."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Service(Closeable):
    """A background service: a `with` block starts it and closes it (servers, the embedded
    Redis, the escalator, an edge node)."""

    def start(self) -> object:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self
