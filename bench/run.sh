#!/usr/bin/env bash
# bench/run.sh: every shotgen benchmark in one run on this machine, printed as one table
# (bench/README.md explains each number). Builds shotgen and shotgen_bench (Release) first.
#   SHOTGEN_BENCH_BUILD   build directory      (default: build-bench)
#   SHOTGEN_BENCH_MODEL   model directory      (default: models/default; a random-weight model of
#                                               the default configuration when it is missing)
#   SHOTGEN_BENCH_PYTHON  Python with PyTorch  (default: /usr/bin/python3, Debian's python3-torch)
#   SHOTGEN_BENCH_BATCHES clips per batch      (default: 1,4,16)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${SHOTGEN_BENCH_BUILD:-$root/build-bench}
model=${SHOTGEN_BENCH_MODEL:-$root/models/default}
python=${SHOTGEN_BENCH_PYTHON:-/usr/bin/python3}
batches=${SHOTGEN_BENCH_BATCHES:-1,4,16}
out=$build/bench-results
steps=8  # timed steps per batch (median step time)

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target shotgen shotgen_bench >/dev/null
rm -rf "$out" && mkdir -p "$out"
bench=$build/shotgen_bench
if [ ! -f "$model/weights.safetensors" ]; then
  echo "no model in $model: benchmarking a random-weight model of the default configuration" >&2
  model=$out/random_model
  "$bench" random-model --out "$model" >/dev/null
fi

echo "machine: peak matmul, BLAS, threads" >&2
"$bench" machine >"$out/machine.json"
echo "shotgen steps" >&2
"$bench" steps --model "$model" --batches "$batches" --steps $steps >"$out/shotgen_steps.json"
torch_threads=$("$python" -c 'import json,sys; print(json.load(sys.stdin)["threads"]["torch_threads"])' <"$out/shotgen_steps.json")
blas_threads=$("$python" -c 'import json,sys; print(max(1, json.load(sys.stdin)["threads"]["blas_threads"]))' <"$out/shotgen_steps.json")
echo "Python reference steps: shotgen's thread split, Python's defaults, every core for both pools" >&2
hw=$(nproc)
"$python" bench/reference_model.py bench "$model" --batches "$batches" --steps $steps \
  --threads "$torch_threads" --blas-threads "$blas_threads" >"$out/python_same_threads.json"
"$python" bench/reference_model.py bench "$model" --batches "$batches" --steps $steps >"$out/python_default_threads.json"
"$python" bench/reference_model.py bench "$model" --batches "$batches" --steps $steps \
  --threads "$hw" --blas-threads "$hw" >"$out/python_all_threads.json"
echo "agreement check" >&2
"$bench" export --model "$model" --clips 2 --out "$out/agreement.safetensors" >/dev/null
"$python" bench/reference_model.py check "$model" "$out/agreement.safetensors" >"$out/agreement.json"
echo "thread splits" >&2
"$bench" threads --model "$model" --batches 1,4 --steps 5 >"$out/threads.json"

echo "render --all of bench/projects/sixteen_shots" >&2
cp -r bench/projects/sixteen_shots "$out/sixteen_shots"
start=$(date +%s.%N)
"$build/shotgen" -C "$out/sixteen_shots" render --all --model "$model" >"$out/render.log" 2>"$out/render.err" || {
  echo "render failed (exit $?): see $out/render.err" >&2; exit 1; }
end=$(date +%s.%N)
sqlite3 -json "$out/sixteen_shots/shotgen.db" "SELECT timings_json FROM takes" >"$out/takes.json"
"$python" - "$start" "$end" "$out/takes.json" >"$out/render.json" <<'PY'
import json, sys
start, end, takes_file = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
takes = [json.loads(row["timings_json"]) for row in json.load(open(takes_file))]
wall = end - start
model = sum(t["model_s"] for t in takes)              # Σ per-take share of its batch = Σ batch model time
encode = sum(t["encode_s"] for t in takes)            # MP4 + poster, on the encoder thread
batches = round(sum(1.0 / t["batch_size"] for t in takes))
print(json.dumps({"wall_s": wall, "takes": len(takes), "batches": batches, "model_s": model, "encode_s": encode,
                  "other_s": wall - model - encode}))
PY
echo >&2
"$python" bench/report.py "$out" | tee "$out/table.txt"
