"""The plate/vehicle detector on its own: plate recall and latency.

    python -m benchmarks.detector [--model plate-vface-yolov8n] [--frames 16]

Recall is counted per labelled plate: found when a `plate` detection overlaps the label
with IoU >= 0.3 (labels are tight, detections a little loose). Sets: generated 1080p lane
frames (known boxes) and, when /work/shared is present, every labelled plate of the
plates-dev photos (legible ones listed apart: those are what the reader can use).
Latency is per frame on 2 threads, with the whole-frame PP-OCRv4 text detector (what
plate-first reading falls back to) as the baseline in the same run.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from benchmarks.common import label_box, load_labels, percentiles, table
from checkpoint.paths import default_data_dir
from edge.detect import Detector, load_detector
from edge.detect.loader import TRAINED_DETECTOR
from edge.read.images import load_image
from edge.synth import augment, place_on_background, random_background, render_plate
from edge.types import Box

logger = logging.getLogger(__name__)

DEV_PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "plates-dev"
MIN_IOU = 0.3
PLATES = (("京A12345", "blue", 1), ("粤BD01366", "green", 1), ("冀E12345", "yellow", 2),
          ("鄂F8888警", "white", 1), ("粤Z1234港", "black", 1))  # fmt: skip


def generated(count: int, seed: int = 7) -> list[tuple[np.ndarray, list[Box]]]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        text, colour, layers = PLATES[i % len(PLATES)]
        frame, placed = place_on_background(
            render_plate(text, colour, layers=layers),
            random_background(rng, 1080, 1920),
            rng,
            width=int(rng.uniform(80, 250)),
        )
        out.append((augment(frame, rng), [placed.box]))
    return out


def dev_set(folder: Path) -> list[tuple[str, np.ndarray, list[Box], list[bool]]]:
    """(file, image, plate boxes, legible flags) per labelled photo."""
    return [
        (
            name,
            load_image(folder / name),
            [label_box(r) for r in rows],
            [r["legible"] == "yes" for r in rows],
        )
        for name, rows in sorted(load_labels(folder / "labels.csv").items())
    ]


def found(detector: Detector, image: np.ndarray, truth: list[Box]) -> tuple[list[bool], float]:
    start = time.perf_counter()
    detections = detector.detect(image)
    ms = (time.perf_counter() - start) * 1000
    plates = [d.box for d in detections if d.is_plate]
    return [any(box.iou(p) >= MIN_IOU for p in plates) for box in truth], ms


def baseline_ms(images: list[np.ndarray], threads: int) -> list[float]:
    """The PP-OCRv4 text detector on each whole frame, downscaled as the reader does."""
    from edge.read.config import PPOCRConfig
    from edge.read.models import TextDetector

    config = PPOCRConfig(threads=threads)
    det = TextDetector(config.model_dir / config.det_model, threads)
    out = []
    for image in images:
        h, w = image.shape[:2]
        scale = min(1.0, (config.det_pixels / (h * w)) ** 0.5)
        start = time.perf_counter()
        det(cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=TRAINED_DETECTOR, help="registry name or file")
    parser.add_argument("--frames", type=int, default=16, help="generated 1080p frames")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=0.1,
        help="detection score kept (0.1: the lane's, whose plate boxes recognition verifies)",
    )
    parser.add_argument("--details", action="store_true", help="list missed dev plates")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    detector = load_detector(
        args.model, default_data_dir(), threads=args.threads, min_confidence=args.min_confidence
    )
    rows: list[list[object]] = []
    frames = generated(args.frames)
    hits, ms = [], []
    for image, boxes in frames:
        result, took = found(detector, image, boxes)
        hits += result
        ms.append(took)
    p50, p95, p99 = percentiles(ms)
    base = percentiles(baseline_ms([image for image, _ in frames], args.threads))
    rows.append(["1080p generated", f"{sum(hits)}/{len(hits)}", p50, p95, p99, base[0], base[1]])
    if DEV_PHOTOS.is_dir():
        all_hits, legible_hits, dev_ms, images = [], [], [], []
        for name, image, boxes, legible in dev_set(DEV_PHOTOS):
            result, took = found(detector, image, boxes)
            dev_ms.append(took)
            images.append(image)
            all_hits += result
            legible_hits += [hit for hit, ok in zip(result, legible, strict=True) if ok]
            if args.details:
                for box, hit in zip(boxes, result, strict=True):
                    if not hit:
                        print(f"missed {name} {box.as_list()}")
        p50, p95, p99 = percentiles(dev_ms)
        base = percentiles(baseline_ms(images, args.threads))
        rows.append(["dev photos, all plates", f"{sum(all_hits)}/{len(all_hits)}",
                     p50, p95, p99, base[0], base[1]])  # fmt: skip
        rows.append(["dev photos, legible plates", f"{sum(legible_hits)}/{len(legible_hits)}",
                     "", "", "", "", ""])  # fmt: skip
    print(
        f"detector {detector.name}, {args.threads} threads, score >= {args.min_confidence}, "
        f"plate found at IoU >= {MIN_IOU}"
    )
    headers = ["set", "plate recall", "p50 ms", "p95 ms", "p99 ms", "PP-OCR det p50", "p95"]
    print(table(headers, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
