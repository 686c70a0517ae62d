"""Fixtures shared by the edge tests: one real plate reader per session."""

from __future__ import annotations

import pytest

from edge.read import PlateReader, load_reader


@pytest.fixture(scope="session")
def reader() -> PlateReader:
    """The real PP-OCRv4 reader in lane mode; loading it once keeps the suite fast."""
    return load_reader()
