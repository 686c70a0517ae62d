"""Shared helpers for the benchmarks: percentiles, plain-text tables, the dev-set labels."""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from edge.types import Box

T = TypeVar("T")


def load_labels(path: Path) -> dict[str, list[dict[str, str]]]:
    """Rows of a plates-dev labels.csv grouped by image file name, in file order."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in csv.DictReader(handle):
            grouped[row["file"]].append(row)
    return dict(grouped)


def label_box(row: dict[str, str]) -> Box:
    """The plate box of one labels.csv row."""
    return Box(int(row["x1"]), int(row["y1"]), int(row["x2"]), int(row["y2"]))


def timed_ms(fn: Callable[[T], object], inputs: Iterable[T]) -> list[float]:
    """Wall time of `fn(x)` for each input, in milliseconds each."""
    out: list[float] = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentiles(samples_ms: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95, p99 of the samples."""
    p50, p95, p99 = np.percentile(np.asarray(samples_ms), [50, 95, 99])
    return float(p50), float(p95), float(p99)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table, so the output pastes into a closing note as it is."""
    cells = [[str(h) for h in headers], *[[_fmt(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 100 else f"{value:.0f}"
    return str(value)
