"""Alerts over real gRPC on loopback with a real Redis: raise, resume, acknowledge, auth."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
import redis
from grpc_health.v1 import health_pb2, health_pb2_grpc

from central.alerts.store import PREFIX
from central.auth import AuthConfig
from central.config import CentralConfig
from central.server import Central
from central.services.alerts import SUBSCRIBED_FROM
from checkpoint import wire
from checkpoint.cli.main import main
from checkpoint.client import CentralClient
from checkpoint.errors import CheckpointError, ConfigError
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry
from proto import checkpoint_pb2 as pb

DATA = Path(__file__).resolve().parents[1] / "web" / "data"
VEHICLE = (DATA / "vehicle.jpg").read_bytes()
EDGE, OPERATOR, OFFICER = (
    "edge-token-0123456789",
    "operator-token-0123456789",
    "officer-token-0123456789",
)


def seed(client: CentralClient, *plates: str, severity: Severity = Severity.HIGH) -> None:
    for plate in plates:
        entry = make_entry(
            EntryKind.PLATE, plate, "stolen saloon", category=Category.STOLEN, severity=severity
        )
        client.upsert(wire.entry_to_pb(entry))


def passage(plate: str, checkpoint: str = "cp-1", lane: str = "lane-1") -> pb.Passage:
    return pb.Passage(
        passage_id=uuid.uuid4().hex,
        checkpoint_id=checkpoint,
        lane_id=lane,
        plate=pb.PlateReading(text=plate, confidence=0.95),
        evidence_jpeg=VEHICLE,
    )


class Feed:
    """An Alerts.Subscribe call read on a thread, so a test can drop it mid-stream."""

    def __init__(self, client: CentralClient, after_id: str = "") -> None:
        self.received: list[pb.Alert] = []
        self._cond = threading.Condition()
        self._call = client.alerts.Subscribe(pb.AlertSubscribeRequest(after_id=after_id))
        # the feed is live once central sends its headers: alerts raised after this arrive
        metadata = dict(self._call.initial_metadata())
        assert SUBSCRIBED_FROM in metadata
        self._thread = threading.Thread(target=self._read)
        self._thread.start()

    def _read(self) -> None:
        try:
            for alert in self._call:
                with self._cond:
                    self.received.append(alert)
                    self._cond.notify_all()
        except grpc.RpcError:
            pass

    def wait_for(self, count: int, timeout: float = 5) -> list[pb.Alert]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def drop(self) -> None:
        self._call.cancel()
        self._thread.join(5)


@pytest.fixture
def secured(central_with: Callable[..., Central], auth_config: AuthConfig) -> Central:
    return central_with(auth=auth_config)


@pytest.fixture
def officer(secured: Central) -> Iterator[CentralClient]:
    with CentralClient(secured.address, token=OFFICER) as c:
        yield c


@pytest.fixture
def edge(secured: Central) -> Iterator[CentralClient]:
    with CentralClient(secured.address, token=EDGE) as c:
        yield c


def test_stop_and_check_raise_alerts_pass_does_not(client: CentralClient) -> None:
    seed(client, "冀A12345")
    stop = client.screen(passage("冀A12345"))
    clear = client.screen(passage("川A8H458"))
    unreadable = client.screen(passage(""))
    assert stop.verdict == pb.STOP and stop.alert_id
    assert clear.verdict == pb.PASS and not clear.alert_id
    assert unreadable.verdict == pb.CHECK and unreadable.alert_id
    again = client.screen(passage("冀A12345", lane="lane-2"))
    assert again.alert_id == stop.alert_id


def test_subscribe_resumes_after_a_disconnect_without_loss_or_repeats(
    client: CentralClient,
) -> None:
    seed(client, "冀A11111", "冀A22222", "冀A33333", "冀A44444")
    feed = Feed(client)
    first = [client.screen(passage(p)).alert_id for p in ("冀A11111", "冀A22222")]
    got = feed.wait_for(2)
    feed.drop()
    assert [a.id for a in got] == first
    assert got[0].event == pb.Alert.RAISED and got[0].evidence_jpeg == VEHICLE
    assert got[0].plate.text == "冀A11111" and got[0].severity == pb.HIGH
    # While the tablet is away: two new alerts and a sighting of the first.
    missed = [client.screen(passage(p)).alert_id for p in ("冀A33333", "冀A44444")]
    client.screen(passage("冀A11111", lane="lane-2"))
    resumed = Feed(client, after_id=got[-1].event_id)
    again = resumed.wait_for(3)
    resumed.drop()
    assert [(a.id, a.event) for a in again] == [
        (missed[0], pb.Alert.RAISED),
        (missed[1], pb.Alert.RAISED),
        (first[0], pb.Alert.SIGHTED),
    ]
    assert again[2].sightings == 2 and again[2].lane_id == "lane-1"
    assert len({a.event_id for a in got + again}) == 5


def test_acknowledge_over_grpc_and_bad_cursor(client: CentralClient) -> None:
    seed(client, "冀A12345")
    alert_id = client.screen(passage("冀A12345")).alert_id
    acked = client.acknowledge(alert_id, officer="officer-zhao")
    assert (acked.acknowledged_by, acked.acknowledged_at.seconds > 0) == ("officer-zhao", True)
    with pytest.raises(grpc.RpcError) as info:
        next(iter(client.alerts.Subscribe(pb.AlertSubscribeRequest(after_id="latest"))))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_unacknowledged_high_alert_escalates_in_the_stream(
    central_with: Callable[..., Central],
) -> None:
    server = central_with(alerts={"escalate_after_s": 0.2, "escalation_check_s": 0.05})
    with CentralClient(server.address) as client:
        seed(client, "冀A12345")
        feed = Feed(client)
        alert_id = client.screen(passage("冀A12345")).alert_id
        got = feed.wait_for(2)
        feed.drop()
    assert [(a.id, a.event, a.escalated) for a in got] == [
        (alert_id, pb.Alert.RAISED, False),
        (alert_id, pb.Alert.ESCALATED, True),
    ]


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (None, grpc.StatusCode.UNAUTHENTICATED),
        ("not-a-token-0123456789", grpc.StatusCode.UNAUTHENTICATED),
        (EDGE, grpc.StatusCode.PERMISSION_DENIED),
        (OPERATOR, grpc.StatusCode.PERMISSION_DENIED),
    ],
)
def test_alerts_need_an_officer_token(secured: Central, token: str | None, code: object) -> None:
    with CentralClient(secured.address, token=token) as c:
        with pytest.raises(grpc.RpcError) as info:
            next(iter(c.alerts.Subscribe(pb.AlertSubscribeRequest(), timeout=5)))
        assert info.value.code() == code
        with pytest.raises(CheckpointError, match="refused"):
            c.acknowledge("1-0")


def test_roles_reach_their_own_methods(
    secured: Central, officer: CentralClient, edge: CentralClient, redis_client: redis.Redis
) -> None:
    with CentralClient(secured.address, token=OPERATOR) as operator:
        seed(operator, "冀A12345")
        with pytest.raises(CheckpointError, match="needs role operator"):
            seed(edge, "冀A54321")
        assert operator.check("冀A12345").matches
    assert edge.check("冀A12345").matches
    alert_id = edge.screen(passage("冀A12345")).alert_id
    acked = officer.acknowledge(alert_id, officer="ignored when tokens are configured")
    assert acked.acknowledged_by == "officer-wang"
    assert redis_client.hget(f"{PREFIX}a:{alert_id}", "acknowledged_by") == "officer-wang"
    with grpc.insecure_channel(secured.address) as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
        assert health.status == health_pb2.HealthCheckResponse.SERVING


def test_open_central_refuses_a_network_address(redis_url: str, tmp_path: Path) -> None:
    config = CentralConfig(grpc="0.0.0.0:0", redis_url=redis_url, data_dir=tmp_path)
    with pytest.raises(ConfigError, match="without authentication"):
        Central(config).start()


def test_cli_sends_token_from_flag_or_env(
    secured: Central, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--central", secured.address, "watchlist", "list"]) == 1
    assert "missing bearer token" in capsys.readouterr().err
    assert main(["--central", secured.address, "--token", OPERATOR, "watchlist", "list"]) == 0
    monkeypatch.setenv("CHECKPOINT_TOKEN", OPERATOR)
    assert main(["--central", secured.address, "watchlist", "list"]) == 0


def test_client_takes_its_token_from_the_environment(
    secured: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKPOINT_TOKEN", EDGE)
    with CentralClient(secured.address) as lane_pc:
        assert lane_pc.screen(passage("川A8H458")).verdict == pb.PASS
    with (
        CentralClient(secured.address, token="") as anonymous,
        pytest.raises(CheckpointError, match="missing bearer token"),
    ):
        anonymous.screen(passage("川A8H458"), timeout_s=2)
