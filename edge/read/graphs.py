"""Rewrites of exported model graphs that ONNX Runtime does not do itself.

Paddle's exporter spells some layers of PP-OCRv4 out as chains of elementwise operators,
and ONNX Runtime runs each as a separate pass over the feature map. On 2 cores those passes
were a third of the recogniser's time on a plate line. The plate SSD's first layers are 8
channels wide, narrower than the blocks ONNX Runtime's fast convolutions work in
(`pad_narrow_convs`). Each rewrite here computes the same values (to float rounding) in
less time; the files on disk stay as shipped (their sha256 is in the models registry), the
graphs are rewritten in memory at load.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper


class _Graph:
    """Who produces and who consumes each tensor, and the value of constant ones."""

    def __init__(self, model: onnx.ModelProto) -> None:
        self.graph = model.graph
        self.producer = {out: node for node in self.graph.node for out in node.output}
        self.consumers: dict[str, list[onnx.NodeProto]] = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.initializers = {init.name: init for init in self.graph.initializer}
        self.outputs = {output.name for output in self.graph.output}

    def constant(self, name: str) -> np.ndarray | None:
        """The value of a Constant node's output or an initializer; None for computed ones."""
        node = self.producer.get(name)
        if node is not None:
            if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
                return numpy_helper.to_array(node.attribute[0].t)
            return None
        init = self.initializers.get(name)
        return None if init is None else numpy_helper.to_array(init)

    def scalar(self, name: str) -> float | None:
        value = self.constant(name)
        return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None

    def only_user(self, name: str, op: str) -> onnx.NodeProto | None:
        """The one node reading `name`, when there is exactly one and it is an `op` (and
        `name` is not also an output of the graph, which a rewrite must keep)."""
        if name in self.outputs:
            return None
        users = self.consumers.get(name, [])
        return users[0] if len(users) == 1 and users[0].op_type == op else None

    def other_input(self, node: onnx.NodeProto, name: str) -> str | None:
        others = [i for i in node.input if i != name]
        return others[0] if len(node.input) == 2 and len(others) == 1 else None

    def affine(self, mul: onnx.NodeProto) -> tuple[str, float, onnx.NodeProto, float] | None:
        """`y * s + b` with scalar constants s and b, starting at its Mul: (y, s, the Add, b)."""
        if mul.op_type != "Mul" or len(mul.input) != 2:
            return None
        scales = [self.scalar(name) for name in mul.input]
        if (scales[0] is None) == (scales[1] is None):
            return None
        if scales[0] is None:
            source, scale = mul.input[0], scales[1]
        else:
            source, scale = mul.input[1], scales[0]
        add = self.only_user(mul.output[0], "Add")
        term = self.other_input(add, mul.output[0]) if add is not None else None
        shift = self.scalar(term) if term is not None else None
        if scale is None or add is None or shift is None:
            return None
        return source, scale, add, shift

    def conv_parameters(self, conv: onnx.NodeProto) -> tuple[np.ndarray, np.ndarray] | None:
        """A convolution's constant weights and bias (zeros when it has none)."""
        weights = self.constant(conv.input[1]) if len(conv.input) > 1 else None
        if weights is None:
            return None
        if len(conv.input) < 3:
            return weights, np.zeros(weights.shape[0], weights.dtype)
        bias = self.constant(conv.input[2])
        return None if bias is None else (weights, bias)

    def with_parameters(
        self, conv: onnx.NodeProto, source: str, weights: np.ndarray, bias: np.ndarray, tag: str
    ) -> onnx.NodeProto:
        """A copy of `conv` reading `source` with new weights and bias (added as
        initializers)."""
        stem = f"{conv.name or conv.output[0]}_{tag}"
        names = (f"{stem}_w", f"{stem}_b")
        self.graph.initializer.extend(
            [
                numpy_helper.from_array(weights, names[0]),
                numpy_helper.from_array(bias.astype(weights.dtype), names[1]),
            ]
        )
        changed = onnx.NodeProto()
        changed.CopyFrom(conv)
        del changed.input[:]
        changed.input.extend([source, *names])
        return changed

    def replace(self, replaced: dict[int, list[onnx.NodeProto]], dropped: set[int]) -> None:
        """Swap nodes (by id) for their replacements, drop others, keep the order."""
        nodes: list[onnx.NodeProto] = []
        for node in self.graph.node:
            if id(node) in replaced:
                nodes.extend(replaced[id(node)])
            elif id(node) not in dropped:
                nodes.append(node)
        del self.graph.node[:]
        self.graph.node.extend(nodes)


def simplify(model: onnx.ModelProto) -> dict[str, int]:
    """Apply every rewrite below, in place; returns how many places each changed."""
    return {
        "conv_scale_folded": fold_conv_scale(model),
        "scale_folded_into_next_conv": fold_scale_into_pointwise(model),
        "scale_as_batch_norm": scale_as_batch_norm(model),
        "hard_swish_fused": fuse_hard_swish(model),
    }


def fold_conv_scale(model: onnx.ModelProto) -> int:
    """Fold a scalar scale and shift right after a convolution, conv(x) * s + b, into the
    convolution's weights and bias, in place; returns how many.

    PP-LCNetV3 (the backbone of both PP-OCRv4 models) follows each convolution with a
    "learnable affine block", one scalar multiply and one scalar add over the whole feature
    map: two passes that the convolution's own weights express exactly (W * s, bias * s + b).
    """
    graph = _Graph(model)
    replaced: dict[int, list[onnx.NodeProto]] = {}
    dropped: set[int] = set()
    for conv in graph.graph.node:
        mul = graph.only_user(conv.output[0], "Mul") if conv.op_type == "Conv" else None
        affine = graph.affine(mul) if mul is not None else None
        parameters = graph.conv_parameters(conv) if affine is not None else None
        if mul is None or affine is None or parameters is None:
            continue
        _, scale, add, shift = affine
        weights, bias = parameters
        folded = graph.with_parameters(
            conv, conv.input[0], weights * scale, bias * scale + shift, "scale_folded"
        )
        del folded.output[:]
        folded.output.append(add.output[0])
        replaced[id(conv)] = [folded]
        dropped |= {id(mul), id(add)}
    graph.replace(replaced, dropped)
    return len(replaced)


def fold_scale_into_pointwise(model: onnx.ModelProto) -> int:
    """Fold a scalar scale and shift, y * s + b, into the 1x1 unpadded convolution that is its
    only reader, in place; returns how many.

    The affine block after an activation cannot go back into the convolution before it
    (the activation is in between), but a pointwise convolution after it takes it exactly:
    W (s y + b) = (s W) y + b * sum(W). Before a padded convolution it would not be exact
    (the padding is zeros, not b), so those stay.
    """
    graph = _Graph(model)
    replaced: dict[int, list[onnx.NodeProto]] = {}
    dropped: set[int] = set()
    for mul in graph.graph.node:
        affine = graph.affine(mul)
        conv = graph.only_user(affine[2].output[0], "Conv") if affine is not None else None
        if affine is None or conv is None or id(conv) in replaced or not _pointwise(conv):
            continue
        parameters = graph.conv_parameters(conv)
        if parameters is None or parameters[0].shape[2:] != (1, 1):
            continue
        source, scale, add, shift = affine
        weights, bias = parameters
        replaced[id(conv)] = [
            graph.with_parameters(
                conv,
                source,
                weights * scale,
                bias + shift * weights.sum(axis=(1, 2, 3)),
                "input_scale_folded",
            )
        ]
        dropped |= {id(mul), id(add)}
    graph.replace(replaced, dropped)
    return len(replaced)


def _pointwise(conv: onnx.NodeProto) -> bool:
    """Whether a convolution has no groups and no padding (its kernel is checked apart)."""
    attributes = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
    auto_pad = attributes.get("auto_pad", b"NOTSET")
    return (
        attributes.get("group", 1) == 1
        and not any(attributes.get("pads", ()))
        and auto_pad in (b"NOTSET", b"VALID", "NOTSET", "VALID")
    )


def scale_as_batch_norm(model: onnx.ModelProto) -> int:
    """Turn the scalar scale and shift left before a padded convolution, y * s + b, into one
    BatchNormalization (mean 0, variance 1), in place; returns how many.

    One pass instead of two, and one that ONNX Runtime keeps in its blocked (NCHWc) layout:
    a scalar Mul or Add makes it convert the feature map out of that layout and back.
    The channel count comes from the convolution that reads the result.
    """
    graph = _Graph(model)
    replaced: dict[int, list[onnx.NodeProto]] = {}
    dropped: set[int] = set()
    for mul in graph.graph.node:
        affine = graph.affine(mul)
        if affine is None:
            continue
        source, scale, add, shift = affine
        convs = [r for r in graph.consumers.get(add.output[0], []) if r.op_type == "Conv"]
        parameters = graph.conv_parameters(convs[0]) if convs else None
        if parameters is None:
            continue
        group = next((a.i for a in convs[0].attribute if a.name == "group"), 1)
        channels = parameters[0].shape[1] * group
        stem = mul.name or mul.output[0]
        names = [f"{stem}_bn_{part}" for part in ("scale", "bias", "mean", "var")]
        graph.graph.initializer.extend(
            numpy_helper.from_array(np.full(channels, value, parameters[0].dtype), name)
            for name, value in zip(names, (scale, shift, 0.0, 1.0), strict=True)
        )
        replaced[id(mul)] = [
            helper.make_node(
                "BatchNormalization",
                [source, *names],
                [add.output[0]],
                name=f"{stem}_bn",
                epsilon=0.0,
            )
        ]
        dropped.add(id(add))
    graph.replace(replaced, dropped)
    return len(replaced)


def fuse_hard_swish(model: onnx.ModelProto) -> int:
    """Rewrite each hard-swish that Paddle's exporter spelled out, x * clip(x + 3, 0, 6) / 6,
    as x * HardSigmoid(x), in place; returns how many.

    PP-OCRv4's backbone uses hard-swish after nearly every convolution; the spelled-out
    form is four elementwise passes that ONNX Runtime does not fuse. HardSigmoid is opset 6,
    so the model keeps the opset it was exported with.
    """
    graph = _Graph(model)
    replaced: dict[int, list[onnx.NodeProto]] = {}
    dropped: set[int] = set()
    for add in graph.graph.node:
        if add.op_type != "Add" or len(add.input) != 2 or graph.scalar(add.input[1]) != 3.0:
            continue
        x = add.input[0]
        clip = graph.only_user(add.output[0], "Clip")
        if clip is None or len(clip.input) != 3:
            continue
        if graph.scalar(clip.input[1]) != 0.0 or graph.scalar(clip.input[2]) != 6.0:
            continue
        mul = graph.only_user(clip.output[0], "Mul")
        if mul is None or x not in mul.input:
            continue
        div = graph.only_user(mul.output[0], "Div")
        if div is None or graph.scalar(div.input[1]) != 6.0:
            continue
        gate = f"{add.name or add.output[0]}_hard_sigmoid"
        replaced[id(add)] = [
            helper.make_node("HardSigmoid", [x], [gate], name=gate, alpha=1 / 6, beta=0.5),
            helper.make_node("Mul", [x, gate], [div.output[0]], name=f"{gate}_times_x"),
        ]
        dropped |= {id(clip), id(mul), id(div)}
    graph.replace(replaced, dropped)
    return len(replaced)


_CHANNELWISE = frozenset({"Relu", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish"})


def pad_narrow_convs(model: onnx.ModelProto, block: int) -> dict[str, int]:
    """Widen each run of feature maps narrower than `block` channels to a multiple of
    `block` with channels of zeros, in place; returns how many runs
    (`{"channels_padded": n}`).

    ONNX Runtime's CPU convolutions work on channels in blocks (NCHWc: 16 with AVX-512,
    8 with AVX2). A feature map of fewer channels falls back to the plain layout, with a
    conversion in and out of the blocked one around it. The plate SSD (MobileNet) starts
    with 8-channel layers at half the input's resolution: a full convolution, a depthwise
    one and a pointwise one read 8 channels. Padded with channels whose weights and bias
    are zero, and read with zero weights, they run blocked: on a 640x480 input with
    AVX-512, 4.9 -> 4.4 ms a run, the outputs equal to 3e-6.

    A run is a convolution (no groups) whose output goes only through channel-wise
    activations and depthwise convolutions to convolutions without groups; anything else
    reading it (a concatenation, an addition, a graph output) leaves it as it is.
    """
    graph = _Graph(model)
    replaced: dict[int, list[onnx.NodeProto]] = {}
    runs = 0
    for conv in graph.graph.node:
        parameters = graph.conv_parameters(conv) if conv.op_type == "Conv" else None
        if parameters is None or _group(conv) != 1 or id(conv) in replaced:
            continue
        channels = parameters[0].shape[0]
        narrow = channels % block and channels > 1
        run = _narrow_run(graph, conv.output[0], channels) if narrow else None
        if run is None:
            continue
        extra = -(-channels // block) * block - channels
        for node, (weights, shift), axis in [(conv, parameters, 0), *run]:
            # the run's own channels are axis 0 of its convolutions' weights (and of their
            # biases); its readers take them in on axis 1
            grow = [(0, extra if i == axis else 0) for i in range(weights.ndim)]
            bias = np.pad(shift, (0, extra)) if axis == 0 else shift
            padded = graph.with_parameters(
                node, node.input[0], np.pad(weights, grow), bias, "padded"
            )
            for attribute in padded.attribute:
                if attribute.name == "group" and attribute.i == channels:
                    attribute.i = channels + extra  # a depthwise convolution
            replaced[id(node)] = [padded]
        runs += 1
    graph.replace(replaced, set())
    return {"channels_padded": runs}


def _group(conv: onnx.NodeProto) -> int:
    return next((int(a.i) for a in conv.attribute if a.name == "group"), 1)


def _narrow_run(
    graph: _Graph, tensor: str, channels: int
) -> list[tuple[onnx.NodeProto, tuple[np.ndarray, np.ndarray], int]] | None:
    """The convolutions `tensor` (`channels` wide) reaches through channel-wise steps and
    depthwise convolutions, each with its weights and bias and the axis of its weights
    that holds those channels (0: a depthwise one, which passes them on; 1: a reader);
    None when anything else reads them on the way."""
    found: list[tuple[onnx.NodeProto, tuple[np.ndarray, np.ndarray], int]] = []
    pending = [tensor]
    while pending:
        name = pending.pop()
        users = graph.consumers.get(name, [])
        if name in graph.outputs or not users:
            return None
        for node in users:
            if node.op_type in _CHANNELWISE and node.input[0] == name:
                pending.append(node.output[0])
                continue
            parameters = graph.conv_parameters(node) if node.op_type == "Conv" else None
            if parameters is None or node.input[0] != name:
                return None
            kernel = parameters[0]
            if _group(node) == channels and kernel.shape[:2] == (channels, 1):
                found.append((node, parameters, 0))
                pending.append(node.output[0])
            elif _group(node) == 1 and kernel.shape[1] == channels:
                found.append((node, parameters, 1))
            else:
                return None
    return found
