"""Reader configuration: validated once at start-up, unknown keys rejected (STYLE.md rule 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from checkpoint.settings import Settings


def _bundled_models() -> Path:
    """PP-OCRv4 ONNX files shipped inside rapidocr-onnxruntime; nothing is downloaded."""
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"


class PPOCRConfig(Settings):
    """PP-OCRv4 detector + recogniser on ONNX Runtime, behind a classical plate finder."""

    type: Literal["ppocr"] = Field("ppocr", description="backend selector")
    model_dir: Path = Field(
        default_factory=_bundled_models, description="folder with the PP-OCRv4 ONNX files"
    )
    det_model: str = Field("ch_PP-OCRv4_det_infer.onnx", description="text detector file")
    rec_model: str = Field("ch_PP-OCRv4_rec_infer.onnx", description="text recogniser file")
    threads: int = Field(2, ge=1, le=64, description="onnxruntime intra-op threads")
    full_frame: Literal["always", "when_no_plate", "never"] = Field(
        "when_no_plate",
        description="run text detection on the whole (downscaled) frame: always (stills, "
        "several plates), only when the colour finder found no plate (lanes: fast), or never",
    )
    det_pixels: int = Field(
        640 * 384,
        ge=0,
        le=4096 * 4096,
        description="whole-frame detection runs on a copy scaled down to this many pixels "
        "(or up to 10% fewer, where that makes the factor a whole number: 1080p runs at 1/3); "
        "0 is the same as full_frame=never",
    )
    sweep_tiles: Literal[0, 2, 4, 6, 9] = Field(
        9,
        description="full_frame=when_no_plate: when the colour finder has read a plate, "
        "whole-frame detection still runs on one of this many tiles of the frame per read, "
        "in turn, so a white or black plate beside a coloured one is found within as many "
        "frames (then the tracker's hints keep it cheap); 0 turns the sweep off",
    )
    finder_side: int = Field(
        960, ge=320, le=4096, description="longest side the colour plate finder works at, px"
    )
    max_candidates: int = Field(
        6, ge=0, le=64, description="colour-finder regions read per image, best first"
    )
    max_plates: int = Field(
        4, ge=1, le=32, description="plate-coloured text regions of whole-frame detection read"
    )
    det_height: int = Field(
        160, ge=64, le=640, description="height a candidate crop is scaled to for detection"
    )
    min_confidence: float = Field(
        0.5, ge=0.0, le=1.0, description="reads below this mean char confidence are dropped"
    )
    min_generic_confidence: float = Field(
        0.75,
        ge=0.0,
        le=1.0,
        description="the same for Hong Kong/Macau and WJ numbers, whose loose patterns any "
        "short text of letters and digits can fit",
    )
    top_n: int = Field(5, ge=1, le=20, description="candidates kept per plate")


ReaderConfig = PPOCRConfig
"""The union of backend configs; one backend today, selected by `type`."""
