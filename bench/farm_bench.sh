#!/usr/bin/env bash
# The render farm against a local render of the same 16-shot film, at the same parallelism.
#
# Starts a one-node Slurm on this machine (munged, slurmctld, slurmd at nice 19, loopback only, the
# slurm.conf of the farm's slow test: tests/data/farm/slurm.conf.in, every file in a temporary
# folder; all stopped at exit), then times, each on a fresh copy of the film:
#   local  shotgen render --all --batch 1 with SHOTGEN_THREADS=K: one process, K torch threads,
#          one job per model forward (what a farm task does)
#   farm   shotgen farm submit --all --max-parallel K --jobs-per-task J, wait until Slurm holds no
#          task, shotgen farm collect: K tasks at once, SHOTGEN_THREADS=1 in every task
#   kill   the farm run again, one running task scancelled half way, `farm submit` again, collect;
#          then every take must be there exactly once, probe, pass audit and integrity_check
# Both sides use K cores; the farm's wall time includes submit, Slurm's scheduling, every task's
# process start and model load, and collect.
#
# Usage: bench/farm_bench.sh [K]     (default 1)
# Environment: SHOTGEN_BIN (default build/shotgen), SHOTGEN_BENCH_MODEL (default the tests' tiny
# model, tests/data/engine/tiny_model), BENCH_SIZE (default 32x16), BENCH_STEPS (default 100),
# BENCH_SECONDS (shot length, default 2.0), BENCH_KILL (default 1; 0 skips the killed-task run),
# BENCH_JOBS_PER_TASK (J, default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
K=${1:-1}
bin=$(realpath "${SHOTGEN_BIN:-build/shotgen}")
model=$(realpath "${SHOTGEN_BENCH_MODEL:-tests/data/engine/tiny_model}")
size=${BENCH_SIZE:-32x16}
steps=${BENCH_STEPS:-100}
seconds=${BENCH_SECONDS:-2.0}
jobs_per_task=${BENCH_JOBS_PER_TASK:-1}
export SHOTGEN_THREADS=1 SHOTGEN_MODEL_DIR=$model  # the farm's tasks; the local render gets K

work=$(mktemp -d /tmp/shotgen-farm-bench.XXXXXX)
pids=()
stop_slurm() {
  [ -n "${SLURM_CONF:-}" ] && scancel --me >/dev/null 2>&1 || true
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.2; done
    kill -9 "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop_slurm EXIT

# ---- the cluster ------------------------------------------------------------------------------
slurm=$work/slurm
mkdir -p "$slurm"/{munge,slurmctld,slurmd,log}
chmod 700 "$slurm/munge"
head -c 1024 /dev/urandom > "$slurm/munge/munge.key"
chmod 600 "$slurm/munge/munge.key"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sed -e "s|@CLUSTER@|shotgenbench$$|; s|@HOST@|$(hostname -s)|g; s|@CTLD_PORT@|$(free_port)|" \
    -e "s|@SLURMD_PORT@|$(free_port)|; s|@USER@|$(id -un)|g; s|@DIR@|$slurm|g; s|@CPUS@|4|" \
    tests/data/farm/slurm.conf.in > "$slurm/slurm.conf"
export SLURM_CONF=$slurm/slurm.conf
nice -n 19 munged --foreground --force --socket="$slurm/munge/munge.socket" \
  --key-file="$slurm/munge/munge.key" --pid-file="$slurm/munge/munged.pid" \
  --log-file="$slurm/log/munged.log" --seed-file="$slurm/munge/munged.seed" &
pids+=($!)
for _ in $(seq 100); do [ -S "$slurm/munge/munge.socket" ] && break; sleep 0.1; done
nice -n 19 slurmctld -D -i -f "$SLURM_CONF" > "$slurm/log/slurmctld.out" 2>&1 &
pids+=($!)
nice -n 19 slurmd -D -N farmnode -f "$SLURM_CONF" > "$slurm/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  [ "$(sinfo --noheader --Node --format=%t 2>/dev/null)" = idle ] && break
  sleep 1
done
[ "$(sinfo --noheader --Node --format=%t)" = idle ] || { tail "$slurm"/log/*; exit 1; }

# ---- the film: 16 shots in 4 scenes ---------------------------------------------------------------
film=$work/film
mkdir -p "$film/references" "$film/renders"
{
  printf 'format_version = 1\n[film]\ntitle = "Farm Bench"\nfps = 8\nresolution = "64x32"\n'
  printf 'default_shot_duration = %s\nseed_policy = "per_shot"\nseed = 5\n\n' "$seconds"
  printf '[style]\nblock = "Hand-painted 2D animation, brushstroke texture on every surface."\n\n'
  printf '[negative]\nformat = ["low detail"]\nanatomy = ["extra fingers"]\nquality = ["blurry", "watermark"]\n\n'
  printf '[render]\nsize = "%s"\nsteps = %s\n\n[routing]\nfallback = ["final"]\n\n' "$size" "$steps"
  for scene in 1 2 3 4; do
    printf '[[scenes]]\nid = "sc%s"\ntitle = "Scene %s"\n\n' "$scene" "$scene"
    for shot in 1 2 3 4; do
      printf '[[scenes.shots]]\nid = "sc%s_%s"\naction = "a lamplighter walks along the harbor, shot %s.%s"\n\n' \
        "$scene" "$shot" "$scene" "$shot"
    done
  done
} > "$film/film.toml"
copy() { cp -r "$film" "$work/$1"; echo "$work/$1"; }
now() { date +%s.%N; }
active() { "$bin" -C "$1" farm status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["active"])'; }
# Until Slurm holds no task of this cluster: squeue is cheap, a `shotgen farm status` per poll would
# compete with the tasks for the CPU.
wait_idle() { while [ -n "$(squeue --me --noheader --format=%i)" ]; do sleep 1; done; }

# ---- local ------------------------------------------------------------------------------------------
ws=$(copy local)
t0=$(now)
SHOTGEN_THREADS=$K nice -n 19 "$bin" -C "$ws" render --all --batch 1 > "$work/local.log" 2>&1
local_s=$(python3 -c "print(f'{$(now) - $t0:.1f}')")

# ---- farm -------------------------------------------------------------------------------------------
ws=$(copy farm)
t0=$(now)
nice -n 19 "$bin" -C "$ws" farm submit --all --max-parallel "$K" --jobs-per-task "$jobs_per_task" > "$work/farm.log"
wait_idle "$ws"
nice -n 19 "$bin" -C "$ws" farm collect >> "$work/farm.log"
farm_s=$(python3 -c "print(f'{$(now) - $t0:.1f}')")
farm_takes=$(sqlite3 "$ws/shotgen.db" "SELECT COUNT(*) FROM takes WHERE status = 'done'")
# Where a farm task's time goes: its own timings (model load, model, encode) from the result records,
# against the local render's per-take model time.
breakdown=$(python3 - "$ws/farm/results" "$ws/shotgen.db" "$work/local/shotgen.db" <<'PY'
import glob, json, sqlite3, sys
records = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/*.json")]
done = [r["timings"] for r in records if r.get("outcome") == "done"]
mean = lambda key, rows: sum(float(r.get(key, 0)) for r in rows) / max(1, len(rows))
local = [json.loads(t) for (t,) in sqlite3.connect(sys.argv[3]).execute("SELECT timings_json FROM takes")]
print(f"per farm job (mean of {len(done)}): model {mean('model_s', done):.2f} s (the task's first job includes the "
      f"model load), encode {mean('encode_s', done):.2f} s, total {mean('total_s', done):.2f} s; "
      f"local per take: model {mean('model_s', local):.2f} s")
PY
)

# ---- farm with a task killed half way ---------------------------------------------------------------
if [ "${BENCH_KILL:-1}" = 0 ]; then
  ratio=$(python3 -c "print(f'{$farm_s / $local_s:.2f}')")
  echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); model $(basename "$model"), $size, $steps steps, ${seconds}s shots at 8 fps"
  echo "local render --all --batch 1 (SHOTGEN_THREADS=$K)   : ${local_s} s (16 takes)"
  echo "farm, --max-parallel $K --jobs-per-task $jobs_per_task (1 thread per task): ${farm_s} s ($farm_takes takes)   farm / local = $ratio"
  echo "$breakdown"
  exit 0
fi
ws=$(copy kill)
t0=$(now)
nice -n 19 "$bin" -C "$ws" farm submit --all --max-parallel "$K" --jobs-per-task "$jobs_per_task" > "$work/kill.log"
killed=""
while [ -z "$killed" ]; do
  read -r finished running < <("$bin" -C "$ws" farm status --json | python3 -c '
import json, sys
tasks = json.load(sys.stdin)["tasks"]
running = [t["run"] for t in tasks if t["state"] == "running"]
print(sum(t["state"] == "finished" for t in tasks), running[0] if running else "-")')
  if [ "$finished" -ge 8 ] && [ "$running" != - ]; then scancel "$running"; killed=$running; fi
  [ -z "$killed" ] && [ "$(active "$ws")" = 0 ] && killed="none (every task ended first)"
  sleep 1
done
wait_idle "$ws"
resubmitted=$(nice -n 19 "$bin" -C "$ws" farm submit --jobs-per-task "$jobs_per_task" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["submitted"])')
wait_idle "$ws"
nice -n 19 "$bin" -C "$ws" farm collect >> "$work/kill.log" || true  # exit 1: the killed task is reported
kill_s=$(python3 -c "print(f'{$(now) - $t0:.1f}')")
again=$("$bin" -C "$ws" farm collect --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["collected"])')
takes=$(sqlite3 "$ws/shotgen.db" "SELECT COUNT(*) || ' takes, ' || COUNT(DISTINCT job_id) || ' jobs, ' || COUNT(DISTINCT shot_id) || ' shots' FROM takes WHERE status = 'done'")
integrity=$(sqlite3 "$ws/shotgen.db" "PRAGMA integrity_check")
audit=$("$bin" -C "$ws" audit > /dev/null && echo clean || echo FINDINGS)
probes=0
for mp4 in $(sqlite3 "$ws/shotgen.db" "SELECT mp4_path FROM takes"); do
  ffprobe -v error -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$ws/$mp4" | grep -qv '^0$' && probes=$((probes + 1))
done

ratio=$(python3 -c "print(f'{$farm_s / $local_s:.2f}')")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); model $(basename "$model"), $size, $steps steps, ${seconds}s shots at 8 fps"
echo "local render --all --batch 1 (SHOTGEN_THREADS=$K)   : ${local_s} s (16 takes)"
echo "farm, --max-parallel $K --jobs-per-task $jobs_per_task (1 thread per task): ${farm_s} s ($farm_takes takes)   farm / local = $ratio"
echo "$breakdown"
echo "farm, one task killed ($killed), resubmit            : ${kill_s} s; resubmitted $resubmitted; $takes; probe ok $probes; integrity $integrity; audit $audit; collect again: $again collected"
