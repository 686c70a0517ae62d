"""Plate-reading accuracy on labelled photos: exact matches, false reads, latency.

    python -m benchmarks.plate_accuracy /work/shared/data/plates-dev \\
        /work/shared/data/plates-dev/labels.csv

Scoring (plates-dev/SOURCES.md): exact-match accuracy over `legible=yes` plates; a read
matching no label on an image whose plates are all `legible=yes` is a false read (a
vehicle listed with no plate text is not a read). The
reader never sees the labels; they are compared with its output afterwards. Besides each
reader mode on single reads, a lane is shown each photo for `--lane-frames` frames (9), as
a camera sees a vehicle standing in view, and its decided passages are scored; both again
behind the lane's detector (`--detector`, default the lane's own). Prints one
markdown table, plus the misses and false reads with `--details`. `--light warm` (or
greenish, cool) reads every photo as a camera that does not balance its white would have
taken it under that light (`edge.synth.tint`): how much of the accuracy survives a colour cast.
`--exposure` (first), then the light, then `--scale`, `--blur` and `--jpeg` change the
photos in the same spirit (night, another camera, another distance), in that order
(`benchmarks.common.Taking`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import Taking, add_taking_options, load_labels, percentiles, table
from checkpoint.paths import default_data_dir
from edge.app import Reader
from edge.config import EdgeConfig
from edge.detect.loader import LANE_DETECTOR, detector_named
from edge.read import PPOCRConfig, load_reader
from edge.track import PlateTracker
from edge.types import Frame
from edge.vehicle.first import VehicleFirstReader, load_lane_reader

logger = logging.getLogger(__name__)

MODES = ("always", "when_no_plate")


@dataclass
class Score:
    """Counts and latencies of one run over the photo set."""

    legible: int = 0
    exact: int = 0
    false_reads: int = 0
    ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    unreadable: int = 0
    """Lane passages with no plate text (CHECK "plate unreadable" at a real lane)."""


_AS_TAKEN = Taking()


def evaluate(
    folder: Path,
    labels: dict[str, list[dict[str, str]]],
    reader: Reader,
    taking: Taking = _AS_TAKEN,
) -> Score:
    """Read every labelled image once (the reader warms up at load) and score the reads."""
    score = Score()
    for name, rows in sorted(labels.items()):
        image = taking.photo(folder / name)
        start = time.perf_counter()
        # a vehicle-first reader also lists vehicles with no legible plate (empty text):
        # those are not plate reads, right or false
        texts = {read.text for read in reader.read(image) if read.text}
        score.ms.append((time.perf_counter() - start) * 1000)
        _judge(score, name, rows, texts)
    return score


def evaluate_lane(
    folder: Path,
    labels: dict[str, list[dict[str, str]]],
    reader: Reader,
    frames: int,
    taking: Taking = _AS_TAKEN,
) -> Score:
    """Show every image to a lane for `frames` frames, as a camera would see a vehicle
    standing in view: the tracker passes its hints from frame to frame and votes, and the
    texts scored are those of the passages it decides. Latency is per frame."""
    score = Score()
    if isinstance(reader, VehicleFirstReader):
        reader.restart()  # the same thorough frames in every run
    for name, rows in sorted(labels.items()):
        image = taking.photo(folder / name)
        tracker = PlateTracker(min_unreadable=EdgeConfig().min_unreadable_frames)
        decided = []
        for i in range(frames):
            start = time.perf_counter()
            reads = reader.read(image, near=tracker.plates_in_view())
            score.ms.append((time.perf_counter() - start) * 1000)
            decided += tracker.update(Frame(image=image, index=i, timestamp=i / 10), reads)
        decided += tracker.flush()
        _judge(score, name, rows, {d.vote.text for d in decided if d.vote.text})
        score.unreadable += sum(1 for d in decided if not d.vote.text)
    return score


def _judge(score: Score, name: str, rows: list[dict[str, str]], texts: set[str]) -> None:
    """Add one image's reads to `score`: legible plates found, reads matching no plate."""
    wanted = [row["plate"] for row in rows if row["legible"] == "yes"]
    score.legible += len(wanted)
    score.exact += sum(plate in texts for plate in wanted)
    score.misses += [f"{name}: {plate}" for plate in wanted if plate not in texts]
    if all(row["legible"] == "yes" for row in rows):
        false = texts - {row["plate"] for row in rows}
        score.false_reads += len(false)
        score.false += [f"{name}: {text}" for text in sorted(false)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("labels", type=Path)
    parser.add_argument("--mode", choices=MODES, action="append", help="default: both")
    parser.add_argument("--details", action="store_true", help="list misses and false reads")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--det-pixels", type=int, help="override PPOCRConfig.det_pixels")
    parser.add_argument(
        "--detector",
        default=LANE_DETECTOR,
        type=detector_named,
        help="also score reading behind this detector (name or file; default: the lane's, "
        f"{LANE_DETECTOR}; none: plate-first only)",
    )
    parser.add_argument(
        "--thorough-every",
        type=int,
        help="the detector's lane: one frame in this many gets the reader's whole search "
        "(default: VehicleFirstReader's, 9; 0: never)",
    )
    add_taking_options(parser)
    parser.add_argument(
        "--lane-frames",
        type=int,
        default=9,
        help="also score a lane shown each photo for this many frames (0: skip)",
    )
    args = parser.parse_args(argv)
    labels = load_labels(args.labels)
    taking = Taking.from_args(args)
    rows = []
    readers: list[tuple[str, Reader, int]] = []
    extra = {} if args.det_pixels is None else {"det_pixels": args.det_pixels}
    for mode in args.mode or MODES:
        config = PPOCRConfig(full_frame=mode, threads=args.threads, **extra)  # type: ignore[arg-type]
        readers.append((f"full_frame={mode}", load_reader(config), 0))
    if args.lane_frames:
        config = PPOCRConfig(threads=args.threads, **extra)  # type: ignore[arg-type]
        name = f"lane, {args.lane_frames} frames per photo"
        readers.append((name, load_reader(config), args.lane_frames))
    if args.detector:
        # single photos as `checkpoint read --detector` reads them: every one searched whole
        photos = load_lane_reader(
            args.detector, default_data_dir(), threads=args.threads, stills=True
        )
        readers.append((f"behind {args.detector}, photos", photos, 0))
        if args.lane_frames:
            lane = load_lane_reader(args.detector, default_data_dir(), threads=args.threads)
            if args.thorough_every is not None:
                assert isinstance(lane, VehicleFirstReader)
                lane.thorough_every = args.thorough_every
            name = f"behind {args.detector}, lane of {args.lane_frames} frames"
            readers.append((name, lane, args.lane_frames))
    for mode, reader, frames in readers:
        if frames:
            score = evaluate_lane(args.folder, labels, reader, frames, taking)
        else:
            score = evaluate(args.folder, labels, reader, taking)
        p50, p95, p99 = percentiles(score.ms)
        accuracy = 100 * score.exact / max(score.legible, 1)
        rows.append(
            [
                mode,
                len(labels),
                f"{score.exact}/{score.legible}",
                f"{accuracy:.1f}%",
                score.false_reads,
                score.unreadable if frames else "-",
                f"{p50:.0f}",  # whole ms, whichever side of 100 (`table` gives small
                f"{p95:.0f}",  # floats three decimals)
                f"{p99:.0f}",
            ]
        )
        if args.details:
            for line in score.misses:
                print(f"miss  [{mode}] {line}")
            for line in score.false:
                print(f"false [{mode}] {line}")
    headers = ["reader", "images", "exact", "accuracy", "false reads", "no-plate passages"]
    headers += ["p50 ms", "p95 ms", "p99 ms"]
    print(table(headers, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
