"""Box geometry the reader and tracker lean on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from edge.types import Box


@st.composite
def boxes(draw: st.DrawFn) -> Box:
    x1 = draw(st.integers(0, 500))
    y1 = draw(st.integers(0, 500))
    return Box(x1, y1, x1 + draw(st.integers(1, 300)), y1 + draw(st.integers(1, 300)))


@given(boxes(), boxes())
def test_share_inside_is_a_fraction_of_the_inner_box(inner: Box, outer: Box) -> None:
    share = inner.share_inside(outer)
    assert 0.0 <= share <= 1.0
    # the shared area seen from either side is the same intersection
    overlap = share * inner.width * inner.height
    assert abs(overlap - outer.share_inside(inner) * outer.width * outer.height) < 1e-6
    if inner.iou(outer) == 0.0:
        assert share == 0.0


@given(boxes())
def test_a_box_lies_wholly_inside_itself_and_any_box_around_it(box: Box) -> None:
    around = Box(box.x1 - 5 if box.x1 >= 5 else 0, box.y1, box.x2 + 5, box.y2 + 1)
    assert box.share_inside(box) == 1.0
    assert box.share_inside(around) == 1.0


def test_share_inside_counts_the_overlapping_part() -> None:
    assert Box(0, 0, 100, 10).share_inside(Box(50, 0, 200, 10)) == 0.5
    assert Box(0, 0, 100, 10).share_inside(Box(100, 0, 200, 10)) == 0.0


@given(boxes(), boxes())
def test_intersection_lies_in_both_boxes(a: Box, b: Box) -> None:
    common = a.intersection(b)
    if common is None:
        assert a.share_inside(b) == 0.0
    else:
        assert common.share_inside(a) == 1.0 and common.share_inside(b) == 1.0
        assert common == b.intersection(a)
    assert a.moved(3, -2).moved(-3, 2) == a
