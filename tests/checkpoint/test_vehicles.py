"""Vehicle colour/class vocabulary and when a sighting contradicts a registration."""

from __future__ import annotations

import pytest

from checkpoint.errors import InvalidInput
from checkpoint.vehicles import (
    Registration,
    VehicleClass,
    VehicleColor,
    VehicleSeen,
    classes_contradict,
    clone_evidence,
    colors_contradict,
    parse_class,
    parse_color,
)

W, R, S, G, B = (
    VehicleColor.WHITE,
    VehicleColor.RED,
    VehicleColor.SILVER,
    VehicleColor.GREY,
    VehicleColor.BLACK,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("white", W),
        (" White ", W),
        ("gray", G),
        ("红", R),
        ("", VehicleColor.UNKNOWN),
    ],
)
def test_parse_color(text: str, expected: VehicleColor) -> None:
    assert parse_color(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("car", VehicleClass.CAR),
        ("SUV", VehicleClass.VAN),
        ("truck", VehicleClass.LORRY),
        ("货车", VehicleClass.LORRY),
        ("", VehicleClass.UNKNOWN),
    ],
)
def test_parse_class(text: str, expected: VehicleClass) -> None:
    assert parse_class(text) is expected


@pytest.mark.parametrize(("parse", "text"), [(parse_color, "plaid"), (parse_class, "tank")])
def test_unknown_names_are_errors_that_list_the_choices(parse: object, text: str) -> None:
    with pytest.raises(InvalidInput, match=f"unknown vehicle .*{text}.*use one of"):
        parse(text)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("registered", "seen", "contradicts"),
    [
        (W, R, True),
        (W, B, True),
        (W, S, False),  # a camera confuses white and silver
        (S, G, False),
        (B, G, False),
        (R, VehicleColor.ORANGE, False),
        (VehicleColor.BLUE, VehicleColor.GREEN, True),
        (W, VehicleColor.UNKNOWN, False),
        (VehicleColor.UNKNOWN, R, False),
    ],
)
def test_colors_contradict(registered: VehicleColor, seen: VehicleColor, contradicts: bool) -> None:
    assert colors_contradict(registered, seen) is contradicts


@pytest.mark.parametrize(
    ("registered", "seen", "contradicts"),
    [
        (VehicleClass.CAR, VehicleClass.LORRY, True),
        (VehicleClass.CAR, VehicleClass.VAN, False),  # SUV or saloon: not clear
        (VehicleClass.BUS, VehicleClass.LORRY, False),
        (VehicleClass.MOTORCYCLE, VehicleClass.CAR, True),
        (VehicleClass.CAR, VehicleClass.UNKNOWN, False),
    ],
)
def test_classes_contradict(
    registered: VehicleClass, seen: VehicleClass, contradicts: bool
) -> None:
    assert classes_contradict(registered, seen) is contradicts


WHITE_CAR = Registration("冀A12345", W, VehicleClass.CAR, "Geely")


def seen(
    color: VehicleColor = W,
    *,
    confidence: float = 0.9,
    agreement: float = 1.0,
    doubtful: bool = False,
    vehicle_class: VehicleClass = VehicleClass.UNKNOWN,
    class_confidence: float = 0.0,
) -> VehicleSeen:
    return VehicleSeen(
        color=color,
        color_confidence=confidence,
        color_agreement=agreement,
        color_doubtful=doubtful,
        vehicle_class=vehicle_class,
        class_confidence=class_confidence,
        class_agreement=1.0 if class_confidence else 0.0,
        frames=5,
    )


@pytest.mark.parametrize(
    ("sighting", "raised"),
    [
        (seen(R), True),
        (seen(W), False),
        (seen(S), False),
        (seen(R, doubtful=True), False),  # night or colour cast: never on its own
        (seen(R, agreement=0.4), False),  # not consistent over the track
        (seen(R, confidence=0.5), False),  # not confident
        (seen(W, vehicle_class=VehicleClass.LORRY, class_confidence=0.8), True),
        (seen(R, doubtful=True, vehicle_class=VehicleClass.LORRY, class_confidence=0.8), True),
        (seen(W, vehicle_class=VehicleClass.LORRY, class_confidence=0.5), False),
    ],
)
def test_clone_evidence(sighting: VehicleSeen, raised: bool) -> None:
    reason = clone_evidence(WHITE_CAR, sighting)
    assert (reason is not None) is raised
    if reason is not None:
        assert reason.startswith("possible cloned plate: 冀A12345 is registered as white car")
        assert "(Geely)" in reason
