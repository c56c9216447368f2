#!/usr/bin/env bash
# scripts/gpu-check.sh: the GPU machine's whole check in one command (issue 13). Builds shotgen with
# PyTorch's CUDA libtorch (../shared/gpu recipe), runs the CUDA tests (ctest label "gpu": agreement
# with the CPU within the stated tolerance, same bits on one device, training resumed on CUDA),
# benchmarks one sampler step against PyTorch eager and torch.compile, renders the 16-shot bench film
# while sampling the GPU's busy %, and writes one report.
#
# On the GPU machine (device tool, carry [".gpu-deps"], timeout 600):
#     bash scripts/gpu-check.sh
# Results: $OUT/gpu-check.txt (the report) and $OUT/gpu-check.tgz (the raw JSON and logs).
#
# Without a GPU (to check this script): GPU_CHECK_BUILD=build GPU_CHECK_DEVICE=cpu bash scripts/gpu-check.sh
# uses an existing build, renders and benchmarks on the CPU with small batches, and leaves the
# nvidia-smi figures out.
#   GPU_CHECK_BUILD   an existing build directory (skips the bootstrap and the build)
#   GPU_CHECK_DEVICE  cuda (default) or cpu
#   GPU_CHECK_PYTHON  Python with PyTorch for the reference (default: python3 on the GPU machine,
#                     Debian's /usr/bin/python3 with python3-torch on the CPU)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
device=${GPU_CHECK_DEVICE:-cuda}
out=${OUT:-$root/build/gpu-check}
work=$out/gpu-check
mkdir -p "$work"
report=$out/gpu-check.txt
: > "$report"
model=$root/models/default
if [ "$device" = cuda ]; then
  batches=1,16,64 python_batches=1,16 sizes="128x64 512x256" python=${GPU_CHECK_PYTHON:-python3}
else
  batches=1,2 python_batches=1 sizes=128x64 python=${GPU_CHECK_PYTHON:-/usr/bin/python3}
fi

log() { echo "$*" | tee -a "$report"; }
# stage NAME SECONDS COMMAND...: runs it under a time limit, its output into the work folder, and
# says in the report how it ended and how long it took; the raw results are packed after each stage.
stage() {
  local name=$1 limit=$2
  shift 2
  local start end rc
  start=$(date +%s.%N)
  timeout "$limit" "$@" > "$work/$name.log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  log "-- $name: exit $rc in $(python3 -c "print(f'{$end - $start:.1f}')") s"
  tar czf "$out/gpu-check.tgz" -C "$out" gpu-check 2>/dev/null
  return $rc
}

log "shotgen gpu-check $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), device $device"
if [ "$device" = cuda ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$report"
fi

# ---- build ----------------------------------------------------------------------------------------
if [ -n "${GPU_CHECK_BUILD:-}" ]; then
  build=$(realpath "$GPU_CHECK_BUILD")
  log "build: existing $build"
else
  build=/tmp/build-gpu
  stage bootstrap 300 bash .gpu-deps/bootstrap.sh || { log "bootstrap failed: see gpu-check/bootstrap.log"; exit 1; }
  # shellcheck disable=SC1091
  source .gpu-deps/env.sh
  stage configure 120 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSHOTGEN_BUILD_TESTS=ON ||
    { log "configure failed"; exit 1; }
  stage build 400 cmake --build "$build" -j"$(nproc)" --target shotgen shotgen_bench test_engine_gpu test_train_gpu ||
    { log "build failed: see gpu-check/build.log"; tail -20 "$work/build.log" >> "$report"; exit 1; }
fi
"$build/shotgen_bench" machine > "$work/machine.json" 2>/dev/null
log "engine: $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print("libtorch", m["libtorch"], "threads", m["engine_threads"])' "$work/machine.json")"

# ---- CUDA tests -----------------------------------------------------------------------------------
stage gpu-tests 240 ctest --test-dir "$build" -L gpu --output-on-failure
grep -E "tests passed|Failed|Skipped|Passed|mean_abs|p99_abs|max_abs" "$work/gpu-tests.log" | tail -8 >> "$report"
for exe in test_engine_gpu test_train_gpu; do  # the measured agreement, as the test recorded it
  [ -x "$build/$exe" ] && "$build/$exe" --gtest_output="json:$work/$exe.json" > /dev/null 2>&1
done
python3 - "$work/test_engine_gpu.json" >> "$report" 2>/dev/null <<'PY'
import json, sys
for suite in json.load(open(sys.argv[1]))["testsuites"]:
    for test in suite["testsuite"]:
        props = {k: v for k, v in test.items() if k.endswith("_difference")}
        if props: print("CUDA vs CPU, same seed (of 255):", ", ".join(f"{k} {v}" for k, v in sorted(props.items())))
PY

# ---- one sampler step: shotgen against PyTorch --------------------------------------------------
step_row() {  # NAME FILE: "name: batch b: x ms" for every batch in a shotgen_bench/reference JSON
  python3 - "$1" "$2" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
try:
    rows = json.load(open(path))["batches"]
except Exception as e:
    print(f"{name}: no result ({e.__class__.__name__})"); sys.exit()
print(f"{name}: " + ", ".join(f"batch {r['clips']} {r['step_s'] * 1e3:.2f} ms" for r in rows))
PY
}
for size in $sizes; do
  w=${size%x*}; h=${size#*x}
  b=$batches; [ "$size" = 512x256 ] && b=$python_batches
  stage "steps-shotgen-$size" 120 "$build/shotgen_bench" steps --model "$model" --device "$device" \
    --width "$w" --height "$h" --batches "$b" --steps 8
  # the benchmarks print their JSON last; the log holds the progress lines before it
  tail -1 "$work/steps-shotgen-$size.log" > "$work/shotgen-$size.json"
  step_row "shotgen $size" "$work/shotgen-$size.json" | tee -a "$report"
  stage "steps-eager-$size" 120 "$python" bench/reference_model.py bench "$model" --device "$device" \
    --width "$w" --height "$h" --batches "$python_batches" --steps 8
  tail -1 "$work/steps-eager-$size.log" > "$work/eager-$size.json"
  step_row "PyTorch eager $size" "$work/eager-$size.json" | tee -a "$report"
  if [ "$device" = cuda ] && [ "$size" = 128x64 ]; then
    stage "steps-compile-$size" 240 "$python" bench/reference_model.py bench "$model" --device cuda --compile \
      --width "$w" --height "$h" --batches "$python_batches" --steps 8
    tail -1 "$work/steps-compile-$size.log" > "$work/compile-$size.json"
    step_row "torch.compile $size" "$work/compile-$size.json" | tee -a "$report"
  fi
done

# ---- the 16-shot render with the GPU's busy % ---------------------------------------------------
rm -rf "$work/sixteen_shots" && cp -r bench/projects/sixteen_shots "$work/sixteen_shots"
sampler=""
if [ "$device" = cuda ]; then
  nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits -lms 200 > "$work/busy.csv" 2>/dev/null &
  sampler=$!
fi
stage render 240 "$build/shotgen" -C "$work/sixteen_shots" render --all --model "$model" --device "$device"
[ -n "$sampler" ] && kill "$sampler" 2>/dev/null
log "render --all: $(grep -E '^time:' "$work/render.log" | tail -1); takes recorded: $(sqlite3 "$work/sixteen_shots/shotgen.db" "SELECT COUNT(*) FROM takes" 2>/dev/null || echo '?')"
if [ -s "$work/busy.csv" ]; then
  python3 - "$work/busy.csv" <<'PY' | tee -a "$report"
import sys
values = [float(v) for v in open(sys.argv[1]) if v.strip().replace('.', '', 1).isdigit()]
busy = [v for v in values if v > 0]
if values:
    print(f"GPU busy during the render: mean {sum(values) / len(values):.0f} % over {len(values)} samples "
          f"(200 ms), mean {sum(busy) / max(1, len(busy)):.0f} % over the samples where it was not idle")
PY
fi
tar czf "$out/gpu-check.tgz" -C "$out" gpu-check 2>/dev/null
log "done: $report"
