import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.lookalike import (
    ALNUM_DIFF_FACTOR,
    LOOKALIKE_GROUPS,
    PROVINCE_DIFF_FACTOR,
    Similarity,
    canonical,
    compare,
)
from checkpoint.plates import PROVINCES

A = ALNUM_DIFF_FACTOR
P = PROVINCE_DIFF_FACTOR


def test_groups_are_disjoint() -> None:
    chars = [c for group in LOOKALIKE_GROUPS for c in group]
    assert len(chars) == len(set(chars))


def test_province_groups_hold_only_provinces() -> None:
    for group in LOOKALIKE_GROUPS:
        if not all(c.isascii() for c in group):
            assert group <= PROVINCES


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        ("0DQO", "0"),
        ("8B", "8"),
        ("2Z", "2"),
        ("5S", "5"),
        ("17TI", "1"),
        ("6G", "6"),
        ("京宁", "京"),
        ("贵青", "贵"),
        ("鲁鄂", "鄂"),
        ("沪津", "沪"),
        ("湘渝", "渝"),
        ("A", "A"),
        ("冀", "冀"),
        ("警", "警"),
    ],
)
def test_canonical_maps_a_group_to_one_representative(variants: str, key: str) -> None:
    assert {canonical(c) for c in variants} == {key}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("京AB5210", "宁A8S21O"),
        ("粤Z1234港", "粤2I234港"),
        ("沪AG6T00", "津A6GT0D"),
        ("", ""),
    ],
)
def test_canonical_keys_match_for_lookalikes(a: str, b: str) -> None:
    assert canonical(a) == canonical(b)


@pytest.mark.parametrize(("a", "b"), [("京A12345", "京A12346"), ("京A12345", "冀A12345")])
def test_canonical_keys_differ_otherwise(a: str, b: str) -> None:
    assert canonical(a) != canonical(b)


@pytest.mark.parametrize(
    ("query", "candidate", "expected"),
    [
        ("京A12345", "京A12345", Similarity(1.0, True, ())),
        ("京A8S210", "京AB5210", Similarity(A * A, False, (2, 3))),
        ("京AB521O", "京AB5210", Similarity(A, False, (6,))),
        ("宁AB5210", "京AB5210", Similarity(P, False, (0,))),
        ("宁A8S210", "京AB5210", Similarity(P * A * A, False, (0, 2, 3))),
        ("VA12345", "VA72345", Similarity(A, False, (2,))),
    ],
)
def test_compare_scores_lookalikes(query: str, candidate: str, expected: Similarity) -> None:
    result = compare(query, candidate)
    assert result is not None
    assert result.exact == expected.exact
    assert result.diff_positions == expected.diff_positions
    assert result.score == pytest.approx(expected.score)


@pytest.mark.parametrize(
    ("query", "candidate"),
    [
        ("京A12345", "京A12346"),  # 5/6 are not look-alikes
        ("京A12345", "冀A12345"),  # nor are 京/冀
        ("京A12345", "京A1234"),  # lengths differ
        ("京A12345", "京A12345D"),
        ("京A1234", "京A1234警"),
    ],
)
def test_compare_rejects_non_lookalikes(query: str, candidate: str) -> None:
    assert compare(query, candidate) is None


def test_compare_ranks_exact_then_fewer_differences() -> None:
    query = "京AB5210"
    candidates = ["宁A8S21O", "京A8S210", "京AB5210", "京A85210", "京AB521O"]
    scored = [(s.score, len(s.diff_positions), c) for c in candidates if (s := compare(query, c))]
    ranked = sorted(scored, reverse=True)
    assert [(diffs, c) for _, diffs, c in ranked] == [
        (0, "京AB5210"),
        (1, "京AB521O"),
        (1, "京A85210"),
        (2, "京A8S210"),
        (4, "宁A8S21O"),
    ]
    assert ranked[0][0] == 1.0 > ranked[1][0] == ranked[2][0] > ranked[3][0] > ranked[4][0]


_ALPHABET = "".join(sorted({c for g in LOOKALIKE_GROUPS for c in g})) + "AX冀警"


@st.composite
def _lookalike_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """A text and a copy with some characters swapped for group mates (or anything)."""
    a = draw(st.text(alphabet=_ALPHABET, max_size=10))
    groups = {c: sorted(g) for g in LOOKALIKE_GROUPS for c in g}
    b = "".join(draw(st.sampled_from([*groups.get(c, [c]), "A"])) for c in a)
    return a, b


@given(_lookalike_pairs() | st.tuples(st.text(max_size=8), st.text(max_size=8)))
def test_compare_agrees_with_canonical(pair: tuple[str, str]) -> None:
    a, b = pair
    similarity = compare(a, b)
    if similarity is not None:
        assert canonical(a) == canonical(b)
        assert 0.0 < similarity.score <= 1.0
        assert similarity.exact == (a == b) == (similarity.score == 1.0)
    else:
        assert len(a) != len(b) or canonical(a) != canonical(b)
