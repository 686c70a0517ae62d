"""The training script's own bookkeeping, which runs without torch: the run summary that
carries a GPU run's facts to the CPU machine, and the results.csv reader that stands in
for polars."""

from __future__ import annotations

import argparse
from pathlib import Path

from models.train_detector import ClassMetrics, RunSummary, _read_results_csv


def test_run_summary_survives_the_trip_between_machines(tmp_path: Path) -> None:
    summary = RunSummary(
        command="models/train_detector.py --data /tmp/ds/data.yaml --device 0 --no-export",
        finished="2026-11-26 09:57 UTC",
        epochs_done=27,
        epochs_planned=27,
        seconds=456.0,
        optimizer="MuSGD",
        hardware="GPU NVIDIA H100 80GB HBM3, 16 CPU cores (x86_64) for data loading",
        software="torch 2.11.0, ultralytics 8.4.190, Python 3.12.3",
        amp=True,
        train_images=12000,
        val_images=600,
        generator="python -m edge.synth.dataset /tmp/ds --train 12000 --val 600 --seed 3",
        settings={"model": "init.pt", "imgsz": 512, "batch": 64, "time": 0.12},
        rows=[ClassMetrics("all", 600, 1311, 0.975, 0.986, 0.989, 0.917)],
    )
    path = tmp_path / "summary.json"
    summary.save(path)
    assert RunSummary.load(path) == summary


def test_results_csv_is_read_into_columns(tmp_path: Path) -> None:
    csv_path = tmp_path / "results.csv"
    csv_path.write_text(
        "epoch,train/box_loss,  metrics/mAP50(B)\n1,1.25,0.5\n2,1.0,0.75\n", encoding="utf-8"
    )
    trainer = argparse.Namespace(csv=csv_path)
    columns = _read_results_csv(trainer)
    assert columns == {
        "epoch": [1.0, 2.0],
        "train/box_loss": [1.25, 1.0],
        "metrics/mAP50(B)": [0.5, 0.75],
    }
    assert _read_results_csv(argparse.Namespace(csv=tmp_path / "missing.csv")) == {}
