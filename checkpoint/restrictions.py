"""Restricted-vehicle rules: which vehicles may not use which lanes at which hours.

Cities ban lorries from centre lanes by day, or keep a lane for buses. A rule names what
it restricts (vehicle classes and/or plate colours, either matching), where (lane patterns
over ``checkpoint/lane``, or a named lane group) and when (local clock times; a window
may run past midnight). Config is validated at start-up; evaluation is pure so central
and, offline, an edge decide alike. A class counts only when the edge saw it confidently
and consistently: stopping a lorry ban on a saloon would stop a driver for nothing.
"""

from __future__ import annotations

import fnmatch
from datetime import datetime, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from checkpoint.errors import InvalidInput
from checkpoint.settings import Settings
from checkpoint.vehicles import VehicleClass, VehicleSeen, parse_class

PLATE_COLORS = ("blue", "yellow", "green", "white", "black")
MIN_CLASS_CONFIDENCE = 0.6
MIN_CLASS_AGREEMENT = 0.6


class RestrictionRule(Settings):
    """One rule, e.g. lorries or yellow plates in lane group "centre" from 07:00 to 21:00."""

    name: str = Field(min_length=1, description="Shown to officers in the verdict reason.")
    classes: tuple[VehicleClass, ...] = Field(
        (), description="Vehicle classes restricted (car, van, bus, lorry, motorcycle)."
    )
    plate_colors: tuple[str, ...] = Field((), description="Plate colours restricted.")
    lanes: tuple[str, ...] = Field(
        (), description='Lane patterns over "checkpoint/lane", e.g. "north-*/*".'
    )
    lane_group: str | None = Field(None, description="A name from [restrictions.lane_groups].")
    start: time = Field(time(0, 0), description="Local time the restriction starts.")
    end: time = Field(time(0, 0), description="Local time it ends; equal to start: all day.")
    verdict: Literal["STOP", "CHECK"] = "STOP"
    reason: str = Field("restricted vehicle", min_length=1)

    @field_validator("classes", mode="before")
    @classmethod
    def _classes(cls, value: object) -> object:
        if not isinstance(value, list | tuple):
            return value
        try:
            return tuple(parse_class(v) if isinstance(v, str) else v for v in value)
        except InvalidInput as exc:
            raise ValueError(str(exc)) from None

    @field_validator("plate_colors")
    @classmethod
    def _colors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in value if c not in PLATE_COLORS]
        if bad:
            raise ValueError(f"unknown plate colour {bad[0]!r}: use {', '.join(PLATE_COLORS)}")
        return value

    @model_validator(mode="after")
    def _what(self) -> RestrictionRule:
        if not self.classes and not self.plate_colors:
            raise ValueError(f"rule {self.name!r} restricts nothing: give classes or plate_colors")
        return self

    def active_at(self, local: time) -> bool:
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # past midnight

    def restricts(self, plate_color: str, seen: VehicleSeen) -> bool:
        if plate_color and plate_color in self.plate_colors:
            return True
        sure = (
            seen.class_confidence >= MIN_CLASS_CONFIDENCE
            and seen.class_agreement >= MIN_CLASS_AGREEMENT
        )
        return sure and seen.vehicle_class in self.classes


class Restrictions(Settings):
    """The ``[restrictions]`` config section."""

    timezone: str = Field("Asia/Shanghai", description="Clock the rules' times are in.")
    lane_groups: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description='Named lane patterns, e.g. centre = ["cp-1/*"].'
    )
    rules: tuple[RestrictionRule, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _groups(self) -> Restrictions:
        for rule in self.rules:
            if rule.lane_group is not None and rule.lane_group not in self.lane_groups:
                raise ValueError(
                    f"rule {rule.name!r} names lane group {rule.lane_group!r}, which "
                    f"[restrictions.lane_groups] does not define"
                )
        return self

    def _lane_matches(self, rule: RestrictionRule, lane: str) -> bool:
        patterns = rule.lanes + (self.lane_groups[rule.lane_group] if rule.lane_group else ())
        if not patterns:
            return True
        return any(fnmatch.fnmatchcase(lane, p) for p in patterns)

    def find(
        self, checkpoint_id: str, lane_id: str, plate_color: str, seen: VehicleSeen, now: datetime
    ) -> RestrictionRule | None:
        """The first rule this vehicle breaks in this lane at `now` (timezone-aware)."""
        if not self.rules:
            return None
        local = now.astimezone(ZoneInfo(self.timezone)).time()
        lane = f"{checkpoint_id}/{lane_id}"
        for rule in self.rules:
            if (
                rule.active_at(local)
                and self._lane_matches(rule, lane)
                and rule.restricts(plate_color, seen)
            ):
                return rule
        return None
