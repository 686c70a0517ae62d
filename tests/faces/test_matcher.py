"""1:N matching with synthetic embeddings: in memory, and kept in step with a real Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import redis

from central.persons import Band, FaceBands, FaceIndex, FaceMatrix, Person, PersonStore
from central.persons.service import decide
from central.store import WatchlistStore
from checkpoint import wire
from checkpoint.errors import InvalidEntry
from checkpoint.screening import Verdict
from checkpoint.watchlist import EntryKind, WatchlistEntry, make_entry
from tests.faces.conftest import near, unit_vectors

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def person(key: str, valid_until: datetime | None = None) -> WatchlistEntry:
    return make_entry(
        EntryKind.PERSON,
        key,
        "wanted for fraud",
        valid_until=valid_until,
        attributes={"name": key.upper()},
    )


@pytest.mark.parametrize(
    ("distance", "band"),
    [
        (0.0, Band.MATCH),
        (0.5, Band.MATCH),
        (0.55, Band.REVIEW),
        (0.6, Band.REVIEW),
        (0.7, Band.NONE),
    ],
)
def test_bands(distance: float, band: Band) -> None:
    assert FaceBands().band(distance) is band


def test_bands_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="match_max <= review_max"):
        FaceBands(match_max=0.7, review_max=0.6)


def test_nearest_person_among_many() -> None:
    vectors = unit_vectors(1000)
    people = [Person(person(f"p{i}"), vectors[i : i + 1]) for i in range(1000)]
    matrix = FaceMatrix(people)
    (found,) = matrix.search(near(vectors[417], 0.3)[None, :], NOW, FaceBands(), limit=2)
    assert [m.entry.key for m in found][:1] == ["p417"]
    assert found[0].distance == pytest.approx(0.3, abs=1e-3)
    assert found[0].band is Band.MATCH
    assert found[1].band is Band.NONE  # random unit vectors lie ~1.4 apart


@pytest.mark.parametrize("clustered", [False, True])
def test_screen_prefilter_is_exact(clustered: bool) -> None:
    """The projected lower bound never drops a person that the full scan finds in band."""
    rng = np.random.default_rng(3)
    vectors = unit_vectors(2000, seed=4)
    if clustered:  # real faces crowd a low-dimensional part of the space
        centres = unit_vectors(10, seed=5)
        vectors = centres[rng.integers(0, 10, 2000)] + 0.05 * vectors
    people = [Person(person(f"p{i}"), vectors[i : i + 1]) for i in range(2000)]
    matrix = FaceMatrix(people)
    bands = FaceBands()
    for n in range(50):
        query = near(vectors[n * 37], float(rng.uniform(0.2, 0.7)), seed=n)
        full = matrix.distances(query)
        expected = sorted(
            (round(float(d), 4), people[i].entry.key)
            for i, d in enumerate(full)
            if d <= bands.review_max
        )
        found = matrix.screen(query, NOW, bands)
        got = {m.entry.key: m.distance for m in found}
        assert got == pytest.approx({key: d for d, key in expected}, abs=1e-3)
        assert [m.distance for m in found] == sorted(got.values())
        assert all(m.band is not Band.NONE for m in found)


def test_closest_of_several_enrolled_faces_counts() -> None:
    vectors = unit_vectors(3)
    matrix = FaceMatrix([Person(person("a"), vectors[:2]), Person(person("b"), vectors[2:])])
    distances = matrix.distances(near(vectors[1], 0.2))
    assert distances[0] == pytest.approx(0.2, abs=1e-3)


def test_expired_person_never_matches() -> None:
    vectors = unit_vectors(2)
    expired = person("old", valid_until=NOW - timedelta(days=1))
    matrix = FaceMatrix([Person(expired, vectors[:1]), Person(person("new"), vectors[1:])])
    (found,) = matrix.search(vectors[:1], NOW, FaceBands())
    assert [m.entry.key for m in found] == ["new"]


@pytest.mark.parametrize(
    ("distance", "verdict"),
    [(0.3, Verdict.STOP), (0.55, Verdict.CHECK), (0.9, Verdict.PASS)],
)
def test_decide(distance: float, verdict: Verdict) -> None:
    vectors = unit_vectors(1)
    matrix = FaceMatrix([Person(person("x"), vectors)])
    (found,) = matrix.search(near(vectors[0], distance)[None, :], NOW, FaceBands())
    decision = decide(found)
    assert decision.verdict is verdict
    if verdict is not Verdict.PASS:
        assert f"distance {distance:.2f}" in decision.reason
        assert decision.matches[0].entry.key == "x"


def test_embedding_bytes_round_trip() -> None:
    vectors = unit_vectors(3)
    data = wire.embeddings_to_bytes(vectors)
    assert len(data) == 3 * 512
    assert np.array_equal(wire.embeddings_from_bytes(data), vectors)


@pytest.mark.parametrize(
    ("value", "message"),
    [(np.zeros((2, 64)), "shape"), (np.full(128, np.nan), "finite")],
)
def test_bad_embeddings(value: np.ndarray, message: str) -> None:
    with pytest.raises(InvalidEntry, match=message):
        wire.embeddings_to_bytes(value)
    with pytest.raises(InvalidEntry, match="multiple of 512"):
        wire.embeddings_from_bytes(b"\0" * 100)


def test_index_follows_the_change_stream(redis_client: redis.Redis) -> None:
    watchlist = WatchlistStore(redis_client)
    persons = PersonStore(watchlist)
    try:
        index = FaceIndex(watchlist, persons, FaceBands())
        vectors = unit_vectors(3)
        persons.upsert(person("a"), vectors[:1], "test")
        assert index.search(vectors[:1], NOW)[0][0].entry.key == "a"

        persons.upsert(person("b"), vectors[1:2], "test")
        persons.upsert(person("a"), vectors[2:3], "test")  # re-enrolled with a new face
        (found,) = index.search(vectors[:1], NOW)
        assert {m.entry.key: m.band for m in found} == {"a": Band.NONE, "b": Band.NONE}
        assert index.search(vectors[2:3], NOW)[0][0].entry.key == "a"

        assert watchlist.remove(EntryKind.PERSON, "a", "test") is not None
        assert [m.entry.key for m in index.search(vectors[2:3], NOW)[0]] == ["b"]
        assert persons.embeddings(["a", "b"])[0] is None  # the removal took the faces too
        assert index.version == watchlist.version()
    finally:
        persons.close()


def test_index_reloads_after_the_stream_was_trimmed(redis_client: redis.Redis) -> None:
    watchlist = WatchlistStore(redis_client, change_retention=1)
    persons = PersonStore(watchlist)
    try:
        index = FaceIndex(watchlist, persons, FaceBands())
        vectors = unit_vectors(40)
        persons.upsert(person("first"), vectors[:1], "test")
        assert len(index.matrix()) == 1
        for i in range(1, 40):
            persons.upsert(person(f"p{i}"), vectors[i : i + 1], "test")
        redis_client.xtrim("cp:{cp}:wl:changes", maxlen=1)
        assert len(index.matrix()) == 40
    finally:
        persons.close()


def test_photos_are_optional_and_removable(redis_client: redis.Redis) -> None:
    watchlist = WatchlistStore(redis_client)
    persons = PersonStore(watchlist)
    try:
        stored = persons.upsert(person("k"), unit_vectors(1), "test", [b"\xff\xd8\xffjpeg"])
        assert stored.attributes["faces"] == "1"
        assert persons.photos("k") == [b"\xff\xd8\xffjpeg"]
        assert persons.forget_photos("k", "test") == 1
        assert persons.photos("k") == []
        assert persons.embeddings(["k"])[0] is not None  # matching still works
    finally:
        persons.close()
