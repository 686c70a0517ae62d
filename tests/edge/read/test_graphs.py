"""The PP-OCRv4 graphs as we load them: the rewrites change speed, not results."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from checkpoint.errors import ConfigError
from edge.read import PPOCRConfig
from edge.read.graphs import pad_narrow_convs, simplify
from edge.read.models import TextDetector, TextRecognizer
from edge.runtime import channel_block
from edge.synth import render_plate

from .conftest import needs_font


def _run(model: onnx.ModelProto, batch: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    result: np.ndarray = session.run(None, {session.get_inputs()[0].name: batch})[0]
    return result


def _copy(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model as it was, to compare a rewritten one with (the rewrites work in place)."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    return copy


def _ops(model: onnx.ModelProto) -> list[str]:
    return [node.op_type for node in model.graph.node]


@needs_font
@pytest.mark.parametrize(
    ("model_file", "size"), [("rec_model", (216, 48)), ("det_model", (320, 160))]
)
def test_the_shipped_graphs_compute_what_they_did_with_fewer_passes(
    model_file: str, size: tuple[int, int]
) -> None:
    config = PPOCRConfig()
    path = config.model_dir / getattr(config, model_file)
    exported, simplified = onnx.load(str(path)), onnx.load(str(path))
    changes = simplify(simplified)
    # every block of PP-LCNetV3: a scale after each convolution, a hard-swish after most
    assert changes["conv_scale_folded"] == 28
    assert changes["hard_swish_fused"] >= 24
    assert len(_ops(simplified)) < len(_ops(exported)) - 100
    clips = _ops(exported).count("Clip") - _ops(simplified).count("Clip")
    assert clips == changes["hard_swish_fused"]
    plate = cv2.resize(render_plate("冀A12345", "blue"), size)
    batch = ((plate.astype(np.float32) / 127.5) - 1.0).transpose(2, 0, 1)[None]
    np.testing.assert_allclose(_run(simplified, batch), _run(exported, batch), atol=1e-4)


def _constant(name: str, value: np.ndarray | float) -> onnx.NodeProto:
    """A Constant node, as Paddle's exporter writes weights and scalars."""
    array = np.asarray(value, np.float32)
    return helper.make_node(
        "Constant", [], [name], value=numpy_helper.from_array(array, f"{name}_value")
    )


def _lcnet_block(rng: np.random.Generator) -> onnx.ModelProto:
    """conv 3x3 -> scale/shift -> hard-swish (spelled out) -> scale/shift, read by a padded
    depthwise conv 3x3 and by a pointwise conv; the two results are added."""
    c = 8
    nodes = [
        _constant("w1", rng.normal(size=(c, 3, 3, 3))),
        _constant("b1", rng.normal(size=c)),
        _constant("s1", 1.7),
        _constant("t1", -0.4),
        _constant("three", 3.0),
        _constant("zero", 0.0),
        _constant("six", 6.0),
        _constant("s2", 0.6),
        _constant("t2", 0.9),
        _constant("wd", rng.normal(size=(c, 1, 3, 3))),
        _constant("wp", rng.normal(size=(c, c, 1, 1))),
        _constant("bp", rng.normal(size=c)),
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["c1", "s1"], ["m1"]),
        helper.make_node("Add", ["m1", "t1"], ["a1"]),
        helper.make_node("Add", ["a1", "three"], ["h1"]),
        helper.make_node("Clip", ["h1", "zero", "six"], ["h2"]),
        helper.make_node("Mul", ["a1", "h2"], ["h3"]),
        helper.make_node("Div", ["h3", "six"], ["hs"]),
        helper.make_node("Mul", ["s2", "hs"], ["m2"]),
        helper.make_node("Add", ["m2", "t2"], ["a2"]),
        helper.make_node("Conv", ["a2", "wd"], ["depthwise"], pads=[1, 1, 1, 1], group=c),
        helper.make_node("Mul", ["hs", "s2"], ["m3"]),
        helper.make_node("Add", ["m3", "t2"], ["a3"]),
        helper.make_node("Conv", ["a3", "wp", "bp"], ["pointwise"]),
        helper.make_node("Add", ["depthwise", "pointwise"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "lcnet_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 12, 20])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, c, 12, 20])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])


def test_each_rewrite_keeps_the_block_exact_including_its_padded_borders() -> None:
    rng = np.random.default_rng(5)
    model = _lcnet_block(rng)
    before = _copy(model)
    changes = simplify(model)
    assert changes == {
        "conv_scale_folded": 1,
        "scale_folded_into_next_conv": 1,  # the pointwise conv takes its input's scale
        "scale_as_batch_norm": 1,  # the padded one must not: its zero padding is not t2
        "hard_swish_fused": 1,
    }
    assert sorted(_ops(model)) == sorted(
        ["Conv", "Conv", "Conv", "HardSigmoid", "Mul", "BatchNormalization", "Add"]
        + ["Constant"] * 12
    )
    batch = rng.normal(size=(1, 3, 12, 20)).astype(np.float32) * 3
    np.testing.assert_allclose(_run(model, batch), _run(before, batch), rtol=1e-5, atol=1e-4)


def test_a_tensor_the_graph_outputs_is_never_rewritten_away() -> None:
    rng = np.random.default_rng(6)
    model = _lcnet_block(rng)
    # the convolution's raw output and the spelled-out hard-swish's input are wanted too
    model.graph.output.extend(
        [
            helper.make_tensor_value_info("c1", TensorProto.FLOAT, [1, 8, 12, 20]),
            helper.make_tensor_value_info("h3", TensorProto.FLOAT, [1, 8, 12, 20]),
        ]
    )
    before = _copy(model)
    changes = simplify(model)
    assert changes["conv_scale_folded"] == 0
    assert changes["hard_swish_fused"] == 0
    options = ort.SessionOptions()
    options.log_severity_level = 3
    batch = rng.normal(size=(1, 3, 12, 20)).astype(np.float32)
    results = [
        ort.InferenceSession(m.SerializeToString(), options).run(None, {"x": batch})
        for m in (before, model)
    ]
    for old, new in zip(*results, strict=True):
        np.testing.assert_allclose(new, old, rtol=1e-5, atol=1e-4)


def test_a_graph_with_nothing_to_rewrite_is_left_alone() -> None:
    three = helper.make_tensor("three", TensorProto.FLOAT, [], [3.0])
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "three"], ["y"])],
        "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
        [three],
    )
    model = helper.make_model(graph)
    assert set(simplify(model).values()) == {0}
    assert _ops(model) == ["Add"]


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
    empty = tmp_path / "empty.onnx"  # parses as an empty model: ONNX Runtime refuses it
    empty.write_bytes(b"")
    with pytest.raises(ConfigError, match=r"empty\.onnx"):
        loader(empty, 1)


def _mobilenet_stem(rng: np.random.Generator, *, joined: bool = False) -> onnx.ModelProto:
    """conv 3x3 (3 -> 8) -> relu -> depthwise 3x3 (8) -> relu -> pointwise (8 -> 16), as the
    plate SSD starts; `joined`: the first relu's output is also concatenated to the result
    (a reader other than a convolution)."""
    tensors = {
        "w0": rng.normal(size=(8, 3, 3, 3)),
        "b0": rng.normal(size=8),
        "wd": rng.normal(size=(8, 1, 3, 3)),
        "bd": rng.normal(size=8),
        "wp": rng.normal(size=(16, 8, 1, 1)),
        "bp": rng.normal(size=16),
    }
    nodes = [
        helper.make_node("Conv", ["x", "w0", "b0"], ["c0"], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c0"], ["r0"]),
        helper.make_node("Conv", ["r0", "wd", "bd"], ["cd"], pads=[1, 1, 1, 1], group=8),
        helper.make_node("Relu", ["cd"], ["rd"]),
        helper.make_node("Conv", ["rd", "wp", "bp"], ["y" if not joined else "cp"]),
    ]
    channels = 16
    if joined:
        nodes.append(helper.make_node("Concat", ["cp", "r0"], ["y"], axis=1))
        channels = 24
    graph = helper.make_graph(
        nodes,
        "stem",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 24, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, channels, 12, 16])],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in tensors.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def test_narrow_layers_padded_to_the_cpu_block_compute_the_same() -> None:
    rng = np.random.default_rng(7)
    model = _mobilenet_stem(rng)
    before = _copy(model)
    assert pad_narrow_convs(model, 16) == {"channels_padded": 1}
    widths = {
        init.name: tuple(init.dims) for init in model.graph.initializer if "padded" in init.name
    }
    # the stem's and the depthwise layer's weights and biases 16 wide; the reader's input
    assert sorted(widths.values()) == [(16,)] * 3 + [(16, 1, 3, 3), (16, 3, 3, 3), (16, 16, 1, 1)]
    groups = [a.i for node in model.graph.node for a in node.attribute if a.name == "group"]
    assert groups == [16]
    batch = rng.normal(size=(1, 3, 24, 32)).astype(np.float32)
    np.testing.assert_allclose(_run(model, batch), _run(before, batch), rtol=1e-5, atol=1e-5)


def test_layers_already_a_whole_block_or_read_by_anything_else_stay_narrow() -> None:
    rng = np.random.default_rng(8)
    assert pad_narrow_convs(_mobilenet_stem(rng), 8) == {"channels_padded": 0}
    joined = _mobilenet_stem(rng, joined=True)
    assert pad_narrow_convs(joined, 16) == {"channels_padded": 0}
    assert all("padded" not in init.name for init in joined.graph.initializer)


def test_the_plate_ssd_padded_for_this_cpu_gives_the_same_scores_and_boxes() -> None:
    path = Path(__file__).resolve().parents[3] / "models" / "weights" / "hyperlpr_plate_ssd.onnx"
    shipped, padded = onnx.load(str(path)), onnx.load(str(path))
    block = channel_block()
    # its stem is 8 channels wide: a block of AVX2's, half of AVX-512's
    assert pad_narrow_convs(padded, block) == {"channels_padded": int(block > 8)}
    frame = cv2.resize(render_plate("冀A12345", "blue"), (320, 256))
    batch = (frame.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
    options = ort.SessionOptions()
    options.log_severity_level = 3
    results = [
        ort.InferenceSession(m.SerializeToString(), options).run(None, {"data": batch})
        for m in (shipped, padded)
    ]
    for old, new in zip(*results, strict=True):
        np.testing.assert_allclose(new, old, rtol=1e-4, atol=1e-4)
