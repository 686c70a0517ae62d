"""Central's configuration: validated once at start-up, unknown keys rejected.

Sources, later ones winning: defaults, the TOML file given with ``--config``, then
command-line flags (and ``REDIS_URL`` for the store).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator

from central.alerts.config import AlertsConfig
from central.auth import AuthConfig
from checkpoint.client import DEFAULT_CENTRAL
from checkpoint.errors import ConfigError
from checkpoint.paths import default_data_dir
from checkpoint.restrictions import Restrictions
from checkpoint.settings import Settings


class ScreeningConfig(Settings):
    min_confidence: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="A non-matching plate read below this confidence gets CHECK, not PASS.",
    )
    min_lookalike_score: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="Look-alike matches scoring below this are ignored.",
    )
    unsure_province: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="A plate whose province was read less surely than this is also matched "
        "with every other province (a hit is CHECK, never STOP).",
    )


class PersonsConfig(Settings):
    """Face distance bands (dlib 128-d embeddings, Euclidean)."""

    match_max: float = Field(
        0.5, gt=0.0, le=1.5, description="At or below this distance: STOP and alert."
    )
    review_max: float = Field(
        0.6, gt=0.0, le=1.5, description="At or below this distance: CHECK by an officer."
    )

    @model_validator(mode="after")
    def _ordered(self) -> PersonsConfig:
        if self.match_max > self.review_max:
            raise ValueError(
                f"match_max ({self.match_max}) must not exceed review_max ({self.review_max})"
            )
        return self


class CentralConfig(Settings):
    grpc: str = Field(DEFAULT_CENTRAL, description="HOST:PORT the gRPC services listen on.")
    redis_url: str | None = Field(
        None, description="External Redis; none starts an embedded one under data_dir."
    )
    data_dir: Path = Field(default_factory=default_data_dir, description="Embedded Redis home.")
    max_message_bytes: int = Field(
        8 * 1024 * 1024,
        ge=64 * 1024,
        le=64 * 1024 * 1024,
        description="Largest gRPC message accepted; larger ones get RESOURCE_EXHAUSTED.",
    )
    workers: int = Field(
        64,
        ge=4,
        le=1024,
        description="gRPC worker threads; each open Subscribe stream holds one.",
    )
    change_retention: int = Field(
        2_000_000, ge=1000, description="Watchlist changes kept in the change stream."
    )
    screening: ScreeningConfig = Field(default_factory=ScreeningConfig)
    http: str | None = Field(
        None, description="HOST:PORT of the tablet page and JSON API; none: not served."
    )
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    auth: AuthConfig = Field(default_factory=AuthConfig)
    persons: PersonsConfig = Field(default_factory=PersonsConfig)
    restrictions: Restrictions = Field(
        default_factory=Restrictions,
        description="Restricted-vehicle rules ([[central.restrictions.rules]]).",
    )


def load_config(path: Path | None = None, **overrides: Any) -> CentralConfig:
    """Read the TOML file (if any), apply non-None overrides, validate.

    Raises:
        ConfigError: unreadable file, unknown keys or values out of bounds, with the
            offending key named.
    """
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        # [[auth.tokens]] may sit at the top level of the file, beside [central].
        auth = raw.get("auth") if "central" in raw else None
        raw = raw.get("central", raw)
        if auth is not None:
            raw = {**raw, "auth": auth}
    raw.update({key: value for key, value in overrides.items() if value is not None})
    try:
        return CentralConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid central config: {problems}") from exc
