#!/usr/bin/env bash
# Set-up (packages + build) and every test: unit tests first, then the slow ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Two cores: run test processes two at a time; each test executable is single-purpose and short.
ctest --test-dir build --output-on-failure -j2 --timeout 900
