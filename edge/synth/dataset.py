"""Write a YOLO detection dataset of plates and vehicle faces from synthetic lane scenes.

We have no licence to real checkpoint footage for training (plates are personal data), so the
plate / vehicle-face detector is trained on frames drawn here: 1-3 vehicles seen from the
front or rear on a road-like or cluttered background, each carrying a GA 36-2018 plate from
`render_plate` (about 10% carry none), plus plate-like and text distractors and camera
effects. Labels are the tight boxes of what stays visible after occlusion and clipping, so the
detector learns not to hallucinate the hidden part.

Classes: 0 ``plate``; 1 ``vehicle_face``, the body panel of the front or rear around the plate
(from the bottom of the windscreen / rear window to the bottom of the bumper, full body
width: lights, grille, bumper), excluding windows, roof, mirrors and wheels.

Usage: ``python -m edge.synth.dataset OUT_DIR --train 1500 --val 300 --seed 1 [--size 640]``
"""

from __future__ import annotations

import argparse
import functools
import logging
import multiprocessing
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from checkpoint.plates import PROVINCES, is_valid
from edge.synth.render import FONT_PATH, PLATE_COLORS, render_plate
from edge.synth.scene import augment, random_background

logger = logging.getLogger(__name__)

CLASS_NAMES = ("plate", "vehicle_face")
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_SERIAL = _LETTERS + "0123456789"
_ENERGY = "DABCEFGHJK"
_PROVINCES = sorted(PROVINCES)
# frame shapes as (width, height) fractions of the long side, with their weights
_ASPECTS = (((1.0, 9 / 16), 0.55), ((1.0, 3 / 4), 0.2), ((9 / 16, 1.0), 0.1), ((3 / 4, 1.0), 0.1))
_ASPECTS_EXTRA = (((1.0, 1.0), 0.05),)
_BODY_COLORS: tuple[tuple[int, int, int], ...] = (
    (235, 235, 235),  # white
    (195, 195, 190),  # silver
    (120, 120, 118),  # grey
    (30, 30, 32),  # black
    (40, 40, 190),  # red
    (150, 80, 30),  # blue
    (60, 120, 50),  # green
    (40, 200, 230),  # yellow
    (30, 130, 240),  # orange
    (40, 70, 110),  # brown
)
_SHAPES = ("saloon", "suv", "van", "lorry", "bus")
_SHAPE_WEIGHTS = (0.4, 0.25, 0.13, 0.12, 0.1)
_MIN_BOX_PX = 4
_MIN_VISIBLE = 0.35
_MIN_VISIBLE_CLOSEUP = 0.05
_CLOSEUP_SHARE = 0.2
_FREE_PLATE_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class LabelBox:
    """One YOLO label in pixels: class id and the visible box (x2/y2 exclusive)."""

    cls: int
    x1: int
    y1: int
    x2: int
    y2: int

    def yolo(self, width: int, height: int) -> str:
        """The label line: class, centre x/y and size, normalised to the frame."""
        cx = (self.x1 + self.x2) / 2 / width
        cy = (self.y1 + self.y2) / 2 / height
        return (
            f"{self.cls} {cx:.6f} {cy:.6f} "
            f"{(self.x2 - self.x1) / width:.6f} {(self.y2 - self.y1) / height:.6f}"
        )


@dataclass(frozen=True, slots=True)
class PlateSpec:
    """Text, colour and layer count of a plate to draw."""

    text: str
    color: str
    layers: int


@dataclass(frozen=True, slots=True)
class _Drawn:
    """A vehicle drawn on its own canvas: BGR image, masks and the anchor to place it by.

    `masks` channels: 0 silhouette, 1 face panel, 2 plate, 3 lights (all 0/255).
    """

    image: np.ndarray
    masks: np.ndarray
    anchor: tuple[float, float]
    face_corners: np.ndarray
    plate_corners: np.ndarray | None


def random_plate(rng: np.random.Generator, shape: str) -> PlateSpec:
    """A valid plate for the vehicle shape: lorries and buses yellow, cars mostly blue/green."""
    p = str(rng.choice(_PROVINCES))
    letter = str(rng.choice(list(_LETTERS)))

    def serial(n: int, alphabet: str = _SERIAL) -> str:
        return "".join(str(c) for c in rng.choice(list(alphabet), size=n))

    roll = float(rng.random())
    if shape in ("lorry", "bus"):
        if roll < 0.15:
            spec = PlateSpec(p + letter + serial(4) + "挂", "yellow", 2)
        elif roll < 0.25:
            spec = PlateSpec(
                p + letter + serial(5, "0123456789") + str(rng.choice(list("DF"))), "green", 1
            )
        else:
            spec = PlateSpec(p + letter + serial(5), "yellow", int(rng.choice([1, 2])))
    elif roll < 0.55:
        spec = PlateSpec(p + letter + serial(5), "blue", 1)
    elif roll < 0.8:
        spec = PlateSpec(
            p + letter + str(rng.choice(list(_ENERGY))) + serial(1) + serial(4, "0123456789"),
            "green",
            1,
        )
    elif roll < 0.87:
        spec = PlateSpec(p + letter + serial(4) + "警", "white", 1)
    elif roll < 0.93:
        spec = PlateSpec(p + letter + serial(4) + "学", "yellow", 1)
    elif roll < 0.97:
        spec = PlateSpec(p + letter + serial(5), "black", 1)
    else:
        spec = PlateSpec(p + letter + serial(5), "yellow", 1)
    if not is_valid(spec.text, allow_generic=False):  # grammar drift would poison the data
        raise ValueError(f"generated an invalid plate: {spec.text!r}")
    return spec


def _road(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """Asphalt in perspective under a band of sky, buildings and trees."""
    horizon = int(height * rng.uniform(0.15, 0.45))
    grey = float(rng.uniform(60, 150))
    t = np.linspace(0.8, 1.2, height, dtype=np.float32)[:, None, None]
    tint = rng.uniform(-8, 8, size=3).astype(np.float32)
    image = np.clip(np.broadcast_to((grey + tint) * t, (height, width, 3)), 0, 255)
    image = np.ascontiguousarray(image.astype(np.uint8))
    sky = rng.integers(120, 250, size=3)
    image[:horizon] = sky.astype(np.uint8)
    for _ in range(int(rng.integers(2, 9))):  # buildings with windows, trees
        bw = int(rng.integers(width // 12, width // 3))
        bx = int(rng.integers(-bw // 2, width))
        top = int(rng.integers(0, max(1, horizon)))
        color = tuple(int(c) for c in rng.integers(40, 230, size=3))
        cv2.rectangle(image, (bx, top), (bx + bw, horizon), color, -1)
        if rng.random() < 0.6:
            step = max(4, bw // 6)
            for wx in range(bx + step // 2, bx + bw - step // 2, step):
                for wy in range(top + step // 2, horizon - step // 2, step):
                    cv2.rectangle(
                        image, (wx, wy), (wx + step // 2, wy + step // 2), (60, 50, 40), -1
                    )
        if rng.random() < 0.3:
            cv2.circle(image, (bx, horizon), int(bw * 0.4), (40, 100, 50), -1)
    vanish = (int(rng.uniform(0.3, 0.7) * width), horizon)
    for frac in rng.uniform(-0.6, 1.6, size=int(rng.integers(2, 5))):
        cv2.line(
            image, vanish, (int(frac * width), height), (220, 220, 220), int(rng.integers(2, 7))
        )
    if rng.random() < 0.5:  # crossing stripes / stop line
        y = int(rng.uniform(horizon, height))
        cv2.line(image, (0, y), (width, y), (230, 230, 230), int(rng.integers(3, 12)))
    noise = rng.normal(0, 5, size=image.shape).astype(np.float32)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def _background(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    roll = rng.random()
    if roll < 0.25:
        return random_background(rng, height, width)
    image = _road(rng, height, width)
    if roll < 0.45:  # clutter over the road
        clutter = random_background(rng, height, width)
        mask = np.zeros((height, width), np.uint8)
        for _ in range(int(rng.integers(2, 6))):
            x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
            cv2.rectangle(
                mask,
                (x, y),
                (x + int(rng.integers(10, width // 3)), y + int(rng.integers(10, height // 3))),
                255,
                -1,
            )
        image[mask > 0] = clutter[mask > 0]
    return image


@functools.lru_cache(maxsize=4)
def _font(size: int) -> object:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_PATH), size)


def _text_sign(rng: np.random.Generator, height: int) -> np.ndarray:
    """A shop or road sign: a coloured board with characters, not a plate."""
    from PIL import Image, ImageDraw

    chars = "中国交通安全停车出口银行超市酒店加油站限速慢行" + _SERIAL
    text = "".join(str(c) for c in rng.choice(list(chars), size=int(rng.integers(2, 9))))
    size = max(8, int(height * 0.7))
    font = _font(min(96, size))
    bg = tuple(int(c) for c in rng.integers(0, 255, size=3))
    fg = tuple(255 - c for c in bg)
    board = Image.new("RGB", (int(size * (len(text) + 1)), int(size * 1.4)), bg)
    ImageDraw.Draw(board).text((size // 2, size // 5), text, fill=fg, font=font)  # type: ignore[arg-type]
    image = np.asarray(board)[:, :, ::-1]
    scale = height / image.shape[0]
    return cv2.resize(image, (max(4, int(image.shape[1] * scale)), height))


def _blank_plate(rng: np.random.Generator, width: int) -> np.ndarray:
    """A plate-coloured rectangle with a rim and no characters (a covered or fake plate)."""
    height = max(3, int(width / rng.uniform(2.0, 3.6)))
    color = str(rng.choice(PLATE_COLORS))
    base = render_plate("京A00000", color, height=max(12, height))
    blank = np.empty_like(base)
    blank[:] = base[2, base.shape[1] // 2]  # the plate's own background colour
    rim = max(1, base.shape[0] // 30)
    cv2.rectangle(
        blank,
        (rim * 2, rim * 2),
        (blank.shape[1] - 1 - rim * 2, blank.shape[0] - 1 - rim * 2),
        tuple(int(c) for c in base[rim * 2 + 1, rim * 2 + 1]) if rim else (0, 0, 0),
        rim,
    )
    return cv2.resize(blank, (width, height), interpolation=cv2.INTER_AREA)


def _paste(frame: np.ndarray, patch: np.ndarray, x: int, y: int) -> tuple[int, int, int, int]:
    """Copy `patch` with its top-left at (x, y), clipped; returns the written region."""
    fh, fw = frame.shape[:2]
    ph, pw = patch.shape[:2]
    x1, y1, x2, y2 = max(0, x), max(0, y), min(fw, x + pw), min(fh, y + ph)
    if x2 > x1 and y2 > y1:
        frame[y1:y2, x1:x2] = patch[y1 - y : y2 - y, x1 - x : x2 - x]
    return x1, y1, x2, y2


def _distractors(frame: np.ndarray, rng: np.random.Generator, unit: float) -> None:
    fh, fw = frame.shape[:2]
    for _ in range(int(rng.poisson(0.8))):
        patch = _blank_plate(rng, int(np.exp(rng.uniform(np.log(12), np.log(120))) * unit))
        _paste(frame, patch, int(rng.integers(0, fw)), int(rng.integers(0, fh)))
    for _ in range(int(rng.poisson(0.7))):
        patch = _text_sign(rng, int(rng.uniform(8, 50) * unit))
        _paste(frame, patch, int(rng.integers(-patch.shape[1] // 2, fw)), int(rng.integers(0, fh)))


def _shade(color: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(int(np.clip(c * factor, 0, 255)) for c in color)  # type: ignore[return-value]


@dataclass(slots=True)
class _Canvas:
    """A vehicle being drawn: its BGR image, masks and the panel geometry in canvas pixels."""

    image: np.ndarray
    sil: np.ndarray
    face: np.ndarray
    plate: np.ndarray
    light: np.ndarray
    body: tuple[int, int, int]
    width: int
    margin: int
    upper_h: int
    panel_h: int

    @property
    def x1(self) -> int:
        return self.margin

    @property
    def x2(self) -> int:
        return self.margin + self.width

    @property
    def bottom(self) -> int:
        """Bottom of the bumper; the wheels show below it."""
        return self.upper_h + self.panel_h

    @property
    def radius(self) -> int:
        return max(1, round(self.width * 0.04))

    @property
    def mid(self) -> int:
        return (self.x1 + self.x2) // 2


def _new_canvas(rng: np.random.Generator, shape: str, width: int) -> _Canvas:
    """An empty canvas with real-world proportions for the shape, `width` px wide."""
    panel = {"saloon": 0.36, "suv": 0.45, "van": 0.45, "lorry": 0.5, "bus": 0.4}[shape]
    upper = {"saloon": 0.33, "suv": 0.42, "van": 0.6, "lorry": 0.55, "bus": 0.75}[shape]
    panel_h = round(width * panel * rng.uniform(0.9, 1.1))
    upper_h = round(width * upper * rng.uniform(0.9, 1.1))
    wheel_h = max(1, round(width * 0.05))
    margin = max(2, round(width * 0.06))  # mirrors stick out
    ch, cw = upper_h + panel_h + wheel_h, width + 2 * margin
    body = _BODY_COLORS[int(rng.integers(len(_BODY_COLORS)))]
    if shape in ("lorry", "bus") and rng.random() < 0.3:
        body = (40, 200, 230) if shape == "bus" else body
    sil, face, plate, light = (np.zeros((ch, cw), np.uint8) for _ in range(4))
    image = np.zeros((ch, cw, 3), np.uint8)
    return _Canvas(image, sil, face, plate, light, body, width, margin, upper_h, panel_h)


def _fill(cv: _Canvas, p1: tuple[int, int], p2: tuple[int, int], color: object) -> None:
    """A filled rectangle on the image and the same on the silhouette."""
    cv2.rectangle(cv.image, p1, p2, color, -1)  # type: ignore[call-overload]
    cv2.rectangle(cv.sil, p1, p2, 0 if color == (0, 0, 0) else 255, -1)


def _draw_body(cv: _Canvas, shape: str) -> int:
    """Wheels, cabin and panel; returns the cabin's inset at the roof."""
    width, x1, x2, bottom = cv.width, cv.x1, cv.x2, cv.bottom
    tyre = max(2, round(width * 0.14))
    for tx in (x1 + round(width * 0.06), x2 - round(width * 0.06) - tyre):
        _fill(
            cv,
            (tx, bottom - max(1, round(width * 0.05))),
            (tx + tyre, cv.image.shape[0] - 1),
            (20, 20, 20),
        )
    # cabin: a trapezoid for cars, a box for vans, lorries and buses
    inset = round(width * (0.12 if shape in ("saloon", "suv") else 0.02))
    cabin = np.array(
        [[x1 + inset, 0], [x2 - inset, 0], [x2, cv.upper_h], [x1, cv.upper_h]], np.int32
    )
    cv2.fillPoly(cv.image, [cabin], _shade(cv.body, 0.95))
    cv2.fillPoly(cv.sil, [cabin], 255)
    _fill(cv, (x1, cv.upper_h), (x2 - 1, bottom - 1), cv.body)
    r = cv.radius
    _fill(cv, (x1, bottom - r), (x1 + r, bottom - 1), (0, 0, 0))  # rounded lower corners
    _fill(cv, (x2 - 1 - r, bottom - r), (x2 - 1, bottom - 1), (0, 0, 0))
    return inset


def _draw_glass(cv: _Canvas, rng: np.random.Generator, *, big: bool, inset: int) -> None:
    """Windscreen or rear window with a reflection streak, and the mirrors."""
    width, x1, x2, top, upper_h = cv.width, cv.x1, cv.x2, cv.upper_h, cv.upper_h
    glass_top = round(upper_h * (0.08 if big else 0.12))
    glass_in = inset + round(width * 0.05)
    low = top - round(upper_h * 0.08)
    glass = np.array(
        [
            [x1 + glass_in, glass_top],
            [x2 - glass_in, glass_top],
            [x2 - round(width * 0.06), low],
            [x1 + round(width * 0.06), low],
        ],
        np.int32,
    )
    shade = int(rng.integers(25, 110))
    cv2.fillPoly(cv.image, [glass], (shade + 10, shade + 5, shade))
    if rng.random() < 0.6:
        a, b = int(rng.integers(x1, x2)), int(rng.integers(x1, x2))
        cv2.line(cv.image, (a, glass_top), (b, top), (shade + 60,) * 3, max(1, width // 30))
    for mx in (x1 - cv.margin, x2):
        _fill(
            cv,
            (mx, top - round(upper_h * 0.3)),
            (mx + cv.margin, top - round(upper_h * 0.15)),
            _shade(cv.body, 0.7),
        )


def _draw_front_details(cv: _Canvas, rng: np.random.Generator, *, front: bool, big: bool) -> int:
    """Lights, grille or boot line, bumper and fog lights; returns the bumper's top row."""
    width, x1, x2, panel_h, mid = cv.width, cv.x1, cv.x2, cv.panel_h, cv.mid
    light_w = round(width * rng.uniform(0.14, 0.22))
    light_h = max(2, round(panel_h * rng.uniform(0.12, 0.25)))
    ly = cv.upper_h + round(panel_h * rng.uniform(0.08, 0.3))
    light = (235, 240, 245) if front else (40, 40, 220)  # headlights / tail lights
    lm = round(width * 0.04)
    for lx in (x1 + lm, x2 - lm - light_w):
        if rng.random() < 0.5:
            cv2.rectangle(cv.image, (lx, ly), (lx + light_w, ly + light_h), light, -1)
            cv2.rectangle(cv.light, (lx, ly), (lx + light_w, ly + light_h), 255, -1)
        else:
            centre, axes = (lx + light_w // 2, ly + light_h // 2), (light_w // 2, light_h // 2)
            cv2.ellipse(cv.image, centre, axes, 0, 0, 360, light, -1)
            cv2.ellipse(cv.light, centre, axes, 0, 0, 360, 255, -1)
        cv2.rectangle(cv.image, (lx, ly), (lx + light_w, ly + light_h), _shade(cv.body, 0.5), 1)
    if front:  # grille with bars
        gw = round(width * rng.uniform(0.2, 0.5 if big else 0.35))
        gy1, gy2 = ly, ly + round(panel_h * rng.uniform(0.25, 0.4))
        cv2.rectangle(cv.image, (mid - gw // 2, gy1), (mid + gw // 2, gy2), (45, 45, 48), -1)
        step = max(2, (gy2 - gy1) // 4)
        for gy in range(gy1 + step, gy2, step):
            cv2.line(cv.image, (mid - gw // 2, gy), (mid + gw // 2, gy), (120, 120, 125), 1)
    else:  # boot lid line
        cv2.line(cv.image, (x1 + lm, ly - 2), (x2 - lm, ly - 2), _shade(cv.body, 0.6), 1)
    bottom = cv.bottom
    bump_y = bottom - round(panel_h * rng.uniform(0.2, 0.3))
    bumper = _shade(cv.body, float(rng.uniform(0.6, 0.9)))
    cv2.rectangle(cv.image, (x1, bump_y), (x2 - 1, bottom - 1 - cv.radius), bumper, -1)
    if front and rng.random() < 0.5:  # fog lights
        fr = max(1, round(width * 0.02))
        for fx in (x1 + round(width * 0.15), x2 - round(width * 0.15)):
            cv2.circle(cv.image, (fx, (bump_y + bottom) // 2), fr, (200, 220, 230), -1)
    return bump_y


def _draw_plate(
    cv: _Canvas,
    rng: np.random.Generator,
    spec: PlateSpec,
    plate_w: float,
    bump_y: int,
    *,
    plate: bool,
) -> np.ndarray | None:
    """The plate (or a cover, or nothing) low and centred-ish; returns the plate's corners."""
    plate_mm = 480.0 if len(spec.text) == 8 else 440.0
    pimg = render_plate(
        spec.text, spec.color, layers=spec.layers, height=max(12, round(plate_w * 0.8))
    )
    pw = max(2, round(plate_w * (1.0 if spec.layers == 1 else 440 / plate_mm)))
    ph = max(2, round(pw * pimg.shape[0] / pimg.shape[1]))
    px = cv.mid - pw // 2 + round(cv.width * rng.uniform(-0.04, 0.04))
    py = min(cv.bottom - cv.radius - ph - 1, round(bump_y - ph * rng.uniform(0.1, 0.7)))
    py = max(cv.upper_h + 1, py)
    holder = max(1, pw // 25)
    corner = (px + pw + holder - 1, py + ph + holder - 1)
    cv2.rectangle(cv.image, (px - holder, py - holder), corner, (25, 25, 25), -1)
    if plate:
        small = cv2.resize(pimg, (pw, ph), interpolation=cv2.INTER_AREA)
        if rng.random() < 0.3:  # dirt
            small = cv2.addWeighted(
                small, float(rng.uniform(0.75, 1.0)), np.full_like(small, 80), 0.15, 0
            ).astype(np.uint8)
        _paste(cv.image, small, px, py)
        cv2.rectangle(cv.plate, (px, py), (px + pw - 1, py + ph - 1), 255, -1)
        return np.array([[px, py], [px + pw, py], [px + pw, py + ph], [px, py + ph]], np.float32)
    if rng.random() < 0.6:  # a cover or a blank plate where the plate would be
        cover = (
            _blank_plate(rng, pw)
            if rng.random() < 0.5
            else np.full((ph, pw, 3), rng.integers(0, 255, size=3), np.uint8)
        )
        _paste(cv.image, cover, px, py)
    return None


def _draw_vehicle(rng: np.random.Generator, plate_w: float, *, plate: bool) -> _Drawn:
    """Draw one vehicle front or rear on its own canvas, sized so the plate is `plate_w` px."""
    shape = str(rng.choice(_SHAPES, p=_SHAPE_WEIGHTS))
    front = bool(rng.random() < 0.6)
    spec = random_plate(rng, shape)
    big = shape in ("lorry", "bus")
    plate_mm = 480.0 if len(spec.text) == 8 else 440.0
    body_m = float(rng.uniform(2.3, 2.55) if big else rng.uniform(1.65, 1.95))
    cv = _new_canvas(rng, shape, max(12, round(plate_w * body_m * 1000 / plate_mm)))
    inset = _draw_body(cv, shape)
    _draw_glass(cv, rng, big=big, inset=inset)
    bump_y = _draw_front_details(cv, rng, front=front, big=big)
    x1, x2, top, bottom = cv.x1, cv.x2, cv.upper_h, cv.bottom
    face = np.array([[x1, top], [x2, top], [x2, bottom], [x1, bottom]], np.float32)
    cv2.rectangle(cv.face, (x1, top), (x2 - 1, bottom - 1), 255, -1)
    cv.face &= cv.sil
    corners = _draw_plate(cv, rng, spec, plate_w, bump_y, plate=plate)
    masks = np.dstack([cv.sil, cv.face, cv.plate, cv.light])
    return _Drawn(cv.image, masks, (cv.mid, bottom), face, corners)


def _place(
    drawn: _Drawn, rng: np.random.Generator, target: tuple[float, float], tilt_deg: float
) -> np.ndarray:
    """Homography taking the canvas to the frame: anchor to `target`, small rotation and yaw."""
    ch, cw = drawn.image.shape[:2]
    src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    dst = src - np.array(drawn.anchor, np.float32)
    yaw = float(rng.uniform(-0.08, 0.08)) * ch  # one side taller than the other
    dst[[1, 2], 1] *= 1 + yaw / ch
    dst[[0, 3], 1] *= 1 - yaw / ch
    dst += rng.uniform(-0.02, 0.02, size=(4, 2)).astype(np.float32) * cw
    angle = np.deg2rad(rng.uniform(-tilt_deg, tilt_deg))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    dst = dst @ rot.T + np.array(target, np.float32)
    return cv2.getPerspectiveTransform(src, dst.astype(np.float32))


def _plate_widths(rng: np.random.Generator, fw: int, unit: float) -> tuple[list[float], bool]:
    """Plate widths in px of the frame's vehicles, far (small) first, and whether the frame
    is a close-up: one vehicle whose plate spans 15-50% of the frame, the way a hand-held
    photo or a near lane camera sees it, its face running out of the frame."""
    count = 0 if rng.random() < 0.06 else int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2]))
    if count > 0 and rng.random() < _CLOSEUP_SHARE:
        return [float(np.exp(rng.uniform(np.log(0.15), np.log(0.5))) * fw)], True
    widths = np.exp(rng.uniform(np.log(12), np.log(160), size=count)) * unit
    return sorted(float(w) for w in widths), False


def _spot(
    rng: np.random.Generator, frame: tuple[int, int], face: tuple[float, float], horizon: float
) -> tuple[float, float]:
    """Where a vehicle's anchor (bottom centre of its face) goes: on the road below the
    horizon, now and then partly out of the frame."""
    fw, fh = frame
    face_w, face_h = face
    edge = rng.random() < 0.15
    lo, hi = (-0.3 * face_w, fw + 0.3 * face_w) if edge else (0.35 * face_w, fw - 0.35 * face_w)
    cx = float(rng.uniform(lo, hi)) if hi > lo else float(rng.uniform(0, fw))
    bottom = (
        horizon + face_h * rng.uniform(1.2, 3.0)
        if rng.random() < 0.7
        else (rng.uniform(max(horizon, face_h * 0.8), fh * 1.1))
    )
    return cx, float(min(bottom, fh * (1.25 if edge else 1.02)))


def _visible_box(
    owner: np.ndarray, key: int, full_area: float, cls: int, least: float
) -> LabelBox | None:
    ys, xs = np.nonzero(owner == key)
    if ys.size == 0 or ys.size < least * full_area:
        return None
    box = LabelBox(cls, int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    if box.x2 - box.x1 < _MIN_BOX_PX or box.y2 - box.y1 < _MIN_BOX_PX:
        return None
    return box


def make_frame(seed: int, index: int, size: int) -> tuple[np.ndarray, list[LabelBox]]:
    """One frame and its labels; the same (seed, index, size) always gives the same frame."""
    rng = np.random.default_rng([seed, index])
    aspects = _ASPECTS + _ASPECTS_EXTRA
    pick = int(rng.choice(len(aspects), p=[w for _, w in aspects]))
    fw, fh = (round(size * f) for f in aspects[pick][0])
    unit = size / 640
    frame = _background(rng, fh, fw)
    _distractors(frame, rng, unit)
    face_owner = np.zeros((fh, fw), np.uint16)
    plate_owner = np.zeros((fh, fw), np.uint16)
    lights = np.zeros((fh, fw), np.uint8)
    widths, closeup = _plate_widths(rng, fw, unit)
    areas: list[tuple[float, float]] = []
    horizon = fh * rng.uniform(0.2, 0.45)
    for key, plate_w in enumerate(widths, start=1):  # far (small) first, near ones cover them
        drawn = _draw_vehicle(rng, plate_w, plate=bool(rng.random() >= 0.1))
        face_w = drawn.face_corners[1, 0] - drawn.face_corners[0, 0]
        face_h = drawn.face_corners[2, 1] - drawn.face_corners[1, 1]
        if closeup:  # the plate sits near the bottom of the face: keep it in the frame
            cx = float(rng.uniform(0.3, 0.7) * fw)
            bottom = float(rng.uniform(0.6 * fh, fh + 0.2 * face_h))
        else:
            cx, bottom = _spot(rng, (fw, fh), (face_w, face_h), horizon)
        matrix = _place(drawn, rng, (cx, bottom), tilt_deg=6.0 if rng.random() < 0.3 else 2.0)
        rgba = cv2.warpPerspective(
            np.dstack([drawn.image, drawn.masks[:, :, 0]]), matrix, (fw, fh), flags=cv2.INTER_LINEAR
        )
        masks = cv2.warpPerspective(drawn.masks, matrix, (fw, fh), flags=cv2.INTER_NEAREST)
        alpha = rgba[:, :, 3:].astype(np.float32) / 255
        frame[:] = (frame * (1 - alpha) + rgba[:, :, :3] * alpha).astype(np.uint8)
        covered = masks[:, :, 0] > 0
        face_owner[covered] = 0
        plate_owner[covered] = 0
        lights[covered] = 0
        face_owner[masks[:, :, 1] > 0] = key
        plate_owner[masks[:, :, 2] > 0] = key
        lights[masks[:, :, 3] > 0] = 255
        face_area = cv2.contourArea(cv2.perspectiveTransform(drawn.face_corners[None], matrix))
        plate_area = 0.0
        if drawn.plate_corners is not None:
            plate_area = cv2.contourArea(
                cv2.perspectiveTransform(drawn.plate_corners[None], matrix)
            )
        areas.append((face_area, plate_area))
        if rng.random() < 0.12:  # something in front: a pole, a person, a sign
            _occlude(frame, rng, masks[:, :, 1], (face_owner, plate_owner, lights))
    labels: list[LabelBox] = []
    if rng.random() < _FREE_PLATE_SHARE:
        labels += _free_plates(frame, rng, unit, (face_owner, plate_owner, lights))
    for key, (face_area, plate_area) in enumerate(areas, start=1):
        for owner, area, cls in ((plate_owner, plate_area, 0), (face_owner, face_area, 1)):
            # a close-up's face is mostly outside the frame but still the vehicle's face
            least = _MIN_VISIBLE_CLOSEUP if closeup and cls == 1 else _MIN_VISIBLE
            box = _visible_box(owner, key, area, cls, least) if area > 0 else None
            if box is not None:
                labels.append(box)
    frame = _camera(frame, rng, lights)
    return frame, labels


def _free_plates(
    frame: np.ndarray, rng: np.random.Generator, unit: float, maps: tuple[np.ndarray, ...]
) -> list[LabelBox]:
    """One or two plates on a patch of plain or mottled panel, on no drawn vehicle.

    Our drawn vehicles are cartoons; a detector that learns to find plates only on them
    misses plates on real cars. A plate on a bare panel makes it learn the plate itself.
    """
    fh, fw = frame.shape[:2]
    labels: list[LabelBox] = []
    panels: list[LabelBox] = []
    for _ in range(int(rng.integers(1, 3))):
        spec = random_plate(rng, str(rng.choice(_SHAPES, p=_SHAPE_WEIGHTS)))
        width = int(min(0.45 * fw, np.exp(rng.uniform(np.log(14), np.log(200))) * unit))
        pimg = render_plate(spec.text, spec.color, layers=spec.layers, height=max(12, width // 2))
        height = max(3, round(width * pimg.shape[0] / pimg.shape[1]))
        plate = cv2.resize(pimg, (width, height), interpolation=cv2.INTER_AREA)
        pad_x, pad_y = (int(rng.uniform(0.2, 1.5) * d) for d in (width, height))
        panel = np.empty((height + 2 * pad_y, width + 2 * pad_x, 3), np.uint8)
        panel[:] = _BODY_COLORS[int(rng.integers(len(_BODY_COLORS)))]
        shade = np.linspace(rng.uniform(0.6, 1.0), rng.uniform(0.8, 1.3), panel.shape[0])
        noise = rng.normal(0, rng.uniform(0, 12), panel.shape[:2])
        panel = np.clip(panel * shade[:, None, None] + noise[..., None], 0, 255).astype(np.uint8)
        holder = max(1, width // 25)
        cv2.rectangle(
            panel,
            (pad_x - holder, pad_y - holder),
            (pad_x + width + holder - 1, pad_y + height + holder - 1),
            (25, 25, 25),
            -1,
        )
        panel[pad_y : pad_y + height, pad_x : pad_x + width] = plate
        x = int(rng.integers(0, max(1, fw - panel.shape[1])))
        y = int(rng.integers(0, max(1, fh - panel.shape[0])))
        panel_box = LabelBox(0, x, y, x + panel.shape[1], y + panel.shape[0])
        if any(_overlaps(panel_box, b) for b in panels):
            continue  # never half-cover the plate placed before
        panels.append(panel_box)
        x1, y1, x2, y2 = _paste(frame, panel, x, y)
        for owner in maps:  # whatever the panel covers is hidden
            owner[y1:y2, x1:x2] = 0
        box = LabelBox(
            0,
            max(0, x + pad_x),
            max(0, y + pad_y),
            min(fw, x + pad_x + width),
            min(fh, y + pad_y + height),
        )
        if box.x2 - box.x1 >= _MIN_BOX_PX and box.y2 - box.y1 >= _MIN_BOX_PX:
            labels.append(box)
    return labels


def _overlaps(a: LabelBox, b: LabelBox) -> bool:
    return a.x1 < b.x2 and b.x1 < a.x2 and a.y1 < b.y2 and b.y1 < a.y2


def _occlude(
    frame: np.ndarray, rng: np.random.Generator, face: np.ndarray, maps: tuple[np.ndarray, ...]
) -> None:
    ys, xs = np.nonzero(face)
    if ys.size == 0:
        return
    x1, x2, y1, y2 = int(xs.min()), int(xs.max()), int(ys.min()), int(ys.max())
    w = max(2, int((x2 - x1) * rng.uniform(0.05, 0.4)))
    x = int(rng.uniform(x1 - w / 2, x2 - w / 2))
    y = int(rng.uniform(y1 - (y2 - y1), y2))
    h = int(rng.uniform(0.3, 2.0) * (y2 - y1))
    mask = np.zeros(face.shape, np.uint8)
    if rng.random() < 0.5:
        cv2.rectangle(mask, (x, y), (x + w, y + h), 255, -1)
    else:
        cv2.ellipse(mask, (x + w // 2, y + h // 2), (w // 2 + 1, h // 2 + 1), 0, 0, 360, 255, -1)
    hit = mask > 0
    frame[hit] = rng.integers(0, 255, size=3).astype(np.uint8)
    for owner in maps:
        owner[hit] = 0


def _camera(frame: np.ndarray, rng: np.random.Generator, lights: np.ndarray) -> np.ndarray:
    """Night, colour cast, then the scene module's blur, noise, lighting and JPEG."""
    out: np.ndarray = frame.astype(np.float32)
    if rng.random() < 0.15:  # night: dark scene, lights still bright and glowing
        out *= rng.uniform(0.12, 0.4)
        glow = cv2.GaussianBlur(lights.astype(np.float32), (0, 0), 3.0)[..., None] / 255
        out = out * (1 - glow) + 255 * glow
    elif rng.random() < 0.15:  # dusk / overexposure
        out *= rng.uniform(0.45, 1.4)
    if rng.random() < 0.3:
        out *= rng.uniform(0.8, 1.2, size=3).astype(np.float32)
    image = np.clip(out, 0, 255).astype(np.uint8)
    quality = int(rng.integers(35, 95))
    return augment(
        image,
        rng,
        blur=float(rng.uniform(0.3, 2.0)),
        noise=float(rng.uniform(2, 12)),
        lighting=float(rng.uniform(0.1, 0.5)),
        jpeg_quality=quality,
    )


def _write_one(job: tuple[Path, str, int, int, int]) -> int:
    """Render and write one image and its label file; returns the number of labels."""
    out, split, seed, index, size = job
    frame, labels = make_frame(seed, index, size)
    name = f"{split}_{index:06d}"
    cv2.imwrite(str(out / "images" / split / f"{name}.jpg"), frame, [cv2.IMWRITE_JPEG_QUALITY, 92])
    h, w = frame.shape[:2]
    text = "".join(box.yolo(w, h) + "\n" for box in labels)
    (out / "labels" / split / f"{name}.txt").write_text(text, encoding="utf-8")
    return len(labels)


def write_dataset(
    out: Path, *, train: int, val: int, seed: int, size: int = 640, processes: int = 2
) -> Path:
    """Write images, labels and data.yaml under `out`; returns the data.yaml path.

    Train and val frames use disjoint indices of the same seed, so they never repeat.
    """
    jobs: list[tuple[Path, str, int, int, int]] = []
    for split, start, count in (("train", 0, train), ("val", train, val)):
        (out / "images" / split).mkdir(parents=True, exist_ok=True)
        (out / "labels" / split).mkdir(parents=True, exist_ok=True)
        jobs += [(out, split, seed, start + i, size) for i in range(count)]
    started = time.perf_counter()
    if processes > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            boxes = sum(pool.imap_unordered(_write_one, jobs, chunksize=16))
    else:
        boxes = sum(map(_write_one, jobs))
    data = out / "data.yaml"
    names = "".join(f"  {i}: {name}\n" for i, name in enumerate(CLASS_NAMES))
    command = (
        f"python -m edge.synth.dataset {out} --train {train} --val {val} --seed {seed} "
        f"--size {size}"
    )
    data.write_text(
        f"# generated by: {command}\n"
        f"path: {out.resolve()}\ntrain: images/train\nval: images/val\nnames:\n{names}",
        encoding="utf-8",
    )
    logger.info(
        "wrote %d images, %d boxes in %.1f s to %s",
        len(jobs),
        boxes,
        time.perf_counter() - started,
        out,
    )
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="write a synthetic plate/vehicle_face dataset")
    parser.add_argument("out", type=Path)
    parser.add_argument("--train", type=int, default=1500)
    parser.add_argument("--val", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=640, help="long side of each frame, px")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    write_dataset(
        args.out,
        train=args.train,
        val=args.val,
        seed=args.seed,
        size=args.size,
        processes=args.processes,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
