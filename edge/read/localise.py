"""Plate finder: cheap proposals of plate-coloured rectangles before any network runs.

Whole-frame text detection costs about half a second on 2 cores; a lane needs a frame in
under 100 ms. Most plates are rectangles of a known colour (blue, yellow, green) with an
aspect ratio between about 1.2 (double-layer) and 7 that hold a row of characters. Colour
masks and morphology on a downscaled copy find them in a few milliseconds (a plate on a
body of its own colour is cut out by where its characters' strokes crowd); each proposal
carries its rotated rectangle, so a tilted plate can be straightened and read directly.
White and black plates have no colour of their own; whole-frame detection finds those.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from edge.read.colour import balance, classify, masks
from edge.read.images import percentile
from edge.types import Box

logger = logging.getLogger(__name__)

_MIN_AREA = 120  # px at the finder's scale (a plate ~24x6 px)
_ASPECT = (1.2, 7.0)
_MIN_FILL = 0.45
_NMS_IOU = 0.3
_STROKE_CONTRAST = 60  # |d grey / dx| of a character edge at the finder's scale
_SCAN_HEIGHT = 24
_CROSSINGS = (10.0, 60.0)
_CHROMATIC = ("blue", "yellow", "green")


@dataclass(frozen=True, slots=True)
class Region:
    """A proposed plate: bounding box and rotated rectangle in full-resolution pixels."""

    box: Box
    quad: np.ndarray
    """float32 (4, 2) corners of the blob's rotated rectangle, TL, TR, BR, BL."""
    score: float
    colour: str


def find_plates(
    image: np.ndarray, *, max_side: int, limit: int, gains: np.ndarray | None = None
) -> list[Region]:
    """Propose plate regions, best first.

    Args:
        image: BGR uint8 (H, W, 3) frame.
        max_side: Work at a copy whose longest side is at most this many pixels.
        limit: Return at most this many regions.
        gains: Per-channel gains that undo the frame's colour cast
            (`colour.neutral_gains`): the plate colours' hue and saturation bands are
            those of white light, and a cast moves plates out of them (a greenish lamp
            turns a green plate pale and a blue one cyan).

    Returns:
        Regions in `image` coordinates, overlapping proposals merged, best score first.
    """
    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale)
    small = balance(small, gains)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    colour_masks = masks(cv2.cvtColor(small, cv2.COLOR_BGR2HSV), _CHROMATIC)
    # a plate on a body of its own colour merges with it; its characters set it apart
    text_rows = _text_rows(grey)
    regions = []
    for name in _CHROMATIC:
        closed = _blobs_mask(colour_masks[name])
        for box, rect in _blobs(closed) + _blobs(cv2.bitwise_and(closed, text_rows)):
            score = _plate_score(small, grey, box)
            if score > 0:
                regions.append(Region(box, _corners(rect), score, name))
    kept = _suppress(sorted(regions, key=lambda r: -r.score))[:limit]
    logger.debug("finder: %d plate-like regions, kept %d", len(regions), len(kept))
    return [_rescale(r, 1 / scale, w, h) for r in kept]


def _blobs_mask(mask: np.ndarray) -> np.ndarray:
    """A colour mask cleaned up: specks removed, holes punched by characters filled."""
    binary = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))


def _text_rows(grey: np.ndarray) -> np.ndarray:
    """Where vertical strokes crowd together in a row, as characters on a plate do."""
    sobel = cv2.convertScaleAbs(cv2.Sobel(grey, cv2.CV_16S, 1, 0, ksize=3))
    strokes = cv2.threshold(sobel, _STROKE_CONTRAST, 255, cv2.THRESH_BINARY)[1]
    rows = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, np.ones((3, 9), np.uint8))
    return cv2.morphologyEx(rows, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def _blobs(binary: np.ndarray) -> list[tuple[Box, cv2.typing.RotatedRect]]:
    """Plate-shaped blobs of a binary mask, with their rotated rectangles."""
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w * h < _MIN_AREA:
            continue
        rect = cv2.minAreaRect(contour)
        rw, rh = rect[1]
        long_side, short_side = max(rw, rh), max(min(rw, rh), 1.0)
        if _ASPECT[0] <= long_side / short_side <= _ASPECT[1] and rw * rh >= _MIN_FILL * w * h:
            found.append((Box(x, y, x + w, y + h), rect))
    return found


def _corners(rect: cv2.typing.RotatedRect) -> np.ndarray:
    """TL, TR, BR, BL of a rotated rectangle, with TL-TR along its long side."""
    points = cv2.boxPoints(rect).astype(np.float32)
    if np.linalg.norm(points[1] - points[0]) < np.linalg.norm(points[2] - points[1]):
        points = np.roll(points, -1, axis=0)  # start on a long side
    if points[0, 0] > points[1, 0]:
        points = np.roll(points, 2, axis=0)  # read left to right
    return points


def _plate_score(image: np.ndarray, grey: np.ndarray, box: Box) -> float:
    """How plate-like a region is: a row of characters, on a plate colour; 0 if not at all.

    Characters make a scan line cross dark/light 2-4 times each: a 7-character plate gives
    about 14-40 crossings on its middle rows, a smooth panel or a single logo far fewer.
    """
    patch = grey[box.y1 : box.y2, box.x1 : box.x2]
    width = max(8, round(_SCAN_HEIGHT * box.width / box.height))
    patch = cv2.resize(patch, (width, _SCAN_HEIGHT), interpolation=cv2.INTER_AREA)
    _, binary = cv2.threshold(patch, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    rows = binary[_SCAN_HEIGHT // 4 : _SCAN_HEIGHT * 4 // 5]
    # a frame scores up to ~170 blobs, nearly all in vain: OpenCV counts each row's
    # changes (numpy's elementwise compare and count cost twice as much); a count over 255
    # is far out of range either way
    changes = cv2.absdiff(rows[:, 1:], rows[:, :-1])
    per_row = cv2.reduce(changes, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    crossings = percentile(np.minimum(per_row, 255).astype(np.uint8), 75)
    if not _CROSSINGS[0] <= crossings <= _CROSSINGS[1]:
        return 0.0
    colour = classify(image[box.y1 : box.y2, box.x1 : box.x2])
    if colour.name == "unknown":
        return 0.0
    return 1.0 + colour.share + min(1.0, box.width / 60)


def _suppress(regions: list[Region]) -> list[Region]:
    kept: list[Region] = []
    for region in regions:
        if all(region.box.iou(k.box) < _NMS_IOU for k in kept):
            kept.append(region)
    return kept


def _rescale(region: Region, factor: float, width: int, height: int) -> Region:
    b = region.box
    box = Box(
        max(0, int(b.x1 * factor)),
        max(0, int(b.y1 * factor)),
        min(width, max(int(b.x2 * factor), int(b.x1 * factor) + 1)),
        min(height, max(int(b.y2 * factor), int(b.y1 * factor) + 1)),
    )
    return Region(box, region.quad * factor, region.score, region.colour)
