"""Face fixtures: the shared analyzer, the dev photos (skipped when absent), random faces."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from checkpoint import wire
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry
from edge.faces import FaceAnalyzer
from proto import checkpoint_pb2 as pb

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces-dev"


@pytest.fixture(scope="session")
def analyzer() -> FaceAnalyzer:
    return FaceAnalyzer()


@pytest.fixture(scope="session")
def dev() -> Path:
    if not (DEV / "enroll").is_dir():
        pytest.skip(f"dev faces not found at {DEV}")
    return DEV


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    """Random unit vectors (N, 128) float32: stand-ins for embeddings of distinct people."""
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(count, 128)).astype(np.float32)
    unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit


def near(vector: np.ndarray, distance: float, seed: int = 1) -> np.ndarray:
    """A vector exactly `distance` away from `vector` (another photo of the same person)."""
    rng = np.random.default_rng(seed)
    step = rng.normal(size=vector.shape).astype(np.float32)
    step /= np.linalg.norm(step)
    moved: np.ndarray = (vector + distance * step).astype(np.float32)
    return moved


def faceless_jpeg(width: int = 640, height: int = 480) -> bytes:
    """A smooth gradient with a rectangle: an image, but nobody in it."""
    x = np.linspace(0, 255, width, dtype=np.uint8)
    image = np.repeat(np.tile(x, (height, 1))[:, :, None], 3, axis=2)
    cv2.rectangle(image, (50, 50), (200, 150), (0, 0, 255), -1)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return data.tobytes()


def person_pb(key: str, name: str = "Zhang San") -> pb.WatchlistEntry:
    """A wanted person's watchlist entry, as an operator would enter one."""
    entry = make_entry(
        EntryKind.PERSON,
        key,
        "wanted for robbery",
        category=Category.WANTED,
        severity=Severity.HIGH,
        attributes={"name": name},
    )
    return wire.entry_to_pb(entry)
