"""An in-memory watchlist: the edge's local copy, kept in sync from central's change feed.

Implements `WatchlistView` with the same look-alike index as the Redis store (a dict keyed
by canonical form), so an edge that lost central decides exactly as central would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from checkpoint import lookalike
from checkpoint.matching import Candidates
from checkpoint.watchlist import EntryKind, WatchlistEntry


class LocalWatchlist:
    """Thread-safe in-memory watchlist with a look-alike index."""

    def __init__(self, entries: Iterable[WatchlistEntry] = ()) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[EntryKind, str], WatchlistEntry] = {}
        self._buckets: dict[str, dict[str, WatchlistEntry]] = {}
        self._patterns: dict[str, WatchlistEntry] = {}
        self.version = 0
        for entry in entries:
            self.upsert(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def upsert(self, entry: WatchlistEntry) -> None:
        with self._lock:
            self._entries[(entry.kind, entry.key)] = entry
            if entry.kind is EntryKind.PLATE:
                bucket = self._buckets.setdefault(lookalike.canonical(entry.key), {})
                bucket[entry.key] = entry
            elif entry.kind is EntryKind.PLATE_PATTERN:
                self._patterns[entry.key] = entry
            self.version = max(self.version, entry.version)

    def remove(self, kind: EntryKind, key: str, version: int = 0) -> None:
        with self._lock:
            self._entries.pop((kind, key), None)
            if kind is EntryKind.PLATE:
                canon = lookalike.canonical(key)
                bucket = self._buckets.get(canon, {})
                bucket.pop(key, None)
                if not bucket:
                    self._buckets.pop(canon, None)
            if kind is EntryKind.PLATE_PATTERN:
                self._patterns.pop(key, None)
            self.version = max(self.version, version)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._buckets.clear()
            self._patterns.clear()
            self.version = 0

    def get(self, kind: EntryKind, key: str) -> WatchlistEntry | None:
        return self._entries.get((kind, key))

    def candidates(self, canons: Sequence[str]) -> Candidates:
        with self._lock:
            buckets = {c: list(self._buckets[c].values()) for c in canons if c in self._buckets}
            return Candidates(buckets, list(self._patterns.values()))
