"""Edge configuration, validated at start-up; unknown keys are errors."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from checkpoint.paths import default_data_dir


class EdgeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    central: str = Field("127.0.0.1:50051", description="Central's gRPC HOST:PORT.")
    checkpoint_id: str = Field("checkpoint-1", min_length=1, description="This checkpoint.")
    lane_id: str = Field("lane-1", min_length=1, description="This lane.")
    deadline_s: float = Field(
        0.5,
        gt=0,
        le=10,
        description="How long to wait for central's verdict before deciding locally.",
    )
    retry_after_s: float = Field(
        5.0, ge=0, description="After central failed, decide locally this long."
    )
    agree: int = Field(3, ge=1, le=50, description="Reads that must agree to decide early.")
    max_gap_s: float = Field(
        1.0, gt=0, description="A track not seen for this long has left and is decided."
    )
    spool_dir: Path = Field(
        default_factory=lambda: default_data_dir() / "spool",
        description="Passages waiting for central (one sub-folder per lane).",
    )
    metrics_port: int | None = Field(None, ge=0, le=65535, description="Prometheus port.")
    replay_every_s: float = Field(2.0, gt=0, description="How often to retry the spool.")
    detector: str | None = Field(
        None,
        description="Vehicle detector: a model registry name or an .onnx/.pt file; none runs "
        "plate-first (vehicles without a legible plate are not seen).",
    )
    min_unreadable_frames: int = Field(
        3, ge=1, description="Frames a vehicle with no legible plate needs to be reported."
    )
