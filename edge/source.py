"""Camera sources: video files, image folders, RTSP/HTTP streams and local cameras.

Live sources (a URL or a camera index) run a grabber thread that keeps only the newest
frame, so a slow reader never makes the lane fall behind live video; frames it overwrote
are counted as dropped. A dead stream reconnects with exponential backoff. Files and
folders are read in order, every frame, so a recorded clip gives repeatable results.
Corrupt frames and unreadable images are skipped and counted, never fatal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from checkpoint.errors import InvalidInput
from checkpoint.lifecycle import Closeable
from edge.types import Frame

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mkv", ".mov", ".m4v", ".ts", ".webm"})


@dataclass
class SourceStats:
    """Counters the metrics endpoint exports; written by one thread, read by others."""

    frames: int = 0
    dropped: int = 0
    corrupt: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)


def valid_image(image: np.ndarray | None) -> bool:
    return (
        image is not None
        and image.ndim == 3
        and image.shape[2] == 3
        and image.shape[0] >= 16
        and image.shape[1] >= 16
        and image.dtype == np.uint8
    )


class Source(Closeable):
    """Base: an iterator of frames that must be closed (use it as a context manager)."""

    name = "source"

    def __init__(self) -> None:
        self.stats = SourceStats()

    def frames(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the capture; safe to call twice."""


class FolderSource(Source):
    """Every image in a folder, sorted by name; unreadable files are counted and skipped."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.name = str(folder)
        self.paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)

    def frames(self) -> Iterator[Frame]:
        for index, path in enumerate(self.paths):
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None or not valid_image(image):
                self.stats.corrupt += 1
                logger.warning("skipping unreadable image path=%s", path)
                continue
            self.stats.frames += 1
            yield Frame(
                image=np.asarray(image, dtype=np.uint8),
                index=index,
                timestamp=float(index),
                source=str(path),
            )


class VideoFileSource(Source):
    """A recorded clip, every frame in order; timestamps are the clip's own."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.name = str(path)
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            self._capture.release()
            raise InvalidInput(f"cannot open video {path}: not a video or unsupported codec")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and fps > 0 else 25.0

    def frames(self) -> Iterator[Frame]:
        index = 0
        while True:
            ok, image = self._capture.read()
            if not ok:
                return
            index += 1
            if not valid_image(image):
                self.stats.corrupt += 1
                continue
            self.stats.frames += 1
            yield Frame(
                image=image, index=index - 1, timestamp=(index - 1) / self.fps, source=self.name
            )

    def close(self) -> None:
        self._capture.release()


class LiveSource(Source):
    """A stream or camera read by a grabber thread that keeps only the newest frame."""

    def __init__(self, target: str | int, *, max_backoff_s: float = 30.0) -> None:
        super().__init__()
        self.name = str(target)
        self._target = target
        self._max_backoff = max_backoff_s
        self._latest: Frame | None = None
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._grab, name=f"grab-{target}", daemon=True)
        self._thread.start()

    def _open(self) -> cv2.VideoCapture:
        capture = cv2.VideoCapture(self._target)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return capture

    def _grab(self) -> None:
        backoff = 0.5
        index = 0
        while not self._stop.is_set():
            capture = self._open()
            if not capture.isOpened():
                capture.release()
                logger.warning("stream unavailable source=%s retry_in=%.1fs", self.name, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                self.stats.reconnects += 1
                continue
            backoff = 0.5
            try:
                while not self._stop.is_set():
                    ok, image = capture.read()
                    if not ok:
                        logger.warning("stream ended source=%s: reconnecting", self.name)
                        break
                    if not valid_image(image):
                        self.stats.corrupt += 1
                        continue
                    frame = Frame(image=image, index=index, timestamp=time.time(), source=self.name)
                    index += 1
                    with self._cond:
                        if self._latest is not None:
                            self.stats.dropped += 1
                        self._latest = frame
                        self._cond.notify()
            finally:
                capture.release()
            self.stats.reconnects += 1

    def frames(self) -> Iterator[Frame]:
        while not self._stop.is_set():
            with self._cond:
                self._cond.wait_for(
                    lambda: self._latest is not None or self._stop.is_set(), timeout=1.0
                )
                frame, self._latest = self._latest, None
            if frame is not None:
                self.stats.frames += 1
                yield frame

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=5)


def open_source(spec: str) -> Source:
    """The source for `--source`: a folder, a video file, a URL, or a camera index.

    Raises:
        InvalidInput: a path that does not exist or is neither a folder nor a video.
    """
    if spec.isdigit():
        return LiveSource(int(spec))
    if "://" in spec:
        return LiveSource(spec)
    path = Path(spec)
    if path.is_dir():
        return FolderSource(path)
    if path.is_file():
        if path.suffix.lower() in IMAGE_SUFFIXES:
            source = FolderSource(path.parent)
            source.paths = [path]
            return source
        return VideoFileSource(path)
    raise InvalidInput(f"source {spec!r}: no such file or folder, and not a URL or camera index")
