"""1:N face matching: every wanted person's embeddings in one numpy matrix.

Two exact searches, no approximate index to keep consistent:

- `FaceMatrix.search` (check-face: the k nearest, whatever their distance): one
  matrix-vector product over every row (squared distances from precomputed norms), a
  per-person minimum (`np.minimum.reduceat`, rows are grouped by person), a partial sort.
  At 100k identities it reads 51 MB per query: memory bandwidth bound, ~8 ms.
- `FaceMatrix.screen` (Screen: only the match and review bands matter): a lower bound
  from a 48-d principal projection (three eighths of the bytes) discards the rows that cannot
  be within `review_max`; exact distances only for the few that remain.

`FaceIndex` keeps the matrix in step with Redis: before a query it compares the watchlist
version (one GET) and, when it moved, applies the change stream's person changes (or
reloads everything when the stream was trimmed past it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np

from central.persons.store import PersonStore
from central.store import BATCH, ChangeOp, WatchlistStore
from checkpoint.batching import batched
from checkpoint.watchlist import EntryKind, WatchlistEntry

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 3
PREFILTER_DIM = 48
BOUND_SLACK = 1e-3
"""Float32 rounding in the bound: never let it prune a row that is really inside."""


class Band(StrEnum):
    """How close a face is to a wanted person, and what the lane does about it."""

    MATCH = "match"
    """Same person: STOP and alert."""
    REVIEW = "review"
    """Possibly the same person: CHECK (an officer looks)."""
    NONE = "none"
    """A different person."""


@dataclass(frozen=True, slots=True)
class FaceBands:
    """Euclidean distance limits between dlib embeddings (dlib's usual threshold is 0.6).

    On the dev set the same person lies at 0.35-0.40 and different people at 0.70 or more,
    so 0.5 stops only clear matches and 0.5-0.6 asks an officer.
    """

    match_max: float = 0.5
    review_max: float = 0.6

    def __post_init__(self) -> None:
        if not 0 < self.match_max <= self.review_max:
            raise ValueError(
                f"need 0 < match_max <= review_max, got {self.match_max}, {self.review_max}"
            )

    def band(self, distance: float) -> Band:
        if distance <= self.match_max:
            return Band.MATCH
        if distance <= self.review_max:
            return Band.REVIEW
        return Band.NONE


@dataclass(frozen=True, slots=True)
class Person:
    """A wanted person as the matcher holds it: the entry and its embeddings (N, 128)."""

    entry: WatchlistEntry
    embeddings: np.ndarray


@dataclass(frozen=True, slots=True)
class FaceMatch:
    entry: WatchlistEntry
    distance: float
    band: Band

    @property
    def name(self) -> str:
        return self.entry.attributes.get("name", "")


class FaceMatrix:
    """An immutable snapshot of every person's embeddings; safe to share between threads.

    Example:
        >>> matrix = FaceMatrix([])
        >>> matrix.search(np.zeros((1, 128), np.float32), datetime.now(), FaceBands())
        [[]]
    """

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = [p for p in people if len(p.embeddings)]
        counts = np.array([len(p.embeddings) for p in self.people], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        if self.people:
            rows = np.concatenate([p.embeddings for p in self.people]).astype(np.float32)
        else:
            rows = np.zeros((0, 128), np.float32)
        self.rows = np.ascontiguousarray(rows)
        self.norms = np.einsum("ij,ij->i", self.rows, self.rows)
        self.owners = np.repeat(np.arange(len(self.people)), counts)
        # Lower-bound prefilter for `within`: the rows projected on their top principal
        # directions. A projection on orthonormal axes never lengthens a difference, so
        # the projected distance is a lower bound of the true one: rows whose bound is
        # beyond the limit are skipped without reading their 128 values.
        self.axes = _principal_axes(self.rows, PREFILTER_DIM)
        self.projected = np.ascontiguousarray(self.rows @ self.axes)
        self.projected_norms = np.einsum("ij,ij->i", self.projected, self.projected)

    def __len__(self) -> int:
        return len(self.people)

    def distances(self, query: np.ndarray) -> np.ndarray:
        """Euclidean distance from one query (128,) to each person (their closest face)."""
        if not self.people:
            return np.zeros(0, np.float32)
        q = np.asarray(query, np.float32)
        squared = self.norms - 2.0 * (self.rows @ q) + float(q @ q)
        per_person = np.minimum.reduceat(squared, self.starts)
        return np.sqrt(np.maximum(per_person, 0.0))

    def search(
        self,
        queries: np.ndarray,
        now: datetime,
        bands: FaceBands,
        limit: int = DEFAULT_LIMIT,
    ) -> list[list[FaceMatch]]:
        """The `limit` nearest active persons for each query (shape (Q, 128)), nearest first.

        Entries outside their validity window are skipped, like expired plates.
        """
        results: list[list[FaceMatch]] = []
        for query in np.asarray(queries, np.float32).reshape(-1, 128):
            dist = self.distances(query)
            found: list[FaceMatch] = []
            take = min(len(dist), limit * 4)
            while take and len(found) < limit:
                nearest = np.argpartition(dist, take - 1)[:take]
                found = [
                    FaceMatch(self.people[i].entry, round(float(dist[i]), 4), bands.band(dist[i]))
                    for i in nearest[np.argsort(dist[nearest])]
                    if self.people[i].entry.is_active(now)
                ][:limit]
                if take == len(dist):
                    break
                take = min(len(dist), take * 4)
            results.append(found)
        return results

    def within(self, query: np.ndarray, max_distance: float) -> list[tuple[int, float]]:
        """Every person closer than `max_distance` to `query` (128,): (index, distance).

        Exact, like `distances`, but reads only the (N, 48) projection for most rows: the
        screening path, where only the match and review bands matter.
        """
        if not self.people:
            return []
        q = np.asarray(query, np.float32)
        pq = q @ self.axes
        bound = self.projected_norms - 2.0 * (self.projected @ pq) + float(pq @ pq)
        rows = np.flatnonzero(bound <= max_distance**2 + BOUND_SLACK)
        if not len(rows):
            return []
        squared = self.norms[rows] - 2.0 * (self.rows[rows] @ q) + float(q @ q)
        inside = squared <= max_distance**2
        exact = np.sqrt(np.maximum(squared[inside], 0.0))
        best: dict[int, float] = {}
        for owner, distance in zip(self.owners[rows[inside]].tolist(), exact.tolist(), strict=True):
            if distance < best.get(owner, np.inf):
                best[owner] = distance
        return sorted(best.items(), key=lambda item: item[1])

    def screen(self, query: np.ndarray, now: datetime, bands: FaceBands) -> list[FaceMatch]:
        """Active persons in the match or review band of `query`, nearest first."""
        return [
            FaceMatch(self.people[i].entry, round(d, 4), bands.band(d))
            for i, d in self.within(query, bands.review_max)
            if self.people[i].entry.is_active(now)
        ]


def _principal_axes(rows: np.ndarray, dim: int) -> np.ndarray:
    """(128, dim) orthonormal axes of the rows' largest variance (identity cut when few)."""
    if len(rows) < 2 * dim:
        return np.eye(rows.shape[1], dim, dtype=np.float32)
    centred = rows - rows.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    return np.ascontiguousarray(vectors[:, ::-1][:, :dim]).astype(np.float32)


class FaceIndex:
    """A `FaceMatrix` kept in step with Redis; thread-safe."""

    def __init__(self, store: WatchlistStore, persons: PersonStore, bands: FaceBands) -> None:
        self.bands = bands
        self._store = store
        self._persons = persons
        self._lock = threading.Lock()
        self._version = -1
        self._people: dict[str, Person] = {}
        self._matrix = FaceMatrix([])

    @property
    def version(self) -> int:
        return self._version

    def matrix(self) -> FaceMatrix:
        """The current snapshot, after applying any change since the last call."""
        if self._store.version() != self._version:
            with self._lock:
                self._refresh()
        return self._matrix

    def search(
        self, queries: np.ndarray, now: datetime, limit: int = DEFAULT_LIMIT
    ) -> list[list[FaceMatch]]:
        """The `limit` nearest persons per query, whatever their band (check-face)."""
        return self.matrix().search(queries, now, self.bands, limit)

    def screen(self, query: np.ndarray, now: datetime) -> list[FaceMatch]:
        """Persons in the match or review band of one query, nearest first (Screen)."""
        return self.matrix().screen(query, now, self.bands)

    def _refresh(self) -> None:
        if self._version < 0:
            self._reload()
            return
        changed: dict[str, WatchlistEntry | None] = {}
        while True:
            batch = self._store.changes_since(self._version)
            if batch.reset:
                self._reload()
                return
            if not batch.changes:
                break
            for change in batch.changes:
                if change.kind is EntryKind.PERSON:
                    changed[change.key] = change.entry if change.op is ChangeOp.UPSERT else None
                self._version = change.version
        if changed:
            self._apply(changed)

    def _reload(self) -> None:
        version = self._store.version()
        entries = {e.key: e for e in self._store.iter_entries(EntryKind.PERSON)}
        self._people = {}
        self._apply(dict(entries), version)
        logger.info("face index loaded persons=%d version=%d", len(self._people), version)

    def _apply(self, changed: Mapping[str, WatchlistEntry | None], version: int = -1) -> None:
        upserted = [key for key, entry in changed.items() if entry is not None]
        for key in changed:
            self._people.pop(key, None)
        for keys in batched(upserted, BATCH):
            for key, vectors in zip(keys, self._persons.embeddings(keys), strict=True):
                entry = changed[key]
                if vectors is not None and entry is not None:
                    self._people[key] = Person(entry, vectors)
        self._matrix = FaceMatrix(list(self._people.values()))
        if version >= 0:
            self._version = version
        logger.debug("face index persons=%d version=%d", len(self._people), self._version)
