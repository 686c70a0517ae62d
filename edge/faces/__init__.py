"""Faces of people walking through the pedestrian lane: detection, quality, embeddings.

`FaceAnalyzer` finds faces with dlib's HOG detector on a downscaled frame, places the five
landmarks on the full-resolution frame, grades each crop (`quality`) and embeds it with
dlib's ResNet (128 float32). `FaceTracker` keeps the best shot per person track so only one
good crop per person is matched. Central matches embeddings (`central.persons`); photos
never have to leave the lane.
"""

from edge.faces.analyze import FaceAnalyzer, FaceConfig, embed_single, load_image
from edge.faces.models import EMBEDDING_DIM, model_dir
from edge.faces.quality import Quality, QualityGate
from edge.faces.types import Face

__all__ = [
    "EMBEDDING_DIM",
    "Face",
    "FaceAnalyzer",
    "FaceConfig",
    "Quality",
    "QualityGate",
    "embed_single",
    "load_image",
    "model_dir",
]
