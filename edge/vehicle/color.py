"""Body colour of a vehicle from the panels around its plate.

Each pixel of the body region is named (white, silver, grey, black or a hue) after the
frame's exposure is normalised, and the names vote. Grilles, tyres, shadows and road are
dark or grey on every car, so a hue that holds a fair share of the region wins over them;
the plate itself is masked out so a blue plate never makes a blue car. The light is judged
on the whole frame: a colour cast is measured (grey-edge, `edge.read.colour.neutral_gains`)
and undone before any pixel is named, since under a sodium lamp every white car is orange
and under a cool LED every one is blue. At night, or under a strong colour cast (corrected
or not), the estimate is marked doubtful, and a doubtful colour must never be the only
reason to stop anyone. So is every colour of a frame with no colour in it (an infrared
camera at night).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from checkpoint.vehicles import VehicleColor, colors_contradict
from edge.read.colour import Scene, balance, judge_scene
from edge.read.images import brightness, percentile
from edge.types import Box

logger = logging.getLogger(__name__)

_MAX_PIXELS = 96 * 96  # the region is resampled to about this many pixels
_NIGHT_V = 55  # median brightness of a night frame (street light, headlights)
_MAX_CAST = 1.5  # grey-world channel ratio above which the light is coloured (blue sky is ~1.4)
# a measured cast this strong (channel ratio of the light; daylight, shade and evening sun
# stay under it) is undone, but the colour stays doubtful: the correction is an estimate,
# and a street lamp's narrow spectrum loses hues no channel gain brings back
_DOUBTFUL_CAST = 1.3
# a colour that a half of the body contradicts is no surer than this (under the cloned-plate
# check's 0.6): a guess, not evidence
_SPLIT_CONFIDENCE = 0.5
_MIN_HALF_PIXELS = 64  # a half with fewer named pixels (the plate masks most of it) says nothing
_WHITE_REFERENCE = 230  # value the reference white is scaled to
_MIN_GAIN, _MAX_GAIN = 0.7, 1.6  # exposure normalisation stays within these
# grilles, tyres, glass, shadow and road are dark on every vehicle: their votes count less
_DARK_WEIGHT = {VehicleColor.BLACK: 0.5, VehicleColor.GREY: 0.7}
_CHROMA_S = 70  # HSV saturation of a painted colour (above: a hue; below: white..black)
_DARK_V = 60  # below this even a saturated pixel is too dark to name its hue
_CHROMATIC_SHARE = 0.2  # a hue holding this share of the body is the body colour...
_HUE_VS_BRIGHT = 0.6  # ...if it also holds this much against white and silver pixels
# votes fall off around the plate over this many plate widths across / up and down (one
# sigma; 0.5 plate widths is 1.5 heights of a one-row plate): a plate's width is the ruler,
# since its height depends on its kind (a two-row plate is twice as tall, not twice as wide)
_NEAR_WIDTHS, _NEAR_UP = 1.0, 0.5
# two plates of one vehicle (`same_vehicle`): widths within this factor, overlapping across
# by this share of the narrower, at most this many of its widths apart
_PAIR_SCALE, _PAIR_OVERLAP, _PAIR_GAP = 2.0, 0.5, 0.5
# achromatic bands on the exposure-normalised value channel
_WHITE_V, _SILVER_V, _GREY_V = 185, 140, 80
# OpenCV hue (0-180) upper bounds, in order; red wraps around 180
_HUES: tuple[tuple[int, VehicleColor], ...] = (
    (8, VehicleColor.RED),
    (19, VehicleColor.ORANGE),
    (34, VehicleColor.YELLOW),
    (85, VehicleColor.GREEN),
    (130, VehicleColor.BLUE),
    (180, VehicleColor.RED),
)
_ACHROMATIC = (VehicleColor.WHITE, VehicleColor.SILVER, VehicleColor.GREY, VehicleColor.BLACK)
_DARK = (VehicleColor.GREY, VehicleColor.BLACK)  # grille, tyres, shadow, road


@dataclass(frozen=True, slots=True)
class ColorEstimate:
    """One frame's colour judgement of one vehicle.

    `confidence` is the winner's share against the runner-up (0.5: a tie, 1.0: alone);
    `shares` holds every colour's share of the named pixels.
    """

    color: VehicleColor
    confidence: float
    doubtful: bool
    shares: dict[VehicleColor, float]


@dataclass(frozen=True, slots=True)
class Light:
    """How the frame is lit: exposure gain for the value channel, and whether it is safe."""

    gain: float
    night: bool
    cast: bool
    mono: bool = False
    """The frame has no colour at all (infrared at night, a grey feed)."""
    balance: tuple[float, float, float] | None = None
    """Per-channel (B, G, R) gains that undo the frame's colour cast; None: no cast measured."""

    @property
    def doubtful(self) -> bool:
        return self.night or self.cast or self.mono


def judge_light(
    image: np.ndarray,
    plate: Box | None = None,
    body: Box | None = None,
    scene: Scene | None = None,
) -> Light:
    """Exposure and colour cast of a frame (BGR uint8), near `plate` when given.

    The cast is measured on the whole frame first and undone for everything after it. A
    plate is a known white reference (its characters or its background are white paint
    under the same light as the body), so its brightest pixels set the exposure; without
    one the frame's brightest pixels do. Night and a cast left after the correction are
    judged on the scene around the vehicle (`body` left out): a big red lorry is not a red
    light. `scene` is the frame's `judge_scene`, when already judged for another vehicle.
    """
    scene = scene or judge_scene(image)
    gains, step, small = scene.gains, scene.step, scene.sample
    keep = np.ones(small.shape[:2], bool)
    if body is not None:
        keep[body.y1 // step : body.y2 // step + 1, body.x1 // step : body.x2 // step + 1] = False
        if keep.mean() < 0.2:  # the vehicle fills the frame: judge what there is
            keep[:] = True
    value = brightness(small)[keep]
    reference = value
    if plate is not None:
        crop = image[max(0, plate.y1) : plate.y2, max(0, plate.x1) : plate.x2]
        reference = brightness(balance(crop, gains))
    bright = percentile(reference, 98) if reference.size else 255.0
    gain = float(np.clip(_WHITE_REFERENCE / max(bright, 1.0), _MIN_GAIN, _MAX_GAIN))
    # numpy's mean over the (N, 3) pixels kept reduces the short axis pixel by pixel: 0.3 ms
    means = np.array(cv2.mean(small, mask=keep.view(np.uint8))[:3]) + 1.0
    strong = gains is not None and float(gains.max() / gains.min()) >= _DOUBTFUL_CAST
    cast = strong or float(means.max() / means.min()) > _MAX_CAST
    night = value.size > 0 and percentile(value, 50) < _NIGHT_V
    corrected = None if gains is None else (float(gains[0]), float(gains[1]), float(gains[2]))
    return Light(gain, night, cast, scene.mono, corrected)


def body_region(shape: tuple[int, ...], plate: Box | None, vehicle: Box | None) -> Box | None:
    """Where the painted body is: panels around the plate, kept inside the vehicle's box.

    The panels around a plate (`Box.body_around`) also take in the road, a neighbour's wing
    or a wall beside a car seen at an angle, and the vehicle box cuts them off. With a
    vehicle box and no plate, its band below the glass is used: the box also holds
    windscreen and roof, and glass reflects the sky.
    """
    height, width = shape[:2]
    frame = Box(0, 0, width, height)
    if plate is not None:
        region = plate.body_around().intersection(frame)
        if region is not None and vehicle is not None:
            region = region.intersection(vehicle) or region
    elif vehicle is not None:
        region = Box(
            vehicle.x1 + vehicle.width // 8,
            vehicle.y1 + vehicle.height * 2 // 5,
            vehicle.x2 - vehicle.width // 8,
            vehicle.y2 - vehicle.height // 10,
        ).intersection(frame)
    else:
        return None
    if region is None or region.width < 4 or region.height < 4:
        return None
    return region


def estimate_color(
    image: np.ndarray,
    region: Box,
    plate: Box | None = None,
    light: Light | None = None,
    others: Sequence[Box] = (),
) -> ColorEstimate:
    """Name the body colour inside `region`, ignoring the plate.

    Near the plate, pixels count more (`_near_plate`): the panel a plate is bolted to is
    the vehicle's own paint for certain, while the region's far edges, sized for an average
    car, may hold road, a neighbour, glass or the sky mirrored in a glossy boot lid. A
    second plate of the same vehicle (`same_vehicle`, among `others`) marks its own paint
    too, and the panels around it count as much: one plate of a cross-border lorry may sit
    between fog-lamp recesses where the other sits on the painted bumper.

    Args:
        image: The whole BGR uint8 frame (the light is judged on it unless given).
        region: The body region, e.g. from `body_region`.
        plate: The plate box, masked out with a margin.
        light: The frame's light, when already judged for another vehicle.
        others: The frame's other plate boxes, masked out too: plates are never paint (a
            lorry carrying a Hong Kong plate over its mainland one).

    Returns:
        The colour with its confidence; UNKNOWN with confidence 0 when nothing is visible.
    """
    light = light or judge_light(image, plate, region)
    gains = None if light.balance is None else np.array(light.balance, np.float32)
    crop = image[region.y1 : region.y2, region.x1 : region.x2]
    mask: np.ndarray = np.full(crop.shape[:2], 255, np.uint8)
    for box in (plate, *others) if plate is not None else others:
        mx, my = box.width // 4, box.height // 4
        mask[
            max(0, box.y1 - my - region.y1) : max(0, box.y2 + my - region.y1),
            max(0, box.x1 - mx - region.x1) : max(0, box.x2 + mx - region.x1),
        ] = 0
    scale = min(1.0, float(np.sqrt(_MAX_PIXELS / max(1, crop.shape[0] * crop.shape[1]))))
    if scale < 1.0:
        size = (max(1, int(crop.shape[1] * scale)), max(1, int(crop.shape[0] * scale)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
    # the light is undone after the downscale: the gains are linear, and on the region's
    # ~96x96 samples rather than its full size they cost a tenth
    crop = balance(crop, gains)
    names = _names(cv2.cvtColor(crop, cv2.COLOR_BGR2HSV).astype(np.float32), light.gain)
    keep = mask > 0
    named = names[keep]
    if named.size == 0:
        return ColorEstimate(VehicleColor.UNKNOWN, 0.0, light.doubtful, {})
    weights = None
    if plate is not None:
        mates = [box for box in others if same_vehicle(plate, box)]
        near = sum(_near_plate(names.shape, region, box, scale) for box in (plate, *mates))
        weights = np.asarray(near)[keep]
    shares = _shares(named, weights)
    best = _winner(shares)
    # a painted hue competes with other paint, not with the grille and shadows under it
    rivals = [
        s for c, s in shares.items() if c is not best and (best in _ACHROMATIC or c not in _DARK)
    ]
    first, second = shares[best], max(rivals, default=0.0)
    confidence = first / (first + second) if first > 0 else 0.0
    if _split(names, mask, best):
        confidence = min(confidence, _SPLIT_CONFIDENCE)
    return ColorEstimate(best, confidence, light.doubtful, shares)


def same_vehicle(plate: Box, other: Box) -> bool:
    """Whether two plates are carried by one vehicle: one right above the other.

    A cross-border vehicle carries its Hong Kong or Macau plate right above its mainland
    粤Z one. Plates have standard widths (440 mm; Hong Kong 520 or 340 mm), so one
    vehicle's two plates are within `_PAIR_SCALE` of each other's width, overlap across
    and lie less than half a plate width apart; a plate on the next vehicle in the queue
    is smaller and further up, or beside.
    """
    narrower, wider = sorted((plate.width, other.width))
    overlap = plate.overlap_across(other)
    gap = max(plate.y1, other.y1) - min(plate.y2, other.y2)
    return (
        wider <= _PAIR_SCALE * narrower
        and overlap >= _PAIR_OVERLAP * narrower
        and gap <= _PAIR_GAP * narrower
    )


def _near_plate(shape: tuple[int, ...], region: Box, plate: Box, scale: float) -> np.ndarray:
    """Per-pixel vote weights of the (resampled) region: a Gaussian around the plate's
    centre, `_NEAR_WIDTHS` plate widths across and `_NEAR_UP` plate widths up and down,
    so the panels beside and above the plate outvote the region's edges."""
    cx = ((plate.x1 + plate.x2) / 2 - region.x1) * scale
    cy = ((plate.y1 + plate.y2) / 2 - region.y1) * scale
    xs = (np.arange(shape[1]) - cx) / max(1.0, _NEAR_WIDTHS * plate.width * scale)
    ys = (np.arange(shape[0]) - cy) / max(1.0, _NEAR_UP * plate.width * scale)
    return np.exp(-0.5 * (ys[:, None] ** 2 + xs[None, :] ** 2))


def _split(names: np.ndarray, mask: np.ndarray, best: VehicleColor) -> bool:
    """Whether a half of the body (top, bottom, left or right) names a colour that clearly
    contradicts the whole's.

    Paint covers the whole body; a colour that holds only in part of it is something else
    there: the sky mirrored in a glossy black boot lid (white above, black below), a dark
    bumper under a white cab, a neighbour's wing on one side. Such a colour may still be
    the best guess, but it is no clear contradiction of a registration.
    """
    height, width = mask.shape
    halves = (
        (slice(0, height // 2), slice(None)),
        (slice(height // 2, None), slice(None)),
        (slice(None), slice(0, width // 2)),
        (slice(None), slice(width // 2, None)),
    )
    for rows, cols in halves:
        part = names[rows, cols][mask[rows, cols] > 0]
        if part.size >= _MIN_HALF_PIXELS:
            seen = _winner(_shares(part))
            if colors_contradict(best, seen):
                return True
    return False


def _winner(shares: dict[VehicleColor, float]) -> VehicleColor:
    """The most common name, unless a hue holds enough of the body to be its paint."""
    hues = {c: s for c, s in shares.items() if c not in _ACHROMATIC}
    bright = shares.get(VehicleColor.WHITE, 0.0) + shares.get(VehicleColor.SILVER, 0.0)
    if hues:
        top_hue = max(hues, key=lambda c: hues[c])
        # dark pixels are grille and shadow, but bright ones are paint too: a hue must
        # also hold its own against them (a red car parked beside a white one)
        if hues[top_hue] >= max(_CHROMATIC_SHARE, _HUE_VS_BRIGHT * bright):
            return top_hue
    return max(shares, key=lambda c: shares[c])


_COLORS = tuple(VehicleColor)
_CODE = {c: i for i, c in enumerate(_COLORS)}
_HUE_BOUNDS = np.array([b for b, _ in _HUES])
_HUE_CODES = np.array([_CODE[c] for _, c in _HUES])
_WEIGHTS = np.array([_DARK_WEIGHT.get(c, 1.0) for c in _COLORS])


def _names(hsv: np.ndarray, gain: float) -> np.ndarray:
    """Each pixel's colour name (an index into `_COLORS`), for HSV pixels of any shape."""
    hue, sat = hsv[..., 0], hsv[..., 1]
    val = np.minimum(hsv[..., 2] * gain, 255.0)
    chromatic = (sat >= _CHROMA_S) & (val >= _DARK_V)
    names = np.select(
        [val >= _WHITE_V, val >= _SILVER_V, val >= _GREY_V],
        [_CODE[VehicleColor.WHITE], _CODE[VehicleColor.SILVER], _CODE[VehicleColor.GREY]],
        _CODE[VehicleColor.BLACK],
    )
    index = np.searchsorted(_HUE_BOUNDS, hue, side="right").clip(0, len(_HUES) - 1)
    hues = _HUE_CODES[index]
    # a dark orange or red is brown paint (or rust), not a bright one in shadow
    brown = (val < 120) & (hues == _CODE[VehicleColor.ORANGE])
    hues = np.where(brown, _CODE[VehicleColor.BROWN], hues)
    return np.where(chromatic, hues, names)


def _shares(names: np.ndarray, weights: np.ndarray | None = None) -> dict[VehicleColor, float]:
    """Each colour's share of the named pixels (weighted when `weights` is given, one per
    pixel), dark ones discounted."""
    counts = np.bincount(names.ravel(), weights=weights, minlength=len(_COLORS))
    total = float(weights.sum()) if weights is not None else float(names.size)
    counts = counts * _WEIGHTS / max(total, 1e-9)
    return {c: float(s) for c, s in zip(_COLORS, counts, strict=True) if s > 0}
