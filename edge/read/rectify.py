"""Straighten text lines and pair the rows of double-layer plates.

The recogniser reads one horizontal line; a plate seen at an angle is a rotated, sheared
quadrilateral and a lorry plate has two rows of different sizes. Each detected line is
warped to an upright rectangle at full resolution (no detail lost to the finder's
downscaling; a line taller than four recogniser heights, a close-up at 4K, is warped to
that height: the recogniser reads 48 px and the row split needs no more), and a short
line sitting on top of a longer one is taken as the top row of the same plate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from edge.read.models import REC_HEIGHT
from edge.types import Box

logger = logging.getLogger(__name__)

_TOP_SHARE = 0.4
_SHEARS = tuple(float(s) for s in np.linspace(-0.5, 0.5, 11))
_SHEAR_GAIN = 1.05  # straighten only when it clearly helps
_END_MARGIN = 0.15  # of the line height, added at both ends
_MAX_HEIGHT = 4 * REC_HEIGHT  # a line is warped no taller than this


@dataclass(frozen=True, slots=True)
class RowFit:
    """How two detected lines must sit to be the top and bottom rows of one plate."""

    width: tuple[float, float]
    """The top row's width, as a share of the bottom row's."""
    height: float
    """The top row's height at most, as a share of the bottom row's."""
    gap: tuple[float, float]
    """The vertical gap between them, in bottom-row heights (negative: they overlap)."""
    overlap: float
    """How much of the narrower row the other spans."""


CLEAR_ROWS = RowFit(width=(0.4, 0.85), height=1.0, gap=(-0.6, 0.6), overlap=0.5)
"""A double-layer plate's rows as the detector usually boxes them: the top row narrower."""
LOOSE_ROWS = RowFit(width=(0.3, 1.15), height=1.25, gap=(-0.6, 0.6), overlap=0.6)
"""Rows that made no plate as grouped, retried: loose boxes, and Hong Kong two-row plates,
whose letter row can be as wide as its digit row."""


def stacked(top: Box, bottom: Box, fit: RowFit = CLEAR_ROWS) -> bool:
    """Whether `top` sits on `bottom` as the top row of the same plate."""
    if not fit.width[0] * bottom.width <= top.width <= fit.width[1] * bottom.width:
        return False
    if top.height > fit.height * bottom.height:
        return False
    gap = (bottom.y1 - top.y2) / bottom.height
    overlap = top.overlap_across(bottom)
    return fit.gap[0] <= gap <= fit.gap[1] and overlap >= fit.overlap * min(top.width, bottom.width)


@dataclass(frozen=True, slots=True)
class Line:
    """One detected text line: its quad (TL, TR, BR, BL) in image pixels and upright crop."""

    quad: np.ndarray
    image: np.ndarray

    @property
    def box(self) -> Box:
        x1, y1 = np.floor(self.quad.min(axis=0)).astype(int)
        x2, y2 = np.ceil(self.quad.max(axis=0)).astype(int)
        return Box(int(x1), int(y1), max(int(x2), int(x1) + 1), max(int(y2), int(y1) + 1))

    @property
    def aspect(self) -> float:
        return float(self.image.shape[1] / self.image.shape[0])


@dataclass(frozen=True, slots=True)
class PlateLines:
    """The rows of one plate, top first (one row, or two for a double-layer plate)."""

    rows: tuple[Line, ...]

    @property
    def box(self) -> Box:
        boxes = [row.box for row in self.rows]
        return Box(
            min(b.x1 for b in boxes),
            min(b.y1 for b in boxes),
            max(b.x2 for b in boxes),
            max(b.y2 for b in boxes),
        )


def warp_line(image: np.ndarray, quad: np.ndarray) -> Line | None:
    """Warp the quad to an upright crop `REC_HEIGHT` to `_MAX_HEIGHT` px high (at full
    resolution in between); None if degenerate.

    The crop reaches a little beyond the quad's ends: the detector tends to lose a thin
    end character (a 1, the right half of an A) at low resolution.
    """
    quad = widen(quad, _END_MARGIN)
    width = float(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2])))
    height = float(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    if width < 4 or height < 4:
        return None
    zoom = min(max(1.0, REC_HEIGHT / height), _MAX_HEIGHT / height)
    out_w, out_h = max(1, round(width * zoom)), max(1, round(height * zoom))
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(
        image, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return Line(quad, deslant(crop))


def deslant(line: np.ndarray) -> np.ndarray:
    """Undo the shear of a plate seen from the side, so its strokes stand upright again.

    A rotated rectangle cannot straighten a trapezoid: the characters come out italic, and
    the recogniser confuses 7 with 1 and D with 0. The right shear is the one under which
    the columns of the binarised line are most uneven (upright strokes stack up).
    """
    grey = cv2.cvtColor(line, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, (max(8, grey.shape[1] * 24 // grey.shape[0]), 24))
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if ink.mean() > 0.5:
        ink = 1 - ink  # make the characters the ones
    h, w = ink.shape

    def sharpness(shear: float) -> float:
        matrix = np.array([[1, shear, -shear * h / 2], [0, 1, 0]], np.float32)
        columns = cv2.warpAffine(ink.astype(np.float32), matrix, (w, h)).sum(axis=0)
        return float(np.square(columns).sum())

    best = max(_SHEARS, key=sharpness)
    if best == 0.0 or sharpness(best) < _SHEAR_GAIN * sharpness(0.0):
        return line
    lh, lw = line.shape[:2]
    margin = abs(best) * lh / 2  # keep the corners that the shear moves sideways
    matrix = np.array([[1, best, margin - best * lh / 2], [0, 1, 0]], np.float32)
    size = (round(lw + 2 * margin), lh)
    return cv2.warpAffine(line, matrix, size, borderMode=cv2.BORDER_REPLICATE)


def widen(quad: np.ndarray, margin: float) -> np.ndarray:
    """A line's quad (TL, TR, BR, BL) reaching `margin` line heights further at both ends,
    along the line."""
    along = (quad[1] - quad[0] + quad[2] - quad[3]) / 2
    height = float(np.linalg.norm(quad[3] - quad[0]))
    step = along / max(float(np.linalg.norm(along)), 1e-6) * height * margin
    return np.array([quad[0] - step, quad[1] + step, quad[2] + step, quad[3] - step], np.float32)


def group_rows(image: np.ndarray, lines: list[Line]) -> list[PlateLines]:
    """Pair each short line with a longer line right below it; the rest stay single.

    Detected boxes of the two rows overlap (the detector grows every box), so a pair is
    cut apart half-way between the rows and each row warped again from `image`.

    Args:
        image: The BGR image the lines were found in.
        lines: Text lines of one candidate region.

    Returns:
        Plates, each with one or two rows, top row first.
    """
    # widest lines first: each takes the closest short line right above it as its top row
    ordered = sorted(lines, key=lambda line: -line.box.width)
    used: set[int] = set()
    plates: list[PlateLines] = []
    for i, bottom in enumerate(ordered):
        if i in used:
            continue
        tops = [
            j
            for j, top in enumerate(ordered)
            if j != i and j not in used and stacked(top.box, bottom.box)
        ]
        used.add(i)
        if not tops:
            plates.append(PlateLines((bottom,)))
            continue
        top = min(tops, key=lambda j: bottom.box.y1 - ordered[j].box.y2)
        used.add(top)
        plates.append(_split(image, ordered[top], bottom))
    return plates


def _split(image: np.ndarray, top: Line, bottom: Line) -> PlateLines:
    """Cut two overlapping row quads apart on the line half-way between them."""
    upper = (top.quad[3] + top.quad[2]) / 2
    lower = (bottom.quad[0] + bottom.quad[1]) / 2
    cut = (upper[1] + lower[1]) / 2
    top_quad = top.quad.copy()
    top_quad[2:, 1] = np.minimum(top_quad[2:, 1], cut)
    bottom_quad = bottom.quad.copy()
    bottom_quad[:2, 1] = np.maximum(bottom_quad[:2, 1], cut)
    rows = (warp_line(image, top_quad), warp_line(image, bottom_quad))
    if rows[0] is None or rows[1] is None:
        return PlateLines((top, bottom))
    return PlateLines((rows[0], rows[1]))


def split_rows(image: np.ndarray, line: Line) -> PlateLines | None:
    """Cut a squat line into the two rows of a double-layer plate (GA 36-2018: the top
    row takes the upper ~35% of the text height)."""
    q = line.quad
    left = q[0] + (q[3] - q[0]) * _TOP_SHARE
    right = q[1] + (q[2] - q[1]) * _TOP_SHARE
    top = warp_line(image, np.array([q[0], q[1], right, left], np.float32))
    bottom = warp_line(image, np.array([left, right, q[2], q[3]], np.float32))
    if top is None or bottom is None:
        return None
    return PlateLines((top, bottom))
