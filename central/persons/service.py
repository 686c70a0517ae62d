"""Enrolment, matching and screening of persons: the pure-ish domain calls that central's
servicers make (they only translate messages).

Photos sent for enrolment are embedded here with the same `edge.faces` pipeline the lanes
run, so a photo is refused for the same reasons everywhere (no face, several faces, poor
crop). The face models load on the first photo, not at start-up: a central that never
enrols from photos never pays for them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from central.persons.matcher import Band, FaceBands, FaceIndex, FaceMatch
from central.persons.store import PersonStore
from central.store import WatchlistStore
from checkpoint import wire
from checkpoint.errors import InvalidEntry
from checkpoint.matching import Match
from checkpoint.screening import Decision, Verdict, describe
from checkpoint.watchlist import EntryKind, WatchlistEntry
from edge.faces.analyze import FaceAnalyzer, embed_single, load_image

logger = logging.getLogger(__name__)


class Persons:
    """Person enrolment and 1:N search over one Redis watchlist; `close()` when done."""

    def __init__(self, watchlist: WatchlistStore, bands: FaceBands | None = None) -> None:
        self.store = PersonStore(watchlist)
        self.index = FaceIndex(watchlist, self.store, bands or FaceBands())
        self._analyzer: FaceAnalyzer | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self.store.close()

    def analyzer(self) -> FaceAnalyzer:
        with self._lock:
            if self._analyzer is None:
                self._analyzer = FaceAnalyzer()
            return self._analyzer

    def enrol(
        self,
        entry: WatchlistEntry,
        *,
        photos: Sequence[bytes] = (),
        embeddings: Sequence[bytes] = (),
        keep_photos: bool = False,
        actor: str = "operator",
    ) -> tuple[WatchlistEntry, int, int]:
        """Add or replace a person; returns the stored entry, faces enrolled, photos kept.

        Raises:
            InvalidInput: a photo that is unreadable or does not show exactly one good face
                (named by its position), bad embedding bytes, or neither photos nor
                embeddings.
        """
        if entry.kind is not EntryKind.PERSON:
            raise InvalidEntry(f"{entry.key!r}: AddPerson takes person entries only")
        if not entry.attributes.get("name", "").strip():
            raise InvalidEntry("a person entry needs a name (attributes['name'])")
        if not photos and not embeddings:
            raise InvalidEntry("a person needs at least one photo or embedding")
        vectors = [
            embed_single(self.analyzer(), load_image(data, f"photo {n}"), f"photo {n}")[None, :]
            for n, data in enumerate(photos, start=1)
        ]
        vectors += [wire.embeddings_from_bytes(data) for data in embeddings]
        kept = list(photos) if keep_photos else []
        stored = self.store.upsert(entry, np.concatenate(vectors), actor, kept)
        return stored, sum(len(v) for v in vectors), len(kept)

    def match(
        self, embeddings: Sequence[bytes], now: datetime, limit: int = 3
    ) -> list[list[FaceMatch]]:
        """The nearest persons for each embedding (512 bytes each), nearest first."""
        if not embeddings:
            return []
        queries = np.concatenate([wire.embeddings_from_bytes(data) for data in embeddings])
        if len(queries) != len(embeddings):
            raise InvalidEntry("one embedding (512 bytes) per face to match")
        return self.index.search(queries, now, limit)

    def screen(self, embedding: bytes, now: datetime) -> tuple[Decision, list[FaceMatch]]:
        """The verdict for one person's best shot: STOP on a match, CHECK on a review."""
        matches = self.index.screen(wire.embeddings_from_bytes(embedding)[0], now)
        return decide(matches), matches


def decide(matches: Sequence[FaceMatch]) -> Decision:
    """STOP for the nearest person in the match band, CHECK in the review band, else PASS.

    The decision carries the hit as a `Match` (score 1 - distance) so that the alert path
    (`central.alerts.model.draft_alert`) treats a person like any watchlist entry.
    """
    best = matches[0] if matches else None
    if best is None or best.band is Band.NONE:
        return Decision(Verdict.PASS, "no wanted person")
    hit = Match(best.entry, round(1.0 - best.distance, 4), best.band is Band.MATCH, (), "")
    how = f"face, distance {best.distance:.2f}"
    text = describe(hit).rsplit(" [", 1)[0] + f" [{how}]"
    if best.band is Band.MATCH:
        return Decision(Verdict.STOP, text, (hit,))
    return Decision(Verdict.CHECK, f"possible wanted person: {text}", (hit,))
