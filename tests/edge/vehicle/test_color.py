"""Body colour on generated vehicle fronts of known paint, under several lightings."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from checkpoint.vehicles import VehicleColor, colors_contradict
from edge.read import PlateReader
from edge.read.colour import judge_scene
from edge.synth import LIGHTS as SYNTH_LIGHTS
from edge.types import Box
from edge.vehicle.color import body_region, estimate_color, judge_light, same_vehicle
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


def _body(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> tuple[np.ndarray, Box, Box]:
    """A 640x480 frame of grey road with a body whose upper and lower halves differ, a
    white-on-blue plate in the middle; the frame, the plate box and the body region."""
    rng = np.random.default_rng(7)
    frame = np.full((480, 640, 3), 110, np.float32)
    frame[100:250, 160:480] = top
    frame[250:420, 160:480] = bottom
    frame[290:320, 270:370] = (160, 60, 20)  # blue plate
    frame[298:312, 280:360] = 240  # its white characters: the exposure reference
    image = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    plate = Box(270, 290, 370, 320)
    region = body_region(image.shape, plate, Box(160, 100, 480, 420))
    assert region is not None
    return image, plate, region


def test_a_colour_only_part_of_the_body_shows_is_no_clear_evidence() -> None:
    """A glossy black boot lid mirrors the sky: white above the plate, black below. The
    best guess may be either, but a half of the body contradicts it, so it stays under the
    cloned-plate check's confidence; a body painted one colour throughout does not."""
    image, plate, region = _body(top=(235, 235, 235), bottom=(25, 25, 25))
    split = estimate_color(image, region, plate)
    assert split.color in (VehicleColor.WHITE, VehicleColor.BLACK)
    assert split.confidence <= 0.5
    image, plate, region = _body(top=(35, 35, 190), bottom=(35, 35, 190))
    whole = estimate_color(image, region, plate)
    assert whole.color is VehicleColor.RED
    assert whole.confidence >= 0.9


@needs_font
@pytest.mark.parametrize("tint", [(1.0, 1.0, 1.0), (0.7, 1.0, 1.5)], ids=["white", "sodium"])
def test_the_frame_light_judged_once_serves_every_vehicle(
    reader: PlateReader, tint: tuple[float, float, float]
) -> None:
    """Several vehicles in one frame share one judgement of its light, and each vehicle is
    judged exactly as it would be on its own."""
    image = vehicle_frame("冀A12345", "red", tint=tint)
    (read,) = reader.read(image)
    region = body_region(image.shape, read.box, None)
    assert region is not None
    scene = judge_scene(image)
    assert judge_light(image, read.box, region, scene) == judge_light(image, read.box, region)
    (alone,) = add_looks(image, [read])
    together = add_looks(image, [read, read])
    assert together == [alone, alone]


def _close_up(body_half_width: int) -> tuple[np.ndarray, Box, Box]:
    """A 640x480 frame: a black body `body_half_width` px either side of a 100 px blue
    plate, a white wall all around (a close-up with no vehicle box); frame, plate, region."""
    rng = np.random.default_rng(11)
    frame = np.full((480, 640, 3), 235, np.float32)
    frame[150:420, 320 - body_half_width : 320 + body_half_width] = 25
    frame[290:320, 270:370] = (160, 60, 20)  # blue plate
    frame[298:312, 280:360] = 240  # its white characters: the exposure reference
    image = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    plate = Box(270, 290, 370, 320)
    region = body_region(image.shape, plate, None)
    assert region is not None
    return image, plate, region


def test_the_panels_beside_the_plate_outvote_the_region_edges() -> None:
    """With no vehicle box the region is sized for an average car, so a narrow black car
    at the barrier leaves a white wall in its corners: the paint next to the plate is the
    car's for certain and must outvote them. A wall that fills the plate's surroundings
    is what the camera saw, and still wins."""
    image, plate, region = _close_up(body_half_width=125)
    assert estimate_color(image, region, plate).color is VehicleColor.BLACK
    image, plate, region = _close_up(body_half_width=60)
    assert estimate_color(image, region, plate).color is VehicleColor.WHITE


def test_the_frame_s_other_plates_are_no_paint() -> None:
    """A cross-border car carries a white Hong Kong plate over its black mainland one: when
    the mainland plate's body is judged, the other plate's pixels do not vote."""
    rng = np.random.default_rng(5)
    frame = np.full((480, 640, 3), 110, np.float32)
    frame[100:420, 120:520] = 25  # black body
    frame[230:270, 275:365] = 240  # white Hong Kong plate (two rows)
    frame[238:262, 285:355] = 20  # its black characters
    frame[290:320, 270:370] = 20  # black mainland plate under it
    frame[298:312, 280:360] = 235  # its white characters
    image = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    plate, other = Box(270, 290, 370, 320), Box(275, 230, 365, 270)
    region = body_region(image.shape, plate, Box(120, 100, 520, 420))
    assert region is not None
    alone = estimate_color(image, region, plate)
    masked = estimate_color(image, region, plate, others=[other])
    assert alone.shares.get(VehicleColor.WHITE, 0.0) > 0.03
    assert masked.shares.get(VehicleColor.WHITE, 0.0) < 0.01
    assert masked.color is VehicleColor.BLACK
    assert masked.confidence > alone.confidence


def _cross_border_lorry(*, hong_kong_plate: bool) -> tuple[np.ndarray, Box, Box]:
    """A white lorry front whose dark bumper starts right under its Hong Kong plate; the
    mainland plate sits on the bumper."""
    rng = np.random.default_rng(5)
    frame = np.full((480, 640, 3), 110, np.float32)
    frame[40:440, 120:520] = 225  # white cab front
    frame[244:330, 130:510] = 45  # dark bumper
    upper, lower = Box(280, 215, 360, 255), Box(270, 274, 370, 304)
    if hong_kong_plate:
        frame[upper.y1 : upper.y2, upper.x1 : upper.x2] = 240
        frame[upper.y1 + 6 : upper.y2 - 6, upper.x1 + 10 : upper.x2 - 10] = 20
    frame[lower.y1 : lower.y2, lower.x1 : lower.x2] = 20  # black mainland plate
    frame[lower.y1 + 8 : lower.y2 - 8, lower.x1 + 10 : lower.x2 - 10] = 235
    image = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    return image, upper, lower


def test_a_vehicle_s_second_plate_marks_its_paint_too() -> None:
    """The panels around either plate of a cross-border lorry are its own: where the
    mainland plate sits on a dark bumper, the painted panel around the Hong Kong plate
    above it votes as much. A lone plate on the same bumper names the bumper."""
    image, upper, lower = _cross_border_lorry(hong_kong_plate=True)
    region = body_region(image.shape, lower, None)
    assert region is not None
    assert estimate_color(image, region, lower, others=[upper]).color is VehicleColor.WHITE
    image, _, lower = _cross_border_lorry(hong_kong_plate=False)
    assert estimate_color(image, region, lower).color is VehicleColor.BLACK


@pytest.mark.parametrize(
    ("plate", "other", "expected"),
    [
        (Box(892, 1944, 1136, 2078), Box(856, 2068, 1176, 2176), True),  # two-row over one-row
        (Box(789, 1809, 1093, 1899), Box(756, 1637, 1124, 1727), True),  # a plate's width apart
        (Box(100, 300, 200, 330), Box(260, 300, 360, 330), False),  # two cars side by side
        (Box(100, 300, 200, 330), Box(120, 200, 160, 212), False),  # a car further down the lane
        (Box(100, 300, 200, 330), Box(100, 160, 200, 190), False),  # too far above
    ],
)
def test_two_plates_of_one_vehicle(plate: Box, other: Box, expected: bool) -> None:
    assert same_vehicle(plate, other) is expected
    assert same_vehicle(other, plate) is expected
