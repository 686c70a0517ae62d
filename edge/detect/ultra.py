"""Ultralytics YOLO `.pt` weights through the ultralytics package (the optional [yolo] extra).

torch is several GB, so the product never needs it: export to ONNX for the lanes. This
backend is for an operator who has a `.pt` and the extra installed.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from checkpoint.errors import ConfigError
from edge.detect.base import Detection, Detector
from edge.read.base import check_image
from edge.types import Box

logger = logging.getLogger(__name__)


class YoloTorch(Detector):
    def __init__(self, path: Path, *, min_confidence: float = 0.3, name: str = "") -> None:
        try:
            from ultralytics import YOLO  # type: ignore[import-not-found, unused-ignore]
        except ImportError as exc:
            raise ConfigError(
                f"{path} is a PyTorch model: install the extra (pip install "
                f"'smart-checkpoint[yolo]') or export it to ONNX (yolo export "
                f"model={path.name} format=onnx) and install that"
            ) from exc
        self._model = YOLO(str(path))
        names = self._model.names
        self.labels = tuple(str(names[i]) for i in sorted(names))
        self.name = name or path.stem
        self.min_confidence = min_confidence
        logger.info("detector %s loaded through ultralytics: %s", self.name, ",".join(self.labels))

    def detect(self, image: np.ndarray) -> list[Detection]:
        image, _ = check_image(image, None)
        (result,) = self._model.predict(image, conf=self.min_confidence, verbose=False)
        out: list[Detection] = []
        for xyxy, cls, conf in zip(
            result.boxes.xyxy.tolist(),
            result.boxes.cls.tolist(),
            result.boxes.conf.tolist(),
            strict=True,
        ):
            x1, y1, x2, y2 = (int(v) for v in xyxy)
            if x2 > x1 and y2 > y1:
                out.append(Detection(Box(x1, y1, x2, y2), self.labels[int(cls)], float(conf)))
        return sorted(out, key=lambda d: -d.confidence)
