"""Reading rendered plates of every colour and layout, placed in frames with camera effects."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge.read import PlateReader, PPOCRConfig, load_reader
from edge.read.colour import monochrome
from edge.read.ppocr import _distinct
from edge.synth import (
    LIGHTS,
    augment,
    jpeg,
    place_on_background,
    random_background,
    render_plate,
)
from edge.track import PlateTracker
from edge.types import Box, Frame, PlateRead
from tests.edge.read.conftest import needs_font, plates_frame
from tests.edge.vehicle.scenes import vehicle_frame

CASES = [
    ("京A12345", "blue", 1),
    ("冀E12345", "yellow", 2),
    ("豫CG117挂", "yellow", 2),
    ("粤BD01366", "green", 1),
    ("京A1234警", "white", 1),
    ("粤Z1234港", "black", 1),
    ("云2627252", "green", 2),  # a tractor: 云26 over 27252, white on green
]


@needs_font
@pytest.mark.parametrize(("text", "color", "layers"), CASES)
def test_reads_rendered_plate(reader: PlateReader, text: str, color: str, layers: int) -> None:
    rng = np.random.default_rng(1)
    background = random_background(rng, 540, 960)
    plate = render_plate(text, color, layers=layers)
    frame, placed = place_on_background(plate, background, rng, width=200 if layers == 1 else 140)
    frame = augment(frame, rng)

    reads = reader.read(frame)

    assert [r.text for r in reads] == [text]
    read = reads[0]
    assert read.color == color
    assert read.layers == layers
    assert read.box.iou(placed.box) > 0.5
    assert len(read.char_confidences) == len(text)
    assert read.candidates[0][0] == text


@needs_font
def test_roi_limits_search_and_keeps_frame_coordinates(reader: PlateReader) -> None:
    rng = np.random.default_rng(2)
    background = random_background(rng, 540, 960)
    frame, placed = place_on_background(
        render_plate("沪AF71017", "green"), background, rng, width=220, center=(700, 300)
    )

    inside = reader.read(frame, roi=placed.box.__class__(500, 200, 900, 400))
    outside = reader.read(frame, roi=placed.box.__class__(0, 0, 300, 200))

    assert [r.text for r in inside] == ["沪AF71017"]
    assert inside[0].box.iou(placed.box) > 0.5
    assert outside == []


def test_blank_frame_has_no_plate(reader: PlateReader) -> None:
    frame = np.full((480, 640, 3), 128, np.uint8)
    assert reader.read(frame) == []


@needs_font
@pytest.mark.parametrize(
    ("text", "color", "panel"),
    [("粤Z1234港", "black", (230, 120, 30)), ("京A1234警", "white", (60, 200, 60))],
)
def test_small_achromatic_plate_on_a_coloured_panel(
    reader: PlateReader, text: str, color: str, panel: tuple[int, int, int]
) -> None:
    """A small black or white plate on a painted panel: its box is mostly the panel's
    colour, yet the plate is read and reported with its own colour."""
    rng = np.random.default_rng(3)
    background = np.empty((540, 960, 3), np.uint8)
    background[:] = panel  # BGR: a blue car body, a green one
    frame, placed = place_on_background(
        render_plate(text, color), background, rng, width=100, max_tilt_deg=8.0
    )
    frame = augment(frame, rng, blur=0.6)

    reads = reader.read(frame)

    assert [r.text for r in reads] == [text]
    assert reads[0].color == color
    assert reads[0].box.iou(placed.box) > 0.3


@needs_font
def test_a_white_plate_is_found_where_the_last_frame_saw_it() -> None:
    """The colour finder cannot see a white plate; told where the lane's tracker saw it a
    frame ago, the reader finds it there without any whole-frame search."""
    reader = load_reader(PPOCRConfig(full_frame="never"))
    rng = np.random.default_rng(4)
    frame, placed = place_on_background(
        render_plate("京A1234警", "white"), random_background(rng, 1080, 1920), rng, width=220
    )
    b = placed.box
    moved = Box(b.x1 + 10, b.y1 - 25, b.x2 + 10, b.y2 - 25)  # where it was a frame ago
    far = Box(100, 100, 320, 170)

    assert reader.read(frame) == []
    assert reader.read(frame, near=[far]) == []
    reads = reader.read(frame, near=[moved])
    assert [r.text for r in reads] == ["京A1234警"]
    assert reads[0].box.iou(placed.box) > 0.5


@needs_font
@pytest.mark.parametrize(("text", "color"), [("京A1234警", "white"), ("粤Z1234港", "black")])
def test_plate_at_the_frame_edge(photo_reader: PlateReader, text: str, color: str) -> None:
    """A plate 6 px from the frame's left edge: its detected line reaches past the edge,
    and its colour must be judged on the part inside the frame; its box stays inside."""
    rng = np.random.default_rng(5)
    background = np.full((540, 960, 3), 90, np.uint8)
    frame, placed = place_on_background(
        render_plate(text, color), background, rng, width=200, center=(106, 300),
        max_tilt_deg=0.0, max_skew=0.0,
    )  # fmt: skip

    reads = photo_reader.read(frame)

    assert [r.text for r in reads] == [text]
    assert reads[0].box.iou(placed.box) > 0.5
    box = reads[0].box
    assert 0 <= box.x1 < box.x2 <= frame.shape[1] and 0 <= box.y1 < box.y2 <= frame.shape[0]


def test_monochrome_frames() -> None:
    rng = np.random.default_rng(6)
    colour = random_background(rng, 540, 960)
    grey = cv2.cvtColor(cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    _, jpeg = cv2.imencode(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, 60])
    assert not monochrome(colour)
    assert monochrome(grey)
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    assert decoded is not None
    assert monochrome(decoded)
    # one small coloured thing (a sign, a tail light) makes a colour camera's frame
    grey[100:140, 200:260] = (30, 30, 200)
    assert not monochrome(grey)


@needs_font
def test_plate_colour_is_unknown_on_a_grey_frame(photo_reader: PlateReader) -> None:
    """The text of a blue plate is read on an infrared frame; its colour is not reported
    as the black it looks, while a police plate keeps the white its kind has."""
    rng = np.random.default_rng(7)
    reads = {}
    for text, color in (("京A12345", "blue"), ("京A1234警", "white")):
        frame, _ = place_on_background(
            render_plate(text, color), random_background(rng, 540, 960), rng, width=200
        )
        grey = cv2.cvtColor(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
        reads[text] = [(r.text, r.color) for r in photo_reader.read(grey)]
    assert reads == {"京A12345": [("京A12345", "unknown")], "京A1234警": [("京A1234警", "white")]}


@needs_font
def test_a_black_plate_beside_a_blue_one_is_found_by_the_sweep() -> None:
    """In lane mode a read plate skips the whole-frame search, so a black (or white) plate
    beside a blue one would never be read; the sweep searches one tile per frame and finds
    it within a round of tiles, after which the tracker's hints keep it every frame."""
    frame = plates_frame(
        8,
        (1080, 1920),
        [("京A12345", "blue", 220, (600, 700)), ("粤Z1234港", "black", 220, (1400, 650))],
    )
    seen: dict[int, list[list[str]]] = {}
    for tiles in (0, 9):
        reader = load_reader(PPOCRConfig(sweep_tiles=tiles))  # type: ignore[arg-type]
        tracker = PlateTracker()
        seen[tiles] = []
        for i in range(12):
            reads = reader.read(frame, near=tracker.plates_in_view())
            tracker.update(Frame(image=frame, index=i, timestamp=i / 10), reads)
            seen[tiles].append(sorted(r.text for r in reads))

    assert all(texts == ["京A12345"] for texts in seen[0])
    first = next(i for i, texts in enumerate(seen[9]) if "粤Z1234港" in texts)
    assert first < 9
    assert all(texts == ["京A12345", "粤Z1234港"] for texts in seen[9][first:]), seen[9]


@needs_font
@pytest.mark.parametrize(
    ("small_at", "kept"),
    [((400, 300), False), ((250, 200), False), ((770, 200), True), ((500, 420), True)],
    ids=["beside-the-plate", "above-the-plate", "another-vehicle", "below-the-plate"],
)
def test_small_lettering_on_a_plates_vehicle_is_no_plate(
    photo_reader: PlateReader, small_at: tuple[int, int], kept: bool
) -> None:
    """Plates have standard sizes: text under 0.6 of a plate's width on the panels beside
    or above it is a badge or model name (a chrome "LX570" reads as a Hong Kong plate).
    The same small plate away from that vehicle is a farther vehicle's, and one below it
    may be a lorry's real plate under its painted enlarged number: both are read."""
    rng = np.random.default_rng(5)
    body = np.empty((480, 854, 3), np.uint8)
    body[:] = (40, 40, 40)  # a dark car's rear
    small = render_plate("粤Z1234港", "black")
    alone, _ = place_on_background(small, body.copy(), rng, width=90, center=small_at)
    assert [r.text for r in photo_reader.read(alone)] == ["粤Z1234港"]  # readable alone

    frame, _ = place_on_background(
        render_plate("京A12345", "blue"), body.copy(), rng, width=200, center=(250, 300)
    )
    frame, _ = place_on_background(small, frame, rng, width=90, center=small_at)

    texts = sorted(r.text for r in photo_reader.read(frame))

    assert texts == (["京A12345", "粤Z1234港"] if kept else ["京A12345"])


@needs_font
@pytest.mark.parametrize(
    ("plate", "colour", "light"),
    [("冀A12345", "blue", "cool"), ("京A1234学", "yellow", "warm")],
    ids=["one-character-off", "two-characters-off"],
)
def test_a_looser_box_around_the_plate_is_the_same_plate(
    reader: PlateReader, plate: str, colour: str, light: str
) -> None:
    """Under a cast the finder also proposes the plate with the dark grille above it, which
    reads 皖A12345 at 0.51 beside the plate's own 冀A12345 at 0.99 (or RA1234, a Hong Kong
    pattern, beside 京A1234学). That read is the same place, not a second, larger plate:
    kept, it made the right read look like lettering beside it, and the right read was
    dropped for a false one."""
    image = vehicle_frame(plate, "white", plate_color=colour, tint=LIGHTS[light])
    assert [(r.text, r.color) for r in reader.read(image)] == [(plate, colour)]


def test_two_different_reads_overlapping_a_little_are_two_plates() -> None:
    """A cross-border car's Hong Kong plate sits right above its mainland one; under a
    turned camera the upright boxes of the two tilted plates overlap (IoU 0.31 in
    `we_hongkang1.jpg` turned 5 degrees, 0.41 turned 15) and one plate was dropped as a
    second read of the other. Two unlike texts whose boxes only overlap are two plates; a
    like read, or a box holding most of the other's (a looser box around the plate, with
    the grille above it), is still the same place read twice."""
    hong_kong = PlateRead("SN6497", 0.87, Box(426, 554, 599, 692), "black", 2)
    mainland = PlateRead("粤ZR066港", 0.95, Box(428, 614, 618, 728), "black")
    assert hong_kong.box.iou(mainland.box) > 0.4
    assert {r.text for r in _distinct([hong_kong, mainland])} == {"SN6497", "粤ZR066港"}
    right = PlateRead("冀A12345", 0.99, Box(336, 614, 512, 687), "blue")
    like = PlateRead("皖A12345", 0.51, Box(330, 600, 520, 700), "blue")
    assert [r.text for r in _distinct([like, right])] == ["冀A12345"]
    looser = PlateRead("RA1234", 0.8, Box(326, 540, 522, 692), "white")
    assert looser.box.iou(right.box) < 0.5
    assert [r.text for r in _distinct([looser, right])] == ["冀A12345"]
    overlapping = PlateRead("粤B12345", 0.97, Box(428, 600, 618, 720), "blue")
    assert [r.text for r in _distinct([overlapping, mainland])] == ["粤B12345"]


@needs_font
def test_a_character_cut_off_its_line_is_joined_back(reader: PlateReader) -> None:
    """On a black car under a warm lamp the detector cuts the red 警 off the police plate's
    line: the line alone reads 京A1234, which no grammar accepts, and the piece beside it
    reads 警. Joined, they are the plate."""
    image = vehicle_frame("京A1234警", "black", plate_color="white", tint=LIGHTS["warm"])
    assert [(r.text, r.color) for r in reader.read(image)] == [("京A1234警", "white")]


@needs_font
@pytest.mark.parametrize("gain", [0.3, 0.2])
def test_a_lorry_plate_at_night_is_read_yellow(reader: PlateReader, gain: float) -> None:
    """At night a yellow lorry plate's paint falls under the yellow thresholds: it was named
    black at 0.3 of daylight and not read at all at 0.2. The frame and the plate crop are
    brightened first (their brightest paint is dim), so the lane reads the plate and the
    restriction rules still see a yellow plate."""
    image = vehicle_frame(
        "豫CG117挂", "white", plate_color="yellow", layers=2, kind="lorry", gain=gain
    )
    assert [(r.text, r.color) for r in reader.read(image)] == [("豫CG117挂", "yellow")]


@needs_font
@pytest.mark.parametrize(
    ("plate", "paint", "light"),
    [("豫CG117挂", "black", "warm"), ("豫CG117挂", "red", "greenish"), ("冀E12345", "red", "warm")],
)
def test_a_small_compressed_double_layer_plate_keeps_both_top_characters(
    reader: PlateReader, plate: str, paint: str, light: str
) -> None:
    """The top row of a small double-layer plate after JPEG reads as its province alone: the
    recogniser loses the letter, spaced far from the province, to the blank. The top row is
    decoded as the two characters it must hold (`CTCDecoder.decode_top_row`)."""
    image = vehicle_frame(
        plate, paint, plate_color="yellow", layers=2, kind="lorry", tint=LIGHTS[light], scale=0.6
    )
    compressed = jpeg(image, 40)
    assert compressed is not None
    assert [(r.text, r.layers) for r in reader.read(compressed)] == [(plate, 2)]


@needs_font
@pytest.mark.parametrize(("plate", "paint"), [("UW6532", "blue"), ("GA13189", "silver")])
def test_a_tinted_part_of_a_white_plate_does_not_cut_its_read_short(
    reader: PlateReader, plate: str, paint: str
) -> None:
    """Under a greenish lamp and heavy JPEG a small white plate is yellow in patches: the
    finder proposes the yellow patch, and its direct read, UW65 or GA131, is a valid plate
    on its own. A white or black read of a finder blob is searched for around it, and the
    longer read holding it is the plate."""
    image = vehicle_frame(plate, paint, plate_color="white", tint=LIGHTS["greenish"], scale=0.6)
    compressed = jpeg(image, 30)
    assert compressed is not None
    assert [r.text for r in reader.read(compressed)] == [plate]


@needs_font
@pytest.mark.parametrize(
    ("plate", "colour"), [("粤Z1234港", "black"), ("京A1234警", "white"), ("GA13189", "white")]
)
def test_a_small_achromatic_plate_on_a_red_car_survives_jpeg(
    reader: PlateReader, plate: str, colour: str
) -> None:
    """JPEG keeps colour at half resolution: a small white or black plate on a red car takes
    a red fringe, and the detector's box around it (with some of the car) was no plate
    colour at all, so the plate was never read. The middle of the box is."""
    image = vehicle_frame(plate, "red", plate_color=colour, scale=0.6)
    compressed = jpeg(image, 40)
    assert compressed is not None
    assert [(r.text, r.color) for r in reader.read(compressed)] == [(plate, colour)]


@needs_font
@pytest.mark.parametrize(
    ("paint", "light", "scale", "quality"),
    [("red", "warm", 1.1, None), ("white", "white", 0.6, 40)],
    ids=["red-car-warm-lamp", "small-plate-jpeg"],
)
def test_a_faint_red_police_character_is_read_with_its_line(
    reader: PlateReader, paint: str, light: str, scale: float, quality: int | None
) -> None:
    """The red 警 is a white plate's faintest ink: on a red car under a warm lamp it is red
    on pink, and on a small plate after JPEG it fades to pink; the detector's line stopped
    short of it and read 京A1234, no plate. Such a line, which one red character at an end
    would make a plate, is read again one character wider at each end."""
    image = vehicle_frame("京A1234警", paint, plate_color="white", tint=LIGHTS[light], scale=scale)
    if quality is not None:
        compressed = jpeg(image, quality)
        assert compressed is not None
        image = compressed
    assert [(r.text, r.color) for r in reader.read(image)] == [("京A1234警", "white")]


@needs_font
def test_a_car_sized_text_box_does_not_hide_the_plate_inside_it(reader: PlateReader) -> None:
    """Under a warm lamp after JPEG the whole-frame detector also boxes a red car's whole
    front as one line. Refined first (widest first), its crop is scaled for a line that
    tall, where the plate's characters are a few pixels high, and the plate's own line,
    lying inside that crop, then counted as searched and was never read."""
    image = jpeg(vehicle_frame("粤Z1234港", "red", plate_color="black", tint=LIGHTS["warm"]), 40)
    assert image is not None
    assert [(r.text, r.color) for r in reader.read(image)] == [("粤Z1234港", "black")]


def _cross_border_plates(seed: int, width: int) -> np.ndarray:
    """A cross-border car's plates: a white Hong Kong two-row plate right above a black
    mainland 粤Z...港 plate, on the dark body between them, placed in a cluttered frame."""
    rng = np.random.default_rng(seed)
    body = (40, 40, 40)
    hong_kong = render_plate("LX8170", "white", layers=2, height=200)
    mainland = render_plate("粤Z1234港", "black", height=140)
    span = mainland.shape[1] + 40

    def centred(plate: np.ndarray) -> np.ndarray:
        left = (span - plate.shape[1]) // 2
        right = span - plate.shape[1] - left
        return cv2.copyMakeBorder(plate, 0, 0, left, right, cv2.BORDER_CONSTANT, value=body)

    gap = np.full((7, span, 3), body, np.uint8)
    both = np.vstack([centred(hong_kong), gap, centred(mainland)])
    frame, _ = place_on_background(both, random_background(rng, 720, 1280), rng, width=width)
    return frame


@needs_font
def test_a_hong_kong_plate_renders_letters_over_digits() -> None:
    plate = render_plate("LX8170", "white", layers=2, height=220)
    assert plate.shape == (220, 340, 3)


@needs_font
@pytest.mark.parametrize(("seed", "width"), [(0, 140), (1, 200), (2, 300)])
def test_stacked_plates_of_a_cross_border_car_are_both_read(
    photo_reader: PlateReader, seed: int, width: int
) -> None:
    """The rows were paired greedily, the widest line taking the short line right above
    it: the Hong Kong plate's digit row went to the mainland plate below it (no plate),
    its letter row stayed alone (no plate), and the Hong Kong plate was never read. Rows
    that made no plate are now paired again among themselves."""
    reads = photo_reader.read(_cross_border_plates(seed, width))
    assert sorted((r.text, r.layers) for r in reads) == [("LX8170", 2), ("粤Z1234港", 1)]
