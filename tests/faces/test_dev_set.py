"""The dev photos end to end: enrol enroll/* with the CLI, check-face every probe.

Expected answers are in the data set's SOURCES.md; skipped when ../shared is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from central.server import Central
from checkpoint.cli.main import main

EXPECTED = {
    "alex_lacamoire1": ["alex_lacamoire"],
    "biden2": ["biden"],
    "obama2": ["obama"],
    "rose_leslie2": ["rose_leslie"],
    "obama_and_biden": ["biden", "obama"],
    "lin_manuel_miranda": [],  # not enrolled: must match nobody
}


def test_every_probe_identity_right(
    central: Central, dev: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--central", central.address, "watchlist"]
    for photo in sorted((dev / "enroll").glob("*.jpg")):
        name = photo.stem
        args = ["add-person", "--id", name, "--name", name, "--photo", str(photo)]
        assert main([*base, *args, "--reason", "dev set"]) == 0
    capsys.readouterr()
    report = []
    for probe in sorted((dev / "probe").iterdir()):
        assert main([*base, "check-face", str(probe), "--json", "--limit", "2"]) == 0
        faces = json.loads(capsys.readouterr().out)["faces"]
        stopped = sorted(
            f["matches"][0]["id"]
            for f in faces
            if f["matches"] and f["matches"][0]["band"] == "match"
        )
        assert stopped == EXPECTED[probe.stem], probe.name
        for face in faces:
            if face["matches"]:
                best, second = face["matches"][0], face["matches"][1]
                report.append(
                    f"{probe.stem}: {best['id']} {best['distance']:.3f} {best['band']}"
                    f" (next {second['id']} {second['distance']:.3f})"
                )
            else:
                report.append(f"{probe.stem}: poor crop, not matched {face['quality']['problems']}")
        # Nothing in the review band either: the unknown person is rejected outright.
        assert all(f["matches"][0]["band"] != "review" for f in faces if f["matches"])
    print("\n".join(report))
