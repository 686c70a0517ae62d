"""Faces in one image: detect on a downscaled copy, then landmarks, grade and embed.

HOG detection costs grow with the pixel count (about 250 ms on a full 1080p frame on one
core), so it runs on a copy whose longer side is at most `detect_max_side`; landmarks and
the embedding use the full-resolution pixels, where the detail is. On that copy of a 1080p
frame faces under about 100 px go unseen (`benchmarks.faces`: 80 px 0/6, 120 px 6/6),
although the quality gate takes faces from 60 px. Where a person detector (a COCO model) has boxed
people, the head part of each box is therefore searched again at full resolution with the
pyramid upsampled once: faces from about 40 px, for a few milliseconds per person.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from pydantic import Field

from checkpoint.errors import InvalidInput
from checkpoint.settings import Settings
from edge.faces.models import FaceModels, load_models
from edge.faces.quality import QualityGate, frontalness, grade, sharpness
from edge.faces.types import Face
from edge.read.images import shrink
from edge.types import Box

logger = logging.getLogger(__name__)

CROP_MARGIN = 0.25
_HEAD_SHARE = 0.5  # a person box's top half holds the head, standing or cut off at the waist
_MAX_HEAD_PIXELS = 400 * 400  # head regions are searched at most this big (upsampled x2)
_SAME_FACE_IOU = 0.3
CHIP_SIDE = 150
CHIP_PADDING = 0.25


class FaceConfig(Settings):
    """Face pipeline settings (the edge config's ``faces`` section)."""

    detect_max_side: int = Field(
        960, ge=160, description="longer side of the copy the detector runs on, pixels"
    )
    upsample: int = Field(0, ge=0, le=2, description="HOG pyramid upsampling (finds smaller faces)")
    gate: QualityGate = Field(default_factory=QualityGate)


def load_image(data: bytes, what: str = "photo") -> np.ndarray:
    """Decode JPEG/PNG bytes to a BGR uint8 image.

    Raises:
        InvalidInput: empty or not a readable image; the message names `what`.
    """
    if not data:
        raise InvalidInput(f"{what}: empty file")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise InvalidInput(f"{what}: not a readable image (JPEG or PNG expected)")
    return image


def read_image(path: Path) -> np.ndarray:
    """`load_image` for a file; an unreadable path is an `InvalidInput` too."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})") from None
    return load_image(data, str(path))


class FaceAnalyzer:
    """Finds, grades and embeds faces; thread-safe.

    dlib's networks keep per-call buffers and every analyzer shares the one loaded copy,
    so model calls hold the models' lock (central enrols from several gRPC threads).

    Example:
        >>> analyzer = FaceAnalyzer()  # doctest: +SKIP
        >>> [f.quality.passed for f in analyzer.analyze(frame.image)]  # doctest: +SKIP
    """

    def __init__(self, config: FaceConfig | None = None, models: FaceModels | None = None) -> None:
        self.config = config or FaceConfig()
        self._models = models or load_models()

    def detect(self, image: np.ndarray, people: Sequence[Box] = ()) -> list[Box]:
        """Face boxes in frame pixels, clipped to the frame, largest first.

        `people` are person boxes from a detector: their heads are searched again at full
        resolution for faces too small for the downscaled pass.
        """
        _check_image(image)
        height, width = image.shape[:2]
        scale = min(1.0, self.config.detect_max_side / max(height, width))
        frame = Box(0, 0, width, height)
        boxes = self._find(shrink(image, scale), scale, frame, self.config.upsample)
        for person in people:
            head = _head(person, frame)
            if head is None:
                continue
            # a person near the camera has a face big enough for a smaller copy of the head
            crop_scale = min(1.0, float(np.sqrt(_MAX_HEAD_PIXELS / (head.width * head.height))))
            crop = shrink(image[head.y1 : head.y2, head.x1 : head.x2], crop_scale)
            found = self._find(crop, crop_scale, head, max(1, self.config.upsample))
            boxes += [f for f in found if all(f.iou(b) < _SAME_FACE_IOU for b in boxes)]
        return sorted(boxes, key=lambda b: b.width * b.height, reverse=True)

    def _find(self, image: np.ndarray, scale: float, area: Box, upsample: int) -> list[Box]:
        """HOG faces in `image`, a copy of `area` of the frame scaled by `scale`."""
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        with self._models.lock:
            rects = list(self._models.detector(rgb, upsample))
        boxes = []
        for rect in rects:
            x1 = max(area.x1, area.x1 + int(rect.left() / scale))
            y1 = max(area.y1, area.y1 + int(rect.top() / scale))
            x2 = min(area.x2, area.x1 + round((rect.right() + 1) / scale))
            y2 = min(area.y2, area.y1 + round((rect.bottom() + 1) / scale))
            if x2 > x1 and y2 > y1:
                boxes.append(Box(x1, y1, x2, y2))
        return boxes

    def analyze(
        self,
        image: np.ndarray,
        *,
        embed: bool = True,
        embed_all: bool = False,
        people: Sequence[Box] = (),
    ) -> list[Face]:
        """Every face in a BGR frame; only faces that pass the gate get an embedding.

        The embedding is the expensive step (about 150 ms per face on one core), so the
        lane passes `embed=False` and embeds only the best shot of each track
        (`embed_chip`). `embed_all` embeds failing faces too (check-face reports them).
        """
        boxes = self.detect(image, people)
        if not boxes:
            return []
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        return [
            self._face(rgb, grey, image, box, embed=embed, embed_all=embed_all) for box in boxes
        ]

    def _face(
        self,
        rgb: np.ndarray,
        grey: np.ndarray,
        image: np.ndarray,
        box: Box,
        *,
        embed: bool,
        embed_all: bool,
    ) -> Face:
        import dlib

        rect = dlib.rectangle(box.x1, box.y1, box.x2 - 1, box.y2 - 1)
        with self._models.lock:
            shape = self._models.shape_predictor(rgb, rect)
        points = np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float32)
        quality = grade(
            min(box.width, box.height),
            sharpness(grey[box.y1 : box.y2, box.x1 : box.x2]),
            frontalness(points),
            self.config.gate,
        )
        chip = np.asarray(dlib.get_face_chip(rgb, shape, size=CHIP_SIDE, padding=CHIP_PADDING))
        embedding = None
        if (quality.passed and embed) or embed_all:
            embedding = self.embed_chip(chip)
        return Face(box, quality, points, _crop(image, box), chip, embedding)

    def embed_chip(self, chip: np.ndarray) -> np.ndarray:
        """The 128-d float32 embedding of an aligned RGB face chip (`Face.chip`)."""
        with self._models.lock:
            vector = self._models.embedder.compute_face_descriptor(chip)
        return np.asarray(vector, dtype=np.float32)


def embed_single(analyzer: FaceAnalyzer, image: np.ndarray, what: str = "photo") -> np.ndarray:
    """The embedding of the one face in an enrolment photo.

    Enrolment must be unambiguous: a photo with no face or with several faces is refused,
    since the wrong person on the list would be stopped at every passage.

    Raises:
        InvalidInput: no face, several faces, or a face too small/blurred to enrol.
    """
    faces = analyzer.analyze(image, embed_all=True)
    if not faces:
        raise InvalidInput(f"{what}: no face found (use a clear, frontal photo of one person)")
    if len(faces) > 1:
        raise InvalidInput(
            f"{what}: {len(faces)} faces found; an enrolment photo must show exactly one person"
        )
    face = faces[0]
    if not face.quality.passed:
        problems = "; ".join(face.quality.problems)
        raise InvalidInput(f"{what}: face not good enough to enrol ({problems})")
    assert face.embedding is not None  # embed_all=True
    return face.embedding


def _head(person: Box, frame: Box) -> Box | None:
    """Where a person's face can be: the top of the box, a little wider (arms down)."""
    grow = person.width // 10
    return Box(
        person.x1 - grow,
        person.y1,
        person.x2 + grow,
        person.y1 + max(1, int(person.height * _HEAD_SHARE)),
    ).intersection(frame)


def _crop(image: np.ndarray, box: Box) -> np.ndarray:
    """The face with a margin, for evidence; a copy so the frame can be reused."""
    height, width = image.shape[:2]
    mx, my = int(box.width * CROP_MARGIN), int(box.height * CROP_MARGIN)
    x1, y1 = max(0, box.x1 - mx), max(0, box.y1 - my)
    x2, y2 = min(width, box.x2 + mx), min(height, box.y2 + my)
    return image[y1:y2, x1:x2].copy()


def _check_image(image: np.ndarray) -> None:
    shape = getattr(image, "shape", None)
    if shape is None or len(shape) != 3 or shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"expected a BGR uint8 image of shape (H, W, 3), got "
            f"{getattr(image, 'dtype', type(image))} {shape}"
        )
