"""Bad input gives a clear `InvalidInput`, never a crash deep inside OpenCV or onnxruntime."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkpoint.errors import InvalidInput
from edge.read import PlateReader
from edge.read.images import expand, load_image
from edge.types import Box


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (None, "expected a BGR uint8 image"),
        (b"\xff\xd8garbage", "expected a BGR uint8 image"),
        (np.zeros((100, 100), np.uint8), "got uint8 (100, 100)"),
        (np.zeros((100, 100, 4), np.uint8), "got uint8 (100, 100, 4)"),
        (np.zeros((100, 100, 3), np.float32), "got float32"),
        (np.zeros((0, 100, 3), np.uint8), "too small"),
        (np.zeros((4, 4, 3), np.uint8), "too small"),
    ],
)
def test_bad_image_is_invalid_input(reader: PlateReader, image: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        reader.read(image)  # type: ignore[arg-type]


def test_roi_outside_image_is_invalid_input(reader: PlateReader) -> None:
    with pytest.raises(InvalidInput, match="outside"):
        reader.read(np.zeros((100, 100, 3), np.uint8), roi=Box(200, 200, 300, 300))


@settings(max_examples=25, deadline=None)
@given(
    height=st.integers(8, 120),
    width=st.integers(8, 160),
    seed=st.integers(0, 2**16),
    near=st.lists(
        st.tuples(
            st.integers(-300, 300), st.integers(-300, 300), st.integers(1, 400), st.integers(1, 200)
        ),
        max_size=3,
    ),
)
def test_any_small_frame_and_any_hints_read_without_error(
    reader: PlateReader, height: int, width: int, seed: int, near: list[tuple[int, int, int, int]]
) -> None:
    """Noise frames of any size down to the minimum, with hints anywhere (outside the frame
    too) and the tile sweep running in turn: reads come back inside the frame, or none."""
    image = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    boxes = [Box(x, y, x + w, y + h) for x, y, w, h in near]
    for _ in range(3):  # three tiles of the sweep
        for read in reader.read(image, near=boxes):
            assert 0 <= read.box.x1 < read.box.x2 <= width
            assert 0 <= read.box.y1 < read.box.y2 <= height


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n truncated"])
def test_corrupt_file_is_invalid_input(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=r"photo\.png"):
        load_image(path)


def test_missing_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        load_image(tmp_path / "nope.jpg")


def test_expand_lists_images_of_a_folder_sorted(tmp_path: Path) -> None:
    for name in ("b.jpg", "a.PNG", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    other = tmp_path / "x.bin"
    assert expand([tmp_path, other]) == [tmp_path / "a.PNG", tmp_path / "b.jpg", other]
