"""Central's config: unknown keys and out-of-range values are start-up errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.config import load_config
from checkpoint.errors import ConfigError


def test_file_then_overrides(tmp_path: Path) -> None:
    path = tmp_path / "central.toml"
    path.write_text(
        '[central]\ngrpc = "0.0.0.0:6000"\nworkers = 8\n[central.screening]\nmin_confidence = 0.7\n'
    )
    config = load_config(path, grpc="127.0.0.1:7000", redis_url=None)
    assert (config.grpc, config.workers, config.screening.min_confidence) == (
        "127.0.0.1:7000",
        8,
        0.7,
    )


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[central]\ngrpcc = 'x'\n", "grpcc: Extra inputs are not permitted"),
        ("[central]\nworkers = 1\n", "workers: Input should be greater than or equal to 4"),
        ("[central.screening]\nmin_confidence = 2\n", "screening.min_confidence"),
        ("[central\n", "cannot read config"),
    ],
)
def test_bad_config_is_named(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "central.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_face_bands_come_from_the_persons_section(tmp_path: Path) -> None:
    path = tmp_path / "central.toml"
    path.write_text("[central.persons]\nmatch_max = 0.45\nreview_max = 0.55\n")
    config = load_config(path)
    assert (config.persons.match_max, config.persons.review_max) == (0.45, 0.55)
    path.write_text("[central.persons]\nmatch_max = 0.7\nreview_max = 0.55\n")
    with pytest.raises(ConfigError, match=r"match_max \(0.7\) must not exceed review_max"):
        load_config(path)
