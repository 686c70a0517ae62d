"""The cloned-plate check end to end: CLI import, a real central and Redis, the real edge.

冀A12345 is registered as a white car. A red lorry carrying it gets CHECK "possible cloned
plate"; a white car carrying it passes; a vehicle whose plate cannot be read gets CHECK
"plate unreadable".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from central.server import Central
from checkpoint.cli.main import main
from checkpoint.client import CentralClient
from edge.read import PlateReader
from edge.synth import LIGHTS
from tests.edge.read.conftest import needs_font
from tests.edge.vehicle.scenes import passage_through, vehicle_frame


@pytest.fixture
def registered(central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "vehicles.csv"
    records.write_text("plate,color,class,make\n冀A·12345,white,car,Geely\n", encoding="utf-8")
    code = main(["--central", central.address, "watchlist", "import-vehicles", str(records)])
    assert code == 0
    assert "imported 1 registration(s), rejected 0" in capsys.readouterr().out
    assert main(["--central", central.address, "watchlist", "vehicle", "冀A12345", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record == {"plate": "冀A12345", "color": "white", "class": "car", "make": "Geely"}


@needs_font
@pytest.mark.usefixtures("registered")
def test_red_lorry_on_a_white_cars_plate_is_checked(
    central: Central, client: CentralClient, reader: PlateReader, tmp_path: Path
) -> None:
    image = vehicle_frame("冀A12345", "red", kind="lorry")
    verdict = passage_through(central, client, reader, tmp_path, image)
    assert verdict["plate"] == "冀A12345"
    assert verdict["verdict"] == "CHECK"
    reason = str(verdict["reason"])
    assert "possible cloned plate" in reason
    assert "registered as white car (Geely)" in reason and "seen as red" in reason
    assert verdict["vehicle"] == {"color": "red", "class": "car"}


@needs_font
@pytest.mark.usefixtures("registered")
def test_white_car_with_its_own_plate_passes(
    central: Central, client: CentralClient, reader: PlateReader, tmp_path: Path
) -> None:
    image = vehicle_frame("冀A12345", "white")
    verdict = passage_through(central, client, reader, tmp_path, image)
    assert (verdict["plate"], verdict["verdict"]) == ("冀A12345", "PASS")


@needs_font
@pytest.mark.usefixtures("registered")
def test_a_red_car_at_night_is_not_called_a_clone(
    central: Central, client: CentralClient, reader: PlateReader, tmp_path: Path
) -> None:
    image = vehicle_frame("冀A12345", "red", gain=0.25)
    verdict = passage_through(central, client, reader, tmp_path, image)
    assert verdict["plate"] == "冀A12345"
    assert "cloned" not in str(verdict["reason"])


@needs_font
@pytest.mark.usefixtures("registered")
@pytest.mark.parametrize("light", ["warm", "cool"])
def test_the_registered_white_car_under_a_coloured_lamp_passes(
    central: Central, client: CentralClient, reader: PlateReader, tmp_path: Path, light: str
) -> None:
    """Under a sodium lamp a white car is orange to a camera that does not balance its
    white, and under a cool LED it is blue: the driver of the registered car must not be
    held as a "possible cloned plate" for the lamp's colour."""
    image = vehicle_frame("冀A12345", "white", tint=LIGHTS[light])
    verdict = passage_through(central, client, reader, tmp_path, image)
    assert (verdict["plate"], verdict["verdict"]) == ("冀A12345", "PASS"), verdict


def test_import_vehicles_reports_bad_rows_and_applies_nothing(
    central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "vehicles.csv"
    records.write_text(
        "plate,color,class,make\n京A12345,white,car,\n京B12345,plaid,car,\n", encoding="utf-8"
    )
    code = main(["--central", central.address, "watchlist", "import-vehicles", str(records)])
    assert code == 1
    err = capsys.readouterr().err
    assert "line 3: unknown vehicle colour 'plaid'" in err
    assert "nothing imported" in err
    assert main(["--central", central.address, "watchlist", "vehicle", "京A12345"]) != 0
    assert "no registration for 京A12345" in capsys.readouterr().err
