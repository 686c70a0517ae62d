import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint.errors import InvalidInput, InvalidPlate
from checkpoint.plates import PROVINCES, Plate, PlateKind, is_valid, normalize, parse

K = PlateKind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("冀A12345", "冀A12345"),
        ("冀A·12345", "冀A12345"),
        ("冀Ａ１２３４５", "冀A12345"),
        (" 冀a 12345\t", "冀A12345"),
        ("京A•12345", "京A12345"),
        ("京A・12345", "京A12345"),
        ("京A‧12345", "京A12345"),
        ("京A-123.45", "京A12345"),
        ("京A_12/3|45", "京A12345"),
        ("京Ａ－１２３４５", "京A12345"),
        ("京A\u300012345", "京A12345"),
        ("sn 6497", "SN6497"),
        ("京A1O2#5", "京A1O2#5"),  # folds only: no repair, no validation
        ("", ""),
        (" ·-", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "text", "kind"),
    [
        ("冀A12345", "冀A12345", K.STANDARD),
        ("冀A·12345", "冀A12345", K.STANDARD),
        ("冀Ａ１２３４５", "冀A12345", K.STANDARD),
        ("川A8H458", "川A8H458", K.STANDARD),
        ("豫ERU586", "豫ERU586", K.STANDARD),
        ("京EA5331", "京EA5331", K.STANDARD),
        ("苏BD00111", "苏BD00111", K.NEW_ENERGY_SMALL),
        ("粤BD01366", "粤BD01366", K.NEW_ENERGY_SMALL),
        ("苏ED51712", "苏ED51712", K.NEW_ENERGY_SMALL),
        ("京A12345D", "京A12345D", K.NEW_ENERGY_LARGE),
        ("豫CG117挂", "豫CG117挂", K.TRAILER),
        ("粤Z5A55港", "粤Z5A55港", K.HONG_KONG),
        ("粤ZR066港", "粤ZR066港", K.HONG_KONG),
        ("粤Z1234澳", "粤Z1234澳", K.MACAU),
        ("京A1234警", "京A1234警", K.POLICE),
        ("京A1234学", "京A1234学", K.COACH),
        ("沪A1234领", "沪A1234领", K.CONSULATE),
        ("使014578", "使014578", K.EMBASSY),
        ("京A1234应急", "京A1234应急", K.EMERGENCY),
        ("京A12345应急", "京A12345应急", K.EMERGENCY),
        ("VA12345", "VA12345", K.MILITARY),
        ("WJ京1234X", "WJ京1234X", K.ARMED_POLICE),
        ("WJ12345", "WJ12345", K.ARMED_POLICE),
        ("云2627252", "云2627252", K.AGRICULTURAL),
        ("SN6497", "SN6497", K.GENERIC),
        ("AM 1234", "AM1234", K.GENERIC),
        ("so1", "SO1", K.GENERIC),  # foreign plates are not repaired: O is a real letter there
    ],
)
def test_parse_kinds(raw: str, text: str, kind: PlateKind) -> None:
    assert parse(raw) == Plate(text, kind)
    assert is_valid(raw)


@pytest.mark.parametrize(
    ("raw", "text", "kind"),
    [
        ("京AO1234", "京A01234", K.STANDARD),
        ("京A1234I", "京A12341", K.STANDARD),
        ("京a-oi23i", "京A01231", K.STANDARD),
        ("苏BDO0111", "苏BD00111", K.NEW_ENERGY_SMALL),
        ("京AI234OD", "京A12340D", K.NEW_ENERGY_LARGE),
        ("粤ZRO66港", "粤ZR066港", K.HONG_KONG),
        ("京AI234警", "京A1234警", K.POLICE),
        ("云262725O", "云2627250", K.AGRICULTURAL),
        ("使O14578", "使014578", K.EMBASSY),
        ("VA1234O", "VA12340", K.MILITARY),
        ("WJ京I234X", "WJ京1234X", K.ARMED_POLICE),
    ],
)
def test_parse_repairs_o_and_i_in_serial_positions(raw: str, text: str, kind: PlateKind) -> None:
    assert parse(raw) == Plate(text, kind)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "'': empty plate"),
        (" ·- ", "' ·- ': empty plate"),
        (
            "冀A123",
            "'冀A123': too short: a standard mainland plate has 7 characters "
            "(province, letter, 5 letters/digits), got 5",
        ),
        ("港A12345", "'港A12345': unknown province character '港'"),
        ("鄭 A12345", "'鄭 A12345': unknown province character '鄭'"),
        ("京112345", "'京112345': the second character must be a letter A-Z (not I or O), got '1'"),
        ("京OA2345", "'京OA2345': the second character must be a letter A-Z (not I or O), got 'O'"),
        ("京A12#45", "'京A12#45': character '#' at position 5 is not allowed on a plate"),
        ("京A1234字", "'京A1234字': character '字' at position 7 is not allowed on a plate"),
        ("A京12345", "'A京12345': the first character must be a province character"),
        ("京A1234567", "'京A1234567': too long: a new-energy plate has 8 characters"),
        (
            "京AZ12345",
            "'京AZ12345': the third character must be one of D, A, B, C, E, F, G, H, J, K, "
            "got 'Z' (a new-energy plate is province, letter, D/A-H/J/K, letter/digit, 4 digits",
        ),
        (
            "京A12345Z",
            "'京A12345Z': the eighth character must be one of D, A, B, C, E, F, G, H, J, K, "
            "got 'Z' (a new-energy plate is province, letter, 5 digits, D/A-H/J/K",
        ),
        ("京A1D2345", "'京A1D2345': the fourth character must be a digit, got 'D'"),
        ("苏BD0011X", "'苏BD0011X': the eighth character must be a digit, got 'X'"),
        ("京A12警45", "'京A12警45': the fifth character must be a letter (not I or O) or a digit"),
        ("京A12345警", "'京A12345警': too long: a police plate has 7 characters"),
        ("京A123学", "'京A123学': too short: a driving-school plate has 7 characters"),
        ("京A1234港", "'京A1234港': the first character must be 粤 (cross-border plates"),
        ("粤A1234港", "'粤A1234港': the second character must be Z (cross-border plates"),
        ("粤Z12345澳", "'粤Z12345澳': too long: a Macau cross-border plate has 7 characters"),
        ("京A123应急", "'京A123应急': too short: an emergency plate has 8 or 9 characters"),
        ("使01457", "'使01457': too short: an embassy plate has 7 characters (使, 6 digits), got"),
        ("使A14578", "'使A14578': the second character must be a digit, got 'A'"),
        ("云262725X", "'云262725X': the eighth character must be a digit, got 'X' (a farm-vehicle"),
        ("WJ京123", "'WJ京123': too short: an armed-police plate has 7 or 8 characters"),
        ("ABCDEF", "'ABCDEF': a plate without a province character must contain at least one"),
        ("A", "'A': a plate without a province character has 2 to 10 letters/digits, got 1"),
        ("AB123456789", "'AB123456789': a plate without a province character has 2 to 10"),
    ],
)
def test_parse_rejects_with_plain_message(raw: str, message: str) -> None:
    with pytest.raises(InvalidPlate, match=f"^{re.escape(message)}"):
        parse(raw)
    assert not is_valid(raw)


@pytest.mark.parametrize("raw", ["SN6497", "VA1234", "WJ1234", "A1"])
def test_parse_without_generic_rejects_foreign_plates(raw: str) -> None:
    with pytest.raises(InvalidPlate, match="not a mainland plate: no province character"):
        parse(raw, allow_generic=False)
    assert not is_valid(raw, allow_generic=False)


@pytest.mark.parametrize("raw", ["冀A12345", "VA12345", "WJ京1234X"])
def test_parse_without_generic_keeps_mainland_plates(raw: str) -> None:
    assert parse(raw, allow_generic=False).is_mainland


def test_invalid_plate_is_an_invalid_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse("京A12#45")
    assert caught.value.category == "invalid_plate"


@pytest.mark.parametrize(
    ("raw", "mainland", "province"),
    [
        ("冀A12345", True, "冀"),
        ("粤Z1234澳", True, "粤"),
        ("WJ京1234X", True, "京"),
        ("WJ12345", True, None),
        ("使014578", True, None),
        ("VA12345", True, None),
        ("SN6497", False, None),
    ],
)
def test_plate_properties(raw: str, mainland: bool, province: str | None) -> None:
    plate = parse(raw)
    assert (plate.is_mainland, plate.province) == (mainland, province)


def test_provinces_follow_ga_36_2018() -> None:
    assert len(PROVINCES) == 31
    assert "使" not in PROVINCES


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


_PLATE_CHARS = "京粤冀云使警港澳学挂领应急WJOIVASNDZ0123456789 ·-#"


@given(st.text(alphabet=_PLATE_CHARS, max_size=12) | st.text(max_size=12))
def test_parse_accepts_its_own_output_or_explains(text: str) -> None:
    try:
        plate = parse(text)
    except InvalidPlate as err:
        assert str(err).startswith(f"{text!r}: ")
    else:
        assert parse(plate.text) == plate
