"""Person entries with their face embeddings in Redis.

Keys (beside the entry hash ``cp:{cp}:wl:e:person:<id>`` of `central.store`, whose
``attributes`` hold ``name`` and the ``faces`` count):

- ``cp:{cp}:wl:face:<id>`` - string, the person's embeddings: ``faces`` x 128 float32,
  little-endian, concatenated (512 bytes per enrolled face). Binary: read through a client
  with ``decode_responses=False``.
- ``cp:{cp}:wl:photo:<id>`` - hash, field ``0``, ``1``... -> the enrolment photo's bytes.
  Only when the operator asked to keep photos; matching never reads it, and
  `forget_photos` deletes it.

One Lua script writes the entry, its embeddings, its photos, the version and the change
record together, so a matcher that sees the change always finds the embeddings. Removing
the entry (`WatchlistStore.remove`) deletes both keys in the same script.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import cast

import numpy as np
import redis

from central.store import (
    CHANGES_KEY,
    PREFIX,
    VERSION_KEY,
    WRITE_ENTRY_LUA,
    WatchlistStore,
    now_utc,
    to_fields,
)
from checkpoint import wire
from checkpoint.errors import InvalidEntry, NotFound
from checkpoint.watchlist import EntryKind, WatchlistEntry

logger = logging.getLogger(__name__)

MAX_FACES = 20


def face_key(person_id: str) -> str:
    return f"{PREFIX}face:{person_id}"


def photo_key(person_id: str) -> str:
    return f"{PREFIX}photo:{person_id}"


_UPSERT_PERSON = (
    WRITE_ENTRY_LUA
    + """
local prefix, actor, at, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key, fields, faces = ARGV[5], ARGV[6], ARGV[7]
local hash = prefix .. 'e:person:' .. key
local v = redis.call('INCR', KEYS[1])
redis.call('DEL', prefix .. 'photo:' .. key)
write_entry(hash, v, at, fields)
redis.call('SET', prefix .. 'face:' .. key, faces)
for i = 8, #ARGV do
  redis.call('HSET', prefix .. 'photo:' .. key, tostring(i - 8), ARGV[i])
end
redis.call('SADD', prefix .. 'keys:person', key)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', retention, v .. '-1',
  'op', 'upsert', 'kind', 'person', 'key', key, 'actor', actor, 'at', at)
return v
"""
)


class PersonStore:
    """Writes and reads person embeddings; `close()` releases its binary connections.

    `watchlist` shares its Redis client (which decodes replies to str); embeddings and
    photos are bytes, so they are read through a second client without decoding.
    """

    def __init__(self, watchlist: WatchlistStore) -> None:
        self.watchlist = watchlist
        client = watchlist.redis
        pool = client.connection_pool
        self._raw = redis.Redis(
            connection_pool=redis.ConnectionPool(
                connection_class=pool.connection_class,
                **{**pool.connection_kwargs, "decode_responses": False},
            )
        )
        self._upsert = client.register_script(_UPSERT_PERSON)
        self._retention = str(watchlist.change_retention)

    def close(self) -> None:
        self._raw.close()

    def upsert(
        self,
        entry: WatchlistEntry,
        embeddings: np.ndarray,
        actor: str,
        photos: Sequence[bytes] = (),
    ) -> WatchlistEntry:
        """Create or replace a person with its embeddings (shape (N, 128)); returns it stored.

        Replacing a person replaces every embedding and photo: enrolment is all or nothing.

        Raises:
            InvalidEntry: not a person entry, or no/too many/malformed embeddings.
        """
        if entry.kind is not EntryKind.PERSON:
            raise InvalidEntry(f"{entry.key!r}: not a person entry")
        blob = wire.embeddings_to_bytes(embeddings)
        count = len(blob) // wire.EMBEDDING_BYTES
        if not 1 <= count <= MAX_FACES:
            raise InvalidEntry(f"a person needs 1 to {MAX_FACES} enrolled faces, got {count}")
        attributes = dict(entry.attributes) | {"faces": str(count)}
        fields = to_fields(replace(entry, attributes=attributes))
        args: list[str | bytes] = [PREFIX, actor, str(_ms_now()), self._retention]
        args += [entry.key, fields, blob, *photos]
        self._upsert(keys=[VERSION_KEY, CHANGES_KEY], args=args)
        stored = self.watchlist.get(EntryKind.PERSON, entry.key)
        if stored is None:
            raise NotFound("the person was removed while being written")
        logger.info(
            "person upsert version=%d faces=%d photos=%d actor=%s",
            stored.version,
            count,
            len(photos),
            actor,
        )
        logger.debug("person upsert id=%s", entry.key)
        return stored

    def embeddings(self, person_ids: Sequence[str]) -> list[np.ndarray | None]:
        """Each person's embeddings, shape (N, 128) float32; None when the person has none."""
        pipe = self._raw.pipeline(transaction=False)
        for person_id in person_ids:
            pipe.get(face_key(person_id))
        return [
            wire.embeddings_from_bytes(blob) if blob else None
            for blob in cast(list[bytes | None], pipe.execute())
        ]

    def photos(self, person_id: str) -> list[bytes]:
        """The kept enrolment photos, in enrolment order (empty when none were kept)."""
        stored = cast(dict[bytes, bytes], self._raw.hgetall(photo_key(person_id)))
        return [stored[k] for k in sorted(stored, key=int)]

    def forget_photos(self, person_id: str, actor: str) -> int:
        """Delete a person's kept photos (matching keeps working); returns how many."""
        removed = int(self._raw.hlen(photo_key(person_id)))
        self._raw.delete(photo_key(person_id))
        logger.info("person photos deleted count=%d actor=%s", removed, actor)
        return removed


def _ms_now() -> int:
    return int(now_utc().timestamp() * 1000)
