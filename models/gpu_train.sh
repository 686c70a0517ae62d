#!/usr/bin/env bash
# The GPU half of a detector training run, for a lent machine that has torch but no
# internet: installs the carried Ultralytics wheels and the CJK font, generates the dataset
# on all cores, trains with --no-export and leaves the run (weights, summary.json,
# results.csv) in $OUT. Export and report afterwards with the training venv:
#   python models/train_detector.py --from-run RUN_DIR --out ... --report ...
# Usage: models/gpu_train.sh CARRY_DIR TRAIN VAL SEED HOURS [INIT.pt]
set -euo pipefail
carry=$1 train=$2 val=$3 seed=$4 hours=$5 init=${6:-yolov8n.yaml}
out=${OUT:-/tmp/gpu_out}
mkdir -p "$out" /usr/share/fonts/truetype/wqy
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site \
    "$carry"/*.whl
export PYTHONPATH="/tmp/site:$PWD" PYTHONUNBUFFERED=1
cp "$carry/wqy-microhei.ttc" /usr/share/fonts/truetype/wqy/
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
cores=$(nproc)
# keep the newest weights in $OUT, so a run stopped at its time limit still returns them
(while sleep 15; do cp /tmp/runs/gpu/weights/last.pt "$out/" 2>/dev/null || true; done) &
python3 -m edge.synth.dataset /tmp/ds --train "$train" --val "$val" --seed "$seed" \
    --size 512 --processes "$cores"
python3 models/train_detector.py --data /tmp/ds/data.yaml --model "$init" --device 0 \
    --time "$hours" --scale "${SCALE:-0.3}" --batch 64 --workers $((cores - 2)) --imgsz 512 --close-mosaic 2 \
    --project /tmp/runs --name gpu --no-export 2>&1 | tee "$out/train.log" | grep -v "it/s]$" || true
cp /tmp/runs/gpu/weights/best.pt /tmp/runs/gpu/summary.json /tmp/runs/gpu/results.csv "$out/"
