"""The ONNX Runtime options every edge model runs with."""

from __future__ import annotations

import onnxruntime as ort

from edge.read import PPOCRConfig
from edge.runtime import cpu_options


def entry(options: ort.SessionOptions, key: str) -> str | None:
    try:
        return str(options.get_session_config_entry(key))
    except RuntimeError:  # ONNX Runtime's answer for a key never set
        return None


def spins_within_a_run_only(options: ort.SessionOptions) -> bool:
    return (
        entry(options, "session.intra_op.allow_spinning") == "1"
        and entry(options, "session.force_spinning_stop") == "1"
    )


def test_threads_spin_within_a_run_and_stop_when_it_returns() -> None:
    options = cpu_options(2)
    assert options.intra_op_num_threads == 2
    assert options.inter_op_num_threads == 1
    assert spins_within_a_run_only(options)


def test_the_reader_models_run_with_those_options() -> None:
    config = PPOCRConfig()
    path = config.model_dir / config.rec_model
    session = ort.InferenceSession(str(path), cpu_options(2), providers=["CPUExecutionProvider"])
    assert spins_within_a_run_only(session.get_session_options())
