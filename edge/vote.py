"""Voting over the reads of one plate across frames.

A single frame misreads a character now and then (glare, motion blur, a bolt over a 0);
the same plate read over several frames rarely misreads the same character the same way.
Votes are per character, weighted by the square of each read's per-character confidence,
among reads of the winning length that line up with the best-supported one (a shifted read
is left out).
The result keeps the top-N texts as candidates so central can still
match an alternative reading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from edge.types import PlateRead

TOP_N = 5


@dataclass(frozen=True, slots=True)
class Vote:
    """The voted reading of one track; `text` is empty when no read had text."""

    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    candidates: tuple[tuple[str, float], ...]
    agreeing: int
    """How many reads gave exactly the voted text."""


def _char_weights(read: PlateRead) -> tuple[float, ...]:
    if read.char_confidences:
        return read.char_confidences
    return tuple(read.confidence for _ in read.text)


def vote(reads: Sequence[PlateRead], top_n: int = TOP_N) -> Vote:
    """Combine the reads of one plate into one reading with candidates.

    Each position goes to the character with the most squared confidence: the frames of
    one track are not independent looks (the same camera, angle and crop make the same
    mistake frame after frame), so unsure reads must not add up to outvote a sure one. A
    tilted 琼A6716学 read upright in a plate detector's box gave 京 at 0.26 in eight frames;
    the one frame that searched the plate again read 琼 at 0.96, and lost a linear vote
    (behind the plate SSD, 18 takings of the dev photos as lanes of 9 frames, with the
    reader's second look at unsure reads: 418 -> 422 exact, 12 -> 9 false reads;
    plate-first: 430 -> 430, 7 -> 6). The voted confidence stays linear.
    """
    legible = [r for r in reads if r.text]
    if not legible:
        return Vote("", 0.0, (), (), 0)
    by_length: dict[int, float] = defaultdict(float)
    for read in legible:
        by_length[len(read.text)] += read.confidence
    length = max(by_length, key=lambda n: (by_length[n], n))
    voters = _aligned([r for r in legible if len(r.text) == length])
    chars: list[str] = []
    confidences: list[float] = []
    for pos in range(length):
        weights: dict[str, float] = defaultdict(float)
        evidence: dict[str, float] = defaultdict(float)
        for read in voters:
            weight = _char_weights(read)[pos]
            weights[read.text[pos]] += weight
            evidence[read.text[pos]] += weight * weight
        best = max(evidence, key=lambda ch: (evidence[ch], ch))
        total = sum(weights.values())
        mean = weights[best] / sum(1 for r in voters if r.text[pos] == best)
        chars.append(best)
        confidences.append(mean * weights[best] / total if total else 0.0)
    text = "".join(chars)
    confidence = min(confidences) if confidences else 0.0
    candidates = _candidates(text, confidence, legible, top_n)
    agreeing = sum(1 for r in legible if r.text == text)
    return Vote(text, confidence, tuple(confidences), candidates, agreeing)


def _aligned(reads: Sequence[PlateRead]) -> list[PlateRead]:
    """The reads that line up, character for character, with the best-supported one.

    A read of the right length can still be shifted (one character dropped, another added
    at the end: SN06497 against SN6497X). Shifted reads disagree almost everywhere after
    the shift, and voting them per position with aligned ones blends both into a text no
    frame saw. A read with at most a third of its characters unlike the read that agrees
    most with the others is a misread of the same text and keeps its vote; others do not.
    """
    if len(reads) < 2:
        return list(reads)

    def differ(a: str, b: str) -> int:
        return sum(x != y for x, y in zip(a, b, strict=True))

    length = len(reads[0].text)
    anchor = max(
        reads,
        key=lambda r: (
            sum(o.confidence * (length - differ(r.text, o.text)) for o in reads),
            r.confidence,
        ),
    )
    limit = max(1, length // 3)
    return [r for r in reads if differ(r.text, anchor.text) <= limit]


def _candidates(
    text: str, confidence: float, reads: Sequence[PlateRead], top_n: int
) -> tuple[tuple[str, float], ...]:
    """Distinct texts, scored by their mean confidence times their share of the reads."""
    scores: dict[str, float] = defaultdict(float)
    for read in reads:
        scores[read.text] += read.confidence / len(reads)
        for alt, alt_confidence in read.candidates:
            if alt and alt != read.text:
                scores[alt] += alt_confidence / (2 * len(reads))
    scores.pop(text, None)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return ((text, confidence), *ranked[: top_n - 1])
