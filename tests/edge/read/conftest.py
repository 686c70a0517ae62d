"""Fixtures for the plate reader tests: one real reader per session, the dev photos."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.read import PlateReader, PPOCRConfig, load_reader
from edge.synth import FONT_PATH, font_available

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
