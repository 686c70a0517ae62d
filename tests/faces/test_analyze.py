"""The face pipeline on images without faces (always) and on the dev photos (when present)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkpoint.errors import InvalidInput
from edge.faces import FaceAnalyzer, embed_single, load_image
from edge.faces.analyze import read_image
from edge.types import Box
from tests.faces.conftest import faceless_jpeg


def test_no_face_found(analyzer: FaceAnalyzer) -> None:
    image = load_image(faceless_jpeg())
    assert analyzer.analyze(image) == []
    with pytest.raises(InvalidInput, match=r"enrol\.jpg: no face found"):
        embed_single(analyzer, image, "enrol.jpg")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty file"), (b"not an image at all", "not a readable image")],
)
def test_unreadable_photo(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        load_image(data)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        read_image(tmp_path / "nope.jpg")


@pytest.mark.parametrize(
    "image",
    [np.zeros((10, 10), np.uint8), np.zeros((10, 10, 3), np.float32)],
)
def test_wrong_image_shape(analyzer: FaceAnalyzer, image: np.ndarray) -> None:
    with pytest.raises(ValueError, match="BGR uint8"):
        analyzer.detect(image)


def test_1080p_frame_under_a_second(analyzer: FaceAnalyzer) -> None:
    frame = np.random.default_rng(0).integers(0, 255, (1080, 1920, 3), dtype=np.uint8)
    analyzer.analyze(frame)  # warm up
    start = time.perf_counter()
    analyzer.analyze(frame)
    assert time.perf_counter() - start < 1.0


def test_enrolment_photo_embeds(analyzer: FaceAnalyzer, dev: Path) -> None:
    vector = embed_single(analyzer, read_image(dev / "enroll" / "obama.jpg"))
    assert vector.shape == (128,)
    assert vector.dtype == np.float32
    assert 0.5 < float(np.linalg.norm(vector)) < 1.5


def test_several_faces_refused(analyzer: FaceAnalyzer, dev: Path) -> None:
    image = read_image(dev / "probe" / "obama_and_biden.jpg")
    with pytest.raises(InvalidInput, match="3 faces found"):
        embed_single(analyzer, image, "group.jpg")


def test_downscaled_detection_finds_the_same_faces(dev: Path) -> None:
    image = read_image(dev / "probe" / "obama_and_biden.jpg")  # 2000 px wide
    small = FaceAnalyzer().detect(image)
    assert len(small) == 3
    assert all(box.width > 100 for box in small)  # boxes come back in full-frame pixels


def test_poor_face_is_never_embedded(analyzer: FaceAnalyzer, dev: Path) -> None:
    faces = analyzer.analyze(read_image(dev / "probe" / "obama_and_biden.jpg"))
    poor = [f for f in faces if not f.quality.passed]
    assert poor, "the turned face at the bottom right fails the gate"
    assert all(f.embedding is None for f in poor)
    assert all(f.embedding is not None for f in faces if f.quality.passed)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-200, 700), st.integers(-200, 500), st.integers(1, 900), st.integers(1, 900)
        ),
        max_size=4,
    )
)
def test_any_person_boxes_are_searched_safely(
    analyzer: FaceAnalyzer, people: list[tuple[int, int, int, int]]
) -> None:
    """Person boxes from a detector may be tiny, huge or partly outside the frame."""
    frame = np.full((480, 640, 3), 90, np.uint8)
    boxes = [Box(x, y, x + w, y + h) for x, y, w, h in people]
    for face in analyzer.detect(frame, people=boxes):
        assert 0 <= face.x1 < face.x2 <= 640 and 0 <= face.y1 < face.y2 <= 480
