"""ONNX Runtime settings shared by every model the edge runs (detectors, text det and rec).

A lane frame runs several small models in turn (the plate detector, then a recognition or
two), with Python and OpenCV work between the calls, all on the same 2 cores.
"""

from __future__ import annotations

import onnxruntime as ort


def cpu_options(threads: int) -> ort.SessionOptions:
    """Session options for `threads` intra-op threads on the CPU.

    Worker threads spin between the operators of one run, where waking a sleeping thread
    for each of the recogniser's ~100 small operators cost more than the operator, and stop
    spinning as soon as the run returns, so they do not take the cores from the Python work
    between model calls. Measured over the dev photos in a lane behind the plate SSD
    (`frame_latency`, p50 per frame): no spinning 32-33 ms, spinning with the stop 27-29 ms,
    spinning left on between runs 56-66 ms; a 48x160 recognition alone 5.3 -> 4.3 ms.
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "1")
    options.add_session_config_entry("session.force_spinning_stop", "1")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options
