#!/usr/bin/env python3
"""Prints bench/run.sh's results (the JSON files in RESULTS_DIR) as one table. Standard library only."""
import json
import os
import sys


def load(results, name):
    with open(os.path.join(results, name)) as f:
        return json.loads(f.read().strip().splitlines()[-1])


def main(results):
    machine = load(results, "machine.json")
    shotgen = load(results, "shotgen_steps.json")
    python_same = load(results, "python_same_threads.json")
    python_default = load(results, "python_default_threads.json")
    python_all = load(results, "python_all_threads.json")
    agreement = load(results, "agreement.json")
    threads = load(results, "threads.json")
    render = load(results, "render.json")
    peak = machine["peak_gflops"]
    t = shotgen["threads"]

    print(f"BLAS library loaded: {t['blas_library'] or 'none found'}")
    print(f"shotgen threads: torch {t['torch_threads']}, BLAS {t['blas_threads']} "
          f"(hardware threads {t['hardware_threads']}); libtorch {machine['libtorch']}; device {shotgen['device']}")
    print(f"Python reference (PyTorch {python_same['torch']}, fused SDPA: {python_same['sdpa']}), three thread "
          f"settings: A = shotgen's split (torch {python_same['torch_threads']}, OPENBLAS_NUM_THREADS "
          f"{python_same['openblas_num_threads_env']}); B = Python's defaults (torch {python_default['torch_threads']}, "
          f"OpenBLAS default); C = torch {python_all['torch_threads']}, OPENBLAS_NUM_THREADS "
          f"{python_all['openblas_num_threads_env']}")
    matmuls = ", ".join(f"BLAS {m['blas_threads']} thread(s) {m['gflops']:.0f}" for m in machine["matmul"])
    print(f"peak f32 matmul {machine['matmul_size']}²: {matmuls} GFLOP/s → peak {peak:.0f} GFLOP/s")
    print(f"agreement (same weights, token ids, noise, t; {agreement['rows']} rows): max |v_shotgen − v_python| = "
          f"{agreement['max_abs_diff']:.2e} (mean {agreement['mean_abs_diff']:.1e}, |v| max {agreement['velocity_abs_max']:.2f})")
    print()
    shape = shotgen["shape"]
    print(f"Denoise step ({shape['frames']} frames {shape['width']}x{shape['height']}, 2 guidance branches per clip, "
          f"one forward; clips/s for {shotgen['clip_steps']}-step clips)")
    header = ("clips", "shotgen ms/step", "python A ms/step", "python B ms/step", "python C ms/step", "ratio s/py", "shotgen clips/s", "python clips/s", "GFLOP/step", "shotgen GFLOP/s", "% of peak")
    print(" | ".join(header))
    py_same = {b["clips"]: b for b in python_same["batches"]}
    py_default = {b["clips"]: b for b in python_default["batches"]}
    py_all = {b["clips"]: b for b in python_all["batches"]}
    for b in shotgen["batches"]:
        c = b["clips"]
        best_python = min(py_same[c]["step_s"], py_default[c]["step_s"], py_all[c]["step_s"])
        print(" | ".join([
            str(c), f"{b['step_s'] * 1e3:.1f}", f"{py_same[c]['step_s'] * 1e3:.1f}", f"{py_default[c]['step_s'] * 1e3:.1f}",
            f"{py_all[c]['step_s'] * 1e3:.1f}",
            f"{b['step_s'] / best_python:.2f}", f"{b['clips_per_s']:.3f}", f"{c / (shotgen['clip_steps'] * best_python):.3f}",
            f"{b['step_gflop']:.2f}", f"{b['gflops']:.1f}", f"{100 * b['gflops'] / peak:.0f}%"]))
    print("(ratio s/py: shotgen step time / the fastest of the three Python runs; python clips/s: the fastest)")
    print()
    print("Thread splits (shotgen ms/step): " + "; ".join(
        f"torch {s['torch_threads']} + BLAS {s['blas_threads']}: " +
        ", ".join(f"batch {k} {v * 1e3:.0f}" for k, v in s["step_s"].items()) for s in threads["splits"]))
    print()
    wall = render["wall_s"]
    print(f"render --all, {render['takes']} takes in {render['batches']} batches: wall {wall:.1f} s; "
          f"model {render['model_s']:.1f} s ({100 * render['model_s'] / wall:.1f}%); encode+mux {render['encode_s']:.2f} s "
          f"({100 * render['encode_s'] / wall:.2f}%, on the encoder thread, overlapped); queue, database, start-up and "
          f"model load {render['other_s']:.1f} s ({100 * render['other_s'] / wall:.1f}%)")


if __name__ == "__main__":
    main(sys.argv[1])
