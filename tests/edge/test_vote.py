"""Per-character voting across frames: tables of reads -> voted text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint import wire
from edge.passage import from_decided, to_pb
from edge.track import Decided, Trigger
from edge.types import Box, PlateRead
from edge.vote import vote

BOX = Box(0, 0, 100, 30)


def read(text: str, confidence: float = 0.9, chars: tuple[float, ...] = ()) -> PlateRead:
    return PlateRead(text=text, confidence=confidence, box=BOX, char_confidences=chars)


@pytest.mark.parametrize(
    ("reads", "text", "agreeing"),
    [
        ([read("冀A12345")] * 3, "冀A12345", 3),
        # one frame misreads a character: the other two outvote it
        ([read("冀A12345"), read("冀A1Z345"), read("冀A12345")], "冀A12345", 2),
        # every frame wrong somewhere, never in the same place: the vote is right
        ([read("冀A1Z345"), read("冀A12S45"), read("冀AT2345")], "冀A12345", 0),
        # a spurious 8th character in one read loses on length
        ([read("冀A12345"), read("冀A123451"), read("冀A12345")], "冀A12345", 2),
        # confidence weighs: one sure read beats two unsure ones
        (
            [
                read("京A11111", 0.2, (0.2,) * 7),
                read("京A11111", 0.2, (0.2,) * 7),
                read("京A11117", 0.95, (0.95,) * 7),
            ],
            "京A11117",
            1,
        ),
        # unsure reads do not add up against a sure one: the same camera makes the same
        # mistake frame after frame (four reads of 京 at 0.26 against one of 琼 at 0.96)
        (
            [read("京A6716学", 0.68, (0.26, 0.99, 1.0, 1.0, 1.0, 1.0, 0.27))] * 4
            + [read("琼A6716学", 0.99, (0.96, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0))],
            "琼A6716学",
            1,
        ),
        ([read(""), read("")], "", 0),
        ([], "", 0),
    ],
)
def test_vote(reads: list[PlateRead], text: str, agreeing: int) -> None:
    result = vote(reads)
    assert result.text == text
    assert result.agreeing == agreeing
    assert len(result.char_confidences) == len(text)
    if text:
        assert result.candidates[0][0] == text
        assert 0 < result.confidence <= 1


def test_candidates_keep_the_alternatives() -> None:
    result = vote([read("冀A12345"), read("冀A1Z345"), read("冀A12345")])
    texts = [text for text, _ in result.candidates]
    assert texts[:2] == ["冀A12345", "冀A1Z345"]
    assert result.candidates[0][1] >= result.candidates[1][1] or len(texts) == 2


def test_disagreement_lowers_confidence() -> None:
    sure = vote([read("冀A12345")] * 3)
    torn = vote([read("冀A12345"), read("冀A1Z345")])
    assert torn.confidence < sure.confidence


def test_a_shifted_read_is_not_blended_into_the_vote() -> None:
    """A read of the right length but shifted by a dropped character must not lend its
    characters position by position: sure ends of the shifted read would otherwise
    replace unsure ends of the right one, giving a text that no frame read."""
    right = read("粤B12345", 0.7, (0.9, 0.9, 0.9, 0.9, 0.9, 0.3, 0.3))
    shifted = read("粤B23457", 0.6, (0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9))

    result = vote([right, shifted])

    assert result.text == "粤B12345"
    assert result.agreeing == 1
    assert "粤B12357" not in [text for text, _ in result.candidates]


PLATE_CHARS = "京沪粤冀ABCDEFGHJK0123456789"


@st.composite
def track_reads(draw: st.DrawFn) -> list[PlateRead]:
    """Reads of one 7-character plate: misreads, other lengths, any confidences."""
    length = 7
    texts = st.text(alphabet=PLATE_CHARS, min_size=length - 1, max_size=length + 1)
    reads = []
    for text in draw(st.lists(texts, min_size=1, max_size=8)):
        chars = tuple(draw(st.floats(0.05, 1.0)) for _ in text)
        reads.append(read(text, draw(st.floats(0.05, 1.0)), chars))
    return reads


@given(track_reads())
def test_every_voted_character_was_read_there(reads: list[PlateRead]) -> None:
    """Whatever the reads, each voted character is one some read of that length gave at
    that position, and the confidence is a fraction."""
    result = vote(reads)
    assert result.text
    same_length = [r.text for r in reads if len(r.text) == len(result.text)]
    for pos, char in enumerate(result.text):
        assert any(text[pos] == char for text in same_length)
    assert 0.0 <= result.confidence <= 1.0
    assert result.agreeing == sum(r.text == result.text for r in reads)


@given(st.text(alphabet=PLATE_CHARS, min_size=7, max_size=8), st.integers(1, 6))
def test_identical_reads_vote_for_themselves(text: str, count: int) -> None:
    result = vote([read(text)] * count)
    assert (result.text, result.agreeing) == (text, count)


def test_the_passage_carries_the_voted_character_confidences_to_central() -> None:
    """Central matches a plate whose province was unsure with every province; it can only
    tell from the voted per-character confidences, so they travel with the passage."""
    reads = [read("皖A12345", 0.7, (0.05, 0.99, 0.98, 0.99, 0.97, 0.99, 0.98)) for _ in range(3)]
    voted = vote(reads)
    decided = Decided(1, voted, Trigger.AGREED, 3, 0.0, 0.3, reads[0], None)
    message = to_pb(from_decided(decided, checkpoint_id="cp", lane_id="1"))
    assert list(message.plate.char_confidence) == pytest.approx(voted.char_confidences)
    assert wire.reading_from_pb(message.plate).char_confidences[0] == pytest.approx(0.05)
