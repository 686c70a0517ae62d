"""Convert the COCO YOLOv5s shipped on the npm registry into the ONNX layout the edge loads.

Why this exists: the edge reads plates inside vehicle boxes and tracks vehicles (and
people) once a COCO detector is installed, but our machines have no internet and
Ultralytics' own weights download from GitHub. The npm package ``yolov5@1.0.11`` carries
Ultralytics' YOLOv5s COCO weights as a TensorFlow.js graph model (``tf.py`` export, NHWC
640x640 input, output (1, 25200, 85): normalised box centre and size, objectness, 80 class
probabilities). This script turns that into what `edge.detect.yolo.YoloOnnx` takes from
any Ultralytics export with a dynamic input: input (1, 3, H, W) RGB 0-1 (H and W multiples
of 32; 640 the longest side it was trained at), output (1, 84, N) with the box in input
pixels and one score per class (objectness x class probability), class names and input
size in the metadata. Weights are stored as float16 and cast back to float32 when
the session loads (ONNX Runtime folds the casts), so the file stays under the 20 MB the
repository takes while inference stays in float32.

Runs only in a separate conversion venv; the product never imports it::

    python3 -m venv /work/convenv
    /work/convenv/bin/pip install tensorflow-cpu==2.15.1 tf2onnx==1.16.1 onnx onnxruntime
    npm pack yolov5@1.0.11 && tar xzf yolov5-1.0.11.tgz
    # tarball sha256 09c0c33c73012c96fe317687bd7dde0339367ea29e8bc860afceceab2f0f5f74
    /work/convenv/bin/python models/convert_coco_yolov5.py package/dist/src/model_s \\
        models/weights/coco_yolov5s.onnx

The graph takes any input size that is a multiple of 32 (`any_size`), so a 16:9 frame runs
at 640x384. A rerun gives a file with other bytes (tf2onnx names its constants in no fixed
order) and the same outputs, bit for bit (checked on real photos); update the registry's sha256.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

COCO_NAMES = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat",
    "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack",
    "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball",
    "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket",
    "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair",
    "couch", "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse",
    "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
    "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier",
    "toothbrush",
)  # fmt: skip
SIZE = 640
_DTYPES = {"float32": np.float32, "int32": np.int32}


def load_graph_def(model_dir: Path) -> Any:
    """The TF.js graph model as a TensorFlow GraphDef with its weights filled in."""
    import tensorflow as tf  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from google.protobuf import json_format

    model = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    graph_def = json_format.ParseDict(
        model["modelTopology"], tf.compat.v1.GraphDef(), ignore_unknown_fields=True
    )
    nodes = {node.name: node for node in graph_def.node}
    for node in graph_def.node:
        # the TF.js converter drops attributes TensorFlow needs back to import its fused ops
        if node.op == "_FusedConv2D" and "TArgs" not in node.attr:
            args = node.attr["num_args"].i
            node.attr["TArgs"].list.type.extend([node.attr["T"].type] * args)
    for group in model["weightsManifest"]:
        data = b"".join((model_dir / p).read_bytes() for p in group["paths"])
        offset = 0
        for weight in group["weights"]:
            if "quantization" in weight:
                raise SystemExit(f"quantised weight {weight['name']} is not supported")
            dtype = _DTYPES[weight["dtype"]]
            count = int(np.prod(weight["shape"])) if weight["shape"] else 1
            value = np.frombuffer(data, dtype, count, offset).reshape(weight["shape"])
            offset += count * np.dtype(dtype).itemsize
            node = nodes[weight["name"]]
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(value))
    return graph_def


def to_onnx(graph_def: Any, model: dict[str, Any]) -> Any:
    import tf2onnx  # type: ignore[import-not-found]

    signature = model["signature"]
    inputs = [v["name"] for v in signature["inputs"].values()]
    outputs = [v["name"] for v in signature["outputs"].values()]
    proto, _ = tf2onnx.convert.from_graph_def(
        graph_def, input_names=inputs, output_names=outputs, opset=17
    )
    return proto


def ultralytics_layout(proto: Any) -> Any:
    """Wrap the graph: NCHW input of any size, (1, 84, N) output, class scores.

    Boxes are already in input pixels (`any_size`)."""
    import onnx  # type: ignore[import-not-found]
    from onnx import TensorProto, helper, numpy_helper  # type: ignore[import-not-found]

    graph = proto.graph
    (old_in,) = graph.input
    (old_out,) = graph.output
    new_in = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, "height", "width"])
    new_out = helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 84, None])
    consts = {
        "c_0": np.array([0], np.int64),
        "c_4": np.array([4], np.int64),
        "c_5": np.array([5], np.int64),
        "c_85": np.array([85], np.int64),
        "c_axis": np.array([2], np.int64),
    }
    graph.initializer.extend(numpy_helper.from_array(v, k) for k, v in consts.items())
    head = [helper.make_node("Transpose", ["images"], [old_in.name], perm=[0, 2, 3, 1])]
    tail = [
        helper.make_node("Slice", [old_out.name, "c_0", "c_4", "c_axis"], ["xywh"]),
        helper.make_node("Slice", [old_out.name, "c_4", "c_5", "c_axis"], ["objectness"]),
        helper.make_node("Slice", [old_out.name, "c_5", "c_85", "c_axis"], ["class_p"]),
        helper.make_node("Mul", ["class_p", "objectness"], ["scores"]),
        helper.make_node("Concat", ["xywh", "scores"], ["rows"], axis=2),
        helper.make_node("Transpose", ["rows"], ["output0"], perm=[0, 2, 1]),
    ]
    for node in graph.node:
        if node.op_type == "Resize":
            # 2x nearest upsampling: TF's half-pixel rule picks the same source pixels as
            # the plain one, which ONNX Runtime runs without a deprecation warning per load
            for attr in node.attribute:
                if attr.name == "coordinate_transformation_mode":
                    attr.s = b"asymmetric"
                if attr.name == "nearest_mode":
                    attr.s = b"floor"
    nodes = head + list(graph.node) + tail
    del graph.node[:]
    graph.node.extend(nodes)
    graph.input.remove(old_in)
    graph.input.append(new_in)
    graph.output.remove(old_out)
    graph.output.append(new_out)
    names = {i: n for i, n in enumerate(COCO_NAMES)}
    for key, value in {
        "names": repr(names),
        "imgsz": repr([SIZE, SIZE]),
        "stride": "32",
        "task": "detect",
        "description": "Ultralytics YOLOv5s COCO, from npm yolov5@1.0.11 (TF.js), converted",
    }.items():
        proto.metadata_props.append(onnx.StringStringEntryProto(key=key, value=value))
    return proto


def any_size(proto: Any) -> Any:
    """Let the graph take any input size that is a multiple of 32, with boxes in pixels.

    The TF.js export bakes its 640x640 input into the detection head: each stride's cell
    grid is a constant, and boxes are divided by the input size. A 16:9 camera frame then
    pays for 640x640 where 640x384 holds all of it (40% fewer pixels through every
    convolution). Here each grid is built from its feature map's shape at run time, and
    box centres and anchors are scaled by the stride and the anchors in pixels instead of
    being normalised, so the output is in input pixels whatever the size.
    """
    from onnx import TensorProto, helper, numpy_helper  # type: ignore[import-not-found]

    graph = proto.graph
    consts = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    readers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            readers.setdefault(name, []).append(node)
    added: dict[str, np.ndarray] = {
        "any_row": np.array([1, -1], np.int64),
        "any_col": np.array([-1, 1], np.int64),
        "any_cells": np.array([1, 1, -1, 2], np.int64),
        "any_half": np.array(0.5, np.float32),
        "any_0": np.array(0, np.int64),
        "any_1": np.array(1, np.int64),
        "any_at1": np.array([1], np.int64),
        "any_at2": np.array([2], np.int64),
        "any_at3": np.array([3], np.int64),
    }
    grids: dict[int, list[Any]] = {}  # by head node: its grid, computed just before it

    def shape_of(name: str) -> tuple[int, ...]:
        return consts[name].shape if name in consts else ()

    heads = [n for n in graph.node if n.op_type == "Reshape" and shape_of(n.input[1]) == (4,)]
    if len(heads) != 3:
        raise SystemExit(f"expected 3 detection heads, found {len(heads)}")
    for index, head in enumerate(heads):
        # (1, ny, nx, 255) -> (1, ny * nx, 3, 85)
        k = f"any{index}"
        added[f"{k}_split"] = np.array([1, -1, 3, 85], np.int64)
        head.input[1] = f"{k}_split"
        grids[id(head)] = _grid_nodes(helper, TensorProto, head.input[0], k)
        todo, seen = list(head.output), set()
        while todo:  # the head's decoding, down to its (1, 3 * ny * nx, 85) rows
            for node in readers.get(todo.pop(), []):
                if id(node) in seen:
                    continue
                seen.add(id(node))
                for slot, name in enumerate(node.input):
                    shape = shape_of(name)
                    if node.op_type == "Add" and len(shape) == 4 and shape[-1] == 2:
                        node.input[slot] = f"{k}_grid"  # cell offsets, was (1, 1, 6400, 2)...
                    elif node.op_type == "Mul" and shape in ((1, 2), (1, 3, 1, 2)):
                        # stride / 640 -> stride; anchor / 640 -> anchor, both in pixels
                        added[f"{k}_{slot}_{node.name}"] = consts[name] * SIZE
                        node.input[slot] = f"{k}_{slot}_{node.name}"
                if node.op_type == "Reshape" and shape_of(node.input[1]) == (3,):
                    added[f"{k}_rows"] = np.array([1, -1, 85], np.int64)
                    node.input[1] = f"{k}_rows"
                else:
                    todo += list(node.output)
    graph.initializer.extend(numpy_helper.from_array(v, k) for k, v in added.items())
    nodes = [n for node in graph.node for n in (*grids.get(id(node), ()), node)]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for node in graph.node for name in node.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)  # the 640x640 grids and sizes replaced above
    return proto


def _grid_nodes(helper: Any, types: Any, feature: str, k: str) -> list[Any]:
    """Nodes giving `{k}_grid`: (1, 1, ny * nx, 2) cell offsets (x - 0.5, y - 0.5), x
    fastest, for the NHWC feature map `feature`."""
    return [
        helper.make_node("Shape", [feature], [f"{k}_shape"]),
        helper.make_node("Slice", [f"{k}_shape", "any_at1", "any_at2"], [f"{k}_ny1"]),
        helper.make_node("Slice", [f"{k}_shape", "any_at2", "any_at3"], [f"{k}_nx1"]),
        helper.make_node("Concat", [f"{k}_ny1", f"{k}_nx1"], [f"{k}_hw"], axis=0),
        helper.make_node("Squeeze", [f"{k}_ny1"], [f"{k}_ny"]),
        helper.make_node("Squeeze", [f"{k}_nx1"], [f"{k}_nx"]),
        helper.make_node("Range", ["any_0", f"{k}_ny", "any_1"], [f"{k}_ry"]),
        helper.make_node("Range", ["any_0", f"{k}_nx", "any_1"], [f"{k}_rx"]),
        helper.make_node("Cast", [f"{k}_ry"], [f"{k}_fy"], to=types.FLOAT),
        helper.make_node("Cast", [f"{k}_rx"], [f"{k}_fx"], to=types.FLOAT),
        helper.make_node("Reshape", [f"{k}_fx", "any_row"], [f"{k}_row"]),
        helper.make_node("Reshape", [f"{k}_fy", "any_col"], [f"{k}_col"]),
        helper.make_node("Expand", [f"{k}_row", f"{k}_hw"], [f"{k}_gx"]),
        helper.make_node("Expand", [f"{k}_col", f"{k}_hw"], [f"{k}_gy"]),
        helper.make_node("Unsqueeze", [f"{k}_gx", "any_at2"], [f"{k}_gx3"]),
        helper.make_node("Unsqueeze", [f"{k}_gy", "any_at2"], [f"{k}_gy3"]),
        helper.make_node("Concat", [f"{k}_gx3", f"{k}_gy3"], [f"{k}_xy"], axis=2),
        helper.make_node("Reshape", [f"{k}_xy", "any_cells"], [f"{k}_cells"]),
        helper.make_node("Sub", [f"{k}_cells", "any_half"], [f"{k}_grid"]),
    ]


def float16_storage(proto: Any, min_elements: int = 1024) -> Any:
    """Store large float32 weights as float16, each behind a Cast back to float32."""
    from onnx import TensorProto, helper, numpy_helper  # type: ignore[import-not-found]

    graph = proto.graph
    casts = []
    for index, init in enumerate(list(graph.initializer)):
        if init.data_type != TensorProto.FLOAT:
            continue
        value = numpy_helper.to_array(init)
        if value.size < min_elements:
            continue
        name = init.name  # `init` is the stored message: CopyFrom renames it
        half = numpy_helper.from_array(value.astype(np.float16), f"{name}__fp16")
        graph.initializer[index].CopyFrom(half)
        casts.append(helper.make_node("Cast", [half.name], [name], to=TensorProto.FLOAT))
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return proto


def main(argv: list[str] | None = None) -> int:
    import onnx  # type: ignore[import-not-found]
    import onnxruntime as ort

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path, help="folder holding the TF.js model.json")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    model = json.loads((args.model_dir / "model.json").read_text(encoding="utf-8"))
    proto = ultralytics_layout(any_size(to_onnx(load_graph_def(args.model_dir), model)))
    onnx.checker.check_model(proto)
    full = proto.SerializeToString()
    small = float16_storage(proto)
    onnx.checker.check_model(small)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(small.SerializeToString())
    # the float16 storage must not change what the model sees, at the size it was trained
    # for or at a 16:9 frame's
    reference = ort.InferenceSession(full, providers=["CPUExecutionProvider"])
    stored = ort.InferenceSession(str(args.out), providers=["CPUExecutionProvider"])
    for height, width in ((SIZE, SIZE), (384, SIZE)):
        probe = np.random.default_rng(0).random((1, 3, height, width), dtype=np.float32)
        (ref,) = reference.run(None, {"images": probe})
        (got,) = stored.run(None, {"images": probe})
        logger.info(
            "input %dx%d: output %s, max class-score drift from float16 storage %.4f",
            width,
            height,
            got.shape,
            float(np.abs(ref[:, 4:] - got[:, 4:]).max()),
        )
    logger.info("wrote %s: %.1f MB", args.out, args.out.stat().st_size / 1e6)
    return 0


if __name__ == "__main__":
    sys.exit(main())
