"""Where dlib's face weights live and how they are loaded (once per process).

The weights come from the `face-recognition-models` wheel. Its package ``__init__`` needs
``pkg_resources`` (gone from modern setuptools), so the folder is located with
`importlib.util.find_spec` and the package itself is never imported. Nothing is downloaded.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checkpoint.errors import ConfigError

logger = logging.getLogger(__name__)

EMBEDDING_DIM = 128
SHAPE_PREDICTOR = "shape_predictor_5_face_landmarks.dat"
RESNET = "dlib_face_recognition_resnet_model_v1.dat"

_lock = threading.Lock()


def model_dir() -> Path:
    """The folder holding the ``.dat`` weights.

    Raises:
        ConfigError: the `face-recognition-models` wheel is not installed.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise ConfigError(
            "face weights not found: install the face-recognition-models wheel"
            " (pip install face-recognition-models)"
        )
    return Path(locations[0]) / "models"


@dataclass(frozen=True, slots=True)
class FaceModels:
    """dlib's HOG detector, 5-point shape predictor and ResNet embedder."""

    detector: Any
    shape_predictor: Any
    embedder: Any
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Held around every model call: dlib's networks are not safe to call concurrently."""


def load_models() -> FaceModels:
    """Load the three models once; later calls share them (dlib's models are read-only)."""
    with _lock:
        return _load()


@functools.cache
def _load() -> FaceModels:
    import dlib

    folder = model_dir()
    for name in (SHAPE_PREDICTOR, RESNET):
        if not (folder / name).is_file():
            raise ConfigError(f"face weights missing: {folder / name}")
    models = FaceModels(
        detector=dlib.get_frontal_face_detector(),
        shape_predictor=dlib.shape_predictor(str(folder / SHAPE_PREDICTOR)),
        embedder=dlib.face_recognition_model_v1(str(folder / RESNET)),
    )
    logger.info("face models loaded from %s", folder)
    return models
