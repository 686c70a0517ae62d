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

from checkpoint import plates
from checkpoint.matching import Match, WatchlistView, match_texts
from checkpoint.restrictions import RestrictionRule
from checkpoint.vehicles import ClonePolicy, Registration, VehicleSeen, clone_evidence


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
    char_confidences: Sequence[float] = ()
    """Per character of `text`, where the reader gave them (empty: not known)."""


@dataclass(frozen=True, slots=True)
class ScreeningPolicy:
    """Thresholds for turning matches into verdicts."""

    min_confidence: float = 0.5
    """Below this a non-matching read is not trusted to clear the vehicle."""
    min_lookalike_score: float = 0.6
    """Look-alike matches scoring lower than this are too far off to bother an officer."""
    unsure_province: float = 0.5
    """A province read less surely than this may be any province: the reading is also
    matched with each other one in its place."""


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
        return Decision(Verdict.CHECK, "plate unreadable")
    others = [c.text for c in reading.candidates if c.text]
    guessed = _with_other_provinces(reading, policy)
    found = match_texts([reading.text, *others, *guessed], view, now)
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
        how = "candidate reading" if best.matched_text != best_text else "look-alike"
        how = f"{how} {best.matched_text}"
        if best.matched_text in guessed and best.matched_text not in others:
            how = f"province unsure: read {best_text}"
        return Decision(
            Verdict.CHECK,
            f"possible match {best.entry.key} ({how}): {describe(best)}",
            tuple(ordered),
        )
    if reading.confidence < policy.min_confidence:
        return Decision(Verdict.CHECK, f"low-confidence plate reading ({reading.confidence:.2f})")
    return Decision(Verdict.PASS, "no watchlist match")


def _with_other_provinces(reading: PlateReading, policy: ScreeningPolicy) -> list[str]:
    """The reading with each other province in place of its own, when that was unsure.

    The province is a plate's smallest, most complex character: on a small or distant
    plate the reader often guesses it (the network saw no province there and the best
    one at that step was taken), and a guess is often wrong. A listed 粤BD01366 read as
    皖BD01366 would then match nothing; matched with every province, it is a CHECK that
    names the listed plate, never a STOP (only the best reading's exact hit stops).
    """
    text = plates.normalize(reading.text)
    confidences = reading.char_confidences
    if not text or text[0] not in plates.PROVINCES or not confidences:
        return []
    if confidences[0] >= policy.unsure_province:
        return []
    return [province + text[1:] for province in sorted(plates.PROVINCES) if province != text[0]]


def screen_vehicle(
    decision: Decision,
    *,
    seen: VehicleSeen | None = None,
    registration: Registration | None = None,
    restriction: RestrictionRule | None = None,
    clone_policy: ClonePolicy | None = None,
) -> Decision:
    """Add what the vehicle itself shows to the plate's decision.

    A watchlist STOP stands as it is. A broken restriction rule gives the rule's verdict;
    a vehicle that clearly does not look like its plate's registration gets CHECK
    "possible cloned plate" (never STOP: the registration records may be stale). Reasons
    add up, so an officer sees every ground for a check.
    """
    if decision.verdict is Verdict.STOP:
        return decision
    verdict: Verdict = decision.verdict
    reasons = [] if verdict is Verdict.PASS else [decision.reason]
    if restriction is not None:
        reasons.append(f"{restriction.reason}: {restriction.name}")
        if restriction.verdict == "STOP" or verdict is Verdict.PASS:
            verdict = Verdict(restriction.verdict)
    if seen is not None and registration is not None:
        clone = clone_evidence(registration, seen, clone_policy)
        if clone is not None:
            reasons.append(clone)
            if verdict is Verdict.PASS:
                verdict = Verdict.CHECK
    if verdict is Verdict.PASS:
        return decision
    return Decision(verdict, "; ".join(reasons), decision.matches)
