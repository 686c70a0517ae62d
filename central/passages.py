"""Screened passages by id, so a passage replayed from an edge's spool counts once.

Redis: ``cp:{cp}:passage:<passage_id>`` holds the serialized `ScreenResponse` (base64), set with
``SET NX EX`` (default 7 days). A second `Screen` for the same id returns the recorded
verdict instead of screening (and alerting) again.
"""

from __future__ import annotations

import base64

import redis

from proto import checkpoint_pb2 as pb

PREFIX = "cp:{cp}:passage:"
DEFAULT_TTL_S = 7 * 24 * 3600


class PassageLog:
    def __init__(self, client: redis.Redis, ttl_s: int = DEFAULT_TTL_S) -> None:
        self._r = client
        self._ttl = ttl_s

    def seen(self, passage_id: str) -> pb.ScreenResponse | None:
        """The verdict already given for this passage, if any."""
        raw = self._r.get(PREFIX + passage_id)
        if raw is None:
            return None
        return pb.ScreenResponse.FromString(base64.b64decode(raw))

    def record(self, response: pb.ScreenResponse) -> pb.ScreenResponse:
        """Remember the verdict; when another request won the race, return its verdict."""
        if not response.passage_id:
            return response
        data = base64.b64encode(response.SerializeToString()).decode("ascii")
        if self._r.set(PREFIX + response.passage_id, data, nx=True, ex=self._ttl):
            return response
        return self.seen(response.passage_id) or response
