"""The Watchlist and Screening services over real gRPC on loopback, with a real Redis."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from central.server import Central
from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.errors import InvalidInput, NotFound
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry
from proto import checkpoint_pb2 as pb
from proto import checkpoint_pb2_grpc as pb_grpc


def entry(key: str, reason: str = "stolen", **kwargs: object) -> pb.WatchlistEntry:
    kind = EntryKind.PLATE_PATTERN if "*" in key or "?" in key else EntryKind.PLATE
    return wire.entry_to_pb(make_entry(kind, key, reason, **kwargs))  # type: ignore[arg-type]


def test_health_reports_serving(central: Central) -> None:
    with grpc.insecure_channel(central.address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for service in ("", "checkpoint.v1.Watchlist", "checkpoint.v1.Screening"):
            reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_upsert_get_remove(client: CentralClient) -> None:
    stored = client.upsert(entry("冀A·12345", category=Category.STOLEN, severity=Severity.HIGH))
    assert (stored.key, stored.version, stored.category) == ("冀A12345", 1, pb.STOLEN)
    assert client.get("冀a12345", pb.PLATE).reason == "stolen"
    assert client.remove("冀A12345").removed
    with pytest.raises(NotFound, match="冀A12345"):
        client.get("冀A12345")


def test_invalid_plate_is_refused_with_reason(client: CentralClient) -> None:
    with pytest.raises(InvalidInput, match="too short"):
        client.upsert(pb.WatchlistEntry(kind=pb.PLATE, key="冀A123", reason="x"))
    with pytest.raises(InvalidInput, match="reason is required"):
        client.upsert(pb.WatchlistEntry(kind=pb.PLATE, key="冀A12345"))
    with pytest.raises(InvalidInput):
        client.check("京A12#45")


def test_check_ranks_exact_above_lookalike(client: CentralClient) -> None:
    client.upsert(entry("京A8B2Z5", "wanted", severity=Severity.HIGH))
    client.upsert(entry("京A8BZZ5", "unpaid fines", severity=Severity.LOW))
    response = client.check("京A8BZZ5")
    assert response.plate == "京A8BZZ5"
    assert [(m.key, m.exact) for m in response.matches] == [("京A8BZZ5", True), ("京A8B2Z5", False)]
    assert list(response.matches[1].diff_positions) == [4]
    assert response.matches[0].score == pytest.approx(1.0)
    assert response.matches[1].score < response.matches[0].score


def test_wildcard_pattern(client: CentralClient) -> None:
    client.upsert(entry("冀A*123?", "banned lorry series", category=Category.RESTRICTED))
    hit = client.check("冀AB1234")
    assert [(m.key, m.kind, m.exact) for m in hit.matches] == [("冀A*123?", pb.PLATE_PATTERN, True)]
    assert client.check("冀A12345").matches == []
    assert client.check("京AB1234").matches == []


def test_validity_window_over_grpc(client: CentralClient) -> None:
    past = datetime.now(tz=UTC) - timedelta(minutes=1)
    client.upsert(entry("京A11111", valid_until=past))
    client.upsert(entry("京A22222", valid_from=datetime.now(tz=UTC) + timedelta(days=1)))
    assert client.check("京A11111").matches == []
    assert client.check("京A22222").matches == []


def test_screen_verdicts(client: CentralClient) -> None:
    client.upsert(entry("冀A12345", "stolen saloon", category=Category.STOLEN))

    def screen(text: str, confidence: float = 0.95) -> pb.ScreenResponse:
        passage = pb.Passage(
            passage_id=uuid.uuid4().hex,
            lane_id="1",
            plate=pb.PlateReading(text=text, confidence=confidence),
        )
        return client.screen(passage)

    assert screen("冀A12345").verdict == pb.STOP
    assert "stolen saloon" in screen("冀A12345").reason
    assert screen("冀AT2345").verdict == pb.CHECK  # look-alike only
    assert screen("川A8H458").verdict == pb.PASS
    assert screen("川A8H458", confidence=0.2).verdict == pb.CHECK
    assert screen("").verdict == pb.CHECK
    # a guessed province (the edge sends per-character confidences): the listed plate is
    # named in a CHECK, whichever province was guessed
    unsure = pb.Passage(
        passage_id=uuid.uuid4().hex,
        lane_id="1",
        plate=pb.PlateReading(
            text="皖A12345",
            confidence=0.03,
            char_confidence=[0.03, 0.99, 0.98, 0.99, 0.97, 0.99, 0.98],
        ),
    )
    response = client.screen(unsure)
    assert response.verdict == pb.CHECK
    assert "possible match 冀A12345 (province unsure: read 皖A12345)" in response.reason


def test_import_ten_thousand_rows(client: CentralClient) -> None:
    rows = (pb.ImportRow(line=n + 2, entry=entry(f"京A{n:05d}", "fines")) for n in range(10_000))
    response = client.import_rows(rows, skip_invalid=False, created_by="ops")
    assert (response.applied, response.rejected) == (10_000, 0)
    assert response.version == 10_000
    assert sum(1 for _ in client.entries(pb.PLATE)) == 10_000
    assert [m.key for m in client.check("京A09999").matches] == ["京A09999"]


def test_import_is_all_or_nothing_unless_skipping(client: CentralClient) -> None:
    def rows() -> list[pb.ImportRow]:
        return [
            pb.ImportRow(line=2, entry=entry("京A00001")),
            pb.ImportRow(line=3, entry=pb.WatchlistEntry(key="京A1", reason="bad")),
            pb.ImportRow(line=4, entry=entry("京A00002")),
        ]

    refused = client.import_rows(rows(), skip_invalid=False, created_by="ops")
    assert (refused.applied, refused.rejected) == (0, 1)
    assert [(e.line, "too short" in e.message) for e in refused.errors] == [(3, True)]
    assert client.check("京A00001").matches == []
    partial = client.import_rows(rows(), skip_invalid=True, created_by="ops")
    assert (partial.applied, partial.rejected) == (2, 1)
    assert [m.key for m in client.check("京A00002").matches] == ["京A00002"]


def test_oversized_message_is_refused(client: CentralClient, central: Central) -> None:
    huge = pb.Passage(
        passage_id="big", evidence_jpeg=b"\xff" * (central.config.max_message_bytes + 1024)
    )
    with grpc.insecure_channel(
        central.address, options=[("grpc.max_send_message_length", 64 * 1024 * 1024)]
    ) as channel:
        stub = pb_grpc.ScreeningStub(channel)
        with pytest.raises(grpc.RpcError) as info:
            stub.Screen(pb.ScreenRequest(passage=huge), timeout=10)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "larger than max" in (info.value.details() or "")


def test_subscribe_replays_then_streams_live(client: CentralClient) -> None:
    for key in ("京A00001", "京A00002", "京A00003"):
        client.upsert(entry(key))
    received: list[pb.WatchlistChange] = []
    replayed, live = threading.Event(), threading.Event()
    call = client.watchlist.Subscribe(pb.SubscribeRequest(since_version=1), timeout=20)

    def consume() -> None:
        for change in call:
            received.append(change)
            if len(received) == 2:
                replayed.set()
            if len(received) == 3:
                live.set()
                return

    reader = threading.Thread(target=consume)
    reader.start()
    assert replayed.wait(10)
    client.remove("京A00002")
    assert live.wait(10)
    call.cancel()
    reader.join(5)
    assert [(c.op, c.version, c.key) for c in received] == [
        (pb.WatchlistChange.UPSERT, 2, "京A00002"),
        (pb.WatchlistChange.UPSERT, 3, "京A00003"),
        (pb.WatchlistChange.REMOVE, 4, "京A00002"),
    ]
    assert received[0].entry.reason == "stolen"


def test_acknowledging_an_unknown_alert_is_not_found(client: CentralClient) -> None:
    with pytest.raises(grpc.RpcError) as info:
        client.alerts.Acknowledge(pb.AcknowledgeRequest(alert_id="1-0"), timeout=5)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
