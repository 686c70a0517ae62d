"""`checkpoint models list|install`: the model registry, verified on this machine."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from checkpoint.paths import default_data_dir


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("models", help="list or install model files")
    parser.add_argument("--data-dir", type=Path, help="default ~/.local/share/checkpoint")
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = commands.add_parser("list", help="registered models and whether their files match")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=_list, needs_client=False)
    inst = commands.add_parser("install", help="verify and copy a model file into the data dir")
    inst.add_argument("file", type=Path)
    inst.add_argument("--name", required=True)
    inst.add_argument("--task", default="detection")
    inst.add_argument("--source", default="installed by the operator")
    inst.add_argument("--licence", default="unknown")
    inst.set_defaults(run=_install, needs_client=False)


def _list(args: argparse.Namespace) -> int:
    from models.registry import entries, status

    found = [status(e) for e in entries(args.data_dir or default_data_dir())]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": s.entry.name,
                        "task": s.entry.task,
                        "state": s.state,
                        "path": str(s.path) if s.path else None,
                        "sha256": s.entry.sha256,
                        "source": s.entry.source,
                        "licence": s.entry.licence,
                    }
                    for s in found
                ],
                ensure_ascii=False,
            )
        )
    else:
        for s in found:
            print(f"{s.entry.name}\t{s.entry.task}\t{s.state}\t{s.path}")
    return 0 if all(s.state == "ok" for s in found) else 1


def _install(args: argparse.Namespace) -> int:
    from models.registry import install

    entry = install(
        args.file,
        name=args.name,
        task=args.task,
        source=args.source,
        licence=args.licence,
        data_dir=args.data_dir or default_data_dir(),
    )
    print(f"installed {entry.name} ({entry.sha256[:12]}) at {entry.file}")
    return 0
