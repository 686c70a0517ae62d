"""Draw Chinese licence plates from their GA 36-2018 geometry.

Tests and benchmarks need plates whose text is known, in every colour and layout, without
shipping real photos (which are personal data). Geometry is in millimetres as the standard
gives it and scaled to the requested pixel height. Glyphs come from WQY Micro Hei, rendered
once per character and stretched to the tall, narrow slots of the plate typeface.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from checkpoint.errors import InvalidInput

logger = logging.getLogger(__name__)

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PLATE_COLORS = ("blue", "yellow", "green", "white", "black")

_BGR = tuple[int, int, int]
_WHITE: _BGR = (245, 245, 245)
_BLACK: _BGR = (20, 20, 20)
_RED: _BGR = (30, 30, 200)
# background, text (BGR); green is a gradient drawn separately
_STYLE: dict[str, tuple[_BGR, _BGR]] = {
    "blue": ((165, 70, 10), _WHITE),
    "yellow": ((20, 185, 235), _BLACK),
    "green": ((110, 200, 60), _BLACK),
    "white": ((240, 240, 240), _BLACK),
    "black": ((25, 25, 25), _WHITE),
}
_FARM_GREEN: _BGR = (60, 130, 20)  # a tractor's plate: white characters on plain green
_RED_CHARS = frozenset("警使")
_GLYPH_PX = 160  # render size before stretching; large enough for a 400 px tall plate


@dataclass(frozen=True, slots=True)
class _Slot:
    """One character cell in millimetres: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float


def font_available() -> bool:
    """Whether the CJK font is installed; tests skip rendering cases without it."""
    return FONT_PATH.is_file()


def render_plate(text: str, color: str, *, layers: int = 1, height: int = 140) -> np.ndarray:
    """Render a plate as a BGR uint8 image.

    Args:
        text: Normalized plate text: 7 characters (8 for green new-energy plates; any
            7- or 8-character text is laid out by its length).
        color: One of `PLATE_COLORS`; white plates draw 警/使 in red.
        layers: 1 for a single row; 2 for the double-layer lorry layout (first two
            characters on the top row, the rest below), or, for a text with no province
            (a Hong Kong plate such as LX8170), the Hong Kong two-row layout: its letters
            over its digits, all one size, on a 340x220 mm plate; or, for a green plate
            of a province and seven digits, a farm vehicle's (tractor's): the province and
            two digits over five, white on plain green.
        height: Output height in pixels; the width follows the plate's aspect ratio
            (440x140 mm single, 480x140 mm new-energy, 440x220 mm double-layer, 340x220 mm
            Hong Kong two-row).

    Returns:
        Array of shape (height, width, 3).

    Raises:
        InvalidInput: Unknown colour, layer count or text length, or the font is missing.

    Example:
        >>> render_plate("京A12345", "blue").shape
        (140, 440, 3)
    """
    if color not in _STYLE:
        raise InvalidInput(f"plate colour must be one of {PLATE_COLORS}, got {color!r}")
    if layers not in (1, 2):
        raise InvalidInput(f"layers must be 1 or 2, got {layers}")
    if not 6 <= len(text) <= 8:
        raise InvalidInput(f"plate text must have 6 to 8 characters, got {len(text)}")
    if not font_available():
        raise InvalidInput(f"CJK font not installed: {FONT_PATH} (apt: fonts-wqy-microhei)")
    hong_kong = layers == 2 and text[:2].isascii() and text[:2].isalpha()
    if hong_kong:
        size_mm = (340.0, 220.0)
    else:
        size_mm = (440.0, 220.0) if layers == 2 else (480.0 if len(text) == 8 else 440.0, 140.0)
    scale = height / size_mm[1]
    width = round(size_mm[0] * scale)
    farm = layers == 2 and color == "green" and len(text) == 8 and text[1:].isdigit()
    ink = _WHITE if farm else _STYLE[color][1]
    if farm:
        image = np.full((height, width, 3), _FARM_GREEN, dtype=np.uint8)
    else:
        image = _background(color, height, width)
    _draw_rim(image, ink if color != "green" or farm else (60, 120, 30), scale)
    if hong_kong:
        slots = _hong_kong_slots(text)
    elif farm:
        slots = _farm_slots()
    elif layers == 2:
        slots = _double_slots(len(text))
    else:
        slots = _single_slots(len(text), size_mm[0])
    for char, slot in zip(text, slots, strict=True):
        char_ink = _RED if (color == "white" and char in _RED_CHARS) else ink
        _draw_glyph(image, char, slot, scale, char_ink)
    if layers == 1:
        _draw_dot(image, slots[1], slots[2], scale, ink)
    logger.debug("rendered a %s plate, %d layer(s), %dx%d", color, layers, width, height)
    return image


def _hong_kong_slots(text: str) -> list[_Slot]:
    """Slots of a Hong Kong two-row plate: the letters over the digits, all one size."""
    letters = len(text) - len(text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    char_w, char_h, gap = 60.0, 85.0, 12.0

    def row(count: int, top: float) -> list[_Slot]:
        left = (340.0 - count * char_w - (count - 1) * gap) / 2
        return [_Slot(left + i * (char_w + gap), top, char_w, char_h) for i in range(count)]

    return row(letters, 18.0) + row(len(text) - letters, 117.0)


def _background(color: str, height: int, width: int) -> np.ndarray:
    if color != "green":
        return np.full((height, width, 3), _STYLE[color][0], dtype=np.uint8)
    # new-energy: pale green-white at the top fading to green at the bottom
    top = np.array([235, 250, 235], dtype=np.float32)
    bottom = np.array(_STYLE["green"][0], dtype=np.float32)
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    column = (top * (1 - t) + bottom * t).astype(np.uint8)
    return np.repeat(column[:, None, :], width, axis=1)


def _draw_rim(image: np.ndarray, ink: _BGR, scale: float) -> None:
    height, width = image.shape[:2]
    inset = max(1, round(3 * scale))
    thickness = max(1, round(2 * scale))
    cv2.rectangle(image, (inset, inset), (width - 1 - inset, height - 1 - inset), ink, thickness)


def _single_slots(count: int, plate_mm: float) -> list[_Slot]:
    """Slots of a one-row plate: 2 characters, a separator gap, the rest evenly spaced."""
    char_w, gap = (43.0, 9.0) if count == 8 else (45.0, 12.0)
    margin = 15.5
    rest = count - 2
    sep = plate_mm - 2 * margin - count * char_w - (count - 2) * gap
    xs = [margin, margin + char_w + gap]
    start = xs[1] + char_w + sep
    xs += [start + i * (char_w + gap) for i in range(rest)]
    return [_Slot(x, 25.0, char_w, 90.0) for x in xs]


def _double_slots(count: int) -> list[_Slot]:
    """Slots of a double-layer plate: province and letter on top, the rest below."""
    top = [_Slot(110.0, 15.0, 80.0, 60.0), _Slot(250.0, 15.0, 80.0, 60.0)]
    rest = count - 2
    char_w, gap = 65.0, 15.0
    margin = (440.0 - rest * char_w - (rest - 1) * gap) / 2
    return top + [_Slot(margin + i * (char_w + gap), 90.0, char_w, 110.0) for i in range(rest)]


def _farm_slots() -> list[_Slot]:
    """Slots of a farm vehicle's plate: the province and two digits on top, five below."""
    top = [_Slot(100.0, 15.0, 80.0, 60.0), _Slot(225.0, 15.0, 50.0, 60.0)]
    top.append(_Slot(285.0, 15.0, 50.0, 60.0))
    return top + _double_slots(7)[2:]


def _draw_glyph(image: np.ndarray, char: str, slot: _Slot, scale: float, ink: _BGR) -> None:
    mask = _glyph_mask(char)
    box_w, box_h = slot.w * scale, slot.h * scale
    gh, gw = mask.shape
    if _is_cjk(char):
        out_w, out_h = box_w, box_h  # CJK glyphs fill the whole cell
    else:
        out_h = box_h
        out_w = min(box_w, gw * (box_h / gh) * 0.8)  # the plate typeface is condensed
    w, h = max(1, round(out_w)), max(1, round(out_h))
    glyph = cv2.resize(mask, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    x = round(slot.x * scale + (box_w - w) / 2)
    y = round(slot.y * scale + (box_h - h) / 2)
    region = image[y : y + h, x : x + w].astype(np.float32)
    glyph = glyph[: region.shape[0], : region.shape[1], None]
    blended = region * (1 - glyph) + np.array(ink, dtype=np.float32) * glyph
    image[y : y + h, x : x + w] = blended.astype(np.uint8)


def _draw_dot(image: np.ndarray, left: _Slot, right: _Slot, scale: float, ink: _BGR) -> None:
    cx = round(((left.x + left.w) + right.x) / 2 * scale)
    cy = round((left.y + left.h / 2) * scale)
    cv2.circle(image, (cx, cy), max(1, round(5 * scale)), ink, -1, lineType=cv2.LINE_AA)


@functools.lru_cache(maxsize=256)
def _glyph_mask(char: str) -> np.ndarray:
    """The character's ink as a uint8 mask cropped to its bounding box (cached: pure)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT_PATH), _GLYPH_PX)
    canvas = Image.new("L", (_GLYPH_PX * 2, _GLYPH_PX * 2), 0)
    ImageDraw.Draw(canvas).text((_GLYPH_PX // 4, _GLYPH_PX // 4), char, fill=255, font=font)
    mask = np.asarray(canvas, dtype=np.uint8)
    ys, xs = np.nonzero(mask > 40)
    if ys.size == 0:
        raise InvalidInput(f"the plate font has no glyph for {char!r}")
    cropped = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    # bold it slightly: plate strokes are heavier than Micro Hei's regular weight
    kernel = np.ones((5, 5), np.uint8)
    return cv2.dilate(np.pad(cropped, 3), kernel)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"
