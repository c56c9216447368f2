#!/usr/bin/env bash
# Set-up (packages + build) and every test: unit tests first, then the slow ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Two cores: run test processes two at a time, each with one torch thread (two processes with two
# threads each would stall at every parallel barrier).
export SHOTGEN_THREADS=1
ctest --test-dir build --output-on-failure -j2 --timeout 900
# Fuzz smoke: every libFuzzer target for 10 s, replaying its corpus (and every input that ever
# crashed it) first; `bash scripts/fuzz.sh 600` for a real session.
bash scripts/fuzz.sh 10
