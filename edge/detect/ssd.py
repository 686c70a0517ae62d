"""Caffe-style SSD plate detectors exported to ONNX (HyperLPR's `mininet_ssd_v1`).

The export (`models/convert_hyperlpr_ssd.py`) holds the network's convolutions and its
prediction heads, each head left in NHWC so its feature-map size is known; what Caffe did
in `PriorBox` and `DetectionOutput` (anchor boxes per feature-map cell, box decoding,
suppression) is done here from the parameters in the file's ``ssd_heads`` metadata. The
anchors depend on the input's size, which is dynamic: a frame is scaled down (never up) to fit
`imgsz` and padded to a multiple of 32, so a 16:9 frame runs at 640x384.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from checkpoint.errors import ConfigError
from edge.detect.base import PLATE_LABEL, Detection, Detector
from edge.detect.yolo import frame_detections, letterbox
from edge.read.base import check_image
from edge.read.graphs import pad_narrow_convs
from edge.runtime import channel_block, cpu_session

logger = logging.getLogger(__name__)

_STRIDE = 32


@dataclass(frozen=True, slots=True)
class _Head:
    """One prediction head: its anchor shapes (width, height in input pixels)."""

    loc: str
    conf: str
    shapes: tuple[tuple[float, float], ...]
    variance: tuple[float, float, float, float]
    offset: float

    @classmethod
    def from_meta(cls, raw: dict[str, Any]) -> _Head:
        low, high = float(raw["min_size"]), float(raw.get("max_size") or 0.0)
        shapes = [(low, low)]
        if high > 0:
            shapes.append((math.sqrt(low * high),) * 2)
        ratios: list[float] = []
        for ratio in raw.get("aspect_ratios", []):  # Caffe: 1 first, each ratio once
            for r in (ratio, 1 / ratio) if raw.get("flip") else (ratio,):
                if abs(r - 1.0) > 1e-6 and all(abs(r - k) > 1e-6 for k in ratios):
                    ratios.append(r)
        shapes += [(low * math.sqrt(r), low / math.sqrt(r)) for r in ratios]
        variance = [float(v) for v in raw.get("variance", [0.1])]
        if len(variance) == 1:
            variance *= 4
        return cls(
            raw["loc"],
            raw["conf"],
            tuple(shapes),
            (variance[0], variance[1], variance[2], variance[3]),
            float(raw.get("offset", 0.5)),
        )

    def anchors(self, rows: int, cols: int, height: int, width: int) -> np.ndarray:
        """(rows * cols * anchors, 4): centre x, centre y, width, height in input pixels,
        in Caffe's order (cell by cell, each cell's shapes in turn)."""
        ys = (np.arange(rows, dtype=np.float32) + self.offset) * (height / rows)
        xs = (np.arange(cols, dtype=np.float32) + self.offset) * (width / cols)
        cy, cx = np.meshgrid(ys, xs, indexing="ij")
        shapes = np.array(self.shapes, np.float32)
        out = np.empty((rows, cols, len(shapes), 4), np.float32)
        out[..., 0] = cx[..., None]
        out[..., 1] = cy[..., None]
        out[..., 2] = shapes[:, 0]
        out[..., 3] = shapes[:, 1]
        return out.reshape(-1, 4)


class PlateSsd(Detector):
    """A plate-only SSD; boxes every plate colour, so white and black plates too."""

    labels = (PLATE_LABEL,)
    # its two-class scores put grilles and lettering at 0.1-0.3 (HyperLPR itself took 0.5):
    # dev photos in a lane at 0.1 read 24/29 in 36 ms p50, at 0.3 25/29 in 27 ms
    lane_min_confidence = 0.3

    def __init__(
        self,
        path: Path,
        *,
        threads: int = 2,
        min_confidence: float = 0.3,
        iou: float | None = None,
        imgsz: int = 640,
        name: str = "",
    ) -> None:
        self._session = cpu_session(
            path, threads, functools.partial(pad_narrow_convs, block=channel_block())
        )
        try:
            meta = self._session.get_modelmeta().custom_metadata_map
            self._heads = [_Head.from_meta(h) for h in json.loads(meta["ssd_heads"])]
            self._mean = np.array([float(v) for v in meta["mean"].split(",")], np.float32)
            self._std = np.array([float(v) for v in meta["std"].split(",")], np.float32)
            self.iou = iou if iou is not None else float(meta.get("nms_threshold", 0.45))
        except (KeyError, ValueError, TypeError) as exc:  # no or malformed SSD metadata
            raise ConfigError(f"cannot load SSD detector {path}: {exc}") from exc
        self._input = self._session.get_inputs()[0].name
        self._outputs = [o.name for o in self._session.get_outputs()]
        self.input_size = (imgsz, imgsz)
        self.min_confidence = min_confidence
        self.name = name or path.stem
        self._anchors: dict[tuple[int, ...], np.ndarray] = {}  # per head and input size
        self.detect(np.zeros((1080, 1920, 3), np.uint8))  # allocate for a lane's frames now
        logger.info(
            "detector %s loaded: SSD plates, longest side %d, %d threads", self.name, imgsz, threads
        )

    def input_side(self, shape: tuple[int, ...]) -> int:
        """The longest side a frame of `shape` runs at (before padding to the stride).

        A frame smaller than the input is not enlarged: it has no more detail for the
        network, and the convolutions cost per pixel. Over the dev photos (a third of them
        under 640 px) in a lane: 1-3 ms less per frame at p50, the same reads; over their
        18 takings in a lane of 9 frames, 421 -> 422 exact and 14 -> 12 false reads.
        """
        return min(self.input_size[0], max(shape[:2]))

    def detect(self, image: np.ndarray) -> list[Detection]:
        image, _ = check_image(image, None)
        side = self.input_side(image.shape)
        blob, scale, (pad_x, pad_y) = letterbox(
            image, (side, side), _STRIDE, mean=self._mean, std=self._std
        )
        raw = dict(zip(self._outputs, self._session.run(None, {self._input: blob}), strict=True))
        height, width = blob.shape[2:4]
        anchors, locs, scores = [], [], []
        for head in self._heads:
            loc, conf = raw[head.loc][0], raw[head.conf][0]
            rows, cols = loc.shape[:2]
            key = (id(head), rows, cols, height, width)
            if key not in self._anchors:
                self._anchors[key] = head.anchors(rows, cols, height, width)
            anchors.append(self._anchors[key])
            locs.append(loc.reshape(-1, 4) * np.array(head.variance, np.float32))
            logits = conf.reshape(-1, 2)
            scores.append(1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1])))  # softmax, 2 classes
        anchor, loc, score = np.concatenate(anchors), np.concatenate(locs), np.concatenate(scores)
        keep = score >= self.min_confidence
        if not keep.any():
            return []
        anchor, loc, score = anchor[keep], loc[keep], score[keep]
        centres = np.stack(
            [
                anchor[:, 0] + loc[:, 0] * anchor[:, 2],
                anchor[:, 1] + loc[:, 1] * anchor[:, 3],
                anchor[:, 2] * np.exp(np.minimum(loc[:, 2], 10.0)),
                anchor[:, 3] * np.exp(np.minimum(loc[:, 3], 10.0)),
            ],
            axis=1,
        )
        return frame_detections(
            centres,
            score,
            np.zeros(len(score), np.int64),
            self.labels,
            placed=(scale, pad_x, pad_y),
            shape=image.shape,
            min_confidence=self.min_confidence,
            iou=self.iou,
        )
