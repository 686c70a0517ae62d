"""The plate renderer and scene helpers: shapes, colours, determinism, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from checkpoint.errors import InvalidInput
from edge.read.colour import classify
from edge.synth import augment, place_on_background, random_background, render_plate
from tests.edge.read.conftest import needs_font


@needs_font
@pytest.mark.parametrize(
    ("text", "color", "layers", "shape"),
    [
        ("京A12345", "blue", 1, (140, 440, 3)),
        ("粤BD01366", "green", 1, (140, 480, 3)),
        ("冀E12345", "yellow", 2, (140, 280, 3)),
        ("京A1234警", "white", 1, (140, 440, 3)),
        ("粤Z1234港", "black", 1, (140, 440, 3)),
    ],
)
def test_render_shape_and_colour(
    text: str, color: str, layers: int, shape: tuple[int, ...]
) -> None:
    image = render_plate(text, color, layers=layers)
    assert image.shape == shape
    assert image.dtype == np.uint8
    assert classify(image).name == color


@needs_font
@pytest.mark.parametrize(
    ("text", "color", "layers", "message"),
    [
        ("京A12345", "purple", 1, "colour"),
        ("京A12345", "blue", 3, "layers"),
        ("京A", "blue", 1, "6 to 8"),
    ],
)
def test_render_rejects_bad_arguments(text: str, color: str, layers: int, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        render_plate(text, color, layers=layers)


@needs_font
def test_scene_is_deterministic_per_seed() -> None:
    def frame(seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        background = random_background(rng, 240, 320)
        placed, _ = place_on_background(render_plate("京A12345", "blue"), background, rng, width=90)
        return augment(placed, rng)

    assert np.array_equal(frame(7), frame(7))
    assert not np.array_equal(frame(7), frame(8))
