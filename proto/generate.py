"""Regenerate the checked-in Python stubs from proto/checkpoint.proto.

Run from anywhere: ``python -m proto.generate``. The stubs are committed so that a plain
install needs no protoc; tests/proto/test_stubs.py regenerates them into a temporary folder
and fails when the committed ones differ.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO = "proto/checkpoint.proto"
OUTPUTS = ("checkpoint_pb2.py", "checkpoint_pb2.pyi", "checkpoint_pb2_grpc.py")


def generate(out_dir: Path) -> None:
    """Write the stubs for proto/checkpoint.proto under ``out_dir/proto``.

    Raises:
        RuntimeError: protoc reported an error.
    """
    from grpc_tools import protoc  # dev dependency: only needed to regenerate

    include = str(resources.files("grpc_tools") / "_proto")
    (out_dir / "proto").mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{ROOT}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        str(ROOT / PROTO),
    ]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {PROTO}")


def main() -> int:
    generate(ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
