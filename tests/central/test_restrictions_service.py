"""Restricted-vehicle rules from central's config, applied by Screening.Screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from central.config import load_config
from central.server import Central
from checkpoint.client import CentralClient
from proto import checkpoint_pb2 as pb

RULES = {
    "lane_groups": {"centre": ["cp-1/*"]},
    "rules": [
        {
            "name": "lorry ban",
            "classes": ["lorry"],
            "plate_colors": ["yellow"],
            "lane_group": "centre",
        }
    ],
}


def passage(plate: str, plate_color: str, checkpoint: str, vehicle_class: str = "") -> pb.Passage:
    return pb.Passage(
        checkpoint_id=checkpoint,
        lane_id="lane-1",
        plate=pb.PlateReading(text=plate, confidence=0.95, color=plate_color),
        vehicle=pb.VehicleObservation(
            vehicle_class=vehicle_class, class_confidence=0.9, class_agreement=1.0, frames=3
        ),
    )


def test_restricted_vehicles_are_stopped_in_their_lanes_only(
    central_with: Callable[..., Central],
) -> None:
    central = central_with(restrictions=RULES)
    with CentralClient(central.address) as client:
        yellow = client.screen(passage("豫C12345", "yellow", "cp-1"))
        lorry = client.screen(passage("京A12345", "blue", "cp-1", "lorry"))
        car = client.screen(passage("京A12346", "blue", "cp-1", "car"))
        elsewhere = client.screen(passage("豫C12345", "yellow", "cp-2"))
    assert (yellow.verdict, yellow.reason) == (pb.STOP, "restricted vehicle: lorry ban")
    assert lorry.verdict == pb.STOP
    assert car.verdict == pb.PASS
    assert elsewhere.verdict == pb.PASS


def test_rules_load_from_the_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "central.toml"
    path.write_text(
        "[central.restrictions]\n"
        'timezone = "Asia/Shanghai"\n'
        'lane_groups = { centre = ["cp-1/*"] }\n'
        "[[central.restrictions.rules]]\n"
        'name = "lorry ban"\nclasses = ["truck"]\nlane_group = "centre"\n'
        'start = "07:00"\nend = "21:00"\n',
        encoding="utf-8",
    )
    (rule,) = load_config(path).restrictions.rules
    assert (rule.name, rule.classes[0].value, str(rule.start), str(rule.end)) == (
        "lorry ban",
        "lorry",
        "07:00:00",
        "21:00:00",
    )


def test_edges_can_fetch_the_rules(central_with: Callable[..., Central]) -> None:
    central = central_with(restrictions=RULES)
    with CentralClient(central.address) as client:
        rules = client.restrictions()
    (rule,) = rules.rules
    assert (rule.name, rule.lane_group, rule.plate_colors) == ("lorry ban", "centre", ("yellow",))
    assert rules.lane_groups == {"centre": ("cp-1/*",)}
