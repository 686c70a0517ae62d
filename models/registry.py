"""The model registry: every model file the product runs, with its sha256, source and licence.

Bundled entries (`models/registry.toml`) point at files inside pinned wheels, located with
`importlib.util.find_spec` so nothing is imported or downloaded. Operators add their own
files with `install`, which hashes and copies them under the data directory and records
them in ``<data dir>/models/installed.toml``. A file whose hash differs from its entry is
reported, never silently used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from checkpoint.errors import ConfigError, InvalidInput
from checkpoint.settings import Settings

logger = logging.getLogger(__name__)

BUNDLED = Path(__file__).resolve().parent / "registry.toml"
INSTALLED = "installed.toml"
_CHUNK = 1 << 20


class ModelEntry(Settings):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    task: str = Field(min_length=1)
    file: str = Field(min_length=1, description="path inside `package`, or absolute")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    source: str = Field(min_length=1)
    licence: str = Field(min_length=1)
    package: str | None = Field(None, description="wheel that ships the file")
    classes: list[str] = Field(default_factory=list)
    input_size: str = ""
    head: Literal["yolo", "ssd"] = Field(
        "yolo", description="output layout: an Ultralytics export, or a Caffe-style SSD"
    )


@dataclass(frozen=True, slots=True)
class ModelStatus:
    entry: ModelEntry
    path: Path | None
    state: str
    """"ok", "missing" or "sha256 mismatch"."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read(path: Path) -> list[ModelEntry]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return [ModelEntry.model_validate(item) for item in raw.get("model", [])]
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"model registry {path} is unusable: {exc}") from exc


def entries(data_dir: Path) -> list[ModelEntry]:
    """Bundled entries, then the operator's installed ones."""
    installed = data_dir / "models" / INSTALLED
    return _read(BUNDLED) + (_read(installed) if installed.is_file() else [])


def locate(entry: ModelEntry) -> Path | None:
    """Where the entry's file is on this machine, without importing its package."""
    if entry.package is None:
        return Path(entry.file)
    spec = importlib.util.find_spec(entry.package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / entry.file


def status(entry: ModelEntry) -> ModelStatus:
    path = locate(entry)
    if path is None or not path.is_file():
        return ModelStatus(entry, path, "missing")
    ok = sha256_of(path) == entry.sha256
    return ModelStatus(entry, path, "ok" if ok else "sha256 mismatch")


def install(
    file: Path, *, name: str, task: str, source: str, licence: str, data_dir: Path
) -> ModelEntry:
    """Hash `file`, copy it under the data directory and record it.

    Raises:
        InvalidInput: the file is missing, or the name is taken by another model.
    """
    if not file.is_file():
        raise InvalidInput(f"{file}: no such model file")
    if any(e.name == name for e in entries(data_dir)):
        raise InvalidInput(f"a model named {name!r} is already registered")
    folder = data_dir / "models"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}{file.suffix}"
    shutil.copyfile(file, target)
    entry = ModelEntry(
        name=name,
        task=task,
        file=str(target),
        sha256=sha256_of(target),
        source=source,
        licence=licence,
    )
    with (folder / INSTALLED).open("a", encoding="utf-8") as out:
        out.write(
            "\n[[model]]\n"
            + "".join(
                f"{key} = {_toml(value)}\n"
                for key, value in entry.model_dump(exclude_defaults=True).items()
            )
        )
    logger.info("model installed name=%s file=%s", name, target)
    return entry


def _toml(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
