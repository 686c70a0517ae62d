"""The verdict for one passage: PASS, STOP or CHECK, from its plate reading and the watchlist.

Pure, so the same rules decide at central and, when central is unreachable, at the edge.
The rules lean towards not stopping a driver for nothing: only an exact or pattern hit on
the best reading stops a vehicle; anything less certain asks an officer to look (CHECK).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from checkpoint.matching import Match, WatchlistView, match_texts


class Verdict(StrEnum):
    PASS = "PASS"
    STOP = "STOP"
    CHECK = "CHECK"


@dataclass(frozen=True, slots=True)
class PlateCandidate:
    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class PlateReading:
    """The voted reading of one vehicle's plate; `text` is empty when nothing was legible."""

    text: str
    confidence: float
    candidates: Sequence[PlateCandidate] = ()


@dataclass(frozen=True, slots=True)
class ScreeningPolicy:
    """Thresholds for turning matches into verdicts."""

    min_confidence: float = 0.5
    """Below this a non-matching read is not trusted to clear the vehicle."""
    min_lookalike_score: float = 0.6
    """Look-alike matches scoring lower than this are too far off to bother an officer."""


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    reason: str
    matches: Sequence[Match] = field(default_factory=tuple)


def describe(match: Match) -> str:
    """Officer-facing text for a match: what the entry is and how it matched."""
    entry = match.entry
    how = "exact" if match.exact else f"look-alike, score {match.score:.2f}"
    if entry.kind.value == "plate_pattern":
        how = f"pattern {entry.key}"
    return f"{entry.category.value} ({entry.severity.value}): {entry.reason} [{how}]"


def screen_plate(
    reading: PlateReading,
    view: WatchlistView,
    now: datetime,
    policy: ScreeningPolicy | None = None,
) -> Decision:
    """Decide a passage from its plate reading."""
    policy = policy or ScreeningPolicy()
    if not reading.text.strip():
        return Decision(Verdict.CHECK, "no readable plate")
    others = [c.text for c in reading.candidates if c.text]
    found = match_texts([reading.text, *others], view, now)
    ordered = [m for matches in found.values() for m in matches]
    best_text = next(iter(found), "")
    top = found.get(best_text, [])
    exact = [m for m in top if m.exact]
    if exact:
        return Decision(Verdict.STOP, describe(exact[0]), tuple(ordered))
    near = [
        m
        for m in ordered
        if m.score >= policy.min_lookalike_score and (m.exact or m.matched_text == best_text)
    ]
    if near:
        best = max(near, key=lambda m: m.score)
        qualifier = "candidate reading" if best.matched_text != best_text else "look-alike"
        return Decision(
            Verdict.CHECK,
            f"possible match {best.entry.key} ({qualifier} {best.matched_text}): {describe(best)}",
            tuple(ordered),
        )
    if reading.confidence < policy.min_confidence:
        return Decision(Verdict.CHECK, f"low-confidence plate reading ({reading.confidence:.2f})")
    return Decision(Verdict.PASS, "no watchlist match")
