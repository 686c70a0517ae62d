"""The PP-OCRv4 graphs as we load them: the hard-swish rewrite changes speed, not results."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from checkpoint.errors import ConfigError
from edge.read import PPOCRConfig
from edge.read.models import TextDetector, TextRecognizer, fuse_hard_swish
from edge.synth import render_plate

from .conftest import needs_font


def _outputs(model: bytes, image: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    batch = ((image.astype(np.float32) / 127.5) - 1.0).transpose(2, 0, 1)[None]
    result: np.ndarray = session.run(None, {session.get_inputs()[0].name: batch})[0]
    return result


@needs_font
@pytest.mark.parametrize(
    ("model_file", "size", "expected"),
    [("rec_model", (216, 48), 28), ("det_model", (320, 160), 24)],
)
def test_fused_graphs_compute_what_the_exported_ones_do(
    model_file: str, size: tuple[int, int], expected: int
) -> None:
    config = PPOCRConfig()
    path = config.model_dir / getattr(config, model_file)
    exported = onnx.load(str(path))
    fused = onnx.load(str(path))
    assert fuse_hard_swish(fused) == expected  # every hard-swish of the backbone
    clips = [[n.op_type for n in m.graph.node].count("Clip") for m in (exported, fused)]
    assert clips[1] == clips[0] - expected

    plate = cv2.resize(render_plate("冀A12345", "blue"), size)
    before = _outputs(exported.SerializeToString(), plate)
    after = _outputs(fused.SerializeToString(), plate)
    assert before.shape == after.shape
    np.testing.assert_allclose(after, before, atol=1e-4)


def test_a_graph_without_spelled_out_hard_swish_is_left_alone() -> None:
    three = helper.make_tensor("three", TensorProto.FLOAT, [], [3.0])
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "three"], ["y"])],
        "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
        [three],
    )
    model = helper.make_model(graph)
    assert fuse_hard_swish(model) == 0
    assert [n.op_type for n in model.graph.node] == ["Add"]


@pytest.mark.parametrize("loader", [TextDetector, TextRecognizer])
def test_a_model_file_that_is_not_onnx_is_a_config_error(
    tmp_path: Path, loader: type[TextDetector] | type[TextRecognizer]
) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x0f\xff not a protobuf" * 40)
    with pytest.raises(ConfigError, match=r"broken\.onnx"):
        loader(broken, 1)
    with pytest.raises(ConfigError, match="not found"):
        loader(tmp_path / "missing.onnx", 1)
