"""Body colour on generated vehicle fronts of known paint, under several lightings."""

from __future__ import annotations

import cv2
import pytest

from checkpoint.vehicles import VehicleColor, colors_contradict
from edge.read import PlateReader
from edge.synth import LIGHTS as SYNTH_LIGHTS
from edge.types import Box
from edge.vehicle.color import body_region
from edge.vehicle.look import add_looks
from tests.edge.read.conftest import needs_font
from tests.edge.vehicle.scenes import PAINTS, vehicle_frame

LIGHTS = {
    "daylight": (1.0, (1.0, 1.0, 1.0)),
    "overcast": (0.6, (1.0, 1.0, 1.0)),
    "bright": (1.15, (1.0, 1.0, 1.0)),
    "warm": (0.9, (0.92, 1.0, 1.08)),
    "cool": (0.9, (1.08, 1.0, 0.94)),
}


@needs_font
@pytest.mark.parametrize("light", sorted(LIGHTS))
@pytest.mark.parametrize("paint", sorted(PAINTS))
def test_paint_is_named_under_ordinary_light(reader: PlateReader, paint: str, light: str) -> None:
    gain, tint = LIGHTS[light]
    image = vehicle_frame("冀A12345", paint, gain=gain, tint=tint)
    (read,) = add_looks(image, reader.read(image))
    assert read.vehicle is not None
    truth = VehicleColor(paint)
    # silver may come out white or grey: a camera cannot tell, and nothing is raised on it
    assert not colors_contradict(truth, read.vehicle.color), read.vehicle
    if paint != "silver":
        assert read.vehicle.color is truth
    assert not read.vehicle.color_doubtful
    assert read.vehicle.color_confidence >= 0.6


@needs_font
@pytest.mark.parametrize(
    ("gain", "tint"),
    [(0.25, (1.0, 1.0, 1.0)), (1.0, (0.7, 1.0, 1.5)), (1.0, (1.5, 1.0, 0.7))],
    ids=["night", "sodium-lamp cast", "blue cast"],
)
@pytest.mark.parametrize("paint", ["white", "silver", "red"])
def test_night_and_colour_casts_are_doubtful(
    reader: PlateReader, paint: str, gain: float, tint: tuple[float, float, float]
) -> None:
    image = vehicle_frame("冀A12345", paint, gain=gain, tint=tint)
    reads = add_looks(image, reader.read(image))
    assert reads, "the plate is still legible"
    assert reads[0].vehicle is not None
    assert reads[0].vehicle.color_doubtful


@needs_font
@pytest.mark.parametrize("light", ["warm", "greenish", "cool"])
@pytest.mark.parametrize("paint", ["white", "black", "red", "blue", "green", "yellow"])
def test_paint_is_named_through_a_colour_cast(reader: PlateReader, paint: str, light: str) -> None:
    """Under a sodium lamp a white car is orange and under a cool LED it is blue; the cast
    is measured and undone, so the paint is still named. What is not named exactly (a
    white car balanced to grey) is marked doubtful: a confident wrong colour would make a
    registered car a "possible cloned plate"."""
    image = vehicle_frame("冀A12345", paint, tint=SYNTH_LIGHTS[light])
    (read,) = add_looks(image, reader.read(image))
    assert read.vehicle is not None
    truth = VehicleColor(paint)
    if paint != "white":
        assert read.vehicle.color is truth, read.vehicle
    assert read.vehicle.color is truth or read.vehicle.color_doubtful, read.vehicle


@needs_font
@pytest.mark.parametrize("paint", ["red", "blue", "white"])
def test_an_infrared_frame_has_no_colour(reader: PlateReader, paint: str) -> None:
    """An infrared night camera gives grey frames: the plate is legible, but a blue plate
    looks black and a red car grey, so neither colour may count as seen (a registered red
    car must not become a "possible cloned plate" at night)."""
    image = cv2.cvtColor(cv2.cvtColor(vehicle_frame("冀A12345", paint), cv2.COLOR_BGR2GRAY),
                         cv2.COLOR_GRAY2BGR)  # fmt: skip
    (read,) = add_looks(image, reader.read(image))
    assert read.text == "冀A12345"
    assert read.color == "unknown"
    assert read.vehicle is not None
    assert read.vehicle.color_doubtful


@needs_font
def test_the_plate_colour_is_not_the_body_colour(reader: PlateReader) -> None:
    """A white lorry with a yellow plate and a white car with a blue plate stay white."""
    for plate, plate_color, layers, kind in (
        ("冀A12345", "blue", 1, "car"),
        ("豫CG117挂", "yellow", 2, "lorry"),
    ):
        image = vehicle_frame(plate, "white", plate_color=plate_color, layers=layers, kind=kind)
        (read,) = add_looks(image, reader.read(image))
        assert read.vehicle is not None
        assert read.vehicle.color is VehicleColor.WHITE
    assert read.vehicle is not None
    assert read.vehicle.vehicle_class.value == "lorry"  # 挂: a trailer


@pytest.mark.parametrize(
    ("plate", "vehicle", "expected"),
    [
        (Box(100, 200, 140, 212), None, Box(40, 164, 200, 218)),
        (None, Box(10, 10, 110, 110), Box(22, 50, 98, 100)),
        # the panels around the plate, cut to the vehicle: no road or neighbour beside it
        (Box(100, 200, 140, 212), Box(60, 150, 180, 260), Box(60, 164, 180, 218)),
        (Box(100, 200, 140, 212), Box(300, 300, 400, 400), Box(40, 164, 200, 218)),
        (Box(10, 200, 50, 212), None, Box(0, 164, 110, 218)),  # clipped to the frame
        (Box(0, 0, 4, 1), None, None),  # too small to hold a body
        (None, None, None),
    ],
)
def test_body_region(plate: Box | None, vehicle: Box | None, expected: Box | None) -> None:
    assert body_region((480, 640, 3), plate, vehicle) == expected
