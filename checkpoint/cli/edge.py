"""`checkpoint edge`: run one lane's edge node on a camera, stream, clip or folder."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from checkpoint.client import CentralClient
from checkpoint.paths import default_data_dir

if TYPE_CHECKING:
    from edge.config import EdgeConfig

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("edge", help="run the edge node for one lane")
    parser.add_argument(
        "--source",
        required=True,
        help="video file, image folder, rtsp:// or http:// URL, or camera index",
    )
    parser.add_argument(
        "--central",
        dest="edge_central",
        metavar="HOST:PORT",
        help="central's gRPC address (also accepted before 'edge')",
    )
    parser.add_argument("--lane", default="lane-1", help="lane id (default lane-1)")
    parser.add_argument("--checkpoint", default="checkpoint-1", help="checkpoint id")
    parser.add_argument(
        "--once",
        action="store_true",
        help="stop when a file or folder source is exhausted and every passage has its verdict",
    )
    parser.add_argument("--spool-dir", type=Path, help="where passages wait for central")
    parser.add_argument("--metrics-port", type=int, help="serve Prometheus metrics here")
    parser.add_argument(
        "--deadline",
        type=float,
        default=0.5,
        help="seconds to wait for central's verdict before deciding locally",
    )
    parser.add_argument(
        "--mode",
        choices=("vehicle", "person", "both"),
        default="vehicle",
        help="vehicle: plates; person: faces of people walking through; both (default vehicle)",
    )
    parser.add_argument(
        "--detector",
        metavar="NAME_OR_FILE",
        help="detector the lane reads behind: a model registry name (see 'checkpoint models "
        "list') or an .onnx/.pt file; 'none' runs plate-first (default: hyperlpr-plate-ssd, "
        "plates only; coco-yolov5s also sees vehicles with no legible plate)",
    )
    parser.add_argument(
        "--roi",
        type=_roi,
        metavar="X1,Y1,X2,Y2",
        help="the lane in the picture as fractions of the frame, e.g. 0.25,0.3,0.75,1: plates "
        "and vehicles outside it are other lanes' (default: the whole frame)",
    )
    parser.set_defaults(run=run, needs_client=False)


def _roi(text: str) -> tuple[float, float, float, float]:
    from edge.config import check_roi

    try:
        x1, y1, x2, y2 = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: want four fractions X1,Y1,X2,Y2 such as 0.25,0.3,0.75,1"
        ) from None
    try:
        return check_roi((x1, y1, x2, y2))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from edge.app import Edge
    from edge.config import EdgeConfig
    from edge.source import open_source
    from edge.vehicle.first import load_lane_reader

    central = args.edge_central or args.central
    overrides: dict[str, object] = {"spool_dir": args.spool_dir} if args.spool_dir else {}
    if args.detector is not None:
        overrides["detector"] = args.detector
    config = EdgeConfig(
        central=central,
        lane_id=args.lane,
        checkpoint_id=args.checkpoint,
        metrics_port=args.metrics_port,
        deadline_s=args.deadline,
        roi=args.roi,
        **overrides,
    )
    if args.mode != "vehicle":
        return _run_lanes(args, config)
    reader = load_lane_reader(config.detector, default_data_dir())
    with (
        CentralClient(central, timeout_s=args.timeout, token=args.token) as client,
        open_source(args.source) as source,
        Edge(config, reader, sys.stdout, client) as edge,
    ):

        def stop(signum: int, frame: FrameType | None) -> None:
            edge.stop.set()
            source.close()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        edge.run(source)
        if args.once:
            if not edge.drain(timeout_s=10):
                logger.warning(
                    "central unreachable: %d passage(s) stay spooled in %s",
                    len(edge.spool),
                    edge.spool.folder,
                )
            return 0
        logger.info("source ended; serving until interrupted")
        edge.stop.wait()
    return 0


def _run_lanes(args: argparse.Namespace, config: EdgeConfig) -> int:
    """`--mode person|both`: the pedestrian lane, beside the vehicle lane for `both`.

    Both lanes see every frame in this one loop, so one camera can watch a mixed lane.
    """
    from edge.app import Edge
    from edge.detect import load_detector
    from edge.faces.lane import PersonLane
    from edge.source import open_source
    from edge.vehicle.first import VehicleFirstReader, load_lane_reader

    with ExitStack() as stack:
        client = stack.enter_context(
            CentralClient(config.central, timeout_s=args.timeout, token=args.token)
        )
        source = stack.enter_context(open_source(args.source))
        vehicles = None
        shared: VehicleFirstReader | None = None  # its detector boxes people for both lanes
        detector = None
        if args.mode == "both":
            reader = load_lane_reader(config.detector, default_data_dir())
            vehicles = stack.enter_context(Edge(config, reader, sys.stdout, client))
            if isinstance(reader, VehicleFirstReader) and reader.detector.finds_people:
                shared = reader
        elif args.detector is not None and config.detector is not None:
            # named for this lane; the default detector boxes plates only, no people
            detector = load_detector(config.detector, default_data_dir())
        if detector is not None and not detector.finds_people:
            logger.warning(
                "detector %s boxes no people; faces are searched frame-wide only", detector.name
            )
            detector = None
        persons = PersonLane(
            config,
            client,
            sys.stdout,
            metrics=vehicles.metrics if vehicles else None,
            detector=detector,
        )
        if vehicles is None and config.metrics_port is not None:
            persons.metrics.serve(config.metrics_port)  # the vehicle lane serves it otherwise
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()
            source.close()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        for frame in source.frames():
            if vehicles is not None:
                vehicles.process(frame)
            persons.process(frame, people=shared.people if shared is not None else None)
            if stop.is_set():
                break
        persons.finish()
        if vehicles is not None:
            vehicles.finish()
            if args.once:
                vehicles.drain(timeout_s=10)
        if len(persons.spool):
            logger.warning(
                "central unreachable: %d person passage(s) stay spooled in %s",
                len(persons.spool),
                persons.spool.folder,
            )
        if not args.once:
            logger.info("source ended; serving until interrupted")
            stop.wait()
    return 0
