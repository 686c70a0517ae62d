"""Persons over real gRPC on loopback with a real Redis: enrol, match, screen, alert, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import redis

from central.alerts.convert import alert_to_json
from central.alerts.model import Picture
from central.server import Central
from checkpoint import wire
from checkpoint.cli.main import main
from checkpoint.client import CentralClient
from checkpoint.errors import InvalidInput, NotFound
from checkpoint.screening import Verdict
from proto import checkpoint_pb2 as pb
from tests.faces.conftest import faceless_jpeg, near, person_pb, unit_vectors


def enrol(client: CentralClient, key: str, vector: np.ndarray) -> pb.AddPersonResponse:
    request = pb.AddPersonRequest(
        entry=person_pb(key), embeddings=[wire.embeddings_to_bytes(vector)]
    )
    return client.add_person(request)


def test_enrol_embeddings_then_match(client: CentralClient) -> None:
    vectors = unit_vectors(3)
    for n in range(3):
        response = enrol(client, f"p-{n}", vectors[n])
        assert response.faces == 1
        assert response.entry.attributes["faces"] == "1"
    found = client.match_faces([wire.embeddings_to_bytes(near(vectors[1], 0.3))], limit=2)
    (face,) = found.faces
    assert face.matches[0].key == "p-1"
    assert face.matches[0].name == "Zhang San"
    assert face.matches[0].band == pb.FACE_MATCH
    assert face.matches[0].distance == pytest.approx(0.3, abs=1e-3)
    assert face.matches[1].band == pb.FACE_NONE


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (faceless_jpeg(), "photo 1: no face found"),
        (b"GIF89a not really", "photo 1: not a readable image"),
    ],
)
def test_bad_enrolment_photo_refused(client: CentralClient, photo: bytes, message: str) -> None:
    request = pb.AddPersonRequest(entry=person_pb("p-bad"), photos=[photo])
    with pytest.raises(InvalidInput, match=message):
        client.add_person(request)
    with pytest.raises(NotFound):
        client.get("p-bad", pb.PERSON)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (pb.AddPersonRequest(entry=person_pb("p-x")), "at least one photo or embedding"),
        (
            pb.AddPersonRequest(entry=person_pb("p-x", name=" "), embeddings=[b"\0" * 512]),
            "needs a name",
        ),
        (
            pb.AddPersonRequest(entry=person_pb("p-x"), embeddings=[b"\0" * 100]),
            "multiple of 512",
        ),
    ],
)
def test_bad_add_person_requests(
    client: CentralClient, request_: pb.AddPersonRequest, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        client.add_person(request_)


def test_plain_upsert_of_a_person_is_refused(client: CentralClient) -> None:
    with pytest.raises(InvalidInput, match="AddPerson"):
        client.upsert(person_pb("p-1"))


def test_photos_kept_only_on_request_and_forgettable(
    client: CentralClient, central: Central, redis_client: redis.Redis
) -> None:
    vector = wire.embeddings_to_bytes(unit_vectors(1))
    jpeg = faceless_jpeg(64, 64)
    request = pb.AddPersonRequest(entry=person_pb("p-1"), embeddings=[vector])
    assert client.add_person(request).photos_kept == 0
    assert central.persons is not None
    assert central.persons.store.photos("p-1") == []
    # Photos are stored only with keep_photos; embeddings alone are enough to match.
    central.persons.store.upsert(
        wire.entry_from_pb(person_pb("p-1")), unit_vectors(1), "test", [jpeg]
    )
    assert client.forget_photos("p-1") == 1
    assert central.persons.store.photos("p-1") == []
    with pytest.raises(NotFound):
        client.forget_photos("p-nobody")
    assert client.remove("p-1", pb.PERSON).removed
    assert redis_client.exists("cp:{cp}:wl:face:p-1") == 0


def test_person_passage_stops_and_alerts_with_the_face_crop(
    client: CentralClient, central: Central
) -> None:
    vectors = unit_vectors(2)
    enrol(client, "p-wanted", vectors[0])
    crop = np.full((120, 100, 3), 90, np.uint8)
    evidence = cv2.imencode(".jpg", crop)[1].tobytes()

    def passage(passage_id: str, vector: np.ndarray) -> pb.Passage:
        return pb.Passage(
            passage_id=passage_id,
            checkpoint_id="cp-1",
            lane_id="walk-1",
            face=pb.FaceObservation(embedding=wire.embeddings_to_bytes(vector), quality=0.9),
            evidence_jpeg=evidence,
        )

    hit = client.screen(passage("walk-1", near(vectors[0], 0.35)))
    assert hit.verdict == pb.STOP
    assert hit.face_matches[0].key == "p-wanted"
    assert "distance 0.35" in hit.reason
    assert hit.alert_id
    assert central.alerts is not None
    (alert,) = central.alerts.recent()
    assert alert.id == hit.alert_id
    assert alert.subject == "person:p-wanted"
    assert alert.reason.label == "Zhang San"  # officers see the name, not only the id
    assert alert_to_json(alert)["match"]["label"] == "Zhang San"
    assert alert.verdict is Verdict.STOP
    assert central.alerts.picture(alert.id, Picture.EVIDENCE) == evidence  # the face crop

    review = client.screen(passage("walk-2", near(vectors[0], 0.55)))
    assert review.verdict == pb.CHECK
    clear = client.screen(passage("walk-3", vectors[1]))
    assert clear.verdict == pb.PASS
    assert not clear.alert_id
    assert list(clear.face_matches) == []  # Screen reports only the match and review bands


def test_cli_add_person_names_the_bad_file(
    central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "nobody.jpg"
    good.write_bytes(faceless_jpeg())
    args = ["--central", central.address, "watchlist", "add-person", "--name", "Li Si"]
    code = main([*args, "--photo", str(good), "--reason", "wanted"])
    assert code == 1
    assert f"{good}: no face found" in capsys.readouterr().err
    assert main([*args, "--photo", str(tmp_path / "missing.jpg"), "--reason", "x"]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_cli_check_face_without_a_face(
    central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = tmp_path / "street.jpg"
    photo.write_bytes(faceless_jpeg())
    assert (
        main(["--central", central.address, "watchlist", "check-face", str(photo), "--json"]) == 0
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"faces": []}
    assert "no face found" in captured.err


def test_import_refuses_person_rows(client: CentralClient) -> None:
    rows = [pb.ImportRow(line=2, entry=person_pb("p-imported"))]
    response = client.import_rows(rows, skip_invalid=False, created_by="test")
    assert (response.applied, response.rejected) == (0, 1)
    assert "AddPerson" in response.errors[0].message


def test_cli_check_face_text_output(
    central: Central, client: CentralClient, dev: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = dev / "enroll" / "rose_leslie.jpg"
    entry = person_pb("rose", name="Rose Leslie")
    client.add_person(pb.AddPersonRequest(entry=entry, photos=[photo.read_bytes()]))
    probe = dev / "probe" / "rose_leslie2.jpg"
    assert main(["--central", central.address, "watchlist", "check-face", str(probe)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("face 1: Rose Leslie (rose) 0.4")
    assert "match" in out


def test_cli_list_persons(
    central: Central, client: CentralClient, capsys: pytest.CaptureFixture[str]
) -> None:
    enrol(client, "p-7", unit_vectors(1)[0])
    assert main(["--central", central.address, "watchlist", "list-persons", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["key"], row["name"], row["faces"], row["kind"]) == (
        "p-7",
        "Zhang San",
        "1",
        "person",
    )
