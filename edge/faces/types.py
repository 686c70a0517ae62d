"""The value the face pipeline hands on: one face in one frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edge.faces.models import EMBEDDING_DIM
from edge.faces.quality import Quality
from edge.types import Box


@dataclass(frozen=True, slots=True)
class Face:
    """One detected face.

    `embedding` is float32, shape (128,), or None when the crop failed the quality gate
    (a poor crop is never embedded, so it can never be matched). `landmarks` has shape
    (5, 2) in frame pixels; `crop` is the BGR face crop with a margin (the alert's evidence);
    `chip` is the aligned 150x150 RGB chip the embedder reads, kept so that a tracker can
    embed only the best shot of a person.
    """

    box: Box
    quality: Quality
    landmarks: np.ndarray
    crop: np.ndarray
    chip: np.ndarray
    embedding: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.landmarks.shape != (5, 2):
            raise ValueError(f"landmarks must have shape (5, 2), got {self.landmarks.shape}")
        if self.embedding is not None and (
            self.embedding.shape != (EMBEDDING_DIM,) or self.embedding.dtype != np.float32
        ):
            raise ValueError(
                f"embedding must be float32 of shape ({EMBEDDING_DIM},), got "
                f"{self.embedding.dtype} {self.embedding.shape}"
            )
