"""Plate colours under coloured light: the frame's cast is estimated, and plates are also
judged as they would look in white light (a police plate under a sodium lamp is no
yellow plate)."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from edge.read import PlateReader
from edge.read import colour as colour_module
from edge.read.colour import classify, judge_scene, masks, measure_cast, neutral_gains
from edge.read.images import load_image
from edge.read.localise import find_plates
from edge.synth import LIGHTS, place_on_background, render_plate, tint
from edge.types import Box
from tests.edge.read.conftest import DEV_PHOTOS, needs_dev_photos, needs_font

WARM, GREENISH, COOL = LIGHTS["warm"], LIGHTS["greenish"], LIGHTS["cool"]


def street(seed: int, text: str, colour: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A 720p frame of grey road, kerbs and walls (the scene a lane camera sees: greys in
    any light) with one plate in it; the plate's box."""
    rng = np.random.default_rng(seed)
    frame = np.full((720, 1280, 3), 105, np.uint8)
    for _ in range(40):
        x, y = int(rng.integers(0, 1200)), int(rng.integers(0, 660))
        w, h = int(rng.integers(20, 400)), int(rng.integers(10, 200))
        frame[y : y + h, x : x + w] = int(rng.integers(30, 230))
    noise = rng.normal(0, 4, frame.shape)
    frame = np.clip(frame + noise, 0, 255).astype(np.uint8)
    frame, placed = place_on_background(
        render_plate(text, colour), frame, rng, width=260, center=(640, 420)
    )
    b = placed.box
    return frame, (b.x1, b.y1, b.x2, b.y2)


@needs_font
def test_a_frame_in_white_light_is_left_alone() -> None:
    frame, _ = street(1, "京A12345", "blue")
    assert neutral_gains(frame) is None


def test_one_long_coloured_edge_is_not_the_light() -> None:
    """A blue sky over grey road, with everything else flat or clipped: the horizon is the
    largest grey-ish edge of the frame, but it is one edge, not the light of the scene."""
    rng = np.random.default_rng(5)
    frame = np.full((720, 1280, 3), 100.0)
    frame[:240] = (200, 170, 135)  # pale blue sky (BGR), 33% saturated
    frame[300:700, 300:1000] = 255  # an overexposed white van: clipped, no edge to judge by
    for x in range(0, 1280, 160):  # kerb stones, lamp posts: small grey edges everywhere
        frame[400:720, x : x + 8] = 60
        frame[240:720, x + 80 : x + 84] = 150
    noisy = np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8)
    assert neutral_gains(noisy) is None


@needs_font
@pytest.mark.parametrize("light", [WARM, GREENISH, COOL])
def test_the_cast_is_estimated_and_undone(light: tuple[float, float, float]) -> None:
    frame, _ = street(2, "京A12345", "blue")
    gains = neutral_gains(tint(frame, light))
    assert gains is not None
    undone = gains * np.array(light)
    assert np.allclose(undone / undone.mean(), 1.0, atol=0.05), undone


@needs_font
@pytest.mark.parametrize(("text", "colour"), [("京A1234警", "white"), ("粤Z1234港", "black")])
@pytest.mark.parametrize("light", [WARM, GREENISH])
def test_an_achromatic_plate_in_coloured_light(
    text: str, colour: str, light: tuple[float, float, float]
) -> None:
    frame, (x1, y1, x2, y2) = street(3, text, colour)
    tinted = tint(frame, light)
    plate = tinted[y1:y2, x1:x2]
    assert classify(frame[y1:y2, x1:x2]).name == colour
    assert classify(plate, neutral_gains(tinted)).name == colour


@needs_font
@pytest.mark.parametrize(("text", "colour"), [("京A1234警", "white"), ("粤Z1234港", "black")])
@pytest.mark.parametrize("light", [WARM, GREENISH, COOL])
def test_achromatic_plates_are_read_in_coloured_light(
    photo_reader: PlateReader, text: str, colour: str, light: tuple[float, float, float]
) -> None:
    # as measured, the police plate is yellow, green or blue in these lights, and a police
    # plate of those colours is no plate: it was read in white light only
    frame, _ = street(5, text, colour)
    reads = photo_reader.read(tint(frame, light))
    assert [(r.text, r.color) for r in reads] == [(text, colour)]


@needs_dev_photos
@pytest.mark.parametrize(
    ("name", "plate", "colour"),
    [
        ("we_tmpA5E3.png", "WJ1693015", "white"),  # armed police
        ("we_old_tmp42AC.jpg", "鄂F8888警", "white"),  # police
        ("we_old_17.jpg", "使198476", "black"),  # embassy
        ("we_old_4.jpg", "皖A328L2", "blue"),  # measures white under the warm light
        ("we_single_green.jpg", "沪AF71017", "green"),  # new energy
    ],
)
@pytest.mark.parametrize("light", [WARM, GREENISH])
def test_dev_photos_in_coloured_light(
    photo_reader: PlateReader,
    name: str,
    plate: str,
    colour: str,
    light: tuple[float, float, float],
) -> None:
    reads = photo_reader.read(tint(load_image(DEV_PHOTOS / name), light))
    assert (plate, colour) in {(read.text, read.color) for read in reads}


def test_masks_are_made_for_the_colours_asked_for() -> None:
    hsv = cv2.cvtColor(np.full((8, 8, 3), (200, 80, 20), np.uint8), cv2.COLOR_BGR2HSV)
    assert set(masks(hsv)) == {"blue", "yellow", "green", "white", "black"}
    only = masks(hsv, ("blue",))
    assert set(only) == {"blue"} and bool(only["blue"].all())
    with pytest.raises(ValueError, match="not a plate colour"):
        masks(hsv, ("red",))


@needs_font
@pytest.mark.parametrize(
    ("text", "colour", "layers"),
    [
        ("京A12345", "blue", 1),
        ("冀E12345", "yellow", 2),
        ("沪AF71017", "green", 1),
        ("鄂F8888警", "white", 1),
        ("粤Z1234港", "black", 1),
    ],
)
def test_a_large_crop_is_judged_on_a_sample(
    text: str, colour: str, layers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lorry's plate at 4K is a crop of 100-250 thousand pixels, named a dozen times a
    frame: it is judged on a regular sample, with the colour and share of the whole crop."""
    rng = np.random.default_rng(7)
    plate = render_plate(text, colour, layers=layers, height=440)
    plate = np.clip(plate + rng.normal(0, 6, plate.shape), 0, 255).astype(np.uint8)
    assert plate.shape[0] * plate.shape[1] > 100_000
    sampled = classify(plate)
    monkeypatch.setattr(colour_module, "_CLASSIFY_PIXELS", 10**9)
    whole = classify(plate)
    assert sampled.name == whole.name == colour
    assert sampled.share == pytest.approx(whole.share, abs=0.03)


@needs_font
@pytest.mark.parametrize("exposure", [1.0, 0.25], ids=["lit", "night"])
def test_a_scene_judged_by_the_lane_reads_as_the_reader_judges_it(
    photo_reader: PlateReader, exposure: float
) -> None:
    """The lane judges each frame's light once (`judge_scene`) for the reader and the
    vehicle stage; the reader reads the same with it as without. At night the reader
    brightens the frame first and judges the brightened frame itself."""
    frame, _ = street(5, "京A1234警", "white")
    image = (tint(frame, WARM) * exposure).astype(np.uint8)
    alone = photo_reader.read(image)
    shared = photo_reader.read(image, scene=judge_scene(image))
    assert [(r.text, r.color) for r in alone] == [("京A1234警", "white")]
    assert shared == alone


@needs_font
@pytest.mark.parametrize("light", ["warm", "cool", "greenish"])
def test_the_plate_finder_sees_plates_as_in_white_light(light: str) -> None:
    """The finder's hue and saturation bands are white light's: under a cast it looks at
    its copy balanced with the frame's measured light. On these grey street scenes 4 of the
    54 plates (6 seeds x 3 plates x 3 lights) fell out of its bands before: a warm lamp
    turns blue plates violet-grey and a cool one yellow plates pale."""
    found = 0
    plates = [("京A12345", "blue"), ("粤BD01366", "green"), ("京A1234学", "yellow")]
    cases = list(itertools.product(range(6), plates))
    for seed, (text, colour) in cases:
        frame, (x1, y1, x2, y2) = street(seed, text, colour)
        image = tint(frame, LIGHTS[light])
        cast = measure_cast(image)
        assert cast.steady  # one light over the street: the finder may trust it
        regions = find_plates(image, max_side=960, limit=6, gains=cast.gains)
        found += any(r.box.iou(Box(x1, y1, x2, y2)) > 0.3 for r in regions)
    assert found == len(cases)


@needs_font
def test_clutter_of_every_colour_is_no_steady_light() -> None:
    """Grey-edge's median over the frame's blocks still names a "cast" on a synthetic
    background of random colours, but the blocks disagree on it: the finder, which would
    rely on it alone, must not."""
    from tests.edge.read.test_synthetic import _cross_border_plates

    cast = measure_cast(_cross_border_plates(0, 140))
    assert cast.gains is not None
    assert not cast.steady
