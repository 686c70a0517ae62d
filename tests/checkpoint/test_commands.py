"""The installed `checkpoint` command as a user runs it: separate processes, real ports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

CHECKPOINT = [sys.executable, "-m", "checkpoint.cli.main"]


def test_demo_once_prints_verdicts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    done = subprocess.run(
        [*CHECKPOINT, "demo", "--once", "--grpc", "127.0.0.1:0", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    verdicts = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    seen = {v["verdict"] for v in verdicts}
    assert {"STOP", "PASS", "CHECK"} <= seen
    assert all({"lane", "plate", "verdict", "reason"} <= v.keys() for v in verdicts)


def test_central_serves_until_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    process = subprocess.Popen(
        [*CHECKPOINT, "central", "--grpc", "127.0.0.1:0", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert "central serving gRPC on 127.0.0.1:" in banner
        address = banner.split(" on ")[1].split()[0]
        added = subprocess.run(
            [
                *CHECKPOINT,
                "--central",
                address,
                "watchlist",
                "add",
                "冀A12345",
                "--reason",
                "stolen",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert any((tmp_path / "redis").glob("appendonly*"))
