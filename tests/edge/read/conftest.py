"""Fixtures for the plate reader tests: one real reader per session, the dev photos."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from edge.read import PlateReader, PPOCRConfig, load_reader
from edge.synth import (
    FONT_PATH,
    font_available,
    place_on_background,
    random_background,
    render_plate,
)

# tests/edge/read/conftest.py -> parents[4] is the folder holding main/ and shared/
DEV_PHOTOS = Path(__file__).resolve().parents[4] / "shared" / "data" / "plates-dev"

needs_font = pytest.mark.skipif(
    not font_available(), reason=f"CJK font {FONT_PATH} not installed (apt: fonts-wqy-microhei)"
)
needs_dev_photos = pytest.mark.skipif(
    not (DEV_PHOTOS / "labels.csv").is_file(), reason=f"dev photos not present at {DEV_PHOTOS}"
)


@pytest.fixture(scope="session")
def photo_reader() -> PlateReader:
    """The reader as `checkpoint read` configures it for still photos."""
    return load_reader(PPOCRConfig(full_frame="always"))


def plates_frame(
    seed: int, size: tuple[int, int], plates: Sequence[tuple[str, str, int, tuple[int, int]]]
) -> np.ndarray:
    """A (height, width) frame of random clutter with plates (text, colour, width, centre)
    placed in order, all from one seeded generator: the same frame every run."""
    rng = np.random.default_rng(seed)
    frame = random_background(rng, *size)
    for text, colour, width, centre in plates:
        frame, _ = place_on_background(
            render_plate(text, colour), frame, rng, width=width, center=centre
        )
    return frame
