"""Pick a detector by registry name or file: ONNX on ONNX Runtime, `.pt` via ultralytics."""

from __future__ import annotations

import logging
from pathlib import Path

from checkpoint.errors import ConfigError
from edge.detect.base import Detector

logger = logging.getLogger(__name__)

DEFAULT_DETECTOR = "plate-vface-yolov8n"


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
    if not path.suffix:
        entry = next((e for e in registry.entries(data_dir) if e.name == spec), None)
        if entry is None:
            known = ", ".join(e.name for e in registry.entries(data_dir) if e.task == "detection")
            raise ConfigError(f"no detector named {spec!r} in the model registry ({known})")
        state = registry.status(entry)
        if state.path is None or state.state != "ok":
            raise ConfigError(f"detector {spec}: {state.state} ({entry.file})")
        path, labels, name = state.path, tuple(entry.classes), entry.name
    if not path.is_file():
        raise ConfigError(f"detector file {path} does not exist")
    if path.suffix == ".pt":
        from edge.detect.ultra import YoloTorch

        return YoloTorch(path, min_confidence=min_confidence, name=name)
    from edge.detect.yolo import YoloOnnx

    return YoloOnnx(path, threads=threads, min_confidence=min_confidence, labels=labels, name=name)
