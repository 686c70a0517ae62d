"""frame_latency's whole-frame PP-OCR baseline runs on the reader's ONNX Runtime options."""

from __future__ import annotations

import cv2
import numpy as np
from rapidocr_onnxruntime import RapidOCR

from benchmarks.frame_latency import _same_runtime, rapidocr_sessions
from tests.edge.test_runtime import spins_within_a_run_only


def test_the_whole_frame_baseline_gets_the_same_runtime_as_the_reader() -> None:
    engine = RapidOCR(use_cls=False, intra_op_num_threads=2, print_verbose=False)
    sessions = rapidocr_sessions(engine)
    assert len(sessions) >= 2  # detection and recognition at least
    assert not any(spins_within_a_run_only(s.session.get_session_options()) for s in sessions)
    _same_runtime(engine, 2)
    assert all(spins_within_a_run_only(s.session.get_session_options()) for s in sessions)
    image = np.full((120, 480, 3), 255, np.uint8)
    cv2.putText(image, "AB 12345", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0, 0, 0), 4)
    lines = engine(image, use_cls=False)[0]  # the swapped sessions still read
    assert lines and any("12345" in line[1] for line in lines), lines
