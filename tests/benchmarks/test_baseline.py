"""frame_latency: the whole-frame PP-OCR baseline runs on the reader's ONNX Runtime options, and
the fixed frame set is scored as one set too."""

from __future__ import annotations

import cv2
import numpy as np
from rapidocr_onnxruntime import RapidOCR

from benchmarks.frame_latency import (
    ISSUE_SET,
    Run,
    _joined,
    _ratio,
    _same_runtime,
    rapidocr_sessions,
)
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


def test_the_issue_frame_set_row_pools_the_clip_and_the_dev_photos_frame_by_frame() -> None:
    clip, photos = ISSUE_SET
    bases = {clip: [200.0, 210.0, 190.0], photos: [300.0, 100.0], "other": [1.0]}
    runs = {clip: Run(total=[10.0, 12.0, 11.0]), photos: Run(total=[40.0, 20.0])}
    base, run = _joined(bases, runs)
    assert base == [200.0, 210.0, 190.0, 300.0, 100.0]
    assert run.total == [10.0, 12.0, 11.0, 40.0, 20.0]
    # p50 over the pooled frames: 200 against 12 ms
    assert _ratio("both", base, run)[3] == "16.7x"
