"""Plate localisation and reading: image in, one `PlateRead` per plate out.

Backends sit behind the small `PlateReader` base class and are picked by the config's
`type` (STYLE.md rule 3); today there is one, PP-OCRv4 on ONNX Runtime.

Example:
    >>> reader = load_reader()
    >>> reads = reader.read(frame.image)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from edge.read.base import PlateReader, StageTimes
from edge.read.config import PPOCRConfig, ReaderConfig

logger = logging.getLogger(__name__)


def _ppocr(config: ReaderConfig) -> PlateReader:
    from edge.read.ppocr import PPOCRReader

    return PPOCRReader(config)


_BACKENDS: dict[str, Callable[[ReaderConfig], PlateReader]] = {"ppocr": _ppocr}


def load_reader(config: ReaderConfig | None = None) -> PlateReader:
    """Build the configured backend and load its models (once; reuse the reader).

    Raises:
        ConfigError: A model file is missing or unusable.
    """
    config = config or PPOCRConfig()
    return _BACKENDS[config.type](config)


__all__ = ["PPOCRConfig", "PlateReader", "ReaderConfig", "StageTimes", "load_reader"]
