"""Chinese licence plates: normalise OCR or operator text, classify it, explain a rejection.

Pure functions without I/O, so the edge (OCR reads), central (watchlist keys) and the CLI
agree on what a plate is. Mainland formats follow GA 36-2018. Each format is a row of
per-position slots; the same table both matches a plate and, when nothing matches, names
the first position that is wrong, so an operator can fix the input without reading code.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from checkpoint.errors import InvalidPlate

PROVINCES: frozenset[str] = frozenset(
    "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"
)

_SEPARATORS = frozenset("·•・‧-._/|")
_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")  # GA 36-2018 never issues I or O
_SPECIAL_CHARS = frozenset("使警学挂港澳领应急")
_REPAIRS = {"O": "0", "I": "1"}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_NO_PROVINCE = (
    "not a mainland plate: no province character, and not a military plate (2 letters, "
    "5 digits) or an armed-police plate (WJ, optional province, 5 letters/digits)"
)


class PlateKind(StrEnum):
    STANDARD = "standard"
    NEW_ENERGY_SMALL = "new_energy_small"
    NEW_ENERGY_LARGE = "new_energy_large"
    POLICE = "police"
    COACH = "coach"
    TRAILER = "trailer"
    HONG_KONG = "hong_kong"
    MACAU = "macau"
    CONSULATE = "consulate"
    EMBASSY = "embassy"
    EMERGENCY = "emergency"
    MILITARY = "military"
    ARMED_POLICE = "armed_police"
    AGRICULTURAL = "agricultural"
    GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class Plate:
    """A plate that passed `parse`: `text` is normalised and repaired, `kind` its format."""

    text: str
    kind: PlateKind

    @property
    def is_mainland(self) -> bool:
        """False for foreign and Hong Kong/Macau-own plates, which follow no mainland rule."""
        return self.kind is not PlateKind.GENERIC

    @property
    def province(self) -> str | None:
        """The issuing province character (also inside an armed-police plate), if any."""
        return next((c for c in self.text[:3] if c in PROVINCES), None)


@dataclass(frozen=True, slots=True)
class _Slot:
    chars: frozenset[str]
    what: str
    repairable: bool = False  # an O or I here can only be a misread 0 or 1


@dataclass(frozen=True, slots=True)
class _Format:
    kind: PlateKind
    name: str
    layout: str
    slots: tuple[_Slot, ...]


def _lit(chars: str, why: str = "") -> tuple[_Slot, ...]:
    return tuple(_Slot(frozenset(c), f"{c}{why}") for c in chars)


_P = _Slot(PROVINCES, "a province character such as 京 or 粤")
_L = _Slot(_LETTERS, "a letter A-Z (not I or O)")
_AZ = _Slot(frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "a letter A-Z")
_S = _Slot(_LETTERS | _DIGITS, "a letter (not I or O) or a digit", repairable=True)
_D = _Slot(_DIGITS, "a digit", repairable=True)
_E = _Slot(frozenset("DABCEFGHJK"), "one of D, A, B, C, E, F, G, H, J, K")
_YUE_Z = _lit("粤Z", " (cross-border plates start with 粤Z)")


def _special(kind: PlateKind, name: str, suffix: str) -> _Format:
    layout = f"province, letter, 4 letters/digits, {suffix}"
    return _Format(kind, name, layout, (_P, _L, *[_S] * 4, *_lit(suffix)))


# Most specific first; the first format that fits wins.
_FORMATS: tuple[_Format, ...] = (
    _Format(
        PlateKind.HONG_KONG,
        "a Hong Kong cross-border plate",
        "粤Z, 4 letters/digits, 港",
        (*_YUE_Z, *[_S] * 4, *_lit("港")),
    ),
    _Format(
        PlateKind.MACAU,
        "a Macau cross-border plate",
        "粤Z, 4 letters/digits, 澳",
        (*_YUE_Z, *[_S] * 4, *_lit("澳")),
    ),
    *(
        _Format(
            PlateKind.EMERGENCY,
            "an emergency plate",
            "province, letter, 4 or 5 letters/digits, 应急",
            (_P, _L, *[_S] * n, *_lit("应急")),
        )
        for n in (4, 5)
    ),
    _special(PlateKind.POLICE, "a police plate", "警"),
    _special(PlateKind.COACH, "a driving-school plate", "学"),
    _special(PlateKind.TRAILER, "a trailer plate", "挂"),
    _special(PlateKind.CONSULATE, "a consulate plate", "领"),
    _Format(
        PlateKind.NEW_ENERGY_SMALL,
        "a new-energy plate",
        "province, letter, D/A-H/J/K, letter/digit, 4 digits for a small car",
        (_P, _L, _E, _S, *[_D] * 4),
    ),
    _Format(
        PlateKind.NEW_ENERGY_LARGE,
        "a new-energy plate",
        "province, letter, 5 digits, D/A-H/J/K for a large vehicle",
        (_P, _L, *[_D] * 5, _E),
    ),
    _Format(
        PlateKind.STANDARD,
        "a standard mainland plate",
        "province, letter, 5 letters/digits",
        (_P, _L, *[_S] * 5),
    ),
    _Format(PlateKind.AGRICULTURAL, "a farm-vehicle plate", "province, 7 digits", (_P, *[_D] * 7)),
    _Format(PlateKind.EMBASSY, "an embassy plate", "使, 6 digits", (*_lit("使"), *[_D] * 6)),
    *(
        _Format(
            PlateKind.ARMED_POLICE,
            "an armed-police plate",
            "WJ, optional province, 5 letters/digits",
            (*_lit("WJ"), *province, *[_S] * 5),
        )
        for province in ((), (_P,))
    ),
    _Format(PlateKind.MILITARY, "a military plate", "2 letters, 5 digits", (_AZ, _AZ, *[_D] * 5)),
)
_SUFFIX_KINDS = (
    ("应急", PlateKind.EMERGENCY),
    ("港", PlateKind.HONG_KONG),
    ("澳", PlateKind.MACAU),
    ("警", PlateKind.POLICE),
    ("学", PlateKind.COACH),
    ("挂", PlateKind.TRAILER),
    ("领", PlateKind.CONSULATE),
)
_UNSUFFIXED = frozenset(
    {
        PlateKind.STANDARD,
        PlateKind.NEW_ENERGY_SMALL,
        PlateKind.NEW_ENERGY_LARGE,
        PlateKind.AGRICULTURAL,
    }
)


def normalize(text: str) -> str:
    """Fold what OCR and operators type into one spelling; does not validate.

    Full-width forms become half-width (NFKC), whitespace and separators (·•・‧-._/|) go,
    letters are upper-cased. Repeated until stable, because NFKC after upper-casing or
    after dropping a separator can change exotic input again; plates need one pass.

    Args:
        text: Raw plate text, e.g. ``"冀Ａ·１２３４５"``.

    Returns:
        The folded text, e.g. ``"冀A12345"``; empty when nothing but separators was given.
    """
    while True:
        folded = unicodedata.normalize("NFKC", text).upper()
        folded = "".join(c for c in folded if not c.isspace() and c not in _SEPARATORS)
        if folded == text:
            return folded
        text = folded


def parse(text: str, *, allow_generic: bool = True) -> Plate:
    """Normalise, repair and classify a plate.

    O and I never occur on mainland plates, so in a serial position they are read as 0 and
    1. Text without a Chinese character that is neither military nor armed police is a
    foreign or Hong Kong/Macau-own plate (GENERIC), if `allow_generic`.

    Args:
        text: Raw plate text from OCR, a file or an operator.
        allow_generic: Accept plates outside the mainland grammar.

    Returns:
        The plate with its normalised, repaired text and its kind.

    Raises:
        InvalidPlate: The text is not a plate; the message names the input and the fault.
    """
    plate = normalize(text)
    for fmt in _FORMATS:
        repaired = _repair(plate, fmt)
        if _mismatch(repaired, fmt) is None:
            return Plate(repaired, fmt.kind)
    if allow_generic and not any(map(_is_cjk, plate)) and _generic_fault(plate) is None:
        return Plate(plate, PlateKind.GENERIC)
    raise InvalidPlate(f"{text!r}: {_explain(plate, allow_generic)}")


def is_valid(text: str, *, allow_generic: bool = True) -> bool:
    """Whether `parse` accepts `text`, for filters that do not need the reason."""
    try:
        parse(text, allow_generic=allow_generic)
    except InvalidPlate:
        return False
    return True


def text_affinity(a: str, b: str) -> float:
    """1.0 for equal texts, 0 when clearly different plates; empty text is neutral.

    A read with one character more or less, the rest in order (a rivet or the frame read
    as a character, a thin 1 lost), is the same plate: splitting it into a track of its
    own would make a one-frame misread a passage of its own, and keeping it beside the
    right read of the same frame would report a second plate that is not there.
    """
    if not a or not b:
        return 0.5
    if len(a) != len(b):
        if abs(len(a) - len(b)) != 1:
            return 0.0
        short, long = sorted((a, b), key=len)
        if any(long[:i] + long[i + 1 :] == short for i in range(len(long))):
            return len(short) / len(long)
        return 0.2
    same = sum(1 for x, y in zip(a, b, strict=True) if x == y)
    return same / len(a) if same * 2 >= len(a) else 0.0


def _is_cjk(c: str) -> bool:
    return (
        "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\U00020000" <= c <= "\U0003ffff"
    )


def _repair(plate: str, fmt: _Format) -> str:
    if len(plate) != len(fmt.slots):
        return plate
    pairs = zip(plate, fmt.slots, strict=True)
    return "".join(_REPAIRS.get(c, c) if slot.repairable else c for c, slot in pairs)


def _mismatch(plate: str, fmt: _Format) -> int | None:
    """Index of the first character that breaks `fmt` (the length if too short), or None."""
    for i, slot in enumerate(fmt.slots):
        if i >= len(plate) or plate[i] not in slot.chars:
            return i
    return None if len(plate) == len(fmt.slots) else len(fmt.slots)


def _generic_fault(plate: str) -> str | None:
    if not 2 <= len(plate) <= 10:
        return f"a plate without a province character has 2 to 10 letters/digits, got {len(plate)}"
    if not any(c in _DIGITS for c in plate):
        return "a plate without a province character must contain at least one digit"
    return None


def _explain(plate: str, allow_generic: bool) -> str:
    """Say in an operator's words why `plate` (normalised) fits no format."""
    if not plate:
        return "empty plate"
    first = plate[0]
    if _is_cjk(first) and first not in PROVINCES and first != "使":
        return f"unknown province character {first!r}"
    for pos, c in enumerate(plate, 1):
        if not (c.isascii() and c.isalnum()) and c not in PROVINCES | _SPECIAL_CHARS:
            return f"character {c!r} at position {pos} is not allowed on a plate"
    if not any(map(_is_cjk, plate)):
        return (_generic_fault(plate) or _NO_PROVINCE) if allow_generic else _NO_PROVINCE
    if plate.startswith("WJ"):
        kinds = frozenset({PlateKind.ARMED_POLICE})
    elif first == "使":
        kinds = frozenset({PlateKind.EMBASSY})
    elif first not in PROVINCES:
        return f"the first character must be a province character such as 京 or 粤, got {first!r}"
    else:
        suffixed = (frozenset({k}) for s, k in _SUFFIX_KINDS if plate.endswith(s))
        kinds = next(suffixed, _UNSUFFIXED)
    return _explain_formats(plate, [f for f in _FORMATS if f.kind in kinds])


def _explain_formats(plate: str, formats: list[_Format]) -> str:
    same_length = [f for f in formats if len(f.slots) == len(plate)]
    if not same_length:
        too_short = len(plate) < min(len(f.slots) for f in formats)
        fmt = (min if too_short else max)(formats, key=lambda f: len(f.slots))
        counts = " or ".join(str(len(f.slots)) for f in formats if f.kind is fmt.kind)
        word = "too short" if too_short else "too long"
        return f"{word}: {fmt.name} has {counts} characters ({fmt.layout}), got {len(plate)}"

    def reach(fmt: _Format) -> int:
        return _mismatch(_repair(plate, fmt), fmt) or 0

    fmt = max(same_length, key=reach)  # the format the text follows furthest; ties: earliest
    pos = reach(fmt)
    message = f"the {_ORDINALS[pos]} character must be {fmt.slots[pos].what}, got {plate[pos]!r}"
    return message if pos < 2 else f"{message} ({fmt.name} is {fmt.layout})"
