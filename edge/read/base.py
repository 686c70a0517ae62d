"""What every plate-reading backend provides, and the input checks they share."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from checkpoint.errors import InvalidInput
from edge.read.colour import Scene
from edge.types import Box, PlateRead

logger = logging.getLogger(__name__)

_MIN_SIDE = 8


@dataclass(frozen=True, slots=True)
class StageTimes:
    """Milliseconds spent per stage on one image (for benchmarks and metrics)."""

    localise: float = 0.0
    rectify: float = 0.0
    recognise: float = 0.0

    @property
    def total(self) -> float:
        return self.localise + self.rectify + self.recognise


class PlateReader(ABC):
    """A plate-reading backend: image in, one `PlateRead` per plate out."""

    def read(
        self,
        image: np.ndarray,
        roi: Box | None = None,
        near: Sequence[Box] = (),
        scene: Scene | None = None,
        boxed: Sequence[Box] = (),
        *,
        thorough: bool = False,
    ) -> list[PlateRead]:
        """Read every plate in `image` (or inside `roi`), most confident first.

        Args:
            image: BGR uint8 array of shape (H, W, 3).
            roi: Only look inside this box (e.g. a vehicle detection); boxes in the result
                are still in `image` coordinates.
            near: Where plates were in the camera's previous frame (the lane's tracks): a
                backend may look there first, before any costly whole-frame search.
            scene: The frame's light (`edge.read.colour.judge_scene` of `image`), when the
                caller judged it already for its vehicle stage; judged here otherwise.
            boxed: Plates a plate detector boxed in this frame: read first; the backend's
                own search may run only when they read nothing.
            thorough: Run the backend's whole search (whatever its fast-path settings)
                even when `boxed` or `near` read: a lane behind a plate detector asks for
                this every few frames, for a plate the detector misses beside one it boxed.

        Returns:
            One read per plate found; empty when there is none.

        Raises:
            InvalidInput: `image` is not a BGR uint8 (H, W, 3) array, is too small, or
                `roi` lies outside it.
        """
        return self.read_timed(image, roi, near, scene, boxed, thorough=thorough)[0]

    def read_text_lines(
        self, image: np.ndarray, scene: Scene | None = None, *, sweep: bool = False
    ) -> list[PlateRead]:
        """The most thorough read the backend has, whatever its fast-path settings
        (`sweep`: a lane's frame, which may search a part of the frame per call, in turn)."""
        return self.read(image, scene=scene)

    @abstractmethod
    def read_timed(
        self,
        image: np.ndarray,
        roi: Box | None = None,
        near: Sequence[Box] = (),
        scene: Scene | None = None,
        boxed: Sequence[Box] = (),
        *,
        thorough: bool = False,
    ) -> tuple[list[PlateRead], StageTimes]:
        """`read`, plus how long each stage took."""


def check_image(image: object, roi: Box | None) -> tuple[np.ndarray, Box]:
    """Validate a frame and clip `roi` to it; the error states expected and actual shape.

    Returns:
        The image and the box to read (the whole image when `roi` is None).
    """
    shape = getattr(image, "shape", None)
    dtype = getattr(image, "dtype", type(image).__name__)
    if (
        not isinstance(image, np.ndarray)
        or image.ndim != 3
        or image.shape[2] != 3
        or image.dtype != np.uint8
    ):
        raise InvalidInput(f"expected a BGR uint8 image of shape (H, W, 3), got {dtype} {shape}")
    h, w = image.shape[:2]
    if min(h, w) < _MIN_SIDE:
        raise InvalidInput(f"image too small to hold a plate: {w}x{h} px")
    if roi is None:
        return image, Box(0, 0, w, h)
    x1, y1, x2, y2 = max(0, roi.x1), max(0, roi.y1), min(w, roi.x2), min(h, roi.y2)
    if x2 - x1 < _MIN_SIDE or y2 - y1 < _MIN_SIDE:
        raise InvalidInput(f"roi {roi.as_list()} lies outside the {w}x{h} image")
    return image, Box(x1, y1, x2, y2)
