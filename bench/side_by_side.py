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
# texstim's AVX2 path on an AVX-512 machine (docs/performance.md, "The AVX2 path").
FORCED_AVX2 = dict(os.environ, TEXSTIM_KERNEL="avx2")
TARGET_RATIO = {"env": 0.4, "OpenBLAS default": 0.4, "forced AVX2": 0.8}
ITERATION_TARGET_RATIO = 1.35
RSS_TARGET_BYTES = 1.3e9
SCALING_TARGET = 1.8


def configurations():
    """(label, environment) of each texstim configuration to time: the environment as it is;
    OpenBLAS's own kernel choice when the environment sets OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE;
    and the AVX2 path forced on a CPU with AVX-512 (unless TEXSTIM_KERNEL is already set)."""
    found = [("env", None)]
    if any(k in os.environ for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")):
        found.append(("OpenBLAS default", OPENBLAS_DEFAULT))
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line.split(":", 1)[1].split() for line in cpuinfo if line.startswith("flags")), [])
    if "avx512f" in flags and "TEXSTIM_KERNEL" not in os.environ:
        found.append(("forced AVX2", FORCED_AVX2))
    return found


def run_json(command, env=None):
    print("  $", " ".join(command), file=sys.stderr)
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout)


def timed(command, env=None, allowed=(0,)):
    """(seconds, peak RSS of the child in bytes); each call is the only child running. Exit
    statuses other than `allowed` raise."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).returncode
    if status not in allowed:
        raise subprocess.CalledProcessError(status, command)
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


def iteration_in_run(env, threads):
    """`texstim bench --only iteration` at 256²: one iteration against one evaluation, both timed
    inside the same synthesis (iterations 26-45, after L-BFGS-B's memory has filled), so the
    machine's drift between runs does not enter the ratio."""
    report = run_json([TEXSTIM, "bench", "--sizes", "256", "--only", "iteration", "--threads", str(threads), "--json"],
                      env=env)
    return report["iteration"]


def paired_ratios(rounds, threads, configs):
    """The headline case (256² pool4, Winograd) against PyTorch in `rounds` alternating rounds:
    this machine's speed drifts by ±10% over minutes, so each round's texstim times are divided
    by the PyTorch time measured right after them, and the verdict uses the median round."""
    bench = [TEXSTIM, "bench", "--sizes", "256", "--conv", "winograd", "--threads", str(threads), "--repeats", "7", "--json"]
    torch = [sys.executable, "bench/pytorch_reference.py", "--sizes", "256", "--cutoffs", "pool4", "--threads", str(threads),
             "--repeats", "7"]
    ratios = {label: [] for label, _ in configs}
    for _ in range(rounds):
        seconds = {}
        for label, env in configs:
            rows = run_json(bench, env=env)["rows"]
            seconds[label] = next(r["median_seconds"] for r in rows if (r["size"], r["cutoff"]) == (256, "pool4"))
        torch_seconds = run_json(torch)["rows"][0]["median_seconds"]
        for label in ratios:
            ratios[label].append({"texstim": seconds[label], "pytorch": torch_seconds, "ratio": seconds[label] / torch_seconds})
    return ratios


def worker_scaling(results, rounds):
    """bench/throughput.yaml with 1 and with 2 workers (one thread each) in `rounds` alternating
    rounds: [{1: seconds, 2: seconds}, ...]. The verdict uses the median round's speed-up, for the
    same reason as paired_ratios."""
    measured = []
    for _ in range(rounds):
        seconds = {}
        for workers in (1, 2):
            seconds[workers], _ = timed([TEXSTIM, "run", "bench/throughput.yaml", "--workers", str(workers), "--force",
                                         "--no-validate", "--output", os.path.join(results, f"throughput-{workers}")])
        measured.append(seconds)
    return measured


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
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds for the 256² pool4 ratio (texstim/PyTorch) and the worker scaling (1/2 workers)")
    parser.add_argument("--report", metavar="SUMMARY_JSON", help="print the report of an earlier run's summary.json")
    args = parser.parse_args()
    if args.report:
        with open(args.report) as summary:
            return report(json.load(summary))
    os.makedirs(args.results, exist_ok=True)
    bench = [TEXSTIM, "bench", "--sizes", args.sizes, "--threads", str(args.threads), "--json"]

    print("timing texstim and PyTorch back to back ...", file=sys.stderr)
    configs = configurations()
    runs = {label: run_json(bench, env=env) for label, env in configs}
    torch = run_json([sys.executable, "bench/pytorch_reference.py", "--sizes", args.sizes, "--threads", str(args.threads)])
    headline = paired_ratios(args.rounds, args.threads, configs)
    iterations = {label: iteration_seconds(args.results, label.replace(" ", "-"), env, args.threads)
                  for label, env in configs}
    in_run = {label: iteration_in_run(env, args.threads) for label, env in configs}
    _, rss = timed([TEXSTIM, "synthesize", "manifests/sources/pebbles_256.png", "--out", os.path.join(args.results, "rss-512.png"),
                    "--model", "vgg19-random", "--preset", "gatys2015:pool4", "--output-size", "512", "--iterations", "3"],
                   allowed=(0, 1))  # 1: not converged, as expected after 3 iterations; the file is still written
    scaling = worker_scaling(args.results, args.rounds)

    summary = {"texstim": runs, "pytorch": torch, "paired_256_pool4": headline, "iteration_seconds": iterations,
               "iteration_in_run": in_run,
               "peak_rss_512_bytes": rss, "run_seconds_by_workers": scaling, "threads": args.threads}
    with open(os.path.join(args.results, "summary.json"), "w") as out:
        json.dump(summary, out, indent=2)
    report(summary)


def report(summary):
    """Prints the table and the verdicts of a run's summary.json."""
    runs, torch, headline = summary["texstim"], summary["pytorch"], summary["paired_256_pool4"]
    iterations, rss = summary["iteration_seconds"], summary["peak_rss_512_bytes"]
    scaling = [{int(k): v for k, v in r.items()} for r in summary["run_seconds_by_workers"]]
    print(f"\nmachine: {runs['env']['cpu']}, {summary.get('threads', 2)} threads; PyTorch {torch['torch']} "
          f"({torch['cpu_capability']}, {torch['memory_format']}); "
          + "; ".join(f"{label}: OpenBLAS core {run['blas_core']}, products {run['winograd_products']}"
                      for label, run in runs.items()) + "\n")
    print("s/eval (median ± half the spread of ≥ 5 runs after 3 warm-ups)\n")
    print(table(runs, torch["rows"]))
    print(f"\n256² pool4, winograd against PyTorch in {len(scaling)} alternating rounds (texstim s / PyTorch s = ratio):")
    for label, rounds in headline.items():
        ratios = sorted(r["ratio"] for r in rounds)
        median = ratios[len(ratios) // 2]
        verdict = "meets" if median <= TARGET_RATIO[label] else "misses"
        listed = ", ".join(f"{r['texstim']:.4f}/{r['pytorch']:.4f} = {r['ratio']:.2f}" for r in rounds)
        print(f"  {label} ({runs[label]['blas_core']}, {runs[label]['winograd_products']}): {listed}; "
              f"median {median:.2f}×, {verdict} the ≤ {TARGET_RATIO[label]}× target")
    for label, seconds in iterations.items():
        evaluation = sorted(r["texstim"] for r in headline[label])[len(headline[label]) // 2]
        ratio = seconds / evaluation
        verdict = "meets" if ratio <= ITERATION_TARGET_RATIO else "misses"
        print(f"L-BFGS-B iteration at 256² pool4 ({label}), 40 − 10 iterations of pebbles: {seconds:.3f} s = "
              f"{ratio:.2f}× one evaluation ({evaluation:.4f} s), {verdict} the ≤ {ITERATION_TARGET_RATIO}× target")
    for label, it in summary.get("iteration_in_run", {}).items():
        verdict = "meets" if it["ratio"] <= ITERATION_TARGET_RATIO else "misses"
        print(f"L-BFGS-B iteration at 256² pool4 ({label}), in one run (iterations {it['first_iteration']}–"
              f"{it['last_iteration']}, {it['lbfgsb']}'s code): {it['iteration_seconds']:.3f} s = {it['ratio']:.2f}× "
              f"one evaluation ({it['evaluation_seconds']:.4f} s; {it['evaluations_per_iteration']:.2f} evaluations and "
              f"{it['optimizer_seconds_per_iteration'] * 1e3:.1f} ms of L-BFGS-B's own work per iteration), "
              f"{verdict} the ≤ {ITERATION_TARGET_RATIO}× target")
    verdict = "meets" if rss <= RSS_TARGET_BYTES else "misses"
    print(f"peak RSS, one worker at 512² pool4: {rss / 1e6:.0f} MB, {verdict} the ≤ {RSS_TARGET_BYTES / 1e6:.0f} MB target")
    speedups = sorted(r[1] / r[2] for r in scaling)
    median = speedups[len(speedups) // 2]
    listed = ", ".join(f"{r[1]:.1f} s → {r[2]:.1f} s = {r[1] / r[2]:.2f}×" for r in scaling)
    verdict = "meets" if median >= SCALING_TARGET else "misses"
    print(f"2 workers × 1 thread vs 1 worker, {len(scaling)} alternating rounds: {listed}; median {median:.2f}×, "
          f"{verdict} the ≥ {SCALING_TARGET}× target")

if __name__ == "__main__":
    main()
