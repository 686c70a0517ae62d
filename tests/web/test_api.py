"""The JSON API and the live feed over real HTTP (uvicorn owned by a real central)."""

from __future__ import annotations

import http.client
import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from central.auth import AuthConfig
from central.server import Central
from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry
from proto import checkpoint_pb2 as pb

DATA = Path(__file__).resolve().parent / "data"
VEHICLE = (DATA / "vehicle.jpg").read_bytes()
EDGE, OPERATOR, OFFICER = (
    "edge-token-0123456789",
    "operator-token-0123456789",
    "officer-token-0123456789",
)


class Http:
    """A few requests against one base URL with a bearer token."""

    def __init__(self, url: str, token: str | None) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "", parts.port or 80
        self.token = token

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        conn.request(method, path, headers=sent)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), body

    def json(self, method: str, path: str) -> Any:
        status, _, body = self.request(method, path)
        assert status == 200, body
        return json.loads(body)

    def stream(self, path: str, headers: dict[str, str] | None = None) -> SseReader:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
        sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        conn.request("GET", path, headers=sent)
        return SseReader(conn)


class SseReader:
    def __init__(self, conn: http.client.HTTPConnection) -> None:
        self._conn = conn
        self.response = conn.getresponse()

    def next_event(self) -> tuple[str, dict[str, Any]]:
        """The next event with data: its id and decoded data (comments skipped)."""
        event_id, data = "", ""
        while True:
            line = self.response.readline().decode().rstrip("\n")
            if line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("data: "):
                data += line[6:]
            elif not line and data:
                return event_id, json.loads(data)

    def close(self) -> None:
        self._conn.close()


@pytest.fixture
def web(central_with: Callable[..., Central], auth_config: AuthConfig) -> Central:
    return central_with(auth=auth_config, http="127.0.0.1:0")


@pytest.fixture
def edge(web: Central) -> Iterator[CentralClient]:
    with CentralClient(web.address, token=EDGE) as c:
        yield c


def hit(edge: CentralClient, web: Central, plate: str = "冀A12345", **fields: Any) -> str:
    with CentralClient(web.address, token=OPERATOR) as operator:
        entry = make_entry(
            EntryKind.PLATE,
            plate,
            "stolen saloon",
            category=Category.STOLEN,
            severity=Severity.HIGH,
        )
        operator.upsert(wire.entry_to_pb(entry))
    message = pb.Passage(
        passage_id=uuid.uuid4().hex,
        checkpoint_id=fields.get("checkpoint", "cp-1"),
        lane_id="lane-2",
        plate=pb.PlateReading(text=plate, confidence=0.96),
        evidence_jpeg=VEHICLE,
    )
    return edge.screen(message).alert_id


@pytest.mark.parametrize(
    "path",
    [
        "/api/whoami",
        "/api/alerts",
        "/api/alerts/1-0",
        "/api/alerts/1-0/evidence.jpg",
        "/api/stream",
    ],
)
@pytest.mark.parametrize("token", [None, "wrong-token-0123456789"])
def test_no_data_without_an_officer_token(web: Central, path: str, token: str | None) -> None:
    status, headers, body = Http(web.http_url or "", token).request("GET", path)
    assert status == 401
    assert headers["www-authenticate"] == "Bearer"
    assert list(json.loads(body)) == ["detail"]  # the reason, and no data


def test_other_roles_are_forbidden(web: Central) -> None:
    for token in (EDGE, OPERATOR):
        status, _, body = Http(web.http_url or "", token).request("GET", "/api/alerts")
        assert status == 403 and b"needs role officer" in body
    status, _, _ = Http(web.http_url or "", EDGE).request("POST", "/api/alerts/1-0/ack")
    assert status == 403


def test_list_ack_and_evidence(web: Central, edge: CentralClient) -> None:
    alert_id = hit(edge, web)
    api = Http(web.http_url or "", OFFICER)
    assert api.json("GET", "/api/whoami") == {"name": "officer-wang", "open": False}
    listed = api.json("GET", "/api/alerts")
    assert [(a["id"], a["verdict"], a["plate"], a["lane"]) for a in listed] == [
        (alert_id, "STOP", "冀A12345", "lane-2")
    ]
    first = listed[0]
    assert first["reason"].startswith("stolen (high)") and first["acknowledged_by"] is None
    assert first["match"]["note"] == "stolen saloon" and first["match"]["score"] == 1.0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*", first["time"])
    status, headers, body = api.request("GET", first["evidence_url"])
    assert (status, headers["content-type"], body) == (200, "image/jpeg", VEHICLE)
    assert api.request("GET", f"/api/alerts/{alert_id}/thumbnail.jpg")[0] == 404
    acked = api.json("POST", f"/api/alerts/{alert_id}/ack")
    assert acked["acknowledged_by"] == "officer-wang" and acked["acknowledged_at"]
    assert api.json("GET", f"/api/alerts/{alert_id}")["acknowledged_by"] == "officer-wang"
    assert api.request("POST", "/api/alerts/9-9/ack")[0] == 404
    assert api.request("GET", "/api/alerts/latest")[0] == 400


def test_list_filters_by_checkpoint(web: Central, edge: CentralClient) -> None:
    one = hit(edge, web, "冀A11111", checkpoint="north")
    two = hit(edge, web, "冀A22222", checkpoint="south")
    api = Http(web.http_url or "", OFFICER)
    assert [a["id"] for a in api.json("GET", "/api/alerts")] == [two, one]
    assert [a["id"] for a in api.json("GET", "/api/alerts?checkpoint=north")] == [one]


def test_live_feed_and_resume_with_last_event_id(web: Central, edge: CentralClient) -> None:
    api = Http(web.http_url or "", OFFICER)
    status, headers, _ = api.request("GET", "/api/alerts")
    assert status == 200
    live = api.stream("/api/stream?after=" + headers["x-last-event-id"])
    assert live.response.getheader("content-type", "").startswith("text/event-stream")
    first = hit(edge, web, "冀A11111")
    event_id, data = live.next_event()
    live.close()
    assert (data["event"], data["alert"]["id"], event_id) == ("raised", first, first)
    second = hit(edge, web, "冀A22222")
    resumed = api.stream("/api/stream", headers={"Last-Event-ID": event_id})
    _, data = resumed.next_event()
    resumed.close()
    assert (data["event"], data["alert"]["id"]) == ("raised", second)


def test_page_and_assets_are_self_contained(web: Central) -> None:
    page = Http(web.http_url or "", None)
    for path in ("/", "/static/app.js", "/static/app.css", "/static/icon.svg"):
        status, _, body = page.request("GET", path)
        assert status == 200
        text = body.decode()
        # Offline: no CDN, no remote font, nothing fetched from another origin.
        assert not re.search(r"(src|href)=\"(https?:)?//", text), path
        assert "@import" not in text and "fonts.g" not in text
    assert page.request("GET", "/static/../server.py")[0] == 404
