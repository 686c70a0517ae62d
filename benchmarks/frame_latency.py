"""Per-stage latency of the plate reader against whole-frame PP-OCR, on 2 cores.

    python -m benchmarks.frame_latency [--frames 20] [--threads 2]

Frames: generated 1080p frames with one rendered plate each (every colour, 80-250 px wide,
tilted, blurred, noisy, JPEG'd; fixed seed), plus the dev photos when /work/shared is
present, plus every 4th frame of the bundled demo clip (720p) with a vehicle in view, and
the same clip frames scaled to 1080p (a lane camera's frame size, with lane content rather
than plates on clutter). Every set is read frame by frame as stills; the clip sets are also
read as a lane reads them ("lane" rows): in order, each frame told where the tracker saw
plates in the frame before, so a white or black plate is looked for there before any
whole-frame search, and each plate's vehicle looked at ("vehicle" column: colour, class and
signature, as `Edge.process` does on every frame; the stills rows are the reader alone,
as `checkpoint read` without its vehicle step). The baseline is PP-OCRv4 det + rec on the
full frame (rapidocr, no angle classifier) in the same run, on the same frames, thread
count, number of passes and ONNX Runtime options. Each set is read as the lane reads it by
default, behind its detector (`--detector`, `edge.detect.loader.LANE_DETECTOR`), and then
plate-first; the clip as bundled (720p) and the dev photos are also scored together, frame
by frame: the fixed frame set the speed target is stated on. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from benchmarks.common import percentiles, table
from checkpoint.paths import default_data_dir
from edge.detect.loader import LANE_DETECTOR, detector_named
from edge.read import PPOCRConfig, load_reader
from edge.read.colour import judge_scene
from edge.read.images import expand, load_image
from edge.runtime import cpu_session
from edge.source import open_source
from edge.synth import augment, place_on_background, random_background, render_plate
from edge.synth.clip import CLIP, FPS, FRAMES_PER_VEHICLE, GAP_FRAMES, VEHICLES
from edge.track import PlateTracker
from edge.types import Frame, PlateRead
from edge.vehicle.first import VehicleFirstReader, load_lane_reader
from edge.vehicle.look import add_looks

logger = logging.getLogger(__name__)

DEV_PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "plates-dev"
PLATES = (
    ("京A12345", "blue", 1),
    ("粤BD01366", "green", 1),
    ("冀E12345", "yellow", 2),
    ("皖K66666", "yellow", 1),
    ("鄂F8888警", "white", 1),
    ("粤Z1234港", "black", 1),
    ("苏B2V9L7", "blue", 1),
    ("沪AF71017", "green", 1),
)


@dataclass
class Run:
    """Milliseconds per frame, per stage."""

    localise: list[float] = field(default_factory=list)
    rectify: list[float] = field(default_factory=list)
    recognise: list[float] = field(default_factory=list)
    vehicle: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    correct: int = 0


def synthetic_frames(count: int, seed: int = 2026) -> list[tuple[np.ndarray, str]]:
    """1080p frames with one plate each and the plate's text."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(count):
        text, colour, layers = PLATES[i % len(PLATES)]
        background = random_background(rng, 1080, 1920)
        width = int(rng.uniform(80, 250)) if layers == 1 else int(rng.uniform(80, 160))
        frame, _ = place_on_background(
            render_plate(text, colour, layers=layers), background, rng, width=width
        )
        frames.append((augment(frame, rng), text))
    return frames


Stages = tuple[list[PlateRead], tuple[float, float, float, float]]


def measure(
    frames: list[tuple[np.ndarray, str]], config: PPOCRConfig, repeat: int, lane: bool = False
) -> Run:
    """Plate-first reading: localise, rectify and recognise as the reader times them.

    With `lane`, the frames are one camera's sequence, read as `Edge.process` reads them:
    each read gets the plate boxes a `PlateTracker` holds from the frames before, and
    every plate read gets its vehicle's look (colour, class, signature: the vehicle
    stage, part of the frame's cost) before the tracker takes it; the frame's light is
    judged once for both (counted with the vehicle stage). Every pass starts with a fresh
    tracker.
    """
    reader = load_reader(config)
    tracker = PlateTracker()
    index = itertools.count()

    def read(image: np.ndarray) -> Stages:
        near = tracker.plates_in_view() if lane else []
        looked, scene = 0.0, None
        if lane:  # the frame's light, judged once for the reader and the vehicle stage
            start = time.perf_counter()
            scene = judge_scene(image)
            looked = (time.perf_counter() - start) * 1000
        reads, times = reader.read_timed(image, near=near, scene=scene)
        if lane:
            start = time.perf_counter()
            reads = add_looks(image, reads, scene)
            looked += (time.perf_counter() - start) * 1000
            i = next(index)
            tracker.update(Frame(image=image, index=i, timestamp=i / _LANE_FPS), reads)
        return reads, (times.localise, times.rectify, times.recognise, looked)

    def new_pass() -> None:
        nonlocal tracker, index
        tracker, index = PlateTracker(), itertools.count()

    return _median_run(frames, read, repeat, new_pass)


def measure_first(
    frames: list[tuple[np.ndarray, str]],
    detector: str,
    threads: int,
    repeat: int,
    thorough_every: int | None = None,
) -> Run:
    """Vehicle-first reading (detector, then plates inside): the same medians as `measure`.

    Stages map to the columns as detect -> localise and plate reading -> recognise (its
    rectify is inside); the vehicle stage (colour, class, signature) is its own column.
    `thorough_every`: override `VehicleFirstReader.thorough_every`.
    """
    reader = load_lane_reader(detector, default_data_dir(), threads=threads)
    assert isinstance(reader, VehicleFirstReader)
    if thorough_every is not None:
        reader.thorough_every = thorough_every

    def read(image: np.ndarray) -> Stages:
        reads, times = reader.read_timed(image)
        return reads, (times["detect"], 0.0, times["read"], times["vehicle"])

    # every pass has its thorough frames on the same frames, so the median over passes
    # keeps them (it would drop a frame thorough in one pass only)
    return _median_run(frames, read, repeat, reader.restart)


def _median_run(
    frames: list[tuple[np.ndarray, str]],
    read: Callable[[np.ndarray], Stages],
    repeat: int,
    new_pass: Callable[[], None] = lambda: None,
) -> Run:
    """Read every frame once per pass, `repeat` passes; per frame and stage, the median.

    Passes run over the whole set in turn, so a burst from another job on a shared machine
    lands in one pass of a few frames, and the median over passes drops it; it does not
    hide a frame that is slow every time.
    """
    samples: list[list[tuple[float, ...]]] = [[] for _ in frames]
    right = [False] * len(frames)
    for _ in range(repeat):
        new_pass()
        for i, (image, text) in enumerate(frames):
            start = time.perf_counter()
            reads, stages = read(image)
            samples[i].append((*stages, (time.perf_counter() - start) * 1000))
            right[i] = any(r.text == text for r in reads)
    run = Run()
    for frame_samples, ok in zip(samples, right, strict=True):
        localise, rectify, recognise, vehicle, total = np.median(np.array(frame_samples), axis=0)
        run.localise.append(float(localise))
        run.rectify.append(float(rectify))
        run.recognise.append(float(recognise))
        run.vehicle.append(float(vehicle))
        run.total.append(float(total))
        run.correct += ok
    return run


def baseline(frames: list[tuple[np.ndarray, str]], threads: int, repeat: int) -> list[float]:
    """Whole-frame PP-OCRv4 det + rec (the models the reader uses), median ms per frame,
    over passes run the same way as the reader's."""
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR(
        use_cls=False, intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False
    )
    _same_runtime(engine, threads)
    engine(frames[0][0])  # warm-up, as the reader warms up at load
    samples: list[list[float]] = [[] for _ in frames]
    for _ in range(repeat):
        for i, (image, _) in enumerate(frames):
            start = time.perf_counter()
            engine(image, use_cls=False)
            samples[i].append((time.perf_counter() - start) * 1000)
    return [float(np.median(s)) for s in samples]


def _same_runtime(engine: object, threads: int) -> None:
    """Give rapidocr's sessions the ONNX Runtime options the reader's have (`cpu_session`),
    so the ratio measures the pipelines, not a runtime setting: with rapidocr's own
    (threads that keep spinning after a run, no memory arena) whole-frame PP-OCR took
    247-258 ms p50 on the dev photos, with the reader's 190-212."""
    for holder in rapidocr_sessions(engine):
        # rapidocr keeps no other copy of the model's path
        holder.session = cpu_session(Path(holder.session._model_path), threads)


def rapidocr_sessions(engine: object) -> list[Any]:
    """rapidocr's session holders (`OrtInferSession`: det, cls, rec), each one's ONNX Runtime
    session in its `session` attribute."""
    from rapidocr_onnxruntime.utils.infer_engine import OrtInferSession

    parts = [part for part in vars(engine).values() if hasattr(part, "__dict__")]
    return [v for part in parts for v in vars(part).values() if isinstance(v, OrtInferSession)]


def _ratio(name: str, base: list[float], run: Run) -> list[object]:
    b50, b95, _ = percentiles(base)
    p50, p95, _ = percentiles(run.total)
    return [name, f"{b50:.0f} / {b95:.0f}", f"{p50:.0f} / {p95:.0f}",
            f"{b50 / p50:.1f}x", f"{b95 / p95:.1f}x"]  # fmt: skip


def _joined(bases: dict[str, list[float]], runs: dict[str, Run]) -> tuple[list[float], Run]:
    """The baseline's and the reader's per-frame times over `ISSUE_SET`, as one set."""
    return (
        [ms for name in ISSUE_SET for ms in bases[name]],
        Run(total=[ms for name in ISSUE_SET for ms in runs[name].total]),
    )


def _row(name: str, run: Run, count: int, labelled: bool) -> list[object]:
    cells: list[object] = [name, count]
    for samples in (run.localise, run.rectify, run.recognise, run.vehicle, run.total):
        if samples is run.vehicle and not any(samples):  # stills: the reader alone
            cells.append("-")
            continue
        p50, p95, _ = percentiles(samples)
        cells.append(f"{p50:.0f} / {p95:.0f}")
    cells.append(f"{run.correct}/{count}" if labelled else "-")
    return cells


LABELLED = frozenset({"1080p generated", "demo clip 720p", "demo clip 1080p"})
LANE_SETS = frozenset({"demo clip 720p", "demo clip 1080p"})  # one camera's frames, in order
ISSUE_SET = ("demo clip 720p", "dev photos")
"""The fixed frame set the edge's speed target is stated on: the sample clip (as bundled,
720p) and the dev photos, together; each is also reported alone."""
CLIP_STEP = 4  # every 4th frame of the clip is measured
_LANE_FPS = FPS / CLIP_STEP  # the clip frames' own spacing in time, for the tracker


def clip_frames(step: int = CLIP_STEP) -> list[tuple[np.ndarray, str]]:
    """Every `step`-th frame of the bundled lane clip while a vehicle is in view."""
    out = []
    with open_source(str(CLIP)) as source:
        for frame in source.frames():
            cycle = frame.index % (FRAMES_PER_VEHICLE + GAP_FRAMES)
            if frame.index % step == 0 and cycle < FRAMES_PER_VEHICLE:
                vehicle = VEHICLES[frame.index // (FRAMES_PER_VEHICLE + GAP_FRAMES)]
                out.append((frame.image, vehicle.plate))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=16, help="generated 1080p frames")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="passes; per-frame median")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--det-pixels", type=int, help="override PPOCRConfig.det_pixels")
    parser.add_argument(
        "--detector",
        default=LANE_DETECTOR,
        type=detector_named,
        help="measure the lane's reading behind this detector (registry name or file; "
        f"default: the lane's, {LANE_DETECTOR}; none: plate-first only)",
    )
    parser.add_argument("--only-detector", action="store_true", help="skip the plate-first modes")
    parser.add_argument(
        "--thorough-every",
        type=int,
        help="behind a plate detector, one frame in this many gets the reader's whole "
        "search (default: VehicleFirstReader's, 9; 0: never)",
    )
    args = parser.parse_args(argv)
    clip = clip_frames(CLIP_STEP)
    sets = {
        "1080p generated": synthetic_frames(args.frames),
        "demo clip 720p": clip,
        "demo clip 1080p": [
            (cv2.resize(image, (1920, 1080), interpolation=cv2.INTER_CUBIC), text)
            for image, text in clip
        ],
    }
    if DEV_PHOTOS.is_dir():
        sets["dev photos"] = [(load_image(p), "") for p in expand([DEV_PHOTOS])]
    rows, ratios = [], []
    bases: dict[str, list[float]] = {}
    if args.detector:
        behind = f"behind {args.detector}"
        firsts: dict[str, Run] = {}
        for name, frames in sets.items():
            run = firsts[name] = measure_first(
                frames, args.detector, args.threads, args.repeat, args.thorough_every
            )
            rows.append(_row(f"{name}, {behind}", run, len(frames), name in LABELLED))
            if not args.no_baseline:
                bases[name] = baseline(frames, args.threads, args.repeat)
                ratios.append(_ratio(f"{name}, {behind}", bases[name], run))
        if all(name in bases for name in ISSUE_SET):
            joined = _joined(bases, firsts)
            ratios.append(_ratio(f"{' + '.join(ISSUE_SET)}, {behind}", *joined))
    for mode in () if args.only_detector else ("when_no_plate", "always"):
        extra = {} if args.det_pixels is None else {"det_pixels": args.det_pixels}
        config = PPOCRConfig(threads=args.threads, full_frame=mode, **extra)  # type: ignore[arg-type]
        for name, frames in sets.items():
            run = measure(frames, config, args.repeat)
            rows.append(_row(f"{name}, full_frame={mode}", run, len(frames), name in LABELLED))
            if not args.no_baseline and mode == "when_no_plate":
                if name not in bases:
                    bases[name] = baseline(frames, args.threads, args.repeat)
                ratios.append(_ratio(f"{name}, plate-first", bases[name], run))
            if mode == "when_no_plate" and name in LANE_SETS:
                run = measure(frames, config, args.repeat, lane=True)
                rows.append(_row(f"{name}, lane (tracker hints)", run, len(frames), True))
                if name in bases:
                    ratios.append(_ratio(f"{name}, lane", bases[name], run))
    # rows behind a detector: localise = detector, recognise = plates (rectify inside it)
    headers = ["frames", "n", "localise", "rectify", "recognise", "vehicle", "total", "read right"]
    print(f"p50 / p95 ms, {args.threads} threads, per-frame median of {args.repeat} passes")
    print(table(headers, rows))
    if ratios:
        print()
        print(table(["frames", "whole-frame PP-OCR", "reader", "p50 ratio", "p95 ratio"], ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
