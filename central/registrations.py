"""Vehicle registration records in Redis, for the cloned-plate check.

Redis data model: ``cp:{cp}:veh:reg`` - one hash, field = normalized plate, value = JSON
``[color, class, make]``. A hash of short values keeps tens of millions of records
compact, and a screen costs one HGET. Registrations are not versioned or streamed to the
edges: they are central's reference data, replaced by re-importing the authority's file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import redis

from checkpoint.batching import batched
from checkpoint.vehicles import Registration, VehicleClass, VehicleColor

logger = logging.getLogger(__name__)

KEY = "cp:{cp}:veh:reg"
BATCH = 1000


class RegistrationStore:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def put_many(self, registrations: Iterable[Registration]) -> int:
        """Add or replace records; returns how many were written."""
        written = 0
        for chunk in batched(registrations, BATCH):
            mapping: dict[Any, Any] = {
                r.plate: json.dumps(
                    [r.color.value, r.vehicle_class.value, r.make], ensure_ascii=False
                )
                for r in chunk
            }
            self._redis.hset(KEY, mapping=mapping)
            written += len(chunk)
        logger.info("vehicle registrations written=%d", written)
        return written

    def get(self, plate: str) -> Registration | None:
        if not plate:
            return None
        raw = self._redis.hget(KEY, plate)
        if raw is None:
            return None
        color, vehicle_class, make = json.loads(raw)
        return Registration(plate, VehicleColor(color), VehicleClass(vehicle_class), make)

    def count(self) -> int:
        return int(self._redis.hlen(KEY))
