"""`checkpoint watchlist add-person | check-face | forget-photos | remove-person`.

Enrolment sends the photos to central, which embeds them and refuses a photo without
exactly one good face; photos are kept there only with ``--keep-photos``. check-face runs
the face pipeline here and sends only embeddings to central: matching never needs a photo.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from pathlib import Path

from checkpoint import wire
from checkpoint.client import CentralClient
from checkpoint.errors import InvalidInput
from checkpoint.watchlist import (
    Category,
    EntryKind,
    Severity,
    make_entry,
    parse_enum,
    parse_until,
)
from proto import checkpoint_pb2 as pb

_BAND = {pb.FACE_MATCH: "match", pb.FACE_REVIEW: "review", pb.FACE_NONE: "none"}
_PHOTO_N = re.compile(r"^photo (\d+): ")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add = commands.add_parser("add-person", help="put a wanted person on the watchlist")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--photo", required=True, action="append", type=Path, help="one face; repeat for more"
    )
    add.add_argument("--reason", required=True)
    add.add_argument("--id", help="person id (default: a new random id)")
    add.add_argument("--category", default="wanted")
    add.add_argument("--severity", default="high", help="low, medium or high")
    add.add_argument("--until", help="ISO date or date-time; a date means the end of that day")
    add.add_argument("--keep-photos", action="store_true", help="also keep the photos at central")
    add.set_defaults(run=_add_person)

    check = commands.add_parser("check-face", help="which wanted persons a photo's faces match")
    check.add_argument("photo", type=Path)
    check.add_argument("--json", action="store_true")
    check.add_argument("--limit", type=int, default=3, help="nearest persons per face")
    check.set_defaults(run=_check_face)

    forget = commands.add_parser("forget-photos", help="delete a person's kept photos")
    forget.add_argument("id")
    forget.set_defaults(run=_forget_photos)

    listing = commands.add_parser("list-persons", help="list wanted persons (no faces)")
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.set_defaults(run=_list_persons)

    remove = commands.add_parser("remove-person", help="remove a person and their faces")
    remove.add_argument("id")
    remove.set_defaults(run=_remove_person)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})") from None


def _add_person(args: argparse.Namespace, client: CentralClient) -> int:
    from checkpoint.cli.watchlist import _actor

    entry = make_entry(
        EntryKind.PERSON,
        args.id or f"p-{uuid.uuid4().hex[:12]}",
        args.reason,
        category=parse_enum(Category, args.category, "category"),
        severity=parse_enum(Severity, args.severity, "severity"),
        created_by=_actor(),
        valid_until=parse_until(args.until) if args.until else None,
        attributes={"name": args.name.strip()},
    )
    request = pb.AddPersonRequest(
        entry=wire.entry_to_pb(entry),
        photos=[_read(path) for path in args.photo],
        keep_photos=args.keep_photos,
    )
    try:
        response = client.add_person(request)
    except InvalidInput as exc:  # name the operator's file, not its position
        found = _PHOTO_N.match(str(exc))
        if found is None:
            raise
        path = args.photo[int(found.group(1)) - 1]
        raise InvalidInput(f"{path}: {str(exc)[found.end() :]}") from None
    kept = f", {response.photos_kept} photo(s) kept" if response.photos_kept else ""
    print(
        f"added person {response.entry.key} with {response.faces} face(s){kept} "
        f"(version {response.entry.version})"
    )
    return 0


def _check_face(args: argparse.Namespace, client: CentralClient) -> int:
    from edge.faces.analyze import FaceAnalyzer, read_image

    faces = FaceAnalyzer().analyze(read_image(args.photo))
    vectors = [wire.embeddings_to_bytes(f.embedding) for f in faces if f.embedding is not None]
    if not faces:
        print(f"{args.photo}: no face found", file=sys.stderr)
    per_face = iter(client.match_faces(vectors, limit=args.limit).faces if vectors else [])
    out = []
    for face in faces:
        matches = list(next(per_face).matches) if face.embedding is not None else []
        out.append(
            {
                "box": face.box.as_list(),
                "quality": face.quality.as_json(),
                "matches": [
                    {
                        "id": m.key,
                        "name": m.name,
                        "distance": round(float(m.distance), 4),
                        "band": _BAND.get(m.band, "none"),
                    }
                    for m in matches
                ],
            }
        )
    if args.json:
        print(json.dumps({"faces": out}, ensure_ascii=False))
        return 0
    for number, face_json in enumerate(out, start=1):
        quality = face_json["quality"]
        assert isinstance(quality, dict)
        if not quality["passed"]:
            print(f"face {number}: not matched, {'; '.join(quality['problems'])}")
            continue
        hits = face_json["matches"]
        assert isinstance(hits, list)
        best = ", ".join(f"{m['name']} ({m['id']}) {m['distance']:.3f} {m['band']}" for m in hits)
        print(f"face {number}: {best or 'no wanted persons enrolled'}")
    return 0


def _forget_photos(args: argparse.Namespace, client: CentralClient) -> int:
    removed = client.forget_photos(args.id)
    print(f"deleted {removed} photo(s) of {args.id}")
    return 0


def _remove_person(args: argparse.Namespace, client: CentralClient) -> int:
    response = client.remove(args.id, pb.PERSON)
    if not response.removed:
        print(f"{args.id} was not on the watchlist", file=sys.stderr)
        return 1
    print(f"removed person {args.id} (version {response.version})")
    return 0


def _list_persons(args: argparse.Namespace, client: CentralClient) -> int:
    from checkpoint.cli.watchlist import entry_json

    found = sorted(client.entries(pb.PERSON), key=lambda e: e.key)
    rows = [
        entry_json(e) | {"name": e.attributes.get("name", ""), "faces": e.attributes.get("faces")}
        for e in found
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for row in rows:
        faces = f"{row['faces']} face(s)"
        print("\t".join(str(x) for x in (row["key"], row["name"], faces, row["reason"])))
    print(f"{len(rows)} persons", file=sys.stderr)
    return 0
