"""Plate matching against a watchlist view: exact, look-alike and wildcard patterns.

Pure logic over a `WatchlistView`, so central (Redis behind the view) and an edge's local
cache (a dict behind the view) match identically. Fuzzy lookup costs one bucket fetch per
read text: entries are indexed by their look-alike canonical form, never scanned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from checkpoint import lookalike, plates
from checkpoint.watchlist import EntryKind, Severity, WatchlistEntry, pattern_matches

PATTERN_SCORE = 0.95
"""A pattern hit is deliberate (e.g. a banned lorry series) but less specific than a plate."""

_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2}


@dataclass(frozen=True, slots=True)
class Candidates:
    """What a view returns for one lookup: the entries matching could possibly hit."""

    buckets: Mapping[str, Sequence[WatchlistEntry]]
    """PLATE entries per look-alike canonical key asked for (absent when none)."""
    patterns: Sequence[WatchlistEntry]
    """Every PLATE_PATTERN entry (a short list, kept in memory by the view)."""


class WatchlistView(Protocol):
    """What matching needs from a watchlist, whatever stores it."""

    def candidates(self, canons: Sequence[str]) -> Candidates:
        """Plate entries whose look-alike canonical key is one of `canons`, and patterns."""
        ...


@dataclass(frozen=True, slots=True)
class Match:
    """One watchlist entry that a read plate hits, with how sure the hit is."""

    entry: WatchlistEntry
    score: float
    exact: bool
    diff_positions: tuple[int, ...]
    matched_text: str


def _rank(match: Match) -> tuple[float, int, str]:
    return (-match.score, -_SEVERITY_RANK[match.entry.severity], match.entry.key)


def match_texts(texts: Iterable[str], view: WatchlistView, now: datetime) -> dict[str, list[Match]]:
    """Match each read text against the view; best match first per text.

    Texts are normalized first; empty texts are skipped. Entries outside their validity
    window never match.
    """
    normalized = list(dict.fromkeys(t for t in (plates.normalize(x) for x in texts) if t))
    canons = {text: lookalike.canonical(text) for text in normalized}
    found_in = view.candidates(sorted(set(canons.values())))
    buckets = found_in.buckets
    patterns = [p for p in found_in.patterns if p.is_active(now)]
    result: dict[str, list[Match]] = {}
    for text in normalized:
        found: list[Match] = []
        for entry in buckets.get(canons[text], ()):
            if entry.kind is not EntryKind.PLATE or not entry.is_active(now):
                continue
            similarity = lookalike.compare(text, entry.key)
            if similarity is not None:
                found.append(
                    Match(
                        entry, similarity.score, similarity.exact, similarity.diff_positions, text
                    )
                )
        found.extend(
            Match(p, PATTERN_SCORE, True, (), text)
            for p in patterns
            if pattern_matches(p.key, text)
        )
        result[text] = sorted(found, key=_rank)
    return result


def match_plate(text: str, view: WatchlistView, now: datetime) -> list[Match]:
    """Matches for one read text, best first (exact above look-alike)."""
    return match_texts([text], view, now).get(plates.normalize(text), [])
