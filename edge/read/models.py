"""PP-OCRv4 text detection and recognition called directly on ONNX Runtime.

We call the ONNX files ourselves rather than through rapidocr's pipeline because the reader
needs the recogniser's full per-step class distribution (per-character confidence, second
choices, the best province at a step), which rapidocr's decoder throws away. Sessions are
created once and reused; each call is a single small batch.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from checkpoint.errors import ConfigError
from edge.read.graphs import simplify
from edge.runtime import cpu_session

REC_HEIGHT = 48
_DET_THRESH = 0.3
_DET_BOX_THRESH = 0.5
_UNCLIP = 1.6
_QUAD_FIT = 0.9  # a 4-corner approximation must cover this share of the blob's hull


def _normalise(image: np.ndarray) -> np.ndarray:
    """BGR uint8 (H, W, 3) -> float32 (3, H, W) in [-1, 1], as PP-OCR was trained."""
    return ((image.astype(np.float32) / 127.5) - 1.0).transpose(2, 0, 1)


class TextDetector:
    """DB text detector: BGR crop in, rotated text-line rectangles out."""

    def __init__(self, path: Path, threads: int) -> None:
        self._session = cpu_session(path, threads, simplify)
        self._input = self._session.get_inputs()[0].name

    def __call__(self, image: np.ndarray) -> list[np.ndarray]:
        """Find text lines.

        Args:
            image: BGR uint8 (H, W, 3); both sides are rounded to multiples of 32 here.

        Returns:
            One float32 (4, 2) quad per line in `image` pixels, corners TL, TR, BR, BL.
        """
        h, w = image.shape[:2]
        th, tw = max(32, round(h / 32) * 32), max(32, round(w / 32) * 32)
        resized = cv2.resize(image, (tw, th), interpolation=cv2.INTER_LINEAR)
        prob = self._session.run(None, {self._input: _normalise(resized)[None]})[0][0, 0]
        bitmap = cv2.dilate((prob > _DET_THRESH).astype(np.uint8), np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        quads = []
        for contour in contours:
            quad = _unclip(contour, prob)
            if quad is not None:
                quads.append(quad * np.array([w / tw, h / th], dtype=np.float32))
        return quads


def _unclip(contour: np.ndarray, prob: np.ndarray) -> np.ndarray | None:
    """DB post-processing for one blob: score it, grow it back to the full text extent."""
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
    if min(rw, rh) < 3:
        return None
    x, y, bw, bh = cv2.boundingRect(contour)
    mask = np.zeros((bh, bw), np.uint8)
    cv2.fillPoly(mask, [contour.reshape(-1, 2) - [x, y]], 1)
    if cv2.mean(prob[y : y + bh, x : x + bw], mask)[0] < _DET_BOX_THRESH:
        return None
    grow = rw * rh * _UNCLIP / (2 * (rw + rh))
    quad = _perspective_quad(contour)
    if quad is not None:
        return order_corners(_offset(quad, grow))
    points = cv2.boxPoints(((cx, cy), (rw + 2 * grow, rh + 2 * grow), angle))
    return order_corners(points.astype(np.float32))


def _perspective_quad(contour: np.ndarray) -> np.ndarray | None:
    """The blob as a general quadrilateral, if it is one (a plate seen at an angle is a
    trapezoid, which a rotated rectangle would shear when straightened)."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    area = cv2.contourArea(hull)
    for eps in (0.02, 0.04, 0.06, 0.08):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True).reshape(-1, 2)
        if len(approx) == 4:
            fits = abs(cv2.contourArea(approx.astype(np.float32))) >= _QUAD_FIT * area
            return approx.astype(np.float32) if fits else None
        if len(approx) < 4:
            return None
    return None


def _offset(quad: np.ndarray, grow: float) -> np.ndarray:
    """Move every edge of a convex quad outwards by `grow` pixels."""
    x, y = quad[:, 0], quad[:, 1]
    sign = 1.0 if float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) > 0 else -1.0
    edges = np.roll(quad, -1, axis=0) - quad
    normals = sign * np.stack([edges[:, 1], -edges[:, 0]], axis=1)
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-6)
    points = quad + normals * grow  # a point on each moved edge
    out = []
    for i in range(4):
        j = i - 1  # corner i joins edge j (ending there) and edge i (starting there)
        matrix = np.stack([edges[j], -edges[i]], axis=1)
        if abs(np.linalg.det(matrix)) < 1e-6:
            out.append(quad[i] + normals[i] * grow)
            continue
        t = np.linalg.solve(matrix, points[i] - points[j])
        out.append(points[j] + edges[j] * t[0])
    return np.array(out, dtype=np.float32)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order 4 points TL, TR, BR, BL (by x to split left/right, then by y)."""
    by_x = points[np.argsort(points[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


class TextRecognizer:
    """CRNN/SVTR recogniser with a CTC head: one text line in, per-step class probabilities out."""

    def __init__(self, path: Path, threads: int) -> None:
        self._session = cpu_session(path, threads, simplify)
        self._input = self._session.get_inputs()[0].name
        meta = self._session.get_modelmeta().custom_metadata_map
        if "character" not in meta:
            raise ConfigError(f"{path} has no character list in its metadata")
        # CTC blank first, then the dictionary, then the space PP-OCR appends
        self.charset: tuple[str, ...] = ("", *meta["character"].splitlines(), " ")

    def __call__(self, line: np.ndarray) -> np.ndarray:
        """Recognise one line.

        Args:
            line: BGR uint8 (H, W, 3) of a single, upright text line.

        Returns:
            float32 (T, C) softmax probabilities, T = width/8 steps, C = len(charset).
        """
        h, w = line.shape[:2]
        width = int(np.clip(round(REC_HEIGHT * w / max(h, 1)), REC_HEIGHT, REC_HEIGHT * 16))
        resized = cv2.resize(line, (width, REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
        probs: np.ndarray = self._session.run(None, {self._input: _normalise(resized)[None]})[0][0]
        return probs
