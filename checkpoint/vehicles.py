"""Vehicle descriptions: colour and class names, registrations, and when two disagree.

A cloned plate (套牌) is a real registration on the wrong vehicle; the only evidence at a
checkpoint is that the vehicle does not look like what the plate is registered to. Colour
and class are judged from a camera, so names that a camera confuses (white and silver, a
car and an SUV) are never called a contradiction: only a clear one may bother an officer,
and a colour seen at night or under a colour cast is never enough on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from checkpoint import plates
from checkpoint.errors import InvalidInput


class VehicleColor(StrEnum):
    WHITE = "white"
    SILVER = "silver"
    GREY = "grey"
    BLACK = "black"
    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    BROWN = "brown"
    UNKNOWN = "unknown"


class VehicleClass(StrEnum):
    CAR = "car"
    VAN = "van"
    """SUVs, MPVs and vans: tall light vehicles a camera cannot tell from each other."""
    BUS = "bus"
    LORRY = "lorry"
    MOTORCYCLE = "motorcycle"
    UNKNOWN = "unknown"


_COLOR_ALIASES = {
    "gray": VehicleColor.GREY,
    "champagne": VehicleColor.SILVER,
    "gold": VehicleColor.YELLOW,
    "purple": VehicleColor.RED,
    "maroon": VehicleColor.RED,
    "白": VehicleColor.WHITE,
    "银": VehicleColor.SILVER,
    "灰": VehicleColor.GREY,
    "黑": VehicleColor.BLACK,
    "红": VehicleColor.RED,
    "橙": VehicleColor.ORANGE,
    "黄": VehicleColor.YELLOW,
    "绿": VehicleColor.GREEN,
    "蓝": VehicleColor.BLUE,
    "棕": VehicleColor.BROWN,
}
_CLASS_ALIASES = {
    "saloon": VehicleClass.CAR,
    "sedan": VehicleClass.CAR,
    "hatchback": VehicleClass.CAR,
    "taxi": VehicleClass.CAR,
    "suv": VehicleClass.VAN,
    "mpv": VehicleClass.VAN,
    "minivan": VehicleClass.VAN,
    "truck": VehicleClass.LORRY,
    "trailer": VehicleClass.LORRY,
    "coach": VehicleClass.BUS,
    "motorbike": VehicleClass.MOTORCYCLE,
    "轿车": VehicleClass.CAR,
    "货车": VehicleClass.LORRY,
    "客车": VehicleClass.BUS,
    "摩托车": VehicleClass.MOTORCYCLE,
}

# colours a camera confuses under ordinary light; anything else is a clear difference
_NEAR_COLORS: dict[VehicleColor, frozenset[VehicleColor]] = {
    VehicleColor.WHITE: frozenset({VehicleColor.SILVER}),
    VehicleColor.SILVER: frozenset({VehicleColor.WHITE, VehicleColor.GREY}),
    VehicleColor.GREY: frozenset({VehicleColor.SILVER, VehicleColor.BLACK, VehicleColor.BLUE}),
    VehicleColor.BLACK: frozenset({VehicleColor.GREY}),
    VehicleColor.RED: frozenset({VehicleColor.ORANGE, VehicleColor.BROWN}),
    VehicleColor.ORANGE: frozenset({VehicleColor.RED, VehicleColor.YELLOW, VehicleColor.BROWN}),
    VehicleColor.YELLOW: frozenset({VehicleColor.ORANGE}),
    VehicleColor.GREEN: frozenset(),
    VehicleColor.BLUE: frozenset({VehicleColor.GREY}),
    VehicleColor.BROWN: frozenset({VehicleColor.RED, VehicleColor.ORANGE, VehicleColor.GREY}),
}
# light vehicles, heavy vehicles and two-wheelers; within a group a camera may confuse them
_CLASS_GROUPS: dict[VehicleClass, int] = {
    VehicleClass.CAR: 0,
    VehicleClass.VAN: 0,
    VehicleClass.BUS: 1,
    VehicleClass.LORRY: 1,
    VehicleClass.MOTORCYCLE: 2,
}


_Name = TypeVar("_Name", VehicleColor, VehicleClass)


def _parse_name(
    value: str, names: type[_Name], aliases: dict[str, _Name], what: str, hint: str = ""
) -> _Name:
    """A name of `names` or one of its aliases, case-blind; empty means unknown."""
    text = value.strip().lower()
    if not text:
        return names("unknown")
    try:
        return names(text)
    except ValueError:
        pass
    if text in aliases:
        return aliases[text]
    known = ", ".join(n.value for n in names if n.value != "unknown")
    raise InvalidInput(f"unknown vehicle {what} {value!r}: use one of {known}{hint}")


def parse_color(value: str) -> VehicleColor:
    """A colour name from a registration file or an operator; empty means unknown."""
    return _parse_name(value, VehicleColor, _COLOR_ALIASES, "colour")


def parse_class(value: str) -> VehicleClass:
    """A vehicle class name (aliases such as suv, truck, sedan accepted); empty is unknown."""
    return _parse_name(value, VehicleClass, _CLASS_ALIASES, "class", " (or suv, truck)")


def colors_contradict(registered: VehicleColor, seen: VehicleColor) -> bool:
    """Whether a camera seeing `seen` clearly contradicts a `registered` colour."""
    if VehicleColor.UNKNOWN in (registered, seen) or registered is seen:
        return False
    return seen not in _NEAR_COLORS[registered]


def classes_contradict(registered: VehicleClass, seen: VehicleClass) -> bool:
    """Whether `seen` is clearly another kind of vehicle (a lorry for a registered car)."""
    if VehicleClass.UNKNOWN in (registered, seen):
        return False
    return _CLASS_GROUPS[registered] != _CLASS_GROUPS[seen]


@dataclass(frozen=True, slots=True)
class Registration:
    """What a plate is registered to, from the vehicle registration records."""

    plate: str
    color: VehicleColor = VehicleColor.UNKNOWN
    vehicle_class: VehicleClass = VehicleClass.UNKNOWN
    make: str = ""

    def describe(self) -> str:
        return describe(self.color, self.vehicle_class, self.make)


def make_registration(plate: str, color: str, vehicle_class: str, make: str) -> Registration:
    """A registration from an operator's text (a CSV row, a wire message), validated.

    Raises:
        InvalidInput: empty or invalid plate, unknown colour or class.
    """
    if not plate.strip():
        raise InvalidInput("empty plate")
    return Registration(
        plates.parse(plate).text, parse_color(color), parse_class(vehicle_class), make.strip()
    )


@dataclass(frozen=True, slots=True)
class VehicleSeen:
    """What the edge saw of one vehicle over its track.

    `color_agreement` and `class_agreement` are the shares of the track's frames that
    agreed with the reported value (1.0 for a single still). `color_doubtful` is set when
    the light (night, a strong colour cast) makes any colour judgement unsafe.
    """

    color: VehicleColor = VehicleColor.UNKNOWN
    color_confidence: float = 0.0
    color_agreement: float = 0.0
    color_doubtful: bool = False
    vehicle_class: VehicleClass = VehicleClass.UNKNOWN
    class_confidence: float = 0.0
    class_agreement: float = 0.0
    frames: int = 0

    def describe(self) -> str:
        return describe(self.color, self.vehicle_class, "")


def describe(color: VehicleColor, vehicle_class: VehicleClass, make: str) -> str:
    """Officer-facing words for a vehicle, e.g. "white car (Geely)"."""
    words = [w.value for w in (color, vehicle_class) if w.value != "unknown"]
    text = " ".join(words) or "vehicle of unknown colour and class"
    return f"{text} ({make})" if make else text


@dataclass(frozen=True, slots=True)
class ClonePolicy:
    """How sure the edge must be before a mismatch with a registration is raised."""

    min_confidence: float = 0.6
    """Per-frame confidence of the reported colour/class, averaged over the track."""
    min_agreement: float = 0.6
    """Share of the track's frames that saw the same colour/class."""


def clone_evidence(
    registration: Registration, seen: VehicleSeen, policy: ClonePolicy | None = None
) -> str | None:
    """Why this vehicle may carry a cloned plate, or None when nothing clearly disagrees.

    A colour counts only when it is confident, consistent over the track and not doubtful;
    a class counts when confident and consistent. Either clear contradiction is enough.
    """
    policy = policy or ClonePolicy()
    reasons: list[str] = []
    color_sure = (
        not seen.color_doubtful
        and seen.color_confidence >= policy.min_confidence
        and seen.color_agreement >= policy.min_agreement
    )
    if color_sure and colors_contradict(registration.color, seen.color):
        reasons.append("colour")
    class_sure = (
        seen.class_confidence >= policy.min_confidence
        and seen.class_agreement >= policy.min_agreement
    )
    if class_sure and classes_contradict(registration.vehicle_class, seen.vehicle_class):
        reasons.append("class")
    if not reasons:
        return None
    return (
        f"possible cloned plate: {registration.plate} is registered as "
        f"{registration.describe()}, seen as {seen.describe()} ({' and '.join(reasons)} differ)"
    )
