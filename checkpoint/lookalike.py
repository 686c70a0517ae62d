"""Characters that plate OCR confuses, for matching reads against a watchlist.

A read of ``京A8S21O`` should still hit the listed ``京AB5210``. Every character maps to
one representative of its look-alike group (`canonical`), so both share one index key and
a lookup is one dict or Redis get per read, never a scan; `compare` then scores a
candidate from that bucket. Callers pass normalised text (`checkpoint.plates.normalize`).
"""

from __future__ import annotations

from dataclasses import dataclass

ALNUM_DIFF_FACTOR: float = 0.8
"""Score multiplier per differing letter/digit position."""

PROVINCE_DIFF_FACTOR: float = 0.7
"""Score multiplier per differing province position: a province misread is rarer."""

# A judgement, not a measurement: the Latin pairs are the classic plate-OCR confusions, the
# province pairs are what PP-OCR mixes up at plate resolution as far as we know. Revise this
# table from the confusion matrix measured on our own labelled checkpoint crops. Groups must
# stay disjoint, or a character's representative would depend on the order of the groups.
LOOKALIKE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset("0DQO"),
    frozenset("8B"),
    frozenset("2Z"),
    frozenset("5S"),
    frozenset("17TI"),
    frozenset("6G"),
    frozenset("京宁"),
    frozenset("贵青"),
    frozenset("鲁鄂"),
    frozenset("沪津"),
    frozenset("湘渝"),
)

_REPRESENTATIVE: dict[str, str] = {c: min(g) for g in LOOKALIKE_GROUPS for c in g}
_TRANSLATION = str.maketrans(_REPRESENTATIVE)


@dataclass(frozen=True, slots=True)
class Similarity:
    """How close a candidate is to a read: `score` 1.0 when identical, lower per change."""

    score: float
    exact: bool
    diff_positions: tuple[int, ...]  # 0-based


def canonical(text: str) -> str:
    """The index key shared by every text that differs from `text` only by look-alikes.

    Args:
        text: Normalised plate text.

    Returns:
        `text` with each character replaced by its group's smallest code point, e.g.
        ``canonical("京AB5210") == canonical("宁A8S21O") == "京A85210"``.
    """
    return text.translate(_TRANSLATION)


def compare(query: str, candidate: str) -> Similarity | None:
    """Score `candidate` against `query`, or None when OCR could not turn one into the other.

    Exact matches score 1.0; each differing position multiplies the score by
    `ALNUM_DIFF_FACTOR` or, for a province character, `PROVINCE_DIFF_FACTOR`, so an exact
    match outranks any fuzzy one and fewer differences outrank more.

    Args:
        query: The text read (normalised).
        candidate: A watchlist key, usually from the bucket of ``canonical(query)``.

    Returns:
        The similarity, or None if the lengths differ or a differing position is not a
        look-alike pair.
    """
    if len(query) != len(candidate):
        return None
    score = 1.0
    diffs: list[int] = []
    for i, (q, c) in enumerate(zip(query, candidate, strict=True)):
        if q == c:
            continue
        representative = _REPRESENTATIVE.get(q)
        if representative is None or representative != _REPRESENTATIVE.get(c):
            return None
        score *= ALNUM_DIFF_FACTOR if q.isascii() else PROVINCE_DIFF_FACTOR
        diffs.append(i)
    return Similarity(score=score, exact=not diffs, diff_positions=tuple(diffs))
