"""`checkpoint read IMAGE_OR_DIR...`: read the plates in still images, without central.

One line per image, in the order given (folders expanded, sorted). A file that cannot be
decoded gets an error line and the run goes on, so one bad file never hides the others.
`ms` is the reading time of that image; loading the models once at start is not counted.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from checkpoint.errors import InvalidInput
from edge.types import PlateRead, VehicleLook

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("read", help="read licence plates in image files (no central)")
    parser.add_argument("paths", nargs="+", type=Path, metavar="IMAGE_OR_DIR")
    parser.add_argument("--json", action="store_true", help="one JSON object per image")
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime threads (default 2)")
    parser.add_argument(
        "--detector",
        metavar="NAME_OR_FILE",
        help="vehicle detector (e.g. coco-yolov5s; see 'checkpoint models list'): each plate "
        "gets its vehicle's box, and vehicles with no readable plate are listed",
    )
    parser.set_defaults(run=run, needs_client=False)


def run(args: argparse.Namespace) -> int:
    """Read every image; exit 1 if any could not be read, else 0."""
    from checkpoint.paths import default_data_dir
    from edge.read.colour import judge_scene
    from edge.read.images import expand, load_image
    from edge.vehicle.first import load_lane_reader
    from edge.vehicle.look import add_looks

    reader = load_lane_reader(args.detector, default_data_dir(), threads=args.threads, stills=True)
    failed = 0
    for path in expand(args.paths):
        try:
            image = load_image(path)
            start = time.perf_counter()
            scene = judge_scene(image)  # the photo's light, for its plates and vehicles
            reads = add_looks(image, reader.read(image, scene=scene), scene)
            ms = (time.perf_counter() - start) * 1000
        except InvalidInput as exc:
            failed += 1
            logger.info("cannot read %s: %s", path, exc)
            print(_error_line(path, str(exc), as_json=args.json), flush=True)
            continue
        print(_result_line(path, reads, ms, as_json=args.json), flush=True)
    return 1 if failed else 0


def plate_json(read: PlateRead) -> dict[str, object]:
    """The JSON shape of one plate read (also used by the benchmarks)."""
    return {
        "text": read.text,
        "confidence": round(read.confidence, 3),
        "color": read.color,
        "layers": read.layers,
        "box": read.box.as_list(),
        "candidates": [[text, round(conf, 3)] for text, conf in read.candidates],
        "vehicle": vehicle_json(read.vehicle),
    }


def vehicle_json(look: VehicleLook | None) -> dict[str, object] | None:
    """The JSON shape of a vehicle's look; None when the vehicle stage did not run."""
    if look is None:
        return None
    return {
        "color": look.color.value,
        "class": look.vehicle_class.value,
        "box": look.box.as_list() if look.box else None,
        "color_confidence": round(look.color_confidence, 3),
        "color_doubtful": look.color_doubtful,
    }


def _result_line(path: Path, reads: list[PlateRead], ms: float, *, as_json: bool) -> str:
    plates = [r for r in reads if r.text]
    # a detector's vehicle with no legible plate comes as a read without text
    vehicles = [r.vehicle for r in reads if not r.text and r.vehicle is not None]
    if as_json:
        return json.dumps(
            {
                "image": str(path),
                "plates": [plate_json(r) for r in plates],
                "vehicles": [vehicle_json(v) for v in vehicles],
                "ms": round(ms, 1),
            },
            ensure_ascii=False,
        )
    found = ", ".join(f"{r.text} ({r.color}, {r.confidence:.2f})" for r in plates) or "no plate"
    unread = f", {len(vehicles)} vehicle(s) without a legible plate" if vehicles else ""
    return f"{path}: {found}{unread} [{ms:.0f} ms]"


def _error_line(path: Path, message: str, *, as_json: bool) -> str:
    if as_json:
        return json.dumps({"image": str(path), "error": message}, ensure_ascii=False)
    return f"{path}: error: {message}"
