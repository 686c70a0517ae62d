"""The alerts, auth and http sections of the central config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.auth import Role
from central.config import load_config
from checkpoint.errors import ConfigError

FILE = """
[central]
grpc = "0.0.0.0:50051"
http = "0.0.0.0:8080"

[central.alerts]
dedup_window_s = 120
escalate_after_s = 45
escalate_severities = ["high", "medium"]

[[auth.tokens]]
token = "officer-token-0123456789"
role = "officer"
name = "officer-wang"

[[auth.tokens]]
token = "edge-token-0123456789"
role = "edge"
name = "lane-pc-1"
"""


def test_tokens_at_top_level_and_alert_settings(tmp_path: Path) -> None:
    path = tmp_path / "central.toml"
    path.write_text(FILE)
    config = load_config(path, http="127.0.0.1:9000")
    assert [(t.role, t.name) for t in config.auth.tokens] == [
        (Role.OFFICER, "officer-wang"),
        (Role.EDGE, "lane-pc-1"),
    ]
    assert (config.http, config.alerts.dedup_window_s, config.alerts.escalate_after_s) == (
        "127.0.0.1:9000",
        120,
        45,
    )
    assert [s.value for s in config.alerts.escalate_severities] == ["high", "medium"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[auth.tokens]]\ntoken = "short"\nrole = "officer"\nname = "x"\n', "at least 16"),
        ('[[auth.tokens]]\ntoken = "a-long-enough-token"\nrole = "admin"\nname = "x"\n', "role"),
        ("[central.alerts]\ndedup_window_s = 0\n", "alerts.dedup_window_s"),
        ("[central.alerts]\nmax_evidence_bytes = 1\n", "alerts.max_evidence_bytes"),
        ("[auth]\nusers = []\n", "auth.users"),
    ],
)
def test_bad_alert_and_auth_config_is_named(tmp_path: Path, extra: str, message: str) -> None:
    path = tmp_path / "central.toml"
    path.write_text('[central]\ngrpc = "127.0.0.1:0"\n' + extra)
    with pytest.raises(ConfigError, match=message):
        load_config(path)
