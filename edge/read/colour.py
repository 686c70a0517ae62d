"""Plate background colour from HSV pixel fractions.

The colour says what kind of plate it is (blue: small car, yellow: large vehicle or coach,
green: new energy, white: police/military/armed police, black: Hong Kong/Macau, embassy)
and, because drawn overlay text and signs rarely sit on a plate-coloured panel of the
right share, it also tells a plate from text that merely looks like one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

logger = logging.getLogger(__name__)

PLATE_COLORS = ("blue", "yellow", "green", "white", "black")
# OpenCV hue is 0-180. Bounds: (h_lo, h_hi, s_min, v_min); the new-energy gradient is pale.
_HUES: dict[str, tuple[int, int, int, int]] = {
    "blue": (95, 130, 80, 45),
    "yellow": (12, 34, 80, 80),
    "green": (35, 90, 35, 60),
}
_WHITE_S, _WHITE_V = 60, 140
_BLACK_V = 75
_CHROMATIC_SHARE = 0.22  # a blue/yellow/green plate shows at least this much of its colour
_MONO_CHROMA = 16  # channel spread (max - min, 0-255) below which a pixel has no colour
_MONO_PERCENTILE = 99.9  # a colour frame has at least this share of colour somewhere
_ACHROMATIC_SHARE = 0.6  # unsaturated pixels on a white or black plate


@dataclass(frozen=True, slots=True)
class PlateColour:
    """The background colour and how much of the region agrees with it (0-1)."""

    name: str
    share: float


def masks(hsv: np.ndarray) -> dict[str, np.ndarray]:
    """uint8 masks (255 = in) for every plate colour of an HSV uint8 image."""
    out = {
        name: cv2.inRange(hsv, (lo, s_min, v_min), (hi, 255, 255))
        for name, (lo, hi, s_min, v_min) in _HUES.items()
    }
    out["white"] = cv2.inRange(hsv, (0, 0, _WHITE_V), (180, _WHITE_S - 1, 255))
    out["black"] = cv2.inRange(hsv, (0, 0, 0), (180, 255, _BLACK_V - 1))
    return out


def monochrome(image: np.ndarray) -> bool:
    """Whether a frame carries no colour at all: an infrared night camera, a grey feed.

    Plates are still legible there, but a blue plate reads as black and a red car as
    grey, so neither colour may be reported as seen. Any colour scene has a few coloured
    pixels (paint, signs, lane markings, sensor noise in shadows); a grey frame has none
    beyond JPEG's rounding.
    """
    height, width = image.shape[:2]
    step = max(1, int(np.sqrt(height * width / (128 * 128))))
    small = image[::step, ::step].astype(np.int16)
    spread = small.max(axis=2) - small.min(axis=2)
    return float(np.percentile(spread, _MONO_PERCENTILE)) < _MONO_CHROMA


def classify(region: np.ndarray) -> PlateColour:
    """Classify the background colour of a plate crop.

    Args:
        region: BGR uint8 crop of the plate (text included; it is the minority).

    Returns:
        The colour, or "unknown" with share 0 when no plate colour dominates.
    """
    if region.size == 0:
        return PlateColour("unknown", 0.0)
    hsv = cv2.cvtColor(region, cv2.COLOR_BGR2HSV)
    shares = {name: float(mask.mean()) / 255 for name, mask in masks(hsv).items()}
    chromatic = max(("blue", "yellow", "green"), key=shares.__getitem__)
    if shares[chromatic] >= _CHROMATIC_SHARE:
        return PlateColour(chromatic, shares[chromatic])
    # saturation is noise on dark pixels, so dark counts as colourless whatever its hue
    achromatic = float(((hsv[..., 1] < _WHITE_S) | (hsv[..., 2] < _BLACK_V)).mean())
    if achromatic >= _ACHROMATIC_SHARE:
        white, black = shares["white"], shares["black"]
        if max(white, black) >= 2 * min(white, black):
            return PlateColour("white" if white > black else "black", achromatic)
        name = "white" if _light_background(region) else "black"
        return PlateColour(name, achromatic)
    return PlateColour("unknown", 0.0)


def _light_background(region: np.ndarray) -> bool:
    """Whether the plate is light: the strips above and below the characters are.

    Counting pixels fails on a tight text box (bold black text can outnumber the white
    around it); the margins of a text line are background on every plate.
    """
    grey = cv2.cvtColor(region, cv2.COLOR_BGR2GRAY)
    _, binary = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    h = binary.shape[0]
    # skip the outermost rows: on a whole-plate box they are the plate's rim
    margins = np.concatenate([binary[h // 12 : h // 6 + 1], binary[h - h // 6 - 1 : h - h // 12]])
    return float(margins.mean()) >= 0.5
