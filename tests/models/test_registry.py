"""The model registry: bundled files verified by sha256, operator installs recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checkpoint.cli.main import main
from checkpoint.errors import InvalidInput
from models.registry import ModelEntry, entries, install, sha256_of, status


def test_bundled_models_are_present_and_match(tmp_path: Path) -> None:
    found = {s.entry.name: s for s in map(status, entries(tmp_path))}
    assert {"ppocr-v4-det", "ppocr-v4-rec", "dlib-face-landmarks-5", "dlib-face-resnet-v1"} <= (
        found.keys()
    )
    assert all(s.state == "ok" for s in found.values()), found
    assert all(s.entry.licence and s.entry.source for s in found.values())


def test_a_changed_file_is_reported(tmp_path: Path) -> None:
    model = tmp_path / "m.onnx"
    model.write_bytes(b"weights")
    entry = ModelEntry(
        name="m", task="t", file=str(model), sha256="0" * 64, source="s", licence="l"
    )
    assert status(entry).state == "sha256 mismatch"
    model.unlink()
    assert status(entry).state == "missing"


def test_install_copies_hashes_and_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "plates.onnx"
    model.write_bytes(b"\x08\x01 tiny onnx-ish bytes")
    data = tmp_path / "data"
    assert (
        main(
            [
                "models",
                "--data-dir",
                str(data),
                "install",
                str(model),
                "--name",
                "plates-v1",
                "--licence",
                "Apache-2.0",
            ]
        )
        == 0
    )
    assert "installed plates-v1" in capsys.readouterr().out
    assert main(["models", "--data-dir", str(data), "list", "--json"]) == 0
    listed = {m["name"]: m for m in json.loads(capsys.readouterr().out)}
    assert listed["plates-v1"]["state"] == "ok"
    assert listed["plates-v1"]["sha256"] == sha256_of(model)
    assert Path(listed["plates-v1"]["path"]).parent == data / "models"
    with pytest.raises(InvalidInput, match="already registered"):
        install(model, name="plates-v1", task="t", source="s", licence="l", data_dir=data)
    with pytest.raises(InvalidInput, match="no such model file"):
        install(tmp_path / "nope.onnx", name="x", task="t", source="s", licence="l", data_dir=data)
