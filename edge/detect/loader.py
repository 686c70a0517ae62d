"""Pick a detector by registry name or file: ONNX on ONNX Runtime, `.pt` via ultralytics.

An ONNX file is an Ultralytics YOLO export unless its registry entry says `head = "ssd"`
or the file carries SSD head metadata (`edge.detect.ssd`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from checkpoint.errors import ConfigError
from edge.detect.base import Detector

logger = logging.getLogger(__name__)

TRAINED_DETECTOR = "plate-vface-yolov8n"
"""Our own detector (plates and vehicle fronts), trained by models/train_detector.py."""
LANE_DETECTOR = "hyperlpr-plate-ssd"
"""The lane reads behind HyperLPR's plate SSD unless told otherwise: on the fixed frame set
the speed target is stated on (the bundled clip and the dev photos) it reads a frame 11x
faster than whole-frame PP-OCR at p50, plate-first 3-9x, with the same 27/29 dev photos read
and no false read either way (docs/reading.md, "Which reader a lane runs")."""


def detector_named(spec: str | None) -> str | None:
    """The detector a config value or command-line word names; None (read plate-first) for
    'none' or nothing, the words a TOML file and a shell can carry for "no detector"."""
    return None if spec is None or spec.strip().lower() in ("", "none") else spec


def load_detector(
    spec: str, data_dir: Path, *, threads: int = 2, min_confidence: float = 0.3
) -> Detector:
    """A detector from a model registry name (bundled or installed) or a file path.

    Raises:
        ConfigError: unknown name, missing file, hash mismatch, or an unusable model.
    """
    from models import registry

    path = Path(spec)
    labels: tuple[str, ...] = ()
    name = path.stem
    ssd = False
    spec_is_entry = not path.suffix  # a registry entry says its head; a file is probed
    if spec_is_entry:
        entry = next((e for e in registry.entries(data_dir) if e.name == spec), None)
        if entry is None:
            known = ", ".join(e.name for e in registry.entries(data_dir) if e.task == "detection")
            raise ConfigError(f"no detector named {spec!r} in the model registry ({known})")
        state = registry.status(entry)
        if state.path is None or state.state != "ok":
            raise ConfigError(f"detector {spec}: {state.state} ({entry.file})")
        path, labels, name = state.path, tuple(entry.classes), entry.name
        ssd = entry.head == "ssd"
    if not path.is_file():
        raise ConfigError(f"detector file {path} does not exist")
    if path.suffix == ".pt":
        from edge.detect.ultra import YoloTorch

        return YoloTorch(path, min_confidence=min_confidence, name=name)
    if ssd or (not spec_is_entry and _has_ssd_heads(path)):
        from edge.detect.ssd import PlateSsd

        return PlateSsd(path, threads=threads, min_confidence=min_confidence, name=name)
    from edge.detect.yolo import YoloOnnx

    return YoloOnnx(path, threads=threads, min_confidence=min_confidence, labels=labels, name=name)


def _has_ssd_heads(path: Path) -> bool:
    """Whether an installed ONNX file is an SSD export (`models/convert_hyperlpr_ssd.py`)."""
    import onnx

    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception:  # not ONNX at all: YoloOnnx reports it with the loader's message
        return False
    return any(prop.key == "ssd_heads" for prop in model.metadata_props)
