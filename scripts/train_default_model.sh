#!/usr/bin/env bash
# Trains the bundled default model (models/default) on the 2-core CPU machine in about 55 minutes
# of training time, from a fresh build (cmake --build build). Re-running after an interruption
# (Ctrl-C, SIGTERM, a crash) continues from the last checkpoint: pass --resume as the first
# argument. Training data is streamed from the procedural film world; nothing is downloaded.
#
# Chosen by measuring the training step: a patch-4 video DiT, width 128, depth 4, 4 heads
# (2.55M parameters), batch 8 clips × 8 frames × 64x32 — about 1.3 CPU-seconds per step on an
# idle core (2200-4000 steps in 55 minutes on 2 idle cores). Patch 8 would be ~4x cheaper but
# squeezes 7×8×8 input values into 128 channels and loses the fine texture the style analyzer and
# the figure counts depend on. Torch threads: 2 on an idle machine; when other jobs share the
# CPU, SHOTGEN_TRAIN_THREADS=1 is faster (torch's thread barriers stall under contention).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${SHOTGEN_TRAIN_OUT:-build/train-default}
minutes=${SHOTGEN_TRAIN_MINUTES:-55}
threads=${SHOTGEN_TRAIN_THREADS:-2}
resume=()
if [[ "${1:-}" == "--resume" ]]; then resume=(--resume); fi

build/shotgen model train "${resume[@]}" \
  --out "$out" --export models/default \
  --minutes "$minutes" \
  --width 128 --depth 4 --heads 4 --patch 4 --mlp-ratio 2 \
  --text-width 128 --text-depth 2 --text-heads 4 --window 8 --sizes 64x32 \
  --batch 8 --frames 8 \
  --lr 3e-4 --final-lr-fraction 0.1 --warmup 100 --weight-decay 0.01 --ema-decay 0.999 --clip 1.0 \
  --conditioning-probability 0.25 --checkpoint-every 250 --log-every 25 --seed 1 --threads "$threads"
