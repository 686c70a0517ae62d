"""Plate background colour from HSV pixel fractions.

The colour says what kind of plate it is (blue: small car, yellow: large vehicle or coach,
green: new energy, white: police/military/armed police, black: Hong Kong/Macau, embassy)
and, because drawn overlay text and signs rarely sit on a plate-coloured panel of the
right share, it also tells a plate from text that merely looks like one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from edge.read.images import brighten, percentile

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
# a crop is judged on a regular sample of about this many pixels: shares of a sample are the
# crop's shares to well under a percent, and a large plate's crop (a lorry's rear plate at
# 4K, a line warped at full resolution) is 100-250 thousand pixels, judged a dozen times
_CLASSIFY_PIXELS = 4096
_CAST_SIDE = 160  # the cast is judged on a sample of about this many pixels a side
_MIN_CAST = 1.08  # channel ratio of the estimated light below which nothing is corrected
_MAX_CAST_GAIN = 1.35  # no channel is scaled by more than this (or less than its inverse)
_CLIPPED = 250  # a channel this bright may have been cut off by the sensor
_GREY_SATURATION = 0.45  # pixels more saturated than this are paint, not grey in tinted light
_MIN_EDGES = 100  # grey, unclipped edge samples the estimate needs (else: no estimate)
_CAST_BLOCKS = 3  # the frame is judged in 3x3 blocks...
_MIN_BLOCKS = 3  # ...of which at least this many need enough grey edges of their own
# the typical block's light within ~10% of the median in every channel: one light over the
# scene (lit streets and the dev photos under a tint measure 0.002-0.04, clutter 0.3-0.45)
_STEADY_SPREAD = 0.1


@dataclass(frozen=True, slots=True)
class Cast:
    """A frame's measured colour cast."""

    gains: np.ndarray | None
    """Per-channel (B, G, R) gains that undo it; None: no cast (or no estimate)."""
    steady: bool
    """The frame's 3x3 blocks each measure about the same light (a lamp over a street), not
    only their median: on clutter of every colour the blocks disagree, and the median is
    then no light at all (a 1.3x "cast" on a random synthetic background)."""


def neutral_gains(image: np.ndarray) -> np.ndarray | None:
    """Per-channel (B, G, R) gains that undo a colour cast of the frame, None when it has
    none (`measure_cast`)."""
    return measure_cast(image).gains


def measure_cast(image: np.ndarray) -> Cast:
    """The colour cast of the frame, and whether its parts agree on it.

    Plate colours are told apart by hue and saturation, and a cast moves both: under a warm
    street lamp a white police plate turns yellow, under a greenish one a pale blue plate
    turns green, and the grammar then rejects the read (a police plate cannot be yellow, a
    green plate has 8 characters). The light is estimated with grey-edge (van de Weijer et
    al. 2007: the average edge of a scene is grey, which holds far better than the average
    colour when one colour fills the frame, e.g. a blue lorry), on every few pixels of the
    frame: about 2 ms on 1080p. Each of 3x3 blocks of the frame gives its own estimate and
    the median of them is the light: the norm is ruled by the largest edges, and one long
    edge (a blue sky over grey road, with a white car clipped) would otherwise make the
    whole frame's light. Small casts, and frames with too few grey edges to judge by, are
    left alone (most cameras balance their own white); the correction is bounded.
    """
    none = Cast(None, steady=False)
    height, width = image.shape[:2]
    step = max(1, int(np.sqrt(height * width) / _CAST_SIDE))
    sample = image[::step, ::step]  # every step-th pixel: enough for a frame-wide average
    if sample.shape[0] < 2 or sample.shape[1] < 2:
        return none
    small = sample.astype(np.float32)
    dx = small[:-1, 1:] - small[:-1, :-1]
    dy = small[1:, :-1] - small[:-1, :-1]
    squared = dx * dx + dy * dy  # squared edge size per channel
    # an edge at a clipped pixel lost part of its size in the clipped channel only
    brightest = np.maximum(np.maximum(small[..., 0], small[..., 1]), small[..., 2])
    darkest = np.minimum(np.minimum(small[..., 0], small[..., 1]), small[..., 2])
    # painted colours (a blue lorry, a red sign) say nothing of the light; greys do, tinted
    # by it (a 1.5x cast gives a grey 35% saturation)
    out = (brightest >= _CLIPPED) | (brightest - darkest > _GREY_SATURATION * brightest)
    kept = ~(out[:-1, :-1] | out[:-1, 1:] | out[1:, :-1])
    if np.count_nonzero(kept) < _MIN_EDGES:
        return none
    # Minkowski norm 6 of the edge sizes, from their squares: mean(size^6)^(1/6)
    cubes = squared * squared * squared
    lights = []
    rows, cols = kept.shape
    for i in range(_CAST_BLOCKS):
        for j in range(_CAST_BLOCKS):
            block = (
                slice(i * rows // _CAST_BLOCKS, (i + 1) * rows // _CAST_BLOCKS),
                slice(j * cols // _CAST_BLOCKS, (j + 1) * cols // _CAST_BLOCKS),
            )
            count = np.count_nonzero(kept[block])
            if count < _MIN_EDGES // _CAST_BLOCKS:
                continue
            total = np.einsum("ijk,ij->k", cubes[block], kept[block].astype(np.float32))
            light = (total / count) ** (1 / 6)
            if float(light.min()) > 0.0:
                lights.append(light / light.mean())
    if len(lights) < _MIN_BLOCKS:
        return none
    blocks = np.array(lights)
    light = np.median(blocks, axis=0)
    if float(light.max() / light.min()) < _MIN_CAST:
        return none
    gains: np.ndarray = np.clip(light.mean() / light, 1 / _MAX_CAST_GAIN, _MAX_CAST_GAIN)
    # each block's worst channel off the median light (log ratio); the typical block's
    spread = float(np.median(np.abs(np.log(blocks / light)).max(axis=1)))
    return Cast(gains.astype(np.float32), steady=spread < _STEADY_SPREAD)


def balance(image: np.ndarray, gains: np.ndarray | None) -> np.ndarray:
    """`image` with each channel scaled by `gains` (unchanged when None)."""
    if gains is None or image.size == 0:
        return image
    return cv2.transform(image, np.diag(gains).astype(np.float32))


@dataclass(frozen=True, slots=True)
class Scene:
    """What one frame's light is, the same for every vehicle in it: judged once per frame.

    The plate reader names plate colours under it and the vehicle stage names every
    vehicle's paint under it; a busy frame holds several vehicles and plates (a queue,
    parked cars, the vehicles a detector boxes), and the cast, the sample and the
    colourless test cost ~3 ms a frame at 1080p, so the lane judges it once a frame.
    """

    gains: np.ndarray | None
    """Per-channel (B, G, R) gains that undo the frame's colour cast; None: no cast."""
    step: int
    """The sample takes every `step`-th pixel each way."""
    sample: np.ndarray
    """The frame sampled, in white light (the gains applied)."""
    mono: bool
    """The frame has no colour at all (infrared at night, a grey feed)."""
    steady: bool = False
    """The frame's parts agree on its cast (`Cast.steady`)."""


def judge_scene(image: np.ndarray) -> Scene:
    """The frame's colour cast, a small sample of it in white light, and whether it has any
    colour at all: what the plate reader and the vehicle stage need of the whole frame."""
    cast = measure_cast(image)
    gains = cast.gains
    height, width = image.shape[:2]
    step = max(1, int(np.sqrt(height * width / (128 * 128))))
    sample = balance(image[::step, ::step], gains)
    return Scene(gains, step, sample, monochrome(image), cast.steady)


@dataclass(frozen=True, slots=True)
class PlateColour:
    """The background colour and how much of the region agrees with it (0-1)."""

    name: str
    share: float


def masks(hsv: np.ndarray, names: Iterable[str] = PLATE_COLORS) -> dict[str, np.ndarray]:
    """uint8 masks (255 = in) for the plate colours `names` of an HSV uint8 image (the plate
    finder asks for the three hues only: each mask of a frame costs ~0.6 ms)."""
    out = {}
    for name in names:
        if name in _HUES:
            lo, hi, s_min, v_min = _HUES[name]
            out[name] = cv2.inRange(hsv, (lo, s_min, v_min), (hi, 255, 255))
        elif name == "white":
            out[name] = cv2.inRange(hsv, (0, 0, _WHITE_V), (180, _WHITE_S - 1, 255))
        elif name == "black":
            out[name] = cv2.inRange(hsv, (0, 0, 0), (180, 255, _BLACK_V - 1))
        else:
            raise ValueError(f"not a plate colour: {name!r}")
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
    blue, green, red = cv2.split(np.ascontiguousarray(image[::step, ::step]))
    spread = cv2.subtract(cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red))
    return percentile(spread, _MONO_PERCENTILE) < _MONO_CHROMA


def classify(region: np.ndarray, gains: np.ndarray | None = None) -> PlateColour:
    """Classify the background colour of a plate crop.

    Args:
        region: BGR uint8 crop of the plate (text included; it is the minority).
        gains: The frame's `neutral_gains`: the crop is judged as if the light were white.

    Returns:
        The colour, or "unknown" with share 0 when no plate colour dominates.
    """
    if region.size == 0:
        return PlateColour("unknown", 0.0)
    step = int(np.sqrt(region.shape[0] * region.shape[1] / _CLASSIFY_PIXELS))
    if step >= 2:
        region = region[::step, ::step]
    # a plate in shadow or at night is dim paint of its own colour, not a black plate
    region = brighten(balance(region, gains))
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
