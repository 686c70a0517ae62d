"""Train the plate / vehicle-face YOLO detector, export it to ONNX and write a report.

Runs only in the separate training venv (torch, ultralytics, onnx, onnxslim); the product
never imports this module and only loads the exported ONNX with onnxruntime. Training starts
from the model YAML or from our own earlier weights (never downloaded ones) and Ultralytics is
kept offline: on our machines nothing may be downloaded, and a download attempt at the end of
a long run would lose it.

Usage (from the repo root)::

    /work/trainenv/bin/python models/train_detector.py --data DATA/data.yaml --time 0.75 \\
        --imgsz 512 --out models/weights/plate_vface_yolov8n.onnx \\
        --report models/reports/plate_vface_yolov8n.md

A GPU machine without onnxslim trains with ``--device 0 --no-export`` (writing the run's
``summary.json`` beside its weights); the export and the report are then made where the
training venv is, with ``--from-run RUN_DIR``. ``models/gpu_train.sh`` does the GPU half.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import platform
import shlex
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CLASS_NAMES = ("plate", "vehicle_face")


@dataclass(frozen=True, slots=True)
class ClassMetrics:
    """Validation metrics of one class (or all classes), as fractions."""

    name: str
    images: int
    instances: int
    precision: float
    recall: float
    map50: float
    map50_95: float


@dataclass(frozen=True, slots=True)
class OnnxInfo:
    """What a consumer of the exported model needs to know about it."""

    path: Path
    size_bytes: int
    sha256: str
    opset: int
    inputs: list[tuple[str, list[int | str]]]
    outputs: list[tuple[str, list[int | str]]]
    metadata: dict[str, str]


def _offline() -> None:
    """Stop Ultralytics from reaching the network (fonts, analytics, pip, weights)."""
    os.environ["YOLO_OFFLINE"] = "1"  # read at import: makes utils.ONLINE False
    os.environ.setdefault("YOLO_VERBOSE", "True")
    import ultralytics.data.utils as data_utils  # type: ignore[import-not-found]
    from ultralytics.utils import SETTINGS  # type: ignore[import-not-found]

    # check_det_dataset fetches Arial.ttf for plot labels; we never plot
    data_utils.check_font = lambda *args, **kwargs: None
    if SETTINGS.get("sync"):
        SETTINGS.update({"sync": False})
    import ultralytics.engine.trainer as trainer_module  # type: ignore[import-not-found]

    # the AMP self-check downloads yolo26n.pt; mixed precision is sound for YOLOv8n on CUDA
    trainer_module.check_amp = lambda *args, **kwargs: True
    # results.csv is read back with polars, which the GPU image lacks; csv does the same
    trainer_module.BaseTrainer.read_results_csv = _read_results_csv


def _read_results_csv(trainer: Any) -> dict[str, list[float | str]]:
    """The run's results.csv as columns, the way Ultralytics stores it in checkpoints."""
    try:
        with open(trainer.csv, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError:
        return {}
    columns: dict[str, list[float | str]] = {}
    for row in rows:
        for key, value in row.items():
            try:
                columns.setdefault(key.strip(), []).append(float(value))
            except (TypeError, ValueError):
                columns.setdefault(key.strip(), []).append(str(value))
    return columns


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What the report needs from a training run, kept beside its weights as summary.json."""

    command: str
    finished: str
    epochs_done: int
    epochs_planned: int
    seconds: float
    optimizer: str
    hardware: str
    software: str
    amp: bool
    train_images: int
    val_images: int
    generator: str
    settings: dict[str, Any]
    rows: list[ClassMetrics]

    def save(self, path: Path) -> None:
        """Write the summary as JSON."""
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RunSummary:
        """Read a summary written by `save`."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["rows"] = [ClassMetrics(**row) for row in raw["rows"]]
        return cls(**raw)


def _hardware(device: str) -> str:
    """The machine in words, for the report."""
    cores = f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()})"
    if device == "cpu":
        return f"CPU only, {cores}, shared with other work, so times are noisy"
    import torch  # type: ignore[import-not-found]

    return f"GPU {torch.cuda.get_device_name(0)}, {cores} for data loading"


def _software() -> str:
    import torch
    import ultralytics  # type: ignore[import-not-found]

    return (
        f"torch {torch.__version__}, ultralytics {ultralytics.__version__}, "
        f"Python {platform.python_version()}"
    )


def train(args: argparse.Namespace) -> tuple[Any, float]:
    """Train from the YAML; returns the trainer and the wall time in seconds."""
    from ultralytics import YOLO

    model = YOLO(args.model)
    started = time.perf_counter()
    model.train(
        data=str(args.data),
        epochs=args.epochs,
        time=args.time or None,
        imgsz=args.imgsz,
        batch=args.batch,
        device=args.device,
        workers=args.workers,
        project=str(args.project),
        name=args.name,
        exist_ok=True,
        # a .pt given as --model continues from its weights (a second stage); a YAML starts
        # from scratch: nothing pretrained is ever downloaded
        pretrained=str(args.model).endswith(".pt"),
        amp=args.device != "cpu",
        plots=False,
        val=args.val_every_epoch,
        cache="ram",
        fraction=args.fraction,
        patience=1000,
        warmup_epochs=args.warmup_epochs,
        close_mosaic=args.close_mosaic,
        scale=args.scale,
        fliplr=0.5,
        seed=0,
        verbose=True,
    )
    return model.trainer, time.perf_counter() - started


def validate(weights: Path, args: argparse.Namespace) -> list[ClassMetrics]:
    """Validate `weights` on the val split; the first row is all classes together."""
    from ultralytics import YOLO

    metrics = YOLO(str(weights)).val(
        data=str(args.data),
        imgsz=args.imgsz,
        batch=args.batch,
        device=args.device,
        plots=False,
        split="val",
        workers=args.workers,
        project=str(args.project),
        name=f"{args.name}_val",
        exist_ok=True,
    )
    box = metrics.box
    counts = metrics.nt_per_class if hasattr(metrics, "nt_per_class") else None
    images = metrics.nt_per_image if hasattr(metrics, "nt_per_image") else None
    seen = len(list((args.data.parent / "images" / "val").glob("*.jpg")))
    rows = [
        ClassMetrics(
            "all",
            seen,
            int(sum(counts)) if counts is not None else -1,
            float(box.mp),
            float(box.mr),
            float(box.map50),
            float(box.map),
        )
    ]
    for index, cls in enumerate(box.ap_class_index):
        p, r, ap50, ap = box.class_result(index)
        rows.append(
            ClassMetrics(
                metrics.names[int(cls)],
                int(images[int(cls)]) if images is not None else -1,
                int(counts[int(cls)]) if counts is not None else -1,
                float(p),
                float(r),
                float(ap50),
                float(ap),
            )
        )
    return rows


def export(weights: Path, args: argparse.Namespace) -> Path:
    """Export to ONNX without NMS at the inference shape, slimmed, to `args.out`."""
    from ultralytics import YOLO

    height, width = args.export_imgsz
    exported = YOLO(str(weights)).export(
        format="onnx",
        imgsz=(height, width),
        opset=args.opset,
        dynamic=False,
        simplify=False,
        nms=False,
        device="cpu",
    )
    path = Path(exported)
    try:  # onnxslim folds constants; Ultralytics' own simplify would pip-install onnxruntime
        import onnxslim  # type: ignore[import-not-found]

        onnxslim.slim(str(path), str(path))
    except Exception:  # slimming is an optimisation; the plain export is still valid
        logger.exception("onnxslim failed; keeping the unslimmed export")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, args.out)
    return Path(args.out)


def onnx_info(path: Path) -> OnnxInfo:
    """Shapes, opset, size, checksum and Ultralytics metadata of the exported model."""
    import onnx  # type: ignore[import-not-found]

    model = onnx.load(str(path))
    onnx.checker.check_model(model)

    def shape(value: Any) -> list[int | str]:
        dims = value.type.tensor_type.shape.dim
        return [d.dim_value if d.HasField("dim_value") else d.dim_param for d in dims]

    return OnnxInfo(
        path=path,
        size_bytes=path.stat().st_size,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        opset=max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
        inputs=[(v.name, shape(v)) for v in model.graph.input],
        outputs=[(v.name, shape(v)) for v in model.graph.output],
        metadata={p.key: p.value for p in model.metadata_props},
    )


def _dataset_facts(data: Path) -> tuple[int, int, str]:
    """Train/val image counts and the generator command recorded in data.yaml."""
    root = data.parent
    count = {s: len(list((root / "images" / s).glob("*.jpg"))) for s in ("train", "val")}
    first = data.read_text(encoding="utf-8").splitlines()[0]
    command = first.removeprefix("# generated by:").strip() if first.startswith("#") else "?"
    return count["train"], count["val"], command


def write_report(summary: RunSummary, info: OnnxInfo, out: Path, report: Path) -> None:
    """The markdown report: how the model was made and how well it does on val."""
    table = "\n".join(
        f"| {r.name} | {r.images} | {r.instances} | {r.precision:.3f} | {r.recall:.3f} "
        f"| {r.map50:.3f} | {r.map50_95:.3f} |"
        for r in summary.rows
    )
    names = ", ".join(f"{i}: {n}" for i, n in enumerate(CLASS_NAMES))
    inputs = "; ".join(f"`{n}` {s}" for n, s in info.inputs)
    outputs = "; ".join(f"`{n}` {s}" for n, s in info.outputs)
    meta = "\n".join(f"| {k} | `{v}` |" for k, v in sorted(info.metadata.items()))
    settings = summary.settings
    text = f"""# Plate / vehicle-face detector: {out.name}

Trained {summary.finished} by `models/train_detector.py`; exported
{time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}.

## How it was made

- Command: `{summary.command}`
- Dataset: synthetic, {summary.train_images} train / {summary.val_images} val images,
  generated by `{summary.generator}` (`edge/synth/dataset.py`; regenerates byte-for-byte
  from the seed with the generator of the same commit).
- Classes: {names}. `vehicle_face` is the body panel of the front or rear around the plate
  (bottom of the windscreen / rear window to the bottom of the bumper, full body width).
- Model: `{settings["model"]}` (Ultralytics YOLOv8n; a YAML trains from scratch, a `.pt`
  continues from our own earlier run's weights; nothing pretrained is downloaded), nc=2.
- Training: imgsz {settings["imgsz"]}, batch {settings["batch"]}, time cap
  {settings["time"]} h, epochs completed {summary.epochs_done} (of {summary.epochs_planned}
  planned), wall time {summary.seconds / 60:.1f} min, amp {"on" if summary.amp else "off"},
  mosaic on (closed for the last {settings["close_mosaic"]}), fliplr 0.5,
  scale {settings.get("scale", 0.3)},
  optimizer `{summary.optimizer}`, seed 0.
- Hardware: {summary.hardware}. {summary.software}.

## Validation ({summary.val_images} synthetic val images, imgsz {settings["imgsz"]}, best weights)

| class | images | instances | precision | recall | mAP50 | mAP50-95 |
|---|---|---|---|---|---|---|
{table}

These are on synthetic frames drawn by the same generator as the training set; they say the
model learned the task, not how it does on real lane footage.

## Exported model

- File: `{out}`, {info.size_bytes / 1e6:.2f} MB, sha256 `{info.sha256}`
- ONNX opset {info.opset}, static shape, no NMS inside.
- Input: {inputs} (NCHW float32 RGB 0..1, letterboxed with grey 114)
- Output: {outputs}: per anchor cx, cy, w, h in input pixels, then one score per class
  ({names}); apply a score threshold and NMS outside.

| metadata key | value |
|---|---|
{meta}
"""
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text, encoding="utf-8")


def summarise(
    args: argparse.Namespace, trainer: Any, seconds: float, rows: list[ClassMetrics]
) -> RunSummary:
    """The run's facts, from the trainer and the dataset on disk."""
    train_n, val_n, generator = _dataset_facts(args.data)
    return RunSummary(
        command=" ".join(shlex.quote(a) for a in sys.argv),
        finished=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        epochs_done=int(trainer.epoch) + 1,
        epochs_planned=int(trainer.epochs),
        seconds=seconds,
        optimizer=str(trainer.args.optimizer),
        hardware=_hardware(args.device),
        software=_software(),
        amp=bool(trainer.amp),
        train_images=train_n,
        val_images=val_n,
        generator=generator,
        settings={
            "model": str(args.model),
            "imgsz": args.imgsz,
            "batch": args.batch,
            "time": args.time,
            "close_mosaic": args.close_mosaic,
            "scale": args.scale,
        },
        rows=rows,
    )


def _hw(value: str) -> tuple[int, int]:
    height, width = (int(v) for v in value.split(","))
    return height, width


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="train, validate and export the detector")
    parser.add_argument("--data", type=Path, help="data.yaml of the dataset (to train)")
    parser.add_argument("--from-run", type=Path, help="export a finished run's best weights")
    parser.add_argument("--model", default="yolov8n.yaml")
    parser.add_argument("--device", default="cpu", help="cpu, or a CUDA index such as 0")
    parser.add_argument("--time", type=float, default=0.75, help="training cap, hours (0: off)")
    parser.add_argument("--epochs", type=int, default=300, help="used when --time is 0")
    parser.add_argument("--imgsz", type=int, default=512)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fraction", type=float, default=1.0, help="of the train split")
    parser.add_argument("--warmup-epochs", type=float, default=1.0)
    parser.add_argument("--close-mosaic", type=int, default=1)
    parser.add_argument("--scale", type=float, default=0.3, help="random zoom, +/- fraction")
    parser.add_argument("--val-every-epoch", action="store_true")
    parser.add_argument("--no-export", action="store_true", help="stop after validation")
    parser.add_argument("--export-imgsz", type=_hw, default=(288, 512), help="H,W")
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--project", type=Path, default=Path("/tmp/plate_vface_runs"))
    parser.add_argument("--name", default="train")
    parser.add_argument("--out", type=Path, help="ONNX file to write")
    parser.add_argument("--report", type=Path, help="markdown report to write")
    args = parser.parse_args(argv)
    if (args.data is None) == (args.from_run is None):
        parser.error("give exactly one of --data (train) and --from-run (export)")
    if not args.no_export and (args.out is None or args.report is None):
        parser.error("--out and --report are needed unless --no-export")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    _offline()
    if args.from_run is not None:
        run_dir = args.from_run.resolve()
        summary = RunSummary.load(run_dir / "summary.json")
        weights = run_dir / "weights" / "best.pt"
    else:
        args.data = args.data.resolve()
        trainer, seconds = train(args)
        weights = Path(trainer.best if Path(trainer.best).is_file() else trainer.last)
        logger.info(
            "trained %d epochs in %.1f min; validating %s", trainer.epoch + 1, seconds / 60, weights
        )
        summary = summarise(args, trainer, seconds, validate(weights, args))
        summary.save(Path(trainer.save_dir) / "summary.json")
        if args.no_export:
            logger.info("wrote %s; export with --from-run %s", weights, trainer.save_dir)
            return 0
    out = export(weights, args)
    info = onnx_info(out)
    write_report(summary, info, args.out, args.report)
    logger.info(
        "wrote %s (%d bytes, sha256 %s) and %s", out, info.size_bytes, info.sha256, args.report
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
