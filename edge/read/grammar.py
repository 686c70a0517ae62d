"""Plate grammar applied to OCR output: repair impossible reads, rank alternatives.

OCR errors on plates are not random: the province character is the smallest, most complex
glyph and the first to be misread; the plate's frame or a rivet adds a character at either
end; 8 and B, 0 and D swap. GA 36-2018 rules out most of these, so the grammar
(`checkpoint.plates.parse`) decides between the network's first and second choices.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from dataclasses import dataclass, replace

from checkpoint.errors import InvalidPlate
from checkpoint.plates import PROVINCES, PlateKind, parse
from edge.read.decode import CharRead

logger = logging.getLogger(__name__)

MAINLAND_COLORS = frozenset({"blue", "green"})
"""Colours only mainland plates have: a province must come first."""
_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
_SUFFIXES = frozenset("警港澳领学挂")
_DIGITS = frozenset("0123456789")
_ENERGY = frozenset("DABCEFGHJK")
_WHITE_OR_YELLOW = frozenset({"white", "yellow"})
_ACHROMATIC = frozenset({"white", "black"})
_KIND_COLORS: dict[PlateKind, frozenset[str]] = {
    PlateKind.GENERIC: _WHITE_OR_YELLOW | _ACHROMATIC,
    PlateKind.MILITARY: _ACHROMATIC,
    PlateKind.ARMED_POLICE: _ACHROMATIC,
    PlateKind.POLICE: _ACHROMATIC,
    PlateKind.EMBASSY: _ACHROMATIC,
    PlateKind.HONG_KONG: _ACHROMATIC,
    PlateKind.MACAU: _ACHROMATIC,
    PlateKind.AGRICULTURAL: frozenset({"green"}),  # tractors: white on green (NY 345.1)
}
"""Colours a kind of plate can have, where that is restricted. White and black are not told
apart here (the kind decides, see `KIND_COLOR`): shade and a dark frame blur them."""
KIND_COLOR: dict[PlateKind, str] = {
    PlateKind.MILITARY: "white",
    PlateKind.ARMED_POLICE: "white",
    PlateKind.POLICE: "white",
    PlateKind.EMBASSY: "black",
    PlateKind.HONG_KONG: "black",
    PlateKind.MACAU: "black",
}
"""The one colour a plate of this kind can have."""
# Hong Kong and Macau (no I, O or Q), and armed-police WJ numbers (no I or O, as on every
# mainland plate)
_FOREIGN = re.compile(r"[A-HJ-NPR-Z]{2}[0-9]{1,4}|WJ[0-9A-HJ-NP-Z]{5,7}")
_HK_LETTERS = frozenset("ABCDEFGHJKLMNPRSTUVWXYZ")  # Hong Kong and Macau: no I, O or Q
_SWAP_BELOW = 0.9  # only characters less sure than this get alternatives
_MAX_SWAPS = 2
_SWAP_POSITIONS = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible reading of a plate."""

    text: str
    confidence: float
    """Geometric mean of `char_confidences`, times the prior of the repair behind it."""
    char_confidences: tuple[float, ...]
    valid: bool
    """Whether the plate grammar accepts `text` for this plate's colour."""


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def expects_province(text: str, color: str, *, mainland: bool = False) -> bool:
    """Whether position 1 must be a province: a mainland plate by colour, suffix or script,
    or by its rows (`mainland`)."""
    if len(text) not in (7, 8) or text.startswith(("WJ", "使")):
        return False
    return mainland or color in MAINLAND_COLORS or text[-1] in _SUFFIXES or _is_cjk(text[0])


@dataclass(frozen=True, slots=True)
class Variant:
    """The characters of one way to read a plate, and how much that way costs (0-1)."""

    reads: tuple[CharRead, ...]
    prior: float = 1.0


def repair(reads: list[CharRead], color: str, *, mainland: bool = False) -> list[Variant]:
    """Fix what the grammar says cannot be: a spurious end character, the province, letter 2.

    Args:
        reads: Characters from `CTCDecoder.decode`.
        color: The plate's background colour (blue, yellow, green, white, black, unknown).
        mainland: The plate's layout says it is a mainland plate, whatever its colour.

    Returns:
        The read as it is, then (if it is too long to be a plate) the read without one end
        character, weighted by how unsure that character was; each with its province and
        letter fixed where the grammar demands one. The input is not modified.
    """
    while len(reads) > 7 and reads[0].char not in PROVINCES and reads[1].char in PROVINCES:
        reads = reads[1:]  # the frame's left edge read as a character
    variants = [Variant(tuple(reads))]
    if len(reads) >= 8 and not _valid("".join(r.char for r in reads), color):
        # the plate's frame, a screw or the separator read as an extra end character:
        # more likely the less sure end; never down to 7 on a (8-character) green plate
        # and a province first says the start is right
        short = 0.1 if color == "green" and len(reads) == 8 else 1.0
        starts_right = reads[0].char in PROVINCES
        first = (1 - reads[0].confidence / 2) * (0.1 if starts_right else 1.0)
        last = 1 - reads[-1].confidence / (4 if starts_right else 2)
        variants.append(Variant(tuple(reads[1:]), short * first))
        variants.append(Variant(tuple(reads[:-1]), short * last))
    return [_fix_mainland(v, color, mainland=mainland) for v in variants]


def repair_rows(rows: list[list[CharRead]], color: str) -> list[Variant]:
    """`repair` for a plate read row by row: a double-layer plate's top row holds its
    province and letter (a farm vehicle's, its province and two digits), so letters after
    those are the rivets or the small print beside them (`京EM` over `A5331`): the plate is
    also tried without them, weighted by how unsure they were. A bottom row of five
    characters or more is a mainland plate's (a Hong Kong or Macau plate's two rows hold
    letters over at most four digits), so its first character is a province even on a
    yellow or white plate (`LE` over `A5331` for `京E`). And a bottom row of at most four
    digits is a Hong Kong or Macau plate's, whose top row holds two letters, never I, O or
    Q (they would pass for 1 and 0): each pair of adjacent letters there is also tried
    alone, the rest being the frame and its screws (`OSNO` over `6497` for `SN`; a flat
    trim would make the military `SN06497`). The input is not modified.
    """
    flat = [c for row in rows for c in row]
    mainland = len(rows) == 2 and len(rows[1]) >= 5
    variants = repair(flat, color, mainland=mainland)
    top = rows[0]
    if len(rows) == 2 and len(rows[1]) <= 4 and all(c.char in _DIGITS for c in rows[1]):
        return _strip_letter_row(top, rows[1], color, variants)
    extra = (
        len(rows) == 2
        and len(top) > 2
        and top[0].char in PROVINCES
        and top[2].char not in _DIGITS
        and not _valid("".join(c.char for c in flat), color)
    )
    if extra:
        # the top row says where the extra characters are: a flat trim of the bottom row's
        # end would make a valid but wrong plate (`京EMA533`), so it counts for less
        prior = _left_out(top[2:])
        trimmed = repair([*top[:2], *rows[1]], color, mainland=mainland)
        variants = [variants[0], *(replace(v, prior=v.prior / 2) for v in variants[1:])]
        variants += [replace(v, prior=v.prior * prior) for v in trimmed]
    return variants


def _strip_letter_row(
    top: list[CharRead], bottom: list[CharRead], color: str, variants: list[Variant]
) -> list[Variant]:
    """`variants` plus the plate read with each pair of adjacent letters of its top row
    alone, weighted by how unsure the characters left out were; flat trims count for less.

    A Hong Kong or Macau top row holds two letters, never I, O or Q; what else the
    recogniser reads there is the frame, its screws or a mark beside them (`OSNO`, or
    `PSNA` over `6497` for `SN`). So the plate as read counts for less too: `SNO` over
    `6497` would otherwise be the military `SN06497` (O read as 0), a plate whose digits
    all stand in its bottom row.
    """
    if len(top) <= 2:
        return variants
    pairs = []
    for start in range(len(top) - 1):
        pair = top[start : start + 2]
        if all(c.char in _HK_LETTERS for c in pair):
            prior = _left_out(top[:start] + top[start + 2 :])
            pairs += [replace(v, prior=v.prior * prior) for v in repair([*pair, *bottom], color)]
    if not pairs:
        return variants
    return [*(replace(v, prior=v.prior / 2) for v in variants), *pairs]


def _left_out(dropped: list[CharRead]) -> float:
    """The prior of a reading that leaves `dropped` out of a top row: the surer they were
    read, the less likely they were only the frame or a rivet."""
    return 1 - sum(c.confidence for c in dropped) / len(dropped) / 4


def _fix_mainland(variant: Variant, color: str, *, mainland: bool = False) -> Variant:
    """Position 1 of a mainland plate is a province, position 2 a letter: take the best
    such character the network saw at that step."""
    reads = list(variant.reads)
    text = "".join(r.char for r in reads)
    if not expects_province(text, color, mainland=mainland):
        return variant
    if text[0] not in PROVINCES:
        # the province is a guess: the next likely provinces are its alternatives, so the
        # candidates carry them, and central can name a listed plate one of them matches
        # (CHECK "possible match ...") rather than only a low-confidence reading
        char, p = reads[0].provinces
        reads[0] = replace(reads[0], char=char, confidence=p, alternatives=reads[0].other_provinces)
        logger.debug("position 1 is not a province; best province has p=%.3f", p)
    if _is_farm(text, color):
        return Variant(tuple(reads), variant.prior)  # digits second and third are right
    if text[1] not in _LETTERS:
        char, p = reads[1].letter
        reads[1] = replace(reads[1], char=char, confidence=p)
    if color == "green" and len(text) == 8 and text[2] in _DIGITS and text[7] in _DIGITS:
        # a new-energy plate has its energy letter (D, F, ...) third or last: a small car's
        # third character looks like a digit (D/0) far more often than the other way round
        char, p = reads[2].letter
        if char in _ENERGY:
            reads[2] = replace(reads[2], char=char, confidence=p)
    return Variant(tuple(reads), variant.prior)


def _is_farm(text: str, color: str) -> bool:
    """Whether `text` reads as a farm vehicle's plate: a province and seven digits (`云26`
    over `27252`) on a green plate. Its second character is a digit, where every other
    mainland plate has a letter."""
    return (
        (color == "unknown" or color in _KIND_COLORS[PlateKind.AGRICULTURAL])
        and len(text) == 8
        and text[0] in PROVINCES
        and all(c in _DIGITS for c in text[1:])
    )


def _valid(text: str, color: str, *, allow_generic: bool = True) -> bool:
    return _parse(text, color, allow_generic=allow_generic) is not None


def accepts(text: str, color: str) -> bool:
    """Whether a plate reading `text` can have the background `color`."""
    return _valid(text, color)


def _parse(text: str, color: str, *, allow_generic: bool = True) -> str | None:
    """The repaired text if the grammar accepts it for a plate of `color`, else None.

    `parse` accepts any short alphanumeric string as a foreign plate; on a camera that would
    turn every badge and timestamp into a read, so only the Hong Kong/Macau pattern (1-2
    letters, 1-4 digits, on a white or yellow plate) and armed-police WJ numbers pass.
    """
    try:
        plate = parse(text, allow_generic=allow_generic)
    except InvalidPlate:
        return None
    if color == "green" and len(plate.text) != 8:
        return None  # new-energy and green farm plates all have 8 characters
    allowed = _KIND_COLORS.get(plate.kind)
    if allowed is not None and color not in allowed and color != "unknown":
        return None
    if plate.kind is PlateKind.GENERIC and not _FOREIGN.fullmatch(plate.text):
        return None
    return plate.text


def rank(variants: list[Variant], color: str, top_n: int) -> list[Candidate]:
    """Each variant plus second-choice swaps at unsure positions; valid ones first.

    Args:
        variants: Repaired readings (`repair`).
        color: The plate's background colour.
        top_n: How many candidates to return at most.

    Returns:
        Candidates, grammar-valid first, then by confidence; empty when nothing was read.
    """
    options: dict[str, Candidate] = {}
    for variant in variants:
        for candidate in _swaps(variant, color):
            known = options.get(candidate.text)
            if known is None or known.confidence < candidate.confidence:
                options[candidate.text] = candidate
    ordered = sorted(options.values(), key=lambda c: (not c.valid, -c.confidence))
    return ordered[:top_n]


def _swaps(variant: Variant, color: str) -> list[Candidate]:
    reads = variant.reads
    if not reads:
        return []
    unsure = sorted(
        (i for i, r in enumerate(reads) if r.confidence < _SWAP_BELOW and r.alternatives),
        key=lambda i: reads[i].confidence,
    )[:_SWAP_POSITIONS]
    out = []
    for count in range(_MAX_SWAPS + 1):
        for positions in itertools.combinations(unsure, count):
            for choice in itertools.product(*(reads[i].alternatives[:2] for i in positions)):
                chars = [(r.char, r.confidence) for r in reads]
                for i, alt in zip(positions, choice, strict=True):
                    chars[i] = alt
                out.append(_candidate(chars, color, variant.prior))
    return out


def _candidate(chars: list[tuple[str, float]], color: str, prior: float) -> Candidate:
    raw = "".join(c for c, _ in chars)
    confidences = tuple(p for _, p in chars)
    parsed = _parse(raw, color)
    text = parsed if parsed is not None and len(parsed) == len(raw) else raw
    mean = math.exp(sum(math.log(max(p, 1e-6)) for p in confidences) / len(confidences))
    return Candidate(text, mean * prior, confidences, parsed is not None)


def plate_color(text: str, color: str) -> str:
    """The colour to report: the kind's own colour where it has one (white/black are easily
    confused under shade), else the measured colour."""
    try:
        kind = parse(text).kind
    except InvalidPlate:
        return color
    return KIND_COLOR.get(kind, color)


def choose(
    candidates: list[Candidate], min_confidence: float, min_generic: float | None = None
) -> Candidate | None:
    """The read to report: the best candidate if the grammar accepts it and it is sure
    enough; None means "not a plate" (or not legible), which is never a false read.

    A Hong Kong, Macau or WJ reading must be surer (`min_generic`): two letters and a few
    digits is a pattern the lettering on a lorry, a badge or half of a misread mainland
    plate fits as well (`AS33` from a blurred `京EA5331`'s bottom row at 0.51, `ZR067` at
    0.61 from a mainland plate's middle), while a mainland plate's province, letter and
    serial rule out nearly every such accident. Over the dev photos' takings, right readings
    of these plates came at 0.86 or more, the accidents at 0.72 or less.
    """
    if not candidates or not candidates[0].valid:
        return None
    best = candidates[0]
    floor = min_confidence
    if min_generic is not None and parse(best.text).kind is PlateKind.GENERIC:
        floor = max(floor, min_generic)
    return best if best.confidence >= floor else None
