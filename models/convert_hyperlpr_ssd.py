"""Convert HyperLPR's plate SSD (Caffe, in the `hyperlpr` 0.0.2 wheel) to ONNX for the edge.

Why this exists: our own plate detector was trained on generated frames only and finds
about half of the real dev plates; white and black plates then cost the reader a
whole-frame text detection. HyperLPR's ``mininet_ssd_v1`` is a MobileNet SSD trained on
real Chinese vehicle photos that boxes plates of every colour in under 10 ms on 2 cores.
The wheel (PyPI ``hyperlpr==0.0.2``, MIT per its metadata; the HyperLPR repository is
Apache-2.0) ships it as a Caffe prototxt + caffemodel, which OpenCV 5 no longer reads, so
this script rewrites it as ONNX: the convolutional trunk and the 12 prediction heads, each
head's output left in NHWC so its feature-map size is known. Prior boxes, box decoding and
suppression follow Caffe SSD's `PriorBox` and `DetectionOutput` in
`edge.detect.ssd.PlateSsd`; their parameters ride in the file's metadata (``ssd_heads``).

Runs once, by hand; the product never imports it::

    pip download --no-deps hyperlpr==0.0.2   # wheel sha256 in the registry's source
    python models/convert_hyperlpr_ssd.py hyperlpr-0.0.2-py3-none-any.whl \\
        models/weights/hyperlpr_plate_ssd.onnx

Caffe's binary format is read with a five-message subset of ``caffe.proto`` built at run
time (field numbers from BVLC Caffe), so no Caffe install is needed.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from onnx import TensorProto, helper, numpy_helper

logger = logging.getLogger(__name__)

_MODEL = "hyperlpr/models/dnn/mininet_ssd_v1"
_TOKEN = re.compile(
    r"\s*(?:(\{)|(\})"  # a bare brace
    r'|([A-Za-z_][A-Za-z0-9_]*)\s*:\s*("[^"]*"|[^\s{}]+)'  # key: value
    r"|([A-Za-z_][A-Za-z0-9_]*)\s*\{)"  # key {
)


def parse_prototxt(text: str) -> dict[str, Any]:
    """Caffe's text format as nested dicts of lists (every key may repeat)."""
    text = re.sub(r"#[^\n]*", "", text)
    stack: list[dict[str, Any]] = [{}]
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"prototxt: cannot parse at {text[pos : pos + 40]!r}")
        pos = match.end()
        if match.group(2):
            stack.pop()
        elif match.group(3):
            raw = match.group(4)
            value: Any = raw.strip('"') if raw.startswith('"') else _number(raw)
            stack[-1].setdefault(match.group(3), []).append(value)
        elif match.group(5):
            child: dict[str, Any] = {}
            stack[-1].setdefault(match.group(5), []).append(child)
            stack.append(child)
    return stack[0]


def _number(raw: str) -> Any:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(raw, raw)


def _caffe_messages() -> tuple[Any, Any]:
    """NetParameter and its blobs, from the field numbers of BVLC caffe.proto."""
    proto = descriptor_pb2.FileDescriptorProto(name="caffe_subset.proto", package="caffe")
    f = descriptor_pb2.FieldDescriptorProto
    rep, opt = f.LABEL_REPEATED, f.LABEL_OPTIONAL

    def message(name: str, fields: list[tuple[str, int, int, int, str]]) -> None:
        m = proto.message_type.add(name=name)
        for field_name, number, label, kind, type_name in fields:
            field = m.field.add(name=field_name, number=number, label=label, type=kind)
            if type_name:
                field.type_name = type_name

    message("BlobShape", [("dim", 1, rep, f.TYPE_INT64, "")])
    message(
        "BlobProto",
        [
            ("num", 1, opt, f.TYPE_INT32, ""),
            ("channels", 2, opt, f.TYPE_INT32, ""),
            ("height", 3, opt, f.TYPE_INT32, ""),
            ("width", 4, opt, f.TYPE_INT32, ""),
            ("data", 5, rep, f.TYPE_FLOAT, ""),
            ("shape", 7, opt, f.TYPE_MESSAGE, ".caffe.BlobShape"),
            ("double_data", 8, rep, f.TYPE_DOUBLE, ""),
        ],
    )
    message(
        "LayerParameter",
        [
            ("name", 1, opt, f.TYPE_STRING, ""),
            ("type", 2, opt, f.TYPE_STRING, ""),
            ("blobs", 7, rep, f.TYPE_MESSAGE, ".caffe.BlobProto"),
        ],
    )
    message("NetParameter", [("layer", 100, rep, f.TYPE_MESSAGE, ".caffe.LayerParameter")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    net = message_factory.GetMessageClass(pool.FindMessageTypeByName("caffe.NetParameter"))
    return net, pool


def read_weights(raw: bytes) -> dict[str, list[np.ndarray]]:
    net_class, _ = _caffe_messages()
    net = net_class()
    net.ParseFromString(raw)
    weights: dict[str, list[np.ndarray]] = {}
    for layer in net.layer:
        blobs = []
        for blob in layer.blobs:
            shape = list(blob.shape.dim) or [
                d for d in (blob.num, blob.channels, blob.height, blob.width) if d
            ]
            data = np.array(blob.data or blob.double_data, dtype=np.float32)
            blobs.append(data.reshape(shape))
        if blobs:
            weights[layer.name] = blobs
    if not weights:
        raise ValueError("caffemodel holds no weights in the `layer` field")
    return weights


def convert(prototxt: str, caffemodel: bytes) -> onnx.ModelProto:
    layers = parse_prototxt(prototxt)["layer"]
    weights = read_weights(caffemodel)
    nodes: list[onnx.NodeProto] = []
    inits: list[TensorProto] = []
    outputs: list[str] = []
    priors: list[dict[str, Any]] = []
    flatten_of: dict[str, str] = {}  # flatten top -> the permute (NHWC head) behind it
    concats: dict[str, list[str]] = {}
    loc_concat = conf_concat = ""
    nms = 0.45
    alias: dict[str, str] = {}  # Caffe blob -> its ONNX tensor now (ReLU works in place)
    for layer in layers:
        kind, name = layer["type"][0], layer["name"][0]
        bottom, top = layer.get("bottom", []), layer.get("top", [])
        if kind == "Input":
            continue
        if kind == "Convolution":
            nodes.append(_conv(layer, weights[name], alias.get(bottom[0], bottom[0]), inits))
        elif kind == "ReLU":
            out = f"{name}_out"
            source = alias.get(bottom[0], bottom[0])
            nodes.append(helper.make_node("Relu", [source], [out], name=name))
            alias[top[0]] = out
        elif kind == "Permute":
            order = layer["permute_param"][0]["order"]
            if order != [0, 2, 3, 1]:
                raise ValueError(f"{name}: unexpected permute {order}")
            src = alias.get(bottom[0], bottom[0])
            nodes.append(helper.make_node("Transpose", [src], [top[0]], name=name, perm=order))
            outputs.append(top[0])
        elif kind == "Flatten":
            flatten_of[top[0]] = bottom[0]
        elif kind == "Concat":
            concats[top[0]] = list(bottom)
        elif kind == "PriorBox":
            p = layer["prior_box_param"][0]
            priors.append(
                {
                    "feature": bottom[0],
                    "min_size": p["min_size"][0],
                    "max_size": p.get("max_size", [0.0])[0],
                    "aspect_ratios": p.get("aspect_ratio", []),
                    "flip": bool(p.get("flip", [True])[0]),
                    "variance": p.get("variance", [0.1]),
                    "offset": p.get("offset", [0.5])[0],
                }
            )
        elif kind == "DetectionOutput":
            loc_concat = bottom[0]
            p = layer["detection_output_param"][0]
            nms = p["nms_param"][0]["nms_threshold"][0]
        elif kind == "Reshape":  # the class scores, reshaped for their softmax
            conf_concat = bottom[0]
        elif kind != "Softmax":
            raise ValueError(f"{name}: layer type {kind} not handled")
    locs = [flatten_of[b] for b in concats[loc_concat]]
    confs = [flatten_of[b] for b in concats[conf_concat]]
    if not (len(locs) == len(confs) == len(priors)):
        raise ValueError("heads and prior boxes do not pair up")
    heads = [
        dict(prior, loc=loc, conf=conf)
        for prior, loc, conf in zip(priors, locs, confs, strict=True)
    ]
    return _model(nodes, inits, outputs, heads, nms)


def _model(
    nodes: list[onnx.NodeProto],
    inits: list[TensorProto],
    outputs: list[str],
    heads: list[dict[str, Any]],
    nms: float,
) -> onnx.ModelProto:
    """The graph, with what `edge.detect.ssd` needs to decode its heads in the metadata."""
    nhwc = [1, None, None, None]
    graph = helper.make_graph(
        nodes,
        "hyperlpr_plate_ssd",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, "height", "width"])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, nhwc) for o in outputs],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])
    model.ir_version = 7
    meta = {
        "ssd_heads": json.dumps(heads),
        "nms_threshold": str(nms),
        "names": "{0: 'plate'}",
        "mean": "0.485,0.456,0.406",  # RGB, on 0-1 pixels (hyperlpr detect_ssd)
        "std": "0.229,0.224,0.225",
    }
    for key, value in meta.items():
        model.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(model)
    return model


def _conv(
    layer: dict[str, Any], blobs: list[np.ndarray], source: str, inits: list[TensorProto]
) -> onnx.NodeProto:
    """One Caffe convolution (square kernel, stride, pad, dilation, groups) as an ONNX Conv."""
    name, top = layer["name"][0], layer["top"][0]
    p = layer["convolution_param"][0]
    inits.append(numpy_helper.from_array(blobs[0], f"{name}_W"))
    inputs = [source, f"{name}_W"]
    if p.get("bias_term", [True])[0] and len(blobs) > 1:
        inits.append(numpy_helper.from_array(blobs[1].reshape(-1), f"{name}_B"))
        inputs.append(f"{name}_B")
    kernel, stride, dilation, pad, group = (
        p.get(key, [default])[0]
        for key, default in (
            ("kernel_size", 1),
            ("stride", 1),
            ("dilation", 1),
            ("pad", 0),
            ("group", 1),
        )
    )
    return helper.make_node(
        "Conv",
        inputs,
        [top],
        name=name,
        kernel_shape=[kernel, kernel],
        strides=[stride, stride],
        dilations=[dilation, dilation],
        pads=[pad] * 4,
        group=group,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="hyperlpr-0.0.2-py3-none-any.whl")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    with zipfile.ZipFile(args.wheel) as wheel:
        prototxt = wheel.read(f"{_MODEL}.prototxt").decode("utf-8")
        caffemodel = wheel.read(f"{_MODEL}.caffemodel")
    model = convert(prototxt, caffemodel)
    onnx.save(model, str(args.out))
    logging.basicConfig(level=logging.INFO)
    logger.info("wrote %s (%d heads)", args.out, len(model.graph.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
