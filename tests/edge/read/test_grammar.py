"""Grammar repair and ranking tables, on hand-made recogniser outputs (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from edge.read.decode import CharRead, CTCDecoder
from edge.read.grammar import (
    Candidate,
    accepts,
    choose,
    plate_color,
    rank,
    repair,
    repair_rows,
)


def reads(
    text: str,
    conf: dict[int, float] | None = None,
    alts: dict[int, str] | None = None,
    *,
    province: str = "京",
    letter: str = "A",
    fallback_p: float = 0.2,
) -> list[CharRead]:
    """CharReads for `text`; `conf`/`alts` override position confidence / 2nd choice."""
    conf, alts = conf or {}, alts or {}
    return [
        CharRead(
            char=c,
            confidence=conf.get(i, 0.99),
            alternatives=((alts[i], 0.3),) if i in alts else (),
            provinces=(province, fallback_p),
            letter=(letter, fallback_p),
        )
        for i, c in enumerate(text)
    ]


def best(chars: list[CharRead], color: str) -> str | None:
    chosen = choose(rank(repair(chars, color), color, top_n=5), min_confidence=0.5)
    return chosen.text if chosen else None


@pytest.mark.parametrize(
    ("chars", "color", "expected"),
    [
        pytest.param(reads("皖AH712X"), "blue", "皖AH712X", id="valid-as-read"),
        pytest.param(reads("闵DG065G", province="闽"), "blue", "闽DG065G", id="province-lookalike"),
        pytest.param(
            reads("QBD01366", province="粤"), "green", "粤BD01366", id="province-as-letter"
        ),
        pytest.param(reads("粤8D01366", letter="B"), "green", "粤BD01366", id="letter-as-digit"),
        pytest.param(reads("1皖AH712X"), "blue", "皖AH712X", id="frame-left-of-province"),
        pytest.param(reads("皖AH712X1", {7: 0.4}), "blue", "皖AH712X", id="frame-right-end"),
        pytest.param(reads("皖AH712X1"), "blue", "皖AH712X", id="sure-frame-right-end"),
        pytest.param(
            reads("苏E051712", {2: 0.5}, {2: "D"}), "green", "苏ED51712", id="swap-beats-trim"
        ),
        pytest.param(reads("皖AH7I2X"), "blue", "皖AH712X", id="I-is-1"),
        pytest.param(reads("京A1234警"), "black", "京A1234警", id="white-black-confusable"),
        pytest.param(reads("SN6497"), "white", "SN6497", id="hong-kong"),
        pytest.param(reads("WJ1693015"), "white", "WJ1693015", id="armed-police"),
        pytest.param(reads("GA13189"), "white", "GA13189", id="military"),
        pytest.param(reads("GA13189", fallback_p=1e-4), "blue", None, id="sure-letter-no-province"),
        pytest.param(reads("LXS70"), "white", None, id="badge-not-a-plate"),
        pytest.param(reads("0010912"), "white", None, id="digits-not-a-plate"),
        pytest.param(reads("A5331"), "yellow", None, id="half-a-double-layer"),
        pytest.param(reads("SN6497"), "blue", None, id="foreign-never-blue"),
        pytest.param(reads("苏BD00111094"), "green", None, id="overlay-with-score"),
        pytest.param([], "blue", None, id="nothing-read"),
    ],
)
def test_repair_and_rank(chars: list[CharRead], color: str, expected: str | None) -> None:
    assert best(chars, color) == expected


def test_candidates_put_valid_alternatives_first() -> None:
    # 8 characters cannot be a blue plate; dropping the unsure last one gives one
    chars = reads("京A123456", {7: 0.6})
    candidates = rank(repair(chars, "blue"), "blue", top_n=20)
    assert candidates[0].text == "京A12345"
    assert candidates[0].valid
    invalid = [i for i, c in enumerate(candidates) if c.text == "京A123456"]
    assert invalid
    assert not candidates[invalid[0]].valid
    assert candidates[invalid[0]].confidence > candidates[0].confidence
    assert all(c.valid for c in candidates[: invalid[0]])


@pytest.mark.parametrize(
    ("text", "measured", "reported"),
    [
        ("京A1234警", "black", "white"),
        ("粤Z1234港", "white", "black"),
        ("京A12345", "blue", "blue"),
    ],
)
def test_plate_kind_fixes_white_black(text: str, measured: str, reported: str) -> None:
    assert plate_color(text, measured) == reported


def test_ctc_decode_collapses_runs_and_keeps_max_confidence() -> None:
    charset = ("", "京", "A", "1", "·", "三", "E", " ")
    decoder = CTCDecoder(charset)
    steps = [
        (1, 0.7), (1, 0.9), (0, 0.9), (4, 0.8), (2, 0.95), (0, 0.9),
        (3, 0.6), (0, 0.9), (3, 0.8), (5, 0.5),
    ]  # fmt: skip
    probs = np.full((len(steps), len(charset)), 0.0, np.float32)
    for t, (index, p) in enumerate(steps):
        probs[t, index] = p
        probs[t, 6] += 0.1  # E always has a little weight
    out = decoder.decode(probs)
    assert "".join(r.char for r in out) == "京A11E"
    assert [round(r.confidence, 2) for r in out] == [0.9, 0.95, 0.6, 0.8, 0.1]


def test_a_guessed_province_keeps_the_next_likely_ones_as_candidates() -> None:
    """A small province character often reads as nothing a plate holds (Q for 粤); the best
    province at that step is a guess, so the next ones must reach central as candidates."""
    charset = ("", "Q", "皖", "粤", "鲁", "B", "D", "0", "1", "3", "6")
    decoder = CTCDecoder(charset)
    steps = [1, 0, 5, 0, 6, 0, 7, 0, 8, 0, 9, 0, 10, 0, 10]  # Q B D 0 1 3 6 6, blanks between
    probs = np.full((len(steps), len(charset)), 0.0, np.float32)
    for t, index in enumerate(steps):
        probs[t, index] = 0.95
    probs[0, 1:5] = (0.6, 0.2, 0.15, 0.05)  # Q, then 皖 over 粤 over 鲁
    chars = decoder.decode(probs)
    others = [(c, round(p, 2)) for c, p in chars[0].other_provinces]
    assert others == [("粤", 0.15), ("鲁", 0.05)]
    candidates = rank(repair(chars, "green"), "green", top_n=5)
    assert candidates[0].text == "皖BD01366"
    assert "粤BD01366" in [c.text for c in candidates if c.valid]


def _top_row_probs(charset: tuple[str, ...], steps: list[tuple[int, float]]) -> np.ndarray:
    probs = np.zeros((len(steps), len(charset)), np.float32)
    for t, (index, p) in enumerate(steps):
        probs[t, index] = p
        probs[t, 0] += 1 - p  # the rest is blank
    return probs


def test_a_top_row_read_as_its_province_alone_gets_its_letter_back() -> None:
    """The top row's letter, spaced far from its province, loses to the blank; the row must
    hold two characters, so the likeliest letter after the province is taken, look-alikes
    (三 for E) counted in, with the probability it had."""
    charset = ("", "京", "E", "F", "三", "1")
    decoder = CTCDecoder(charset)
    probs = _top_row_probs(charset, [(0, 1.0), (1, 0.9), (0, 1.0), (0, 1.0), (0, 1.0)])
    probs[3] = (0.55, 0.0, 0.1, 0.05, 0.3, 0.0)  # blank wins; E and 三 together do not
    assert [r.char for r in decoder.decode(probs)] == ["京"]
    top = decoder.decode_top_row(probs)
    assert [(r.char, round(r.confidence, 2)) for r in top] == [("京", 0.9), ("E", 0.4)]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        pytest.param([(0, 1.0), (2, 0.9), (0, 1.0)], ["E"], id="no-province-seen-before"),
        pytest.param([(1, 0.9), (0, 1.0), (2, 0.9)], ["京", "E"], id="both-read"),
        pytest.param([(5, 0.9), (0, 1.0)], ["1"], id="a-digit-alone"),
    ],
)
def test_a_top_row_is_only_completed_from_evidence(
    steps: list[tuple[int, float]], expected: list[str]
) -> None:
    charset = ("", "京", "E", "F", "三", "1")
    decoder = CTCDecoder(charset)
    top = decoder.decode_top_row(_top_row_probs(charset, steps))
    assert [r.char for r in top] == expected


def test_a_letter_read_for_the_province_of_a_two_row_plate_is_replaced() -> None:
    """A bottom row of five characters is a mainland plate's (Hong Kong and Macau plates
    hold at most four digits under their letters), so even on a yellow plate its first
    character must be a province: `LE` over `A5331` is 京E A5331 when the network saw 京
    at that step."""
    rows = [reads("LE", {0: 0.3}, province="京", fallback_p=0.6), reads("A5331")]
    assert best_of_rows(rows, "yellow") == "京EA5331"
    hong_kong = [reads("LX", province="京", fallback_p=0.6), reads("8170")]
    assert best_of_rows(hong_kong, "white") == "LX8170"


def test_a_province_read_alone_is_averaged_with_its_line() -> None:
    """The line weighs the province with its neighbours (京 0.37 over 琼 0.33); read alone
    the glyph says 琼. The two are averaged, so a clear read alone decides a close line."""
    charset = ("", "京", "琼", "皖", "A")
    decoder = CTCDecoder(charset)
    line = _top_row_probs(charset, [(0, 1.0), (1, 0.37), (0, 1.0), (4, 0.99)])
    line[1] = (0.3, 0.37, 0.33, 0.0, 0.0)
    first = decoder.decode(line)[0]
    assert (first.char, first.step) == ("京", 1)
    alone = _top_row_probs(charset, [(0, 1.0), (2, 0.65), (0, 1.0)])
    alone[1] = (0.28, 0.07, 0.65, 0.0, 0.0)
    judged = decoder.province_alone(first, line, alone)
    assert (judged.char, round(judged.confidence, 2)) == ("琼", 0.49)
    assert [c for c, _ in judged.other_provinces] == ["京", "皖"]
    # a glyph that says nothing alone leaves the line's choice, at half its weight
    blank = _top_row_probs(charset, [(0, 1.0), (0, 1.0)])
    assert decoder.province_alone(first, line, blank).char == "京"


@pytest.mark.parametrize(
    ("text", "confidence", "chosen"),
    [
        ("京EA5331", 0.6, True),  # a mainland plate: the grammar rules out accidents
        ("AS33", 0.6, False),  # two letters and digits: any lettering fits
        ("AS33", 0.8, True),
        ("WJ1693015", 0.7, False),
    ],
)
def test_a_hong_kong_pattern_needs_a_surer_read(text: str, confidence: float, chosen: bool) -> None:
    candidate = Candidate(text, confidence, (confidence,) * len(text), valid=True)
    assert (choose([candidate], 0.5, 0.75) is candidate) is chosen
    assert choose([candidate], 0.5) is candidate  # without the generic floor


def test_an_armed_police_number_has_no_i_or_o() -> None:
    """WJ numbers are mainland plates: an I read in them is a 1 (its second choice)."""
    chars = reads("WJI693015", {2: 0.6}, {2: "1"})
    valid = [c.text for c in rank(repair(chars, "white"), "white", 5) if c.valid]
    assert valid[0] == "WJ1693015"
    assert all("I" not in text for text in valid)


def best_of_rows(rows: list[list[CharRead]], color: str) -> str | None:
    chosen = choose(rank(repair_rows(rows, color), color, top_n=5), min_confidence=0.5)
    return chosen.text if chosen else None


@pytest.mark.parametrize(
    ("top", "bottom", "color", "expected"),
    [
        pytest.param("京E", "A5331", "yellow", "京EA5331", id="two-rows-as-read"),
        pytest.param("京EM", "A5331", "yellow", "京EA5331", id="rivet-after-the-letter"),
        pytest.param("豫CI", "G117挂", "yellow", "豫CG117挂", id="trailer-rivet"),
        pytest.param("SN", "6497", "white", "SN6497", id="hong-kong-two-rows"),
    ],
)
def test_repair_rows(top: str, bottom: str, color: str, expected: str) -> None:
    province = top[0]
    rows = [reads(top, province=province), reads(bottom, province=province)]
    assert best_of_rows(rows, color) == expected


@pytest.mark.parametrize(
    ("top", "expected"),
    [("OSNO", "SN6497"), ("QSNI", "SN6497"), ("SNO", "SN6497"), ("OSN", "SN6497")],
)
def test_screws_beside_a_hong_kong_top_row_are_trimmed(top: str, expected: str) -> None:
    """A Hong Kong or Macau plate's letters are never I, O or Q, so such characters at the
    ends of its letter row are the frame and its screws; a flat trim of the leading O would
    make the military plate SN06497."""
    ends = {i: 0.3 for i, c in enumerate(top) if c in "IOQ"}
    rows = [reads(top, ends), reads("6497")]
    assert best_of_rows(rows, "white") == expected


def test_a_hong_kong_top_row_read_with_a_screw_is_not_a_military_plate() -> None:
    """`SNO` over `6497` as read is the military SN06497 (O read as 0), but a military
    plate's digits all stand in its bottom row: the letters alone win."""
    rows = [reads("SNO", {2: 0.7}, {2: "0"}), reads("6497")]
    assert best_of_rows(rows, "white") == "SN6497"


def test_a_hong_kong_top_row_holds_two_letters() -> None:
    """Under a greenish lamp the frame beside `SN` read as P and A: a Hong Kong top row
    holds two letters, so the surest pair is the plate, not the military `SN06497` that a
    flat trim and a swap made of it."""
    rows = [reads("PSNA", {0: 0.42, 3: 0.19}, {3: "0"}), reads("6497")]
    assert best_of_rows(rows, "white") == "SN6497"


def test_a_sure_extra_top_character_costs_confidence() -> None:
    as_read = choose(rank(repair_rows([reads("京E"), reads("A5331")], "yellow"), "yellow", 5), 0.0)
    trimmed = choose(rank(repair_rows([reads("京EM"), reads("A5331")], "yellow"), "yellow", 5), 0.0)
    assert as_read is not None and trimmed is not None
    assert trimmed.text == as_read.text and trimmed.confidence < as_read.confidence


def test_a_top_row_ending_in_digits_is_not_trimmed() -> None:
    # a farm vehicle's top row is its province and two digits (云26 over 27252)
    rows = [reads("云26", province="云"), reads("27252", province="云")]
    assert repair_rows(rows, "green") == repair([c for row in rows for c in row], "green")


def test_a_farm_vehicle_plate_keeps_its_digits() -> None:
    """A tractor's plate is a province and seven digits (`云26` over `27252`), white on
    green: its second character is a digit where every other mainland plate has a letter,
    and its third one where a small new-energy car has its energy letter. Neither may be
    forced to a letter."""
    rows = [reads("云26", province="云", letter="Z"), reads("27252", province="云", letter="Z")]
    assert best_of_rows(rows, "green") == "云2627252"
    flat = reads("云2627252", province="云", letter="Z")
    chosen = choose(rank(repair(flat, "green"), "green", top_n=5), min_confidence=0.5)
    assert chosen is not None and chosen.text == "云2627252"


@pytest.mark.parametrize("color", ["blue", "yellow", "white", "black"])
def test_a_farm_pattern_is_no_plate_of_another_colour(color: str) -> None:
    """Tractor plates are green: eight characters of a province and digits on a blue plate
    are a misread (a frame edge and a letter read as a digit), never a farm plate."""
    assert not accepts("云2627252", color)
    assert accepts("云2627252", "green")
