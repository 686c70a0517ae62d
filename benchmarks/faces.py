"""Face pipeline latency per frame, and 1:N search latency at 10k and 100k identities.

Usage: ``python -m benchmarks.faces [--frames 20] [--sizes 10000,100000] [--grpc-size 10000]
[--detector coco-yolov5s]``

Frames: the dev photos (``../shared/data/faces-dev/probe``) pasted onto 720p and 1080p
canvases, so every frame has real faces; without the dev set, noise frames (detection cost
only). Stages: ``detect+grade`` (HOG on the downscaled frame, landmarks, quality: what the
lane pays every frame) and ``full`` (plus the ResNet embedding of every face that passes,
what check-face pays; the lane embeds only the best shot per person). Then faces far from
the camera: how small a face is still found, with and without a detector's person boxes.

Search over random unit vectors, in memory: `FaceMatrix.screen` (what `Screen` runs: the
persons in the match/review bands, exact, with the projected lower-bound prefilter) and
`FaceMatrix.search` (what check-face runs: the 3 nearest, a full scan). Then
gRPC ``MatchFaces`` against a real central holding `--grpc-size` persons in Redis, with a
gRPC health check as the same-run floor. Target: p99 < 10 ms at 100k identities.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import cv2
import grpc
import numpy as np
from grpc_health.v1 import health_pb2, health_pb2_grpc

from benchmarks.common import percentiles, table, timed_ms
from central.config import CentralConfig
from central.persons import FaceBands, FaceMatrix, Person
from central.server import Central
from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.watchlist import EntryKind, make_entry
from edge.faces import FaceAnalyzer
from edge.faces.analyze import read_image
from edge.types import Box

logger = logging.getLogger(__name__)

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "faces-dev" / "probe"
RESOLUTIONS = {"720p": (1280, 720), "1080p": (1920, 1080)}


def frames(size: tuple[int, int], count: int) -> list[np.ndarray]:
    """`count` frames of `size` (width, height): dev photos fitted in, else noise."""
    width, height = size
    photos = [read_image(p) for p in sorted(DEV.iterdir())] if DEV.is_dir() else []
    rng = np.random.default_rng(0)
    out = []
    for n in range(count):
        canvas = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
        if photos:
            photo = photos[n % len(photos)]
            scale = min(width / photo.shape[1], height / photo.shape[0]) * 0.9
            fitted = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            canvas[: fitted.shape[0], : fitted.shape[1]] = fitted
        out.append(canvas)
    return out


def pipeline_rows(count: int) -> list[list[object]]:
    analyzer = FaceAnalyzer()
    rows: list[list[object]] = []
    for name, size in RESOLUTIONS.items():
        images = frames(size, count)
        analyzer.analyze(images[0])  # warm-up
        faces = sum(len(analyzer.detect(image)) for image in images) / len(images)
        grade_only = timed_ms(lambda im: analyzer.analyze(im, embed=False), images)
        full = timed_ms(analyzer.analyze, images)
        rows.append([name, "detect+grade", round(faces, 1), *percentiles(grade_only)])
        rows.append([name, "full (embed passing faces)", round(faces, 1), *percentiles(full)])
    return rows


ASTRONAUT = Path(__file__).resolve().parents[1] / "tests/edge/detect/data/astronaut.jpg"
FACE_WIDTHS = (40, 60, 80, 120, 160)


def distance_rows(detector_name: str) -> list[list[object]]:
    """Faces of a given width in a 1080p frame: found frame-wide, and with person boxes.

    Each portrait (the public-domain astronaut, and the dev photos with one face) is scaled
    so that its face is the given width and pasted on a plain 1080p canvas; a face counts
    as found when a box overlaps where it was put. The detector boxes people first, as a
    pedestrian lane with a COCO model does, and its time is counted.
    """
    from edge.detect import load_detector

    analyzer = FaceAnalyzer()
    detector = load_detector(detector_name, Path(tempfile.mkdtemp()))
    portraits = [read_image(ASTRONAUT)[:300]]
    if DEV.is_dir():
        portraits += [read_image(p) for p in sorted(DEV.iterdir())]
    faces = [(image, analyzer.detect(image)) for image in portraits]
    singles = [(image, found[0]) for image, found in faces if len(found) == 1]
    rows: list[list[object]] = []
    for target in FACE_WIDTHS:
        plain = guided = 0
        plain_ms: list[float] = []
        guided_ms: list[float] = []
        for image, face in singles:
            scale = target / face.width
            small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            small = small[: 1080 - 400, : 1920 - 800]
            canvas = np.full((1080, 1920, 3), (120, 130, 125), np.uint8)
            canvas[400 : 400 + small.shape[0], 800 : 800 + small.shape[1]] = small
            where = Box(
                800 + int(face.x1 * scale),
                400 + int(face.y1 * scale),
                800 + int(face.x2 * scale) + 1,
                400 + int(face.y2 * scale) + 1,
            )
            start = time.perf_counter()
            found = analyzer.detect(canvas)
            plain_ms.append((time.perf_counter() - start) * 1000)
            plain += any(box.iou(where) > 0.3 for box in found)
            start = time.perf_counter()
            people = [d.box for d in detector.detect(canvas) if d.is_person]
            found = analyzer.detect(canvas, people)
            guided_ms.append((time.perf_counter() - start) * 1000)
            guided += any(box.iou(where) > 0.3 for box in found)
        total = len(singles)
        rows.append(
            [
                target,
                f"{plain}/{total}",
                f"{guided}/{total}",
                round(float(np.median(plain_ms)), 1),
                round(float(np.median(guided_ms)), 1),
            ]
        )
    return rows


def search_rows(sizes: list[int], queries: int) -> list[list[object]]:
    rows: list[list[object]] = []
    now = datetime.now(tz=UTC)
    rng = np.random.default_rng(1)
    for size in sizes:
        vectors = rng.normal(size=(size, 128)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        entry = make_entry(EntryKind.PERSON, "p", "bench", attributes={"name": "p"})
        matrix = FaceMatrix([Person(entry, vectors[i : i + 1]) for i in range(size)])
        probes = vectors[rng.integers(0, size, queries)] + 0.02
        matrix.search(probes[:1], now, FaceBands())

        def search(query: np.ndarray, m: FaceMatrix = matrix) -> object:
            return m.search(query[None, :], now, FaceBands())

        def screen(query: np.ndarray, m: FaceMatrix = matrix) -> object:
            return m.screen(query, now, FaceBands())

        nearest = timed_ms(search, list(probes))
        banded = timed_ms(screen, list(probes))
        rows.append([f"{size:,}", "FaceMatrix.screen (bands only: Screen)", *percentiles(banded)])
        rows.append(
            [f"{size:,}", "FaceMatrix.search (3 nearest: check-face)", *percentiles(nearest)]
        )
    return rows


def grpc_rows(size: int, queries: int) -> list[list[object]]:
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(size, 128)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory() as data_dir:
        config = CentralConfig(grpc="127.0.0.1:0", data_dir=Path(data_dir))
        with Central(config) as central, CentralClient(central.address) as client:
            assert central.persons is not None
            for n in range(size):
                entry = make_entry(EntryKind.PERSON, f"p{n}", "bench", attributes={"name": "p"})
                central.persons.store.upsert(entry, vectors[n : n + 1], "bench")
            probes = [wire.embeddings_to_bytes(v + 0.02) for v in vectors[:queries]]
            client.match_faces(probes[:1])  # loads the matrix
            health = health_pb2_grpc.HealthStub(grpc.insecure_channel(central.address))
            floor = timed_ms(
                lambda _: health.Check(health_pb2.HealthCheckRequest()), range(queries)
            )
            samples = timed_ms(lambda q: client.match_faces([q]), probes)
    return [
        [f"{size:,}", "gRPC health check (floor)", *percentiles(floor)],
        [f"{size:,}", "gRPC MatchFaces (Redis version check + search)", *percentiles(samples)],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--grpc-size", type=int, default=10000)
    parser.add_argument(
        "--detector", default="coco-yolov5s", help="person boxes from this model ('' for none)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    source = "dev photos" if DEV.is_dir() else "noise (no dev set: detection cost only)"
    print(f"face pipeline per frame, {args.frames} frames each, {source}\n")
    print(
        table(["frame", "stage", "faces", "p50 ms", "p95 ms", "p99 ms"], pipeline_rows(args.frames))
    )
    if args.detector:
        print(
            f"\nfaces far from the camera: face width in a 1080p frame, found on the "
            f"downscaled frame alone and with {args.detector} person boxes (detector included)\n"
        )
        print(
            table(
                ["face px", "frame-wide", "with person boxes", "p50 ms", "p50 ms with boxes"],
                distance_rows(args.detector),
            )
        )
    print(f"\n1:N search, {args.queries} single-face queries, random unit vectors\n")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = search_rows(sizes, args.queries)
    if args.grpc_size:
        rows += grpc_rows(args.grpc_size, args.queries)
    print(table(["identities", "what", "p50 ms", "p95 ms", "p99 ms"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
