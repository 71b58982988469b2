"""Runs texstim and the PyTorch reference back to back and prints the comparison (see
side_by_side.sh, which prepares the virtual environment and the release build)."""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

TEXSTIM = ".build/release/texstim"
# OpenBLAS's own kernel choice: these variables unset for that command only.
OPENBLAS_DEFAULT = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
TARGET_RATIO = 0.5
ITERATION_TARGET_SECONDS = 0.16
RSS_TARGET_BYTES = 1.5e9
SCALING_TARGET = 1.8


def run_json(command, env=None):
    print("  $", " ".join(command), file=sys.stderr)
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout)


def timed(command, env=None):
    """(seconds, peak RSS of the child in bytes); each call is the only child running."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - start
    return seconds, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) * 1024


def iteration_seconds(results, name, env, threads):
    """Seconds per L-BFGS-B iteration at 256² pool4 without the one-off setup (source features,
    weight transforms): the difference between a 40- and a 10-iteration synthesis, over 30."""
    totals = {}
    for iterations in (10, 40):
        png = os.path.join(results, f"iteration-{name}-{iterations}.png")
        subprocess.run([TEXSTIM, "synthesize", "manifests/sources/pebbles_256.png", "--out", png, "--model", "vgg19-random",
                        "--preset", "gatys2015:pool4", "--size", "256", "--iterations", str(iterations), "--threads", str(threads)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        with open(png[:-4] + ".json") as sidecar:
            record = json.load(sidecar)
        totals[iterations] = (record["timing"]["seconds"], record["iterations"])
    return (totals[40][0] - totals[10][0]) / (totals[40][1] - totals[10][1])


def table(runs, torch_rows):
    """Markdown: s/eval per size and cutoff for each texstim run and PyTorch."""
    torch_by_case = {(r["size"], r["cutoff"]): r["median_seconds"] for r in torch_rows}
    columns = [(label, conv) for label in runs for conv in ("direct", "winograd")]
    header = "| size | cutoff | " + " | ".join(f"{conv} ({label})" for label, conv in columns) + " | PyTorch |"
    lines = [header, "|" + "---|" * (len(columns) + 3)]
    cases = [(r["size"], r["cutoff"]) for r in next(iter(runs.values()))["rows"]
             if r["model"] == "vgg19-random" and r["convolution"] == "direct"]
    for size, cutoff in cases:
        cells = []
        for label, conv in columns:
            row = next(r for r in runs[label]["rows"] if (r["size"], r["cutoff"], r["convolution"]) == (size, cutoff, conv))
            cells.append(f"{row['median_seconds']:.4f} ±{(row['max_seconds'] - row['min_seconds']) / 2:.4f}")
        lines.append(f"| {size} | {cutoff} | " + " | ".join(cells) + f" | {torch_by_case.get((size, cutoff), float('nan')):.4f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="128,256,512")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--results", default="bench/results")
    args = parser.parse_args()
    os.makedirs(args.results, exist_ok=True)
    bench = [TEXSTIM, "bench", "--sizes", args.sizes, "--threads", str(args.threads), "--json"]

    print("timing texstim and PyTorch back to back ...", file=sys.stderr)
    runs = {"env": run_json(bench), "OpenBLAS default": run_json(bench, env=OPENBLAS_DEFAULT)}
    torch = run_json([sys.executable, "bench/pytorch_reference.py", "--sizes", args.sizes, "--threads", str(args.threads)])
    iterations = {"env": iteration_seconds(args.results, "env", None, args.threads),
                  "OpenBLAS default": iteration_seconds(args.results, "openblas-default", OPENBLAS_DEFAULT, args.threads)}
    _, rss = timed([TEXSTIM, "synthesize", "manifests/sources/pebbles_256.png", "--out", os.path.join(args.results, "rss-512.png"),
                    "--model", "vgg19-random", "--preset", "gatys2015:pool4", "--output-size", "512", "--iterations", "3"])
    scaling = {}
    for workers in (1, 2):
        scaling[workers], _ = timed([TEXSTIM, "run", "bench/throughput.yaml", "--workers", str(workers), "--force", "--no-validate",
                                     "--output", os.path.join(args.results, f"throughput-{workers}")])

    with open(os.path.join(args.results, "summary.json"), "w") as out:
        json.dump({"texstim": runs, "pytorch": torch, "iteration_seconds": iterations, "peak_rss_512_bytes": rss,
                   "run_seconds_by_workers": scaling}, out, indent=2)
    print(f"\nmachine: {runs['env']['cpu']}, {args.threads} threads; PyTorch {torch['torch']} ({torch['cpu_capability']}, "
          f"{torch['memory_format']}); OpenBLAS cores: env = {runs['env']['blas_core']}, "
          f"default = {runs['OpenBLAS default']['blas_core']}\n")
    print("s/eval (median ± half the spread of ≥ 5 runs after 3 warm-ups)\n")
    print(table(runs, torch["rows"]))
    torch_256 = next((r["median_seconds"] for r in torch["rows"] if (r["size"], r["cutoff"]) == (256, "pool4")), None)
    print()
    for label, run in runs.items():
        row = next((r for r in run["rows"] if (r["size"], r["cutoff"], r["convolution"]) == (256, "pool4", "winograd")), None)
        if row and torch_256:
            ratio = row["median_seconds"] / torch_256
            verdict = "meets" if ratio <= TARGET_RATIO else "misses"
            print(f"256² pool4, winograd ({label}, {run['blas_core']}): {row['median_seconds']:.4f} s = {ratio:.2f}× PyTorch "
                  f"({torch_256:.4f} s); {verdict} the ≤ {TARGET_RATIO}× target")
    for label, seconds in iterations.items():
        print(f"L-BFGS-B iteration at 256² pool4 ({label}): {seconds:.3f} s (target ≤ {ITERATION_TARGET_SECONDS})")
    print(f"peak RSS, one worker at 512² pool4: {rss / 1e6:.0f} MB (target ≤ {RSS_TARGET_BYTES / 1e6:.0f})")
    speedup = scaling[1] / scaling[2]
    print(f"2 workers × 1 thread vs 1 worker: {scaling[1]:.1f} s → {scaling[2]:.1f} s, {speedup:.2f}× throughput "
          f"(target ≥ {SCALING_TARGET})")


if __name__ == "__main__":
    main()
