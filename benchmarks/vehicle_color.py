"""Vehicle colour and class accuracy on real photos: `python -m benchmarks.vehicle_color DIR`.

Reads DIR/vehicles.csv (file, plate, vehicle_color, vehicle_class, confidence, note) and
judges the rows marked confidence=high with a named colour. The body region comes from the
plate box in DIR/labels.csv (the same file and plate; plate-less rows pair with the
file's plate-less label rows in order), so this measures the colour step on its own.
With ``--detector NAME`` the vehicle box is the detector's, chosen the way the lane chooses
it (the smallest vehicle box holding the plate's centre); without one, or when no box holds
the plate, the body is judged around the plate alone. Class: the rows with a plate and a
named class go through the lane's own `look` step (the labelled plate's kind, then the
detector's class when it is surer); exact, and in the right group as the cloned-plate
check compares them. `--light warm` (or greenish, cool), `--scale`, `--blur` and `--jpeg`
change every photo first, as in `benchmarks.plate_accuracy`; "doubtful" counts the
estimates the cloned-plate check would not trust on their own.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from benchmarks.common import Taking, add_taking_options, label_box, load_labels, percentiles
from checkpoint.paths import default_data_dir
from checkpoint.vehicles import (
    ClonePolicy,
    VehicleClass,
    VehicleColor,
    classes_contradict,
    colors_contradict,
    parse_class,
    parse_color,
)
from edge.detect import Detection, Detector, load_detector
from edge.read.images import load_image
from edge.types import Box, PlateRead
from edge.vehicle.color import body_region, estimate_color
from edge.vehicle.first import one_box_per_vehicle, owner_of
from edge.vehicle.kind import class_from_detector
from edge.vehicle.look import look

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Case:
    file: str
    plate: str
    color: VehicleColor
    box: Box


def cases(directory: Path) -> list[Case]:
    """High-confidence, named-colour rows of vehicles.csv with their plate boxes."""
    boxes: dict[tuple[str, str], list[Box]] = defaultdict(list)
    for name, rows in load_labels(directory / "labels.csv").items():
        for row in rows:
            boxes[(name, row["plate"])].append(label_box(row))
    out: list[Case] = []
    with (directory / "vehicles.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["confidence"] != "high" or row["vehicle_color"] in ("", "unsure"):
                continue
            found = boxes.get((row["file"], row["plate"]))
            if not found:
                logger.warning("no plate box for %s %s; skipped", row["file"], row["plate"])
                continue
            box = found.pop(0) if not row["plate"] else found[0]
            out.append(Case(row["file"], row["plate"], parse_color(row["vehicle_color"]), box))
    return out


@dataclass(frozen=True, slots=True)
class ClassCase:
    file: str
    plate: PlateRead
    """The labelled plate as a read (text, colour, layers, box): what the class step sees."""
    vehicle_class: VehicleClass


def class_cases(directory: Path) -> list[ClassCase]:
    """High-confidence rows of vehicles.csv with a plate and a named class."""
    labels = {
        (name, row["plate"]): row
        for name, rows in load_labels(directory / "labels.csv").items()
        for row in rows
        if row["plate"]
    }
    out: list[ClassCase] = []
    with (directory / "vehicles.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            label = labels.get((row["file"], row["plate"]))
            if row["confidence"] != "high" or row["vehicle_class"] in ("", "unsure") or not label:
                continue
            read = PlateRead(
                text=row["plate"],
                confidence=1.0,
                box=label_box(label),
                color=label["color"],
                layers=int(label["layers"] or 1),
            )
            out.append(ClassCase(row["file"], read, parse_class(row["vehicle_class"])))
    return out


class Photos:
    """Each photo loaded, and run through the detector, once: several vehicles share one."""

    def __init__(
        self, directory: Path, detector: Detector | None, taking: Taking | None = None
    ) -> None:
        self.directory = directory
        self.detector = detector
        self.taking = taking or Taking()
        self._images: dict[str, np.ndarray] = {}
        self._shapes: dict[str, tuple[int, ...]] = {}
        self._vehicles: dict[str, list[Detection]] = {}

    def image(self, name: str) -> np.ndarray:
        if name not in self._images:
            taken = load_image(self.directory / name)
            self._shapes[name] = taken.shape
            self._images[name] = self.taking.change(taken, name)
        return self._images[name]

    def box(self, name: str, box: Box) -> Box:
        """A labelled box of photo `name` in the changed photo's pixels."""
        self.image(name)  # its shape as taken comes with it
        return self.taking.box(box, self._shapes[name])

    def vehicle(self, name: str, plate: Box) -> Detection | None:
        """The vehicle the lane would give this plate to (None without a detector)."""
        if self.detector is None:
            return None
        if name not in self._vehicles:
            found = self.detector.detect(self.image(name))
            self._vehicles[name] = one_box_per_vehicle([d for d in found if d.is_vehicle])
        vehicles = self._vehicles[name]
        index = owner_of(plate, vehicles)
        return vehicles[index] if index is not None else None


def judge_classes(photos: Photos, *, verbose: bool) -> tuple[int, int, int]:
    """Vehicle class through the lane's own step (`look`): exact, same group, total."""
    exact = group = 0
    judged = class_cases(photos.directory)
    for case in judged:
        image = photos.image(case.file)
        plate = replace(case.plate, box=photos.box(case.file, case.plate.box))
        vehicle = photos.vehicle(case.file, plate.box)
        detected = (
            class_from_detector(vehicle.label, vehicle.confidence, vehicle.box, plate.box)
            if vehicle
            else None
        )
        seen = look(image, plate, vehicle.box if vehicle else None, detected).vehicle_class
        exact += seen is case.vehicle_class
        group += seen is not VehicleClass.UNKNOWN and not classes_contradict(
            case.vehicle_class, seen
        )
        if verbose:
            mark = "ok " if seen is case.vehicle_class else "BAD"
            sys.stdout.write(
                f"{mark} {case.file:34s} {case.plate.text:12s} "
                f"truth={case.vehicle_class.value:10s} seen={seen.value}\n"
            )
    return exact, group, len(judged)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--verbose", action="store_true", help="one line per vehicle")
    parser.add_argument("--detector", help="vehicle boxes from this model (registry name or file)")
    add_taking_options(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    detector = load_detector(args.detector, default_data_dir()) if args.detector else None
    photos = Photos(args.directory, detector, Taking.from_args(args))
    right = near = boxed = doubtful = misleading = sure = 0
    policy = ClonePolicy()
    ms: list[float] = []
    judged = cases(args.directory)
    # every labelled plate of a photo, as the lane masks every plate it read in the frame
    plates: dict[str, list[Box]] = {
        name: [label_box(row) for row in rows]
        for name, rows in load_labels(args.directory / "labels.csv").items()
    }
    for case in judged:
        image = photos.image(case.file)
        plate = photos.box(case.file, case.box)
        owner = photos.vehicle(case.file, plate)
        vehicle = owner.box if owner is not None else None
        boxed += vehicle is not None
        start = time.perf_counter()
        region = body_region(image.shape, plate, vehicle)
        others = [photos.box(case.file, b) for b in plates[case.file] if b != case.box]
        estimate = estimate_color(image, region, plate, others=others) if region else None
        ms.append((time.perf_counter() - start) * 1000)
        seen = estimate.color if estimate else VehicleColor.UNKNOWN
        ok = seen is case.color
        right += ok
        contradicts = colors_contradict(case.color, seen)
        near += ok or not contradicts
        doubtful += estimate is not None and estimate.doubtful
        # what the cloned-plate check would act on (a still photo is a whole track: its one
        # frame agrees with itself): against a true registration if wrong, against a false
        # one (a cloned plate) if right
        trusted = (
            estimate is not None
            and not estimate.doubtful
            and estimate.confidence >= policy.min_confidence
        )
        misleading += contradicts and trusted
        sure += ok and trusted
        if args.verbose:
            conf = f"{estimate.confidence:.2f}" if estimate else "-"
            doubt = " doubtful" if estimate and estimate.doubtful else ""
            mark = "ok " if ok else "BAD"
            where = f" vehicle={vehicle.as_list()}" if vehicle else ""
            sys.stdout.write(
                f"{mark} {case.file:34s} {case.plate or '(no plate)':12s} "
                f"truth={case.color.value:7s} seen={seen.value:7s} conf={conf}{doubt}{where}\n"
            )
    total = len(judged)
    p50, p95, p99 = percentiles(ms)
    sys.stdout.write(
        f"\nvehicle colour on {total} high-confidence vehicles: "
        f"{right}/{total} = {100 * right / max(total, 1):.1f}% exact, "
        f"{near}/{total} = {100 * near / max(total, 1):.1f}% without a clear contradiction\n"
        f"marked doubtful (never a cloned-plate check on their own): {doubtful}/{total}; "
        f"clearly wrong, sure enough for a false cloned-plate check: {misleading}/{total}; "
        f"right and sure enough to back a true one: {sure}/{total}\n"
        f"colour step ms p50 {p50:.2f} p95 {p95:.2f} p99 {p99:.2f}\n"
    )
    if detector is not None:
        sys.stdout.write(f"body judged inside a {detector.name} vehicle box: {boxed}/{total}\n")
    exact, group, judged_classes = judge_classes(photos, verbose=args.verbose)
    sys.stdout.write(
        f"vehicle class on {judged_classes} high-confidence vehicles with a plate: "
        f"{exact}/{judged_classes} exact (suv counts as van), {group}/{judged_classes} "
        f"in the right group (light car/van, heavy bus/lorry, motorcycle)\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
