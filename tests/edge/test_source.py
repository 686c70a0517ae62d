"""Camera sources: files in order, corrupt frames skipped and counted, dead streams retried."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from checkpoint.errors import InvalidInput
from edge.source import FolderSource, LiveSource, VideoFileSource, open_source
from edge.synth.clip import CLIP, FPS, HEIGHT, WIDTH


def test_folder_skips_and_counts_corrupt_images(tmp_path: Path) -> None:
    image = np.full((64, 96, 3), 127, np.uint8)
    cv2.imwrite(str(tmp_path / "a.jpg"), image)
    (tmp_path / "b.jpg").write_bytes(b"\xff\xd8 truncated jpeg")
    cv2.imwrite(str(tmp_path / "c.png"), image)
    (tmp_path / "notes.txt").write_text("not an image")
    with open_source(str(tmp_path)) as source:
        assert isinstance(source, FolderSource)
        frames = list(source.frames())
    assert [Path(f.source).name for f in frames] == ["a.jpg", "c.png"]
    assert (source.stats.frames, source.stats.corrupt) == (2, 1)


def test_bundled_clip_reads_every_frame_in_order() -> None:
    with open_source(str(CLIP)) as source:
        assert isinstance(source, VideoFileSource)
        frames = list(source.frames())
    assert len(frames) > 100
    assert frames[0].image.shape == (HEIGHT, WIDTH, 3)
    assert [f.index for f in frames] == list(range(len(frames)))
    assert frames[10].timestamp == pytest.approx(10 / FPS)


@pytest.mark.parametrize(
    ("spec", "message"),
    [("/no/such/clip.mp4", "no such file"), ("{tmp}/fake.mp4", "cannot open video")],
)
def test_bad_sources_are_named(tmp_path: Path, spec: str, message: str) -> None:
    (tmp_path / "fake.mp4").write_bytes(b"not a video at all")
    with pytest.raises(InvalidInput, match=message):
        open_source(spec.format(tmp=tmp_path))


def test_dead_stream_retries_without_crashing() -> None:
    source = LiveSource("rtsp://127.0.0.1:1/none", max_backoff_s=0.2)
    try:
        deadline = time.monotonic() + 20
        while source.stats.reconnects < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert source.stats.reconnects >= 2
        assert source.stats.frames == 0
    finally:
        source.close()
