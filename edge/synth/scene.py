"""Put rendered plates into frames the way a lane camera sees them.

A plate in a frame is small, seen at an angle, blurred, noisy and lit unevenly; the reader
must cope with all of it, so tests and benchmarks draw those effects here, each one from
the caller's `numpy.random.Generator` so a seed gives the same frame every time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from edge.types import Box

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlacedPlate:
    """Where a plate landed: its four corners (TL, TR, BR, BL; float32 (4, 2)) and box."""

    corners: np.ndarray
    box: Box


def random_background(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A frame-sized BGR uint8 clutter of gradients, blocks and lines (road, car, shadows).

    The base is a greyish gradient like a road; the blocks and lines have any colour, so
    plate-coloured distractors appear too.

    Args:
        rng: Source of randomness.
        height: Frame height in pixels.
        width: Frame width in pixels.

    Returns:
        Array of shape (height, width, 3).
    """
    # asphalt and most car bodies are grey; coloured panels come from the blocks below
    base = (rng.integers(50, 200) + rng.integers(-15, 16, size=3)).astype(np.float32)
    t = np.linspace(0.6, 1.2, height, dtype=np.float32)[:, None, None]
    image = np.clip(np.broadcast_to(base * t, (height, width, 3)), 0, 255).astype(np.uint8)
    image = np.ascontiguousarray(image)
    for _ in range(int(rng.integers(8, 20))):
        x1, x2 = sorted(rng.integers(0, width, size=2).tolist())
        y1, y2 = sorted(rng.integers(0, height, size=2).tolist())
        color = tuple(int(c) for c in rng.integers(0, 255, size=3))
        cv2.rectangle(image, (x1, y1), (x2, y2), color, -1)
    for _ in range(int(rng.integers(5, 15))):
        p1 = tuple(int(v) for v in (rng.integers(0, width), rng.integers(0, height)))
        p2 = tuple(int(v) for v in (rng.integers(0, width), rng.integers(0, height)))
        color = tuple(int(c) for c in rng.integers(0, 255, size=3))
        cv2.line(image, p1, p2, color, int(rng.integers(1, 6)))
    noise = rng.normal(0, 6, size=image.shape).astype(np.float32)
    noisy: np.ndarray = np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return noisy


def place_on_background(
    plate: np.ndarray,
    background: np.ndarray,
    rng: np.random.Generator,
    *,
    width: int,
    center: tuple[float, float] | None = None,
    max_tilt_deg: float = 8.0,
    max_skew: float = 0.08,
) -> tuple[np.ndarray, PlacedPlate]:
    """Warp `plate` into a copy of `background` with a random rotation and perspective.

    Args:
        plate: BGR uint8 plate image, e.g. from `render_plate`.
        background: BGR uint8 frame; not modified.
        rng: Source of randomness.
        width: Plate width in the frame, pixels (lanes: typically 80-250 in 1080p).
        center: Plate centre (x, y); random inside the frame when None.
        max_tilt_deg: Largest in-plane rotation, degrees either way.
        max_skew: Largest perspective shear, as a fraction of the plate width.

    Returns:
        The new frame and where the plate is in it.
    """
    frame = background.copy()
    fh, fw = frame.shape[:2]
    ph, pw = plate.shape[:2]
    height = width * ph / pw
    if center is None:
        margin = width * 0.7
        center = (
            float(rng.uniform(margin, fw - margin)),
            float(rng.uniform(margin, fh - margin)),
        )
    half = np.array([[-width, -height], [width, -height], [width, height], [-width, height]]) / 2
    skew = rng.uniform(-max_skew, max_skew, size=(4, 2)) * width
    angle = np.deg2rad(rng.uniform(-max_tilt_deg, max_tilt_deg))
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = ((half + skew * 0.5) @ rotation.T + np.array(center)).astype(np.float32)
    source = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(plate, matrix, (fw, fh), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (fw, fh))
    alpha = (mask.astype(np.float32) / 255)[..., None]
    frame = (frame * (1 - alpha) + warped * alpha).astype(np.uint8)
    x1, y1 = np.floor(corners.min(axis=0)).astype(int)
    x2, y2 = np.ceil(corners.max(axis=0)).astype(int)
    box = Box(max(0, int(x1)), max(0, int(y1)), min(fw, int(x2)), min(fh, int(y2)))
    return frame, PlacedPlate(corners, box)


def augment(
    image: np.ndarray,
    rng: np.random.Generator,
    *,
    blur: float = 1.0,
    noise: float = 6.0,
    lighting: float = 0.3,
    jpeg_quality: int | None = 70,
) -> np.ndarray:
    """Camera effects: defocus blur, sensor noise, uneven light and JPEG artefacts.

    Args:
        image: BGR uint8 image; not modified.
        rng: Source of randomness.
        blur: Largest Gaussian sigma, pixels (0 for none).
        noise: Largest noise standard deviation, grey levels.
        lighting: Largest brightness change across the image, as a fraction.
        jpeg_quality: Re-encode at this quality; None to skip.

    Returns:
        A new BGR uint8 image of the same shape.
    """
    out: np.ndarray = image.astype(np.float32)
    sigma = float(rng.uniform(0, blur))
    if sigma > 0.2:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    h, w = image.shape[:2]
    gx = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    gy = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    a, b, c = rng.uniform(-lighting, lighting, size=3)
    gain = 1 + c + a * gx / 2 + b * gy / 2
    grain = rng.normal(0, rng.uniform(0, noise), size=out.shape).astype(np.float32)
    out = out * gain[..., None] + grain
    result: np.ndarray = np.clip(out, 0, 255).astype(np.uint8)
    if jpeg_quality is not None:
        decoded = jpeg(result, jpeg_quality)
        if decoded is not None:
            result = decoded
    return result


def jpeg(image: np.ndarray, quality: int) -> np.ndarray | None:
    """`image` after a round trip through JPEG at `quality` (its block and ringing
    artefacts); None if OpenCV could not encode or decode it."""
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded: np.ndarray | None = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
    return decoded


LIGHTS: dict[str, tuple[float, float, float]] = {
    "white": (1.0, 1.0, 1.0),
    "warm": (0.8, 1.0, 1.2),  # a sodium street lamp, an evening sun
    "greenish": (0.9, 1.12, 0.9),  # old fluorescent tubes
    "cool": (1.2, 1.0, 0.8),  # shade under a blue sky, a cheap LED
}
"""Per-channel (B, G, R) gains of lights a camera that does not balance its white sees by."""


def tint(image: np.ndarray, light: tuple[float, float, float]) -> np.ndarray:
    """`image` as a camera would record it under coloured `light` (channels scaled and
    clipped, as the sensor clips them)."""
    tinted: np.ndarray = np.clip(image.astype(np.float32) * np.array(light), 0, 255)
    return tinted.astype(np.uint8)
