"""The watchlist in Redis: entries, the look-alike index and the change stream.

Redis data model (every key shares the ``{cp}`` hash tag, so one Redis Cluster slot holds
the watchlist and its scripts stay atomic):

- ``cp:{cp}:wl:version`` - string counter; every change INCRs it (strictly increasing).
- ``cp:{cp}:wl:e:<kind>:<key>`` - hash, one per entry: reason, category, severity,
  created_by, valid_from / valid_until / updated_at (epoch ms, empty when unset),
  version, attributes (JSON object).
- ``cp:{cp}:wl:keys:<kind>`` - set of the keys of each kind (list, export, counts).
- ``cp:{cp}:wl:la:<canonical>`` - set of PLATE keys sharing a look-alike canonical form
  (`checkpoint.lookalike.canonical`): fuzzy lookup is one SMEMBERS per read text.
- ``cp:{cp}:wl:patterns_version`` - version of the last pattern change, so matchers refresh
  their in-memory pattern list only when it moved.
- ``cp:{cp}:wl:changes`` - stream, entry id ``<version>-1``, fields op, kind, key, actor,
  at: the audit trail and the edges' sync feed, trimmed to `change_retention` entries.
- ``cp:{cp}:wl:face:<id>`` - string, a person's face embeddings as float32 bytes, and
  ``cp:{cp}:wl:photo:<id>`` - hash, enrolment photos kept on request: written with the
  person entry by `central.persons.store` (which documents them); removing the person
  entry here deletes both.

Writes go through Lua scripts so the entry, its indexes, the version and the change record
move together or not at all.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import cast

import redis

from checkpoint import lookalike
from checkpoint.batching import batched
from checkpoint.errors import NotFound
from checkpoint.matching import Candidates
from checkpoint.watchlist import Category, EntryKind, Severity, WatchlistEntry

logger = logging.getLogger(__name__)

PREFIX = "cp:{cp}:wl:"
VERSION_KEY = PREFIX + "version"
PATTERNS_VERSION_KEY = PREFIX + "patterns_version"
CHANGES_KEY = PREFIX + "changes"
DEFAULT_CHANGE_RETENTION = 2_000_000
BATCH = 1000


def entry_key(kind: EntryKind, key: str) -> str:
    return f"{PREFIX}e:{kind.value}:{key}"


def keys_key(kind: EntryKind) -> str:
    return f"{PREFIX}keys:{kind.value}"


# Scripts take their fixed keys in KEYS and build per-entry keys from the prefix in
# ARGV[1]; every key shares the {cp} hash tag, so this stays valid on Redis Cluster.
# One call writes a whole batch: packing arguments, not Redis, bounds bulk imports.
# Every entry script writes an entry's hash the same way: its fields (a JSON object from
# `to_fields`) replace the old ones, with the new version and the time of the write.
WRITE_ENTRY_LUA = """
local function write_entry(hash, v, at, fields)
  redis.call('DEL', hash)
  local flat = {'version', v, 'updated_at', at}
  for name, value in pairs(cjson.decode(fields)) do
    flat[#flat + 1] = name
    flat[#flat + 1] = value
  end
  redis.call('HSET', hash, unpack(flat))
end
"""

_UPSERT = (
    WRITE_ENTRY_LUA
    + """
local prefix, actor, at, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local v = 0
for i = 5, #ARGV, 4 do
  local kind, key, canon, fields = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local hash = prefix .. 'e:' .. kind .. ':' .. key
  v = redis.call('INCR', KEYS[1])
  write_entry(hash, v, at, fields)
  redis.call('SADD', prefix .. 'keys:' .. kind, key)
  if canon ~= '' then redis.call('SADD', prefix .. 'la:' .. canon, key) end
  if kind == 'plate_pattern' then redis.call('SET', KEYS[3], v) end
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', retention, v .. '-1',
    'op', 'upsert', 'kind', kind, 'key', key, 'actor', actor, 'at', at)
end
return v
"""
)

_REMOVE = """
local prefix, actor, at, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local kind, key, canon = ARGV[5], ARGV[6], ARGV[7]
if redis.call('DEL', prefix .. 'e:' .. kind .. ':' .. key) == 0 then return 0 end
local v = redis.call('INCR', KEYS[1])
if kind == 'person' then
  redis.call('DEL', prefix .. 'face:' .. key, prefix .. 'photo:' .. key)
end
redis.call('SREM', prefix .. 'keys:' .. kind, key)
if canon ~= '' then redis.call('SREM', prefix .. 'la:' .. canon, key) end
if kind == 'plate_pattern' then redis.call('SET', KEYS[3], v) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', retention, v .. '-1',
  'op', 'remove', 'kind', kind, 'key', key, 'actor', actor, 'at', at)
return v
"""

# One round trip per lookup: the patterns marker, then for each canonical form the plate
# keys in its look-alike set and each entry's hash fields.
_LOOKUP = """
local out = {redis.call('GET', KEYS[1]) or '0'}
for i = 2, #ARGV do
  local found = {}
  for _, key in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'la:' .. ARGV[i])) do
    found[#found + 1] = key
    found[#found + 1] = redis.call('HGETALL', ARGV[1] .. 'e:plate:' .. key)
  end
  out[#out + 1] = found
end
return out
"""

_FIXED_KEYS = [VERSION_KEY, CHANGES_KEY, PATTERNS_VERSION_KEY]


class ChangeOp(StrEnum):
    UPSERT = "upsert"
    REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded change; `entry` is the entry as it is now (None once removed)."""

    op: ChangeOp
    version: int
    kind: EntryKind
    key: str
    actor: str
    at: datetime
    entry: WatchlistEntry | None = None


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """Changes after a version; `reset` means the stream no longer reaches back that far."""

    changes: Sequence[Change]
    reset: bool = False


def _ms(moment: datetime | None) -> str:
    return "" if moment is None else str(int(moment.timestamp() * 1000))


def _from_ms(value: str | None) -> datetime | None:
    return None if not value else datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def _pairs(flat: Sequence[str]) -> dict[str, str]:
    """HGETALL's reply inside a script is a flat list: name, value, name, value..."""
    return dict(zip(flat[::2], flat[1::2], strict=True))


def now_utc() -> datetime:
    return datetime.now(tz=UTC)


def to_fields(entry: WatchlistEntry) -> str:
    """The entry's hash fields as one JSON object (the script adds version and updated_at).

    One argument instead of fourteen: packing script arguments dominates bulk imports.
    """
    fields = {
        "reason": entry.reason,
        "category": entry.category.value,
        "severity": entry.severity.value,
        "created_by": entry.created_by,
        "valid_from": _ms(entry.valid_from),
        "valid_until": _ms(entry.valid_until),
        "attributes": json.dumps(dict(entry.attributes), ensure_ascii=False, sort_keys=True),
    }
    return json.dumps(fields, ensure_ascii=False)


def from_hash(kind: EntryKind, key: str, fields: Mapping[str, str]) -> WatchlistEntry:
    return WatchlistEntry(
        kind=kind,
        key=key,
        reason=fields.get("reason", ""),
        category=Category(fields.get("category", "other")),
        severity=Severity(fields.get("severity", "medium")),
        created_by=fields.get("created_by", ""),
        valid_from=_from_ms(fields.get("valid_from")),
        valid_until=_from_ms(fields.get("valid_until")),
        version=int(fields.get("version", 0)),
        updated_at=_from_ms(fields.get("updated_at")),
        attributes=json.loads(fields.get("attributes") or "{}"),
    )


class WatchlistStore:
    """Watchlist persistence and lookup in Redis; also a `WatchlistView` for matching.

    Thread-safe: redis-py clients are, and the pattern cache is guarded by a lock.
    """

    def __init__(
        self, client: redis.Redis, *, change_retention: int = DEFAULT_CHANGE_RETENTION
    ) -> None:
        self._r = client
        self._retention = change_retention
        self._upsert = client.register_script(_UPSERT)
        self._remove = client.register_script(_REMOVE)
        self._lookup = client.register_script(_LOOKUP)
        self._lock = threading.Lock()
        self._patterns: tuple[str, list[WatchlistEntry]] = ("", [])

    @property
    def change_retention(self) -> int:
        """How many change records the stream keeps (person writes trim it the same way)."""
        return self._retention

    @property
    def redis(self) -> redis.Redis:
        """The client this store uses (for health checks and benchmarks' baselines)."""
        return self._r

    # ------------------------------------------------------------------ writes

    def _header(self, actor: str) -> list[str]:
        return [PREFIX, actor, _ms(now_utc()), str(self._retention)]

    @staticmethod
    def _canon(kind: EntryKind, key: str) -> str:
        return lookalike.canonical(key) if kind is EntryKind.PLATE else ""

    def upsert(self, entry: WatchlistEntry, actor: str) -> WatchlistEntry:
        """Create or replace an entry; returns it with its new version."""
        self.upsert_many([entry], actor)
        stored = self.get(entry.kind, entry.key)
        if stored is None:  # removed by someone else in between
            raise NotFound(f"{entry.key!r} was removed while it was being written")
        logger.info(
            "watchlist upsert kind=%s version=%d actor=%s", entry.kind, stored.version, actor
        )
        return stored

    def upsert_many(self, entries: Iterable[WatchlistEntry], actor: str) -> int:
        """Apply upserts in atomic batches of `BATCH`; returns how many were written."""
        written = 0
        for batch in batched(entries, BATCH):
            args = self._header(actor)
            for entry in batch:
                args += [
                    entry.kind.value,
                    entry.key,
                    self._canon(entry.kind, entry.key),
                    to_fields(entry),
                ]
            self._upsert(keys=_FIXED_KEYS, args=args)
            written += len(batch)
        if written > 1:
            logger.info("watchlist bulk upsert count=%d actor=%s", written, actor)
        return written

    def remove(self, kind: EntryKind, key: str, actor: str) -> int | None:
        """Remove an entry; returns the new version, or None when there was no such entry."""
        args = [*self._header(actor), kind.value, key, self._canon(kind, key)]
        version = int(self._remove(keys=_FIXED_KEYS, args=args))
        if version == 0:
            return None
        logger.info("watchlist remove kind=%s version=%d actor=%s", kind, version, actor)
        return version

    # ------------------------------------------------------------------ reads

    def version(self) -> int:
        return int(self._r.get(VERSION_KEY) or 0)

    def get(self, kind: EntryKind, key: str) -> WatchlistEntry | None:
        fields = cast(dict[str, str], self._r.hgetall(entry_key(kind, key)))
        return from_hash(kind, key, fields) if fields else None

    def count(self, kind: EntryKind) -> int:
        return int(self._r.scard(keys_key(kind)))

    def _fetch(self, kind: EntryKind, keys: Sequence[str]) -> list[WatchlistEntry]:
        pipe = self._r.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(entry_key(kind, key))
        return [
            from_hash(kind, key, fields)
            for key, fields in zip(keys, pipe.execute(), strict=True)
            if fields
        ]

    def iter_entries(self, kind: EntryKind | None = None) -> Iterator[WatchlistEntry]:
        """Every entry of `kind` (or all kinds), fetched in batches; order is unspecified."""
        for each in [kind] if kind is not None else list(EntryKind):
            batch: list[str] = []
            for key in self._r.sscan_iter(keys_key(each), count=BATCH):
                batch.append(key)
                if len(batch) >= BATCH:
                    yield from self._fetch(each, batch)
                    batch = []
            if batch:
                yield from self._fetch(each, batch)

    def candidates(self, canons: Sequence[str]) -> Candidates:
        """`WatchlistView`: plate entries per look-alike key, and patterns; one round trip."""
        reply = self._lookup(keys=[PATTERNS_VERSION_KEY], args=[PREFIX, *canons])
        marker, per_canon = str(reply[0]), reply[1:]
        buckets: dict[str, list[WatchlistEntry]] = {}
        for canon, flat in zip(canons, per_canon, strict=True):
            found = [
                from_hash(EntryKind.PLATE, flat[n], _pairs(flat[n + 1]))
                for n in range(0, len(flat), 2)
                if flat[n + 1]
            ]
            if found:
                buckets[canon] = found
        return Candidates(buckets, self._patterns_at(marker))

    def _patterns_at(self, marker: str) -> list[WatchlistEntry]:
        """Pattern entries, re-read only when the patterns marker moved."""
        with self._lock:
            cached_marker, cached = self._patterns
        if cached_marker == marker:
            return cached
        fresh = list(self.iter_entries(EntryKind.PLATE_PATTERN))
        with self._lock:
            self._patterns = (marker, fresh)
        return fresh

    # ------------------------------------------------------------------ changes

    def changes_since(self, version: int, *, block_ms: int = 0, count: int = BATCH) -> ChangeBatch:
        """Changes with a version greater than `version`, oldest first.

        Blocks up to `block_ms` for new ones when there are none. `reset` is set when the
        stream has been trimmed past `version`, so the caller must resynchronise from a
        snapshot (see `snapshot`).
        """
        current = self.version()
        if version < current:
            first = cast(list[tuple[str, dict[str, str]]], self._r.xrange(CHANGES_KEY, count=1))
            oldest = int(first[0][0].split("-")[0]) if first else current + 1
            if oldest > version + 1:
                return ChangeBatch((), reset=True)
        last_id = f"{version}-1"
        if block_ms > 0:
            reply = self._r.xread({CHANGES_KEY: last_id}, count=count, block=block_ms)
        else:
            reply = self._r.xread({CHANGES_KEY: last_id}, count=count)
        streams = cast(list[tuple[str, list[tuple[str, dict[str, str]]]]], reply or [])
        raw = streams[0][1] if streams else []
        return ChangeBatch(self._with_entries(raw))

    def _with_entries(self, raw: list[tuple[str, dict[str, str]]]) -> list[Change]:
        changes = [
            Change(
                op=ChangeOp(fields["op"]),
                version=int(stream_id.split("-")[0]),
                kind=EntryKind(fields["kind"]),
                key=fields["key"],
                actor=fields.get("actor", ""),
                at=_from_ms(fields.get("at")) or now_utc(),
            )
            for stream_id, fields in raw
        ]
        pipe = self._r.pipeline(transaction=False)
        for change in changes:
            pipe.hgetall(entry_key(change.kind, change.key))
        result = []
        for change, fields in zip(changes, pipe.execute(), strict=True):
            if change.op is ChangeOp.REMOVE:
                result.append(change)
            elif fields:  # an upsert removed since is skipped: its REMOVE follows
                result.append(replace(change, entry=from_hash(change.kind, change.key, fields)))
        return result

    def snapshot(self) -> tuple[int, Iterator[WatchlistEntry]]:
        """The current version and every entry; later changes carry higher versions."""
        return self.version(), self.iter_entries()
