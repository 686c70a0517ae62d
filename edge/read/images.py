"""Image files in: decode one, or expand folders into the images they hold."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from checkpoint.errors import InvalidInput

logger = logging.getLogger(__name__)

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
