"""The checked-in gRPC stubs must be what `python -m proto.generate` produces now."""

from pathlib import Path

import pytest

from proto.generate import OUTPUTS, ROOT, generate


@pytest.mark.parametrize("name", OUTPUTS)
def test_checked_in_stubs_are_fresh(tmp_path: Path, name: str) -> None:
    generate(tmp_path)
    fresh = (tmp_path / "proto" / name).read_bytes()
    committed = (ROOT / "proto" / name).read_bytes()
    assert fresh == committed, f"proto/{name} is stale: run `make proto` and commit"
