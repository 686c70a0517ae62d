"""Generate the bundled demo clip: vehicles with Chinese plates driving into a lane.

Run ``python -m edge.synth.clip`` to rewrite ``edge/samples/lane.mp4`` (needs the WQY Micro
Hei font, Debian ``fonts-wqy-microhei``). The clip is committed so `make demo` needs no
font and no ``../shared`` data; the demo seeds its watchlist from `VEHICLES`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from edge.synth.render import render_plate
from edge.types import Box

logger = logging.getLogger(__name__)

CLIP = Path(__file__).resolve().parent.parent / "samples" / "lane.mp4"
WIDTH, HEIGHT, FPS = 1280, 720, 10
FRAMES_PER_VEHICLE = 24
GAP_FRAMES = 12


@dataclass(frozen=True, slots=True)
class Vehicle:
    plate: str
    plate_color: str
    layers: int
    body_bgr: tuple[int, int, int]
    width_factor: float
    """Vehicle width in plate widths: lorries are wider than saloons."""


VEHICLES = (
    Vehicle("川A8H458", "blue", 1, (235, 235, 235), 4.2),
    Vehicle("冀A12345", "blue", 1, (200, 200, 205), 4.2),
    Vehicle("粤BD01366", "green", 1, (40, 40, 40), 4.0),
    Vehicle("豫CG117挂", "yellow", 2, (30, 30, 200), 5.5),
    Vehicle("京A8BZZ5", "blue", 1, (140, 90, 30), 4.2),
    Vehicle("京A1234警", "white", 1, (245, 245, 245), 4.2),
    Vehicle("苏E5Z731", "blue", 1, (60, 120, 180), 4.2),
)


def road(rng: np.random.Generator) -> np.ndarray:
    """Asphalt with lane markings in perspective, plus sensor noise."""
    image = np.full((HEIGHT, WIDTH, 3), 90, np.uint8)
    shade = np.linspace(0.8, 1.15, HEIGHT, dtype=np.float32)[:, None, None]
    image = np.clip(image * shade, 0, 255).astype(np.uint8)
    image[: HEIGHT // 6] = (170, 150, 120)  # sky / buildings band
    for x_top, x_bottom in ((560, 120), (720, 1160)):
        cv2.line(image, (x_top, HEIGHT // 6), (x_bottom, HEIGHT), (230, 230, 230), 6)
    noise = rng.normal(0, 3, image.shape)
    return np.asarray(np.clip(image + noise, 0, 255), dtype=np.uint8)


def draw_vehicle(
    frame: np.ndarray, vehicle: Vehicle, plate: np.ndarray, *, cx: int, bottom: int, scale: float
) -> Box | None:
    """A vehicle front: body, windscreen, lights, grille, and the plate low in the middle.

    Returns:
        Where the plate went, or None when it fell outside the frame.
    """
    plate_h = max(8, int(44 * scale * (1.6 if vehicle.layers == 2 else 1)))
    plate_w = max(16, int(plate.shape[1] * plate_h / plate.shape[0]))
    single_w = int(140 * scale)
    body_w = int(single_w * vehicle.width_factor)
    body_h = int(body_w * 0.62)
    x1, y1 = cx - body_w // 2, bottom - body_h
    cv2.rectangle(frame, (x1, y1), (x1 + body_w, bottom), vehicle.body_bgr, -1)
    cv2.rectangle(
        frame,
        (x1 + body_w // 10, y1 + body_h // 12),
        (x1 + body_w - body_w // 10, y1 + body_h // 2),
        (50, 45, 40),
        -1,
    )
    for lx in (x1 + body_w // 12, x1 + body_w - body_w // 12 - body_w // 6):
        cv2.rectangle(
            frame,
            (lx, y1 + body_h * 3 // 5),
            (lx + body_w // 6, y1 + body_h * 7 // 10),
            (200, 230, 240),
            -1,
        )
    cv2.rectangle(
        frame,
        (cx - body_w // 5, y1 + body_h * 3 // 5),
        (cx + body_w // 5, y1 + body_h * 3 // 4),
        (70, 70, 70),
        -1,
    )
    small = cv2.resize(plate, (plate_w, plate_h), interpolation=cv2.INTER_AREA)
    px, py = cx - plate_w // 2, bottom - body_h // 8 - plate_h
    if px >= 0 and py >= 0 and px + plate_w <= WIDTH and py + plate_h <= HEIGHT:
        frame[py : py + plate_h, px : px + plate_w] = small
        return Box(px, py, px + plate_w, py + plate_h)
    return None


def frames(seed: int = 7) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    background = road(rng)
    out: list[np.ndarray] = []
    for vehicle in VEHICLES:
        plate = render_plate(vehicle.plate, vehicle.plate_color, layers=vehicle.layers)
        for step in range(FRAMES_PER_VEHICLE):
            t = step / (FRAMES_PER_VEHICLE - 1)
            scale = 0.75 + 0.55 * t
            bottom = int(330 + 330 * t)
            frame = background.copy()
            draw_vehicle(
                frame,
                vehicle,
                plate,
                cx=WIDTH // 2 + int(40 * (t - 0.5)),
                bottom=bottom,
                scale=scale,
            )
            noise = rng.normal(0, 2.5, frame.shape)
            out.append(np.clip(frame + noise, 0, 255).astype(np.uint8))
        out.extend(background.copy() for _ in range(GAP_FRAMES))
    return out


def write(path: Path = CLIP, seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
    try:
        for frame in frames(seed):
            writer.write(frame)
    finally:
        writer.release()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description="write the demo lane clip")
    parser.add_argument("--out", type=Path, default=CLIP)
    args = parser.parse_args()
    path = write(args.out)
    logger.warning("wrote %s (%d bytes)", path, path.stat().st_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
