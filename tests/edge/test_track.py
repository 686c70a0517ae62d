"""Tracking: one decision per vehicle, early when reads agree, or when it leaves."""

from __future__ import annotations

import numpy as np
import pytest

from checkpoint.plates import text_affinity
from checkpoint.vehicles import VehicleClass, VehicleColor
from edge.track import PlateTracker, Trigger
from edge.types import Box, Frame, PlateRead, VehicleLook

IMAGE = np.zeros((720, 1280, 3), np.uint8)


def frame(index: int, fps: float = 10) -> Frame:
    return Frame(image=IMAGE, index=index, timestamp=index / fps)


def read(text: str, x: int, y: int, confidence: float = 0.9) -> PlateRead:
    return PlateRead(text=text, confidence=confidence, box=Box(x, y, x + 150, y + 45))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("冀A12345", "冀A12345", 1.0),
        ("冀A12345", "冀A1Z345", 6 / 7),
        ("冀A12345", "京B99999", 0.0),
        ("", "冀A12345", 0.5),
        ("冀A12345", "冀A123456", 7 / 8),  # one character too many at the end
        ("SN6497", "SN06497", 6 / 7),  # one inserted inside
        ("冀A12345", "冀B123456", 0.2),  # one longer, and not by one insertion
    ],
)
def test_text_affinity(a: str, b: str, expected: float) -> None:
    assert text_affinity(a, b) == pytest.approx(expected)


def test_decides_once_when_k_reads_agree_then_absorbs() -> None:
    tracker = PlateTracker(agree=3, max_gap_s=0.5)
    decided = []
    for i in range(10):  # a vehicle moving down the frame, misread once
        text = "冀A1Z345" if i == 1 else "冀A12345"
        decided += tracker.update(frame(i), [read(text, 560, 300 + 20 * i)])
    assert [(d.vote.text, d.trigger, d.reads) for d in decided] == [("冀A12345", Trigger.AGREED, 4)]
    for i in range(10, 20):  # gone: no second decision
        decided += tracker.update(frame(i), [])
    assert len(decided) == 1
    assert tracker.active == 0


def test_plates_in_view_are_those_read_in_the_last_frame() -> None:
    tracker = PlateTracker(agree=3)
    assert tracker.plates_in_view() == []
    tracker.update(frame(0), [read("冀A12345", 200, 300), read("京B67890", 900, 300)])
    assert sorted(b.x1 for b in tracker.plates_in_view()) == [200, 900]
    # the next frame reads only the first plate: the second is no longer a place to look,
    # though its track stays open until it has been gone for max_gap_s
    tracker.update(frame(1), [read("冀A12345", 200, 320)])
    assert tracker.plates_in_view() == [Box(200, 320, 350, 365)]
    assert tracker.active == 2
    tracker.update(frame(2), [])
    assert tracker.plates_in_view() == []


def test_unreadable_reads_are_no_place_to_look() -> None:
    tracker = PlateTracker()
    tracker.update(frame(0), [read("", 560, 300, 0.1)])
    assert tracker.plates_in_view() == []


def test_a_misread_with_one_character_more_joins_the_track() -> None:
    """A frame that reads a rivet as a character must not become a passage of its own."""
    tracker = PlateTracker(agree=3, max_gap_s=0.5)
    decided = []
    for i, text in enumerate(["SN6497", "SN06497", "SN6497", "SN6497"]):
        decided += tracker.update(frame(i), [read(text, 560, 300 + 5 * i)])
    decided += tracker.flush()
    assert [(d.vote.text, d.reads) for d in decided] == [("SN6497", 4)]


def test_two_vehicles_side_by_side_are_two_tracks() -> None:
    tracker = PlateTracker(agree=2)
    decided = []
    for i in range(3):
        decided += tracker.update(
            frame(i), [read("冀A12345", 200, 300 + 10 * i), read("京B67890", 900, 310 + 10 * i)]
        )
    assert sorted(d.vote.text for d in decided) == ["京B67890", "冀A12345"]


def test_unreadable_plate_is_decided_when_it_leaves() -> None:
    tracker = PlateTracker(agree=3, max_gap_s=0.5)
    decided = []
    for i in range(5):
        decided += tracker.update(frame(i), [read("", 560, 300 + 10 * i, 0.1)])
    assert decided == []
    decided += tracker.update(frame(20), [])
    assert [(d.vote.text, d.trigger, d.reads) for d in decided] == [("", Trigger.LEFT, 5)]


def test_flush_decides_open_tracks() -> None:
    tracker = PlateTracker(agree=5)
    tracker.update(frame(0), [read("冀A12345", 560, 300)])
    decided = tracker.flush()
    assert [(d.vote.text, d.trigger) for d in decided] == [("冀A12345", Trigger.LEFT)]
    assert decided[0].best_image is IMAGE


def vehicle_only(x: int, y: int) -> PlateRead:
    """A vehicle the detector saw whose plate nobody could read."""
    box = Box(x, y, x + 400, y + 300)
    look = VehicleLook(VehicleColor.WHITE, 0.9, False, VehicleClass.CAR, 0.8, box)
    return PlateRead(text="", confidence=0.0, box=box, vehicle=look)


@pytest.mark.parametrize(("frames", "passages"), [(1, 0), (2, 0), (3, 1), (8, 1)])
def test_an_unreadable_vehicle_needs_enough_frames(frames: int, passages: int) -> None:
    tracker = PlateTracker(agree=3, max_gap_s=0.5, min_unreadable=3)
    decided = []
    for i in range(frames):
        decided += tracker.update(frame(i), [vehicle_only(300 + 5 * i, 200 + 10 * i)])
    decided += tracker.update(frame(frames + 20), [])  # it left
    assert len(decided) == passages
    for item in decided:
        assert item.vote.text == ""
        assert item.trigger is Trigger.LEFT
        assert item.vehicle.color is VehicleColor.WHITE
        assert item.vehicle.frames == frames


def test_vehicle_box_carries_the_track_when_the_plate_appears() -> None:
    """Frames with only the vehicle, then its plate legible: one vehicle, one passage."""
    tracker = PlateTracker(agree=3, max_gap_s=0.5, min_unreadable=3)
    decided = []
    for i in range(6):
        seen = vehicle_only(300 + 5 * i, 200 + 10 * i)
        if i >= 3:
            seen = PlateRead(
                text="冀A12345",
                confidence=0.9,
                box=Box(450 + 5 * i, 420 + 10 * i, 600 + 5 * i, 465 + 10 * i),
                vehicle=seen.vehicle,
            )
        decided += tracker.update(frame(i), [seen])
    decided += tracker.flush()
    assert [d.vote.text for d in decided] == ["冀A12345"]
