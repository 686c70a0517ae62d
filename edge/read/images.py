"""Image files in (decode one, or expand folders into the images they hold), and a fast
downscale for frames."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from checkpoint.errors import InvalidInput

logger = logging.getLogger(__name__)

_LINEAR_BELOW = 1.25  # downscale factor under which linear interpolation is as good as area
_EXPOSED = 200  # an image whose brightest paint (98th percentile) is dimmer is brightened...
_MAX_EXPOSURE_GAIN = 3.0  # ...by at most this much (deeper dark is noise, not paint)
_SORT_AT_MOST = 64  # a percentile of this few values sorts them (a histogram costs more)
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


def load_image(path: Path) -> np.ndarray:
    """Decode an image file to BGR uint8 (H, W, 3).

    Decodes from bytes, so non-ASCII paths work, and grey or alpha images become BGR.

    Raises:
        InvalidInput: The file cannot be read or is not an image OpenCV can decode.
    """
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror or exc}") from exc
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise InvalidInput(f"{path}: not a decodable image ({data.size} bytes)")
    return image


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders replaced by their image files, sorted by name."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
        else:
            out.append(path)
    return out


def shrink(image: np.ndarray, scale: float) -> np.ndarray:
    """Downscale by `scale` (< 1) with area averaging, in about a millisecond on 1080p.

    OpenCV's area resampling is fast only at whole-number factors and costs ~7 ms on a 1080p
    frame otherwise, which a lane pays on every frame it detects text or faces in. The
    whole-number part k of the factor is therefore averaged exactly (dropping the < k edge
    pixels that do not fill a k x k cell). What remains is interpolated linearly when it is
    small (under 1.25x, where linear loses no strokes); larger ones keep area averaging.
    """
    if scale >= 1.0:
        return image
    k = int(1.0 / scale + 1e-6)  # 1 / (1 / 3) may come out a hair under 3
    if k >= 2:
        height, width = image.shape[:2]
        image = image[: height - height % k, : width - width % k]
        image = cv2.resize(
            image, (image.shape[1] // k, image.shape[0] // k), interpolation=cv2.INTER_AREA
        )
        scale *= k
    if scale >= 1.0:
        return image
    method = cv2.INTER_LINEAR if 1.0 / scale < _LINEAR_BELOW else cv2.INTER_AREA
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=method)


def brighten(image: np.ndarray, step: int = 1, dark: float = _EXPOSED) -> np.ndarray:
    """`image` brightened until its brightest paint is near white, when it is dark.

    Every plate carries bright paint (white characters, or a white, yellow or green-white
    background), and so does nearly every street scene; an image whose brightest pixels
    are dim is underexposed (a lane at night, a plate in shadow), not dark paint. PP-OCR
    and the colour thresholds were made for exposed images: at night the plate finder's
    masks miss dim green and yellow plates, and a yellow lorry plate was named black.
    Scaling the channels keeps hue and saturation; only brightness is restored. `step`
    samples every step-th pixel for the judgement (a whole frame needs few); images whose
    brightest paint reaches `dark` are left as they are.
    """
    bright = percentile(brightness(image[::step, ::step]), 98)
    if bright >= min(dark, _EXPOSED):
        return image
    gain = min(_MAX_EXPOSURE_GAIN, _EXPOSED / max(bright, 1.0))
    return cv2.convertScaleAbs(image, alpha=gain)


def brightness(image: np.ndarray) -> np.ndarray:
    """Each pixel's brightest channel (HSV's value) of a BGR uint8 image, uint8 (H, W).

    numpy's `max(axis=2)` reduces over the short last axis one pixel at a time: 0.8 ms on a
    plate crop and 70 ms on a 1080p frame, against 0.03 and 1.5 ms here. A lane names the
    colour of a dozen crops per frame, each first checked for exposure.
    """
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected a BGR image (H, W, 3), got shape {image.shape}")
    if image.size == 0:
        return np.zeros(image.shape[:2], np.uint8)
    if image.strides[1:] != (3, 1):  # OpenCV takes row strides, not pixel strides
        image = np.ascontiguousarray(image)
    blue, green, red = cv2.split(image)
    return cv2.max(cv2.max(blue, green), red)


def percentile(values: np.ndarray, q: float) -> float:
    """`np.percentile(values, q)` (linear interpolation) of uint8 values, from their
    histogram (or, for a few dozen values, their sorted order): the same number at a
    fraction of the cost of `np.percentile`, whose overhead alone is 0.2 ms a call."""
    if values.dtype != np.uint8 or values.size == 0:
        raise ValueError(f"expected a non-empty uint8 array, got {values.dtype} {values.shape}")
    position = q / 100 * (values.size - 1)
    low = int(position)
    high = min(low + 1, values.size - 1)
    if values.size <= _SORT_AT_MOST:
        ordered = np.sort(values, axis=None)
        first, second = int(ordered[low]), int(ordered[high])
    else:
        below = np.cumsum(np.bincount(values.ravel(), minlength=256))
        # the k-th smallest value (from 0) is the first whose cumulative count exceeds k
        first, second = np.searchsorted(below, (low, high), side="right")
    return float(first + (second - first) * (position - low))
