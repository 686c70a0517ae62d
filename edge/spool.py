"""The edge's disk spool: passages central has not acknowledged yet.

When central is unreachable the edge decides locally and writes each passage here (one
file each, written atomically), then replays them oldest first once central answers. A
file is deleted only after central has answered for it, and central treats a passage id
it has already screened as the same passage, so nothing is lost or counted twice.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from proto import checkpoint_pb2 as pb

logger = logging.getLogger(__name__)

SUFFIX = ".passage"


class Spool:
    """Passages waiting for central, as protobuf files named by time and passage id."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.tmp"):
            stale.unlink(missing_ok=True)  # a crash mid-write: the passage was not spooled

    def put(self, passage: pb.Passage) -> Path:
        name = f"{time.time_ns():020d}-{passage.passage_id}{SUFFIX}"
        path = self.folder / name
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as out:
            out.write(passage.SerializeToString())
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(path)
        logger.info("spooled passage=%s pending=%d", passage.passage_id, len(self))
        return path

    def pending(self) -> Iterator[tuple[Path, pb.Passage]]:
        """Spooled passages, oldest first; unreadable files are moved aside, not lost."""
        for path in sorted(self.folder.glob(f"*{SUFFIX}")):
            try:
                passage = pb.Passage.FromString(path.read_bytes())
            except Exception:
                logger.exception("unreadable spool file %s: moved aside", path)
                path.rename(path.with_suffix(".corrupt"))
                continue
            yield path, passage

    @staticmethod
    def done(path: Path) -> None:
        path.unlink(missing_ok=True)

    def __len__(self) -> int:
        return sum(1 for _ in self.folder.glob(f"*{SUFFIX}"))
