"""The ONNX Runtime options every edge model runs with, and the speed baseline's."""

from __future__ import annotations

import cv2
import numpy as np
import onnxruntime as ort
from rapidocr_onnxruntime import RapidOCR
from rapidocr_onnxruntime.utils.infer_engine import OrtInferSession

from benchmarks.frame_latency import _same_runtime
from edge.read import PPOCRConfig
from edge.runtime import cpu_options


def _entry(options: ort.SessionOptions, key: str) -> str | None:
    try:
        return str(options.get_session_config_entry(key))
    except RuntimeError:  # ONNX Runtime's answer for a key never set
        return None


def _spins_within_a_run_only(options: ort.SessionOptions) -> bool:
    return (
        _entry(options, "session.intra_op.allow_spinning") == "1"
        and _entry(options, "session.force_spinning_stop") == "1"
    )


def test_threads_spin_within_a_run_and_stop_when_it_returns() -> None:
    options = cpu_options(2)
    assert options.intra_op_num_threads == 2
    assert options.inter_op_num_threads == 1
    assert _spins_within_a_run_only(options)


def test_the_reader_models_run_with_those_options() -> None:
    config = PPOCRConfig()
    path = config.model_dir / config.rec_model
    session = ort.InferenceSession(str(path), cpu_options(2), providers=["CPUExecutionProvider"])
    assert _spins_within_a_run_only(session.get_session_options())


def test_the_whole_frame_baseline_gets_the_same_runtime_as_the_reader() -> None:
    engine = RapidOCR(use_cls=False, intra_op_num_threads=2, print_verbose=False)
    sessions = [
        value
        for part in vars(engine).values()
        if hasattr(part, "__dict__")
        for value in vars(part).values()
        if isinstance(value, OrtInferSession)
    ]
    assert len(sessions) >= 2  # detection and recognition at least
    assert not any(_spins_within_a_run_only(s.session.get_session_options()) for s in sessions)
    _same_runtime(engine, 2)
    assert all(_spins_within_a_run_only(s.session.get_session_options()) for s in sessions)
    image = np.full((120, 480, 3), 255, np.uint8)
    cv2.putText(image, "AB 12345", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0, 0, 0), 4)
    lines = engine(image, use_cls=False)[0]  # the swapped sessions still read
    assert lines and any("12345" in line[1] for line in lines), lines
