"""The Redis store against a real Redis server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis

from central.store import CHANGES_KEY, ChangeOp, WatchlistStore
from checkpoint.matching import match_plate
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry

NOW = datetime.now(tz=UTC)


def plate(key: str, reason: str = "stolen", **kwargs: object):
    return make_entry(EntryKind.PLATE, key, reason, **kwargs)  # type: ignore[arg-type]


def test_crud_round_trip(store: WatchlistStore) -> None:
    stored = store.upsert(
        plate("冀A·12345", category=Category.STOLEN, severity=Severity.HIGH, created_by="ops"),
        actor="ops",
    )
    assert stored.key == "冀A12345"
    assert stored.version == 1
    got = store.get(EntryKind.PLATE, "冀A12345")
    assert got is not None
    assert (got.reason, got.category, got.severity, got.created_by) == (
        "stolen",
        Category.STOLEN,
        Severity.HIGH,
        "ops",
    )
    assert store.count(EntryKind.PLATE) == 1
    assert store.remove(EntryKind.PLATE, "冀A12345", actor="ops") == 2
    assert store.get(EntryKind.PLATE, "冀A12345") is None
    assert store.remove(EntryKind.PLATE, "冀A12345", actor="ops") is None
    assert store.count(EntryKind.PLATE) == 0
    assert match_plate("冀A12345", store, NOW) == []


def test_versions_strictly_increase_and_are_recorded(store: WatchlistStore) -> None:
    versions = [
        store.upsert(plate(p), actor="t").version for p in ("冀A12345", "京A11111", "冀A12345")
    ]
    versions.append(store.remove(EntryKind.PLATE, "京A11111", actor="t") or 0)
    assert versions == sorted(set(versions))
    batch = store.changes_since(0)
    # The upsert of 京A11111 (version 2) is skipped: the entry is gone and its REMOVE
    # follows, so a subscriber never resurrects a removed entry.
    assert [c.version for c in batch.changes] == [versions[0], versions[2], versions[3]]
    assert [c.op for c in batch.changes] == [ChangeOp.UPSERT] * 2 + [ChangeOp.REMOVE]
    assert all(c.entry is not None for c in batch.changes[:2])
    assert batch.changes[2].entry is None


def test_lookalike_bucket_finds_confusable_plates(store: WatchlistStore) -> None:
    store.upsert(plate("冀A12345"), actor="t")
    store.upsert(plate("冀A1Z345"), actor="t")
    store.upsert(plate("冀A99999"), actor="t")
    found = match_plate("冀AT2345", store, NOW)  # T read for 1
    assert [(m.entry.key, m.exact, m.diff_positions) for m in found] == [
        ("冀A12345", False, (2,)),
        ("冀A1Z345", False, (2, 3)),
    ]
    found = match_plate("冀A12345", store, NOW)
    assert [(m.entry.key, m.exact) for m in found] == [("冀A12345", True), ("冀A1Z345", False)]
    assert found[1].diff_positions == (3,)
    assert found[0].score > found[1].score


def test_validity_window(store: WatchlistStore) -> None:
    store.upsert(plate("京A11111", valid_until=NOW - timedelta(seconds=1)), actor="t")
    store.upsert(plate("京A22222", valid_from=NOW + timedelta(hours=1)), actor="t")
    store.upsert(
        plate(
            "京A33333", valid_from=NOW - timedelta(hours=1), valid_until=NOW + timedelta(hours=1)
        ),
        actor="t",
    )
    assert match_plate("京A11111", store, NOW) == []
    assert match_plate("京A22222", store, NOW) == []
    assert [m.entry.key for m in match_plate("京A33333", store, NOW)] == ["京A33333"]
    assert [m.entry.key for m in match_plate("京A22222", store, NOW + timedelta(hours=2))] == [
        "京A22222"
    ]


def test_pattern_cache_follows_changes(store: WatchlistStore) -> None:
    assert store.candidates([]).patterns == []
    store.upsert(make_entry(EntryKind.PLATE_PATTERN, "冀A*123?", "series"), actor="t")
    assert [m.entry.key for m in match_plate("冀AB1234", store, NOW)] == ["冀A*123?"]
    store.remove(EntryKind.PLATE_PATTERN, "冀A*123?", actor="t")
    assert match_plate("冀AB1234", store, NOW) == []


def test_trimmed_change_stream_asks_for_reset(
    store: WatchlistStore, redis_client: redis.Redis
) -> None:
    for serial in range(10):
        store.upsert(plate(f"京A1000{serial}"), actor="t")
    redis_client.xtrim(CHANGES_KEY, maxlen=3, approximate=False)
    assert store.changes_since(2).reset
    assert not store.changes_since(7).reset
    assert [c.version for c in store.changes_since(8).changes] == [9, 10]
    version, entries = store.snapshot()
    assert version == 10
    assert len(list(entries)) == 10


@pytest.mark.parametrize("count", [2500])
def test_upsert_many_pipelines_batches(store: WatchlistStore, count: int) -> None:
    entries = [plate(f"京A{n:05d}") for n in range(count)]
    assert store.upsert_many(entries, actor="import") == count
    assert store.count(EntryKind.PLATE) == count
    assert store.version() == count
    assert len(list(store.iter_entries(EntryKind.PLATE))) == count
