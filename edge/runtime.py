"""ONNX Runtime sessions and settings shared by every model the edge runs (detectors, text
det and rec): one place where a model file becomes a session.

A lane frame runs several small models in turn (the plate detector, then a recognition or
two), with Python and OpenCV work between the calls, all on the same 2 cores.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from pathlib import Path

import onnx
import onnxruntime as ort

from checkpoint.errors import ConfigError

logger = logging.getLogger(__name__)

Rewrite = Callable[[onnx.ModelProto], Mapping[str, int]]
"""Changes a loaded graph in place (same results, less time); says what it changed."""


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


def cpu_session(path: Path, threads: int, rewrite: Rewrite | None = None) -> ort.InferenceSession:
    """A model's ONNX Runtime session on `threads` CPU threads (`cpu_options`), its graph
    first changed by `rewrite` when given (in memory: the file stays as shipped).

    Raises:
        ConfigError: the file is missing, or not a model ONNX Runtime can run.
    """
    if not path.is_file():
        raise ConfigError(f"model file not found: {path}")
    try:
        model: str | bytes = str(path)
        if rewrite is not None:
            graph = onnx.load(str(path))
            changes = rewrite(graph)
            logger.info("model=%s %s", path.name, " ".join(f"{k}={v}" for k, v in changes.items()))
            model = graph.SerializeToString()
        return ort.InferenceSession(model, cpu_options(threads), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnx and onnxruntime raise their own untyped errors
        raise ConfigError(f"cannot load model {path}: {exc}") from exc


@functools.cache
def channel_block() -> int:
    """How many channels ONNX Runtime's CPU convolutions take at a time (its NCHWc block):
    16 on a CPU with AVX-512, else 8 (AVX2). Read from Linux's CPU flags; 8 where those
    are not found, which leaves 8-channel layers as they are."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 8
    return 16 if " avx512f" in flags else 8
