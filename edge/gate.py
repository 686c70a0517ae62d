"""The verdict for each passage: central when it answers in time, the local copy otherwise.

Central answers within a deadline; when it is down or late the edge decides from its
synced local watchlist and central's restricted-vehicle rules (fetched whenever the sync
connects) with the same code (`checkpoint.screening`), and spools the passage, so central
still records it (and raises its alert) once it is back. After a failure central is not
asked again for `retry_after_s`, so a dead central costs one deadline, not one per vehicle.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from checkpoint import wire
from checkpoint.client import RECONNECT_WAIT_S, CentralClient
from checkpoint.errors import CentralUnavailable, CheckpointError
from checkpoint.localcache import LocalWatchlist
from checkpoint.restrictions import Restrictions
from checkpoint.screening import ScreeningPolicy, Verdict, screen_plate, screen_vehicle
from edge.passage import Passage, to_pb
from edge.spool import Spool

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GateVerdict:
    passage: Passage
    verdict: Verdict
    reason: str
    decided_by: str
    """"central", or "local" when central could not answer in time."""
    ms: float


class Gate:
    """Decides passages and keeps the spool drained while central is reachable."""

    def __init__(
        self,
        client: CentralClient,
        local: LocalWatchlist,
        spool: Spool,
        *,
        deadline_s: float = 0.5,
        retry_after_s: float = 5.0,
        policy: ScreeningPolicy | None = None,
    ) -> None:
        self._client = client
        self._local = local
        self._spool = spool
        self._deadline = deadline_s
        self._retry_after = retry_after_s
        self._policy = policy or ScreeningPolicy()
        self._down_until = 0.0
        self._lock = threading.Lock()
        self.restrictions = Restrictions()
        """Central's restricted-vehicle rules as last fetched (`refresh_restrictions`)."""

    def refresh_restrictions(self) -> bool:
        """Fetch central's restricted-vehicle rules; keep the last ones if it cannot say."""
        try:
            self.restrictions = self._client.restrictions()
        except CheckpointError as exc:
            logger.warning(
                "restriction rules not refreshed, keeping %d: %s", len(self.restrictions.rules), exc
            )
            return False
        logger.info("restriction rules from central: %d", len(self.restrictions.rules))
        return True

    def decide(self, passage: Passage) -> GateVerdict:
        start = time.perf_counter()
        message = to_pb(passage)
        if time.monotonic() >= self._down_until:
            try:
                response = self._client.screen(message, timeout_s=self._deadline)
            except CentralUnavailable as exc:
                self._down_until = time.monotonic() + self._retry_after
                logger.warning("central unavailable, deciding locally: %s", exc)
            except CheckpointError:
                logger.exception("central refused passage=%s; deciding locally", passage.passage_id)
            else:
                return GateVerdict(
                    passage,
                    wire.verdict_from_pb(response.verdict),
                    response.reason,
                    "central",
                    _ms(start),
                )
        now = datetime.now(tz=UTC)
        decision = screen_plate(passage.reading, self._local, now, self._policy)
        rule = self.restrictions.find(
            passage.checkpoint_id, passage.lane_id, passage.color, passage.vehicle, now
        )
        # registrations stay at central: offline, the cloned-plate check is central's alone
        decision = screen_vehicle(decision, seen=passage.vehicle, restriction=rule)
        self._spool.put(message)
        return GateVerdict(passage, decision.verdict, decision.reason, "local", _ms(start))

    def replay(self) -> int:
        """Send spooled passages to central, oldest first; stops at the first failure."""
        sent = 0
        with self._lock:
            for path, message in self._spool.pending():
                try:
                    # central may just be back, before the channel's next reconnect
                    timeout = max(self._deadline, RECONNECT_WAIT_S)
                    self._client.screen(message, timeout_s=timeout)
                except CentralUnavailable:
                    return sent
                except CheckpointError:
                    logger.exception("central refused spooled passage=%s; kept", message.passage_id)
                    return sent
                self._spool.done(path)
                sent += 1
        if sent:
            self._down_until = 0.0
            logger.info("replayed spooled passages count=%d", sent)
        return sent


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000
