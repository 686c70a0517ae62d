"""Synthetic plates and frames: rendered plates for tests, benchmarks and the demo clip.

Nothing here reads a real photo; everything is drawn from the GA 36-2018 geometry with the
WQY Micro Hei font, deterministically from a `numpy.random.Generator`.
"""

from edge.synth.render import FONT_PATH, PLATE_COLORS, font_available, render_plate
from edge.synth.scene import (
    LIGHTS,
    PlacedPlate,
    augment,
    jpeg,
    place_on_background,
    random_background,
    tint,
)

__all__ = [
    "FONT_PATH",
    "LIGHTS",
    "PLATE_COLORS",
    "PlacedPlate",
    "augment",
    "font_available",
    "jpeg",
    "place_on_background",
    "random_background",
    "render_plate",
    "tint",
]
