"""Shared helpers for the benchmarks: percentiles, plain-text tables, the dev-set labels, and
the photos changed as another camera or light would have taken them."""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from edge.read.images import load_image
from edge.synth import LIGHTS, jpeg, tint
from edge.types import Box

T = TypeVar("T")


def load_labels(path: Path) -> dict[str, list[dict[str, str]]]:
    """Rows of a plates-dev labels.csv grouped by image file name, in file order."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in csv.DictReader(handle):
            grouped[row["file"]].append(row)
    return dict(grouped)


def label_box(row: dict[str, str]) -> Box:
    """The plate box of one labels.csv row."""
    return Box(int(row["x1"]), int(row["y1"]), int(row["x2"]), int(row["y2"]))


def timed_ms(fn: Callable[[T], object], inputs: Iterable[T]) -> list[float]:
    """Wall time of `fn(x)` for each input, in milliseconds each."""
    out: list[float] = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentiles(samples_ms: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95, p99 of the samples."""
    p50, p95, p99 = np.percentile(np.asarray(samples_ms), [50, 95, 99])
    return float(p50), float(p95), float(p99)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table, so the output pastes into a closing note as it is."""
    cells = [[str(h) for h in headers], *[[_fmt(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 100 else f"{value:.0f}"
    return str(value)


@dataclass(frozen=True, slots=True)
class Taking:
    """How each photo is changed before it is judged: another camera, distance or light.

    The dev photos were taken once; these changes say how much of a figure measured on
    them survives a camera that does not balance its white, a longer lens, a softer one,
    or a harsher encoder.
    """

    light: str = "white"
    scale: float = 1.0
    blur: float = 0.0
    """Gaussian sigma, pixels (0: none)."""
    jpeg: int | None = None
    """Re-encode at this JPEG quality."""
    exposure: float = 1.0
    """Brightness factor, before the light (0.3: a lane at night under weak lamps)."""
    roll: float = 0.0
    """Camera turned about its optical axis, degrees (counter-clockwise): plates tilt."""
    yaw: float = 0.0
    """Camera turned about its vertical axis, degrees: plates become trapezoids, as seen by
    a camera beside the lane rather than over it."""
    motion: float = 0.0
    """Motion blur, pixels smeared along `motion_angle` (a vehicle moving during the
    exposure: up or down the frame for a camera over the lane, across it for one beside)."""
    motion_angle: float = 90.0
    """Degrees from the frame's horizontal; 90: up and down the frame."""

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Taking:
        return cls(
            args.light,
            args.scale,
            args.blur,
            args.jpeg,
            args.exposure,
            args.roll,
            args.yaw,
            args.motion,
            args.motion_angle,
        )

    def photo(self, path: Path) -> np.ndarray:
        """The photo at `path` as this taking would have recorded it (BGR uint8)."""
        return self.change(load_image(path), path.name)

    def change(self, image: np.ndarray, name: str = "photo") -> np.ndarray:
        """`image` (BGR uint8, as taken) as this taking would have recorded it; `name`
        only labels an error."""
        if self.roll or self.yaw:
            matrix, size = self._turn(image.shape)
            # the corners the turned photo leaves get its mean colour: black would pass for
            # a dark scene, and repeated edge pixels for streaks of paint
            mean = tuple(float(c) for c in image.reshape(-1, 3).mean(axis=0))
            image = cv2.warpPerspective(
                image,
                matrix,
                size,
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=mean,
            )
        if self.exposure != 1.0:
            image = cv2.convertScaleAbs(image, alpha=self.exposure)
        if self.light != "white":
            image = tint(image, LIGHTS[self.light])
        if self.scale != 1.0:
            method = cv2.INTER_AREA if self.scale < 1.0 else cv2.INTER_CUBIC
            image = cv2.resize(image, None, fx=self.scale, fy=self.scale, interpolation=method)
        if self.blur > 0:
            image = cv2.GaussianBlur(image, (0, 0), self.blur)
        if self.motion > 0:
            image = cv2.filter2D(image, -1, _smear(self.motion, self.motion_angle))
        if self.jpeg is not None:
            decoded = jpeg(image, self.jpeg)
            if decoded is None:
                raise RuntimeError(f"{name}: JPEG re-encoding at quality {self.jpeg} failed")
            image = decoded
        return image

    def box(self, box: Box, shape: tuple[int, ...]) -> Box:
        """A labelled box in the changed photo's pixels (`shape`: the photo's as taken);
        after a turn, the box around its turned corners."""
        if self.roll or self.yaw:
            matrix, _ = self._turn(shape)
            corners = np.array(
                [[box.x1, box.y1], [box.x2, box.y1], [box.x2, box.y2], [box.x1, box.y2]],
                np.float32,
            )
            turned = cv2.perspectiveTransform(corners[None], matrix)[0]
            (x1, y1), (x2, y2) = turned.min(axis=0), turned.max(axis=0)
            box = Box(round(x1), round(y1), round(x2), round(y2))
        if self.scale == 1.0:
            return box
        s = self.scale
        return Box(round(box.x1 * s), round(box.y1 * s), round(box.x2 * s), round(box.y2 * s))

    def _turn(self, shape: tuple[int, ...]) -> tuple[np.ndarray, tuple[int, int]]:
        """The homography of a camera turned by `roll` and `yaw` about its centre (focal
        length the photo's width, about a 53 degree lens), moved so the whole turned photo
        is in view, and the size of that view."""
        height, width = shape[:2]
        focal = float(width)
        camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]])
        a, b = np.radians(self.roll), np.radians(self.yaw)
        roll = np.array([[np.cos(a), np.sin(a), 0], [-np.sin(a), np.cos(a), 0], [0, 0, 1]])
        yaw = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
        matrix = camera @ roll @ yaw @ np.linalg.inv(camera)
        corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
        turned = cv2.perspectiveTransform(corners[None], matrix)[0]
        low, high = turned.min(axis=0), turned.max(axis=0)
        shift = np.array([[1, 0, -low[0]], [0, 1, -low[1]], [0, 0, 1]])
        size = (int(np.ceil(high[0] - low[0])), int(np.ceil(high[1] - low[1])))
        return shift @ matrix, size


def _smear(length: float, angle: float) -> np.ndarray:
    """A motion-blur kernel: a line `length` pixels long at `angle` degrees, summing to 1."""
    size = int(np.ceil(length)) | 1
    kernel = np.zeros((size, size), np.float32)
    centre = size // 2
    dx, dy = np.cos(np.radians(angle)), -np.sin(np.radians(angle))
    for t in np.linspace(-(length - 1) / 2, (length - 1) / 2, max(2, size * 4)):
        kernel[round(centre + t * dy), round(centre + t * dx)] = 1.0
    normalised: np.ndarray = kernel / kernel.sum()
    return normalised


def add_taking_options(parser: argparse.ArgumentParser) -> None:
    """`--light`, `--scale`, `--blur`, `--jpeg`, `--exposure`, `--roll`, `--yaw`, `--motion`
    and `--motion-angle`, for `Taking.from_args`."""
    parser.add_argument(
        "--light",
        choices=sorted(LIGHTS),
        default="white",
        help="judge every photo as if taken in this coloured light (robustness to casts)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="resize every photo first")
    parser.add_argument("--blur", type=float, default=0.0, help="Gaussian blur sigma, px")
    parser.add_argument("--jpeg", type=int, help="re-encode every photo at this JPEG quality")
    parser.add_argument(
        "--exposure", type=float, default=1.0, help="brightness factor (0.3: night), applied first"
    )
    parser.add_argument(
        "--roll", type=float, default=0.0, help="camera turned about its axis, degrees (first)"
    )
    parser.add_argument(
        "--yaw", type=float, default=0.0, help="camera turned sideways, degrees (perspective)"
    )
    parser.add_argument(
        "--motion", type=float, default=0.0, help="motion blur, pixels smeared (after the blur)"
    )
    parser.add_argument(
        "--motion-angle",
        type=float,
        default=90.0,
        help="direction of the motion blur, degrees from horizontal (90: up the frame)",
    )
