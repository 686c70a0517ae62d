"""Edge configuration, validated at start-up; unknown keys are errors."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from checkpoint.client import DEFAULT_CENTRAL
from checkpoint.paths import default_data_dir
from checkpoint.settings import Settings
from edge.detect.loader import LANE_DETECTOR, detector_named
from edge.types import Box


class EdgeConfig(Settings):
    central: str = Field(DEFAULT_CENTRAL, description="Central's gRPC HOST:PORT.")
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
        LANE_DETECTOR,
        description="Detector the lane reads behind: a model registry name or an .onnx/.pt "
        "file; 'none' runs plate-first. Neither the default (plates only) nor plate-first "
        "sees a vehicle without a legible plate; a vehicle detector does.",
    )
    min_unreadable_frames: int = Field(
        3, ge=1, description="Frames a vehicle with no legible plate needs to be reported."
    )
    roi: tuple[float, float, float, float] | None = Field(
        None,
        description="The lane in the picture, as fractions of the frame (x1, y1, x2, y2): "
        "plates and vehicles outside it belong to other lanes and are not screened here.",
    )

    @field_validator("detector")
    @classmethod
    def _none_is_plate_first(cls, detector: str | None) -> str | None:
        return detector_named(detector)

    @field_validator("roi")
    @classmethod
    def _roi_inside_the_frame(
        cls, roi: tuple[float, float, float, float] | None
    ) -> tuple[float, float, float, float] | None:
        return check_roi(roi) if roi is not None else None

    def roi_box(self, width: int, height: int) -> Box | None:
        """The region of interest in the pixels of a width x height frame."""
        if self.roi is None:
            return None
        x1, y1, x2, y2 = self.roi
        return Box(
            int(x1 * width),
            int(y1 * height),
            max(int(x1 * width) + 1, round(x2 * width)),
            max(int(y1 * height) + 1, round(y2 * height)),
        )


Roi = tuple[float, float, float, float]


def check_roi(roi: Roi) -> Roi:
    """A region of interest as fractions of the frame, or a ValueError saying what is wrong."""
    x1, y1, x2, y2 = roi
    if not (0.0 <= x1 < x2 <= 1.0 and 0.0 <= y1 < y2 <= 1.0):
        raise ValueError(f"roi {x1},{y1},{x2},{y2}: want 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1")
    return roi
