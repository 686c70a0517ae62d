"""Pure alert and auth rules, as tables: no Redis, no network."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest

from central.alerts.model import (
    AlertReason,
    draft_alert,
    escalation_due,
    reason_for,
    should_alert,
    subject_for,
)
from central.alerts.model import accept_picture as accept
from central.alerts.model import cursor as parse_cursor
from central.auth import (
    AuthConfig,
    Authenticator,
    PermissionDenied,
    Role,
    TokenConfig,
    Unauthenticated,
    bearer,
    check_bind,
    is_loopback,
    roles_for,
)
from checkpoint.errors import ConfigError, InvalidInput
from checkpoint.matching import Match
from checkpoint.screening import Decision, PlateReading, Verdict, describe
from checkpoint.watchlist import Category, EntryKind, Severity, make_entry

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"x" * 100
STOLEN = make_entry(
    EntryKind.PLATE, "冀A12345", "stolen saloon", category=Category.STOLEN, severity=Severity.HIGH
)
FINES = make_entry(
    EntryKind.PLATE,
    "京A8B2Z5",
    "unpaid fines",
    category=Category.ENFORCEMENT,
    severity=Severity.LOW,
)


@pytest.mark.parametrize(
    ("verdict", "expected"), [(Verdict.PASS, False), (Verdict.STOP, True), (Verdict.CHECK, True)]
)
def test_only_hits_and_checks_alert(verdict: Verdict, expected: bool) -> None:
    assert should_alert(verdict) is expected


def test_reason_names_the_entry_the_verdict_quotes() -> None:
    exact = Match(STOLEN, 1.0, True, (), "冀A12345")
    near = Match(FINES, 0.8, False, (4,), "京A8BZZ5")
    decision = Decision(Verdict.CHECK, f"possible match 京A8B2Z5: {describe(near)}", (exact, near))
    reason = reason_for(decision)
    assert (reason.key, reason.category, reason.severity, reason.note, reason.score) == (
        "京A8B2Z5",
        "enforcement",
        Severity.LOW,
        "unpaid fines",
        0.8,
    )
    assert reason_for(Decision(Verdict.CHECK, "no readable plate")) == AlertReason(
        "no readable plate"
    )


@pytest.mark.parametrize(
    ("reason", "plate", "passage", "subject"),
    [
        (AlertReason("hit", key="冀A12345", kind="plate"), "冀AT2345", "p1", "plate:冀A12345"),
        (
            AlertReason("hit", key="豫CG*挂", kind="plate_pattern"),
            "豫CG1挂",
            "p1",
            "plate_pattern:豫CG*挂",
        ),
        (AlertReason("low confidence"), "苏B00111", "p1", "plate:苏B00111"),
        (AlertReason("no readable plate"), "", "p1", "passage:p1"),
        (AlertReason("no readable plate"), "  ", "p2", "passage:p2"),
    ],
)
def test_subject_merges_one_vehicle_never_two_unreadable_ones(
    reason: AlertReason, plate: str, passage: str, subject: str
) -> None:
    assert subject_for(reason, plate, passage) == subject


def test_draft_defaults_the_checkpoint() -> None:
    decision = Decision(Verdict.STOP, describe(Match(STOLEN, 1.0, True, (), "冀A12345")))
    draft = draft_alert(
        checkpoint="",
        lane="lane-2",
        passage_id="p9",
        time=T0,
        plate=PlateReading("冀A12345", 0.97),
        decision=decision,
    )
    assert (draft.checkpoint, draft.subject, draft.verdict) == ("default", "plate:冀A12345", "STOP")


@pytest.mark.parametrize(
    ("severity", "after_s", "severities", "due"),
    [
        (Severity.HIGH, 30, (Severity.HIGH,), T0 + timedelta(seconds=30)),
        (Severity.MEDIUM, 30, (Severity.HIGH,), None),
        (Severity.MEDIUM, 5, (Severity.HIGH, Severity.MEDIUM), T0 + timedelta(seconds=5)),
        (Severity.HIGH, 30, (), None),
    ],
)
def test_escalation_due(
    severity: Severity, after_s: float, severities: tuple[Severity, ...], due: datetime | None
) -> None:
    assert escalation_due(severity, T0, after_s, severities) == due


@pytest.mark.parametrize(
    ("data", "cap", "kept", "why"),
    [
        (b"", 1000, None, ""),
        (JPEG, 1000, JPEG, ""),
        (JPEG, 50, None, "104 bytes exceeds the 50-byte cap"),
        (b"\x89PNG\r\n\x1a\n", 1000, None, "not a JPEG"),
    ],
)
def test_pictures_are_jpeg_and_capped(data: bytes, cap: int, kept: bytes | None, why: str) -> None:
    assert accept(data, cap) == (kept, why)


@pytest.mark.parametrize(
    ("text", "ok"),
    [("1732600000000-0", True), (" 17-3 ", True), ("0", True), ("$", False), ("1-2-3", False)],
)
def test_cursor_is_a_stream_id(text: str, ok: bool) -> None:
    if ok:
        assert parse_cursor(text) == text.strip()
    else:
        with pytest.raises(InvalidInput, match="not an alert event id"):
            parse_cursor(text)


@pytest.mark.parametrize(
    ("method", "roles"),
    [
        ("/checkpoint.v1.Screening/Screen", {Role.EDGE}),
        ("/checkpoint.v1.Screening/GetRestrictions", {Role.EDGE, Role.OPERATOR}),
        ("/checkpoint.v1.Watchlist/Subscribe", {Role.EDGE, Role.OPERATOR}),
        ("/checkpoint.v1.Watchlist/Check", {Role.EDGE, Role.OPERATOR}),
        ("/checkpoint.v1.Watchlist/Upsert", {Role.OPERATOR}),
        ("/checkpoint.v1.Alerts/Subscribe", {Role.OFFICER}),
        ("/checkpoint.v1.Alerts/Acknowledge", {Role.OFFICER}),
        ("/checkpoint.v1.Secret/Thing", set()),
        ("/grpc.health.v1.Health/Check", None),
    ],
)
def test_roles_per_method(method: str, roles: set[Role] | None) -> None:
    found = roles_for(method)
    assert (None if found is None else set(found)) == roles


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_header(header: str | None, token: str | None) -> None:
    assert bearer(header) == token


AUTH = Authenticator(
    AuthConfig(
        tokens=(
            TokenConfig(token="officer-token-0123456789", role=Role.OFFICER, name="wang"),
            TokenConfig(token="edge-token-0123456789", role=Role.EDGE, name="lane-pc"),
        )
    )
)


@pytest.mark.parametrize(
    ("header", "outcome"),
    [
        ("Bearer officer-token-0123456789", "wang"),
        ("Bearer edge-token-0123456789", PermissionDenied),
        ("Bearer wrong-token-0123456789", Unauthenticated),
        (None, Unauthenticated),
    ],
)
def test_require_officer(header: str | None, outcome: str | type[Exception]) -> None:
    if isinstance(outcome, str):
        assert AUTH.require(header, frozenset({Role.OFFICER}), "alerts").name == outcome
    else:
        with pytest.raises(outcome):
            AUTH.require(header, frozenset({Role.OFFICER}), "alerts")


def test_open_central_is_everyone_and_duplicate_tokens_are_refused() -> None:
    principal = Authenticator(AuthConfig()).require(None, frozenset({Role.OFFICER}), "alerts")
    assert principal.roles == frozenset(Role)
    with pytest.raises(ValueError, match="configured twice"):
        AuthConfig(
            tokens=(
                TokenConfig(token="same-token-0123456789", role=Role.EDGE, name="a"),
                TokenConfig(token="same-token-0123456789", role=Role.OFFICER, name="b"),
            )
        )


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1:50051", True),
        ("127.0.0.2:1", True),
        ("localhost:80", True),
        ("[::1]:80", True),
        ("0.0.0.0:50051", False),
        ("10.1.2.3:80", False),
        ("[::]:80", False),
        ("example.org:80", False),
    ],
)
def test_is_loopback(address: str, loopback: bool) -> None:
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(
    ("auth", "grpc", "http", "refused"),
    [
        (Authenticator(AuthConfig()), "127.0.0.1:0", None, False),
        (Authenticator(AuthConfig()), "127.0.0.1:0", "0.0.0.0:8080", True),
        (Authenticator(AuthConfig()), "0.0.0.0:50051", None, True),
        (AUTH, "0.0.0.0:50051", "0.0.0.0:8080", False),
    ],
)
def test_open_central_binds_loopback_only(
    auth: Authenticator, grpc: str, http: str | None, refused: bool
) -> None:
    refusal = pytest.raises(ConfigError, match="without authentication")
    with refusal if refused else contextlib.nullcontext():
        check_bind(auth, {"grpc": grpc, "http": http})
