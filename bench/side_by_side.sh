#!/usr/bin/env bash
# texstim against PyTorch on this machine: s/eval per size and cutoff for direct and Winograd
# convolution and for PyTorch eager channels-last with the same threads; then the ratio at 256²
# pool4 from 5 alternating texstim/PyTorch rounds, one L-BFGS-B iteration at 256² against one
# evaluation, the peak RSS of a 512² worker and the scaling from 1 to 2 workers (5 alternating
# rounds, median). texstim runs with the environment as it is; also with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset for that command only (OpenBLAS's own kernel choice) when the
# environment sets them, and with TEXSTIM_KERNEL=avx2 (texstim's AVX2 path) on an AVX-512 CPU.
# Targets (issue #18): ≤ 0.4× PyTorch (≤ 0.8× for the AVX2 path), an iteration ≤ 1.35× an
# evaluation, ≤ 1.3 GB at 512², ≥ 1.8× with 2 workers.
#
#   bash bench/side_by_side.sh [SIZES]        (default 128,256,512; about 9 minutes)
#
# Installs torch==2.13.0+cpu into bench/.venv on first use (pip; pinned, since an unpinned
# install pulls the 5 GB CUDA build), and python3-venv via apt-get (as root) when missing.
# Not part of the test command. Results: bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-128,256,512}"
threads=2
results=bench/results

# python3-venv is a separate Debian package; installed here when missing (needs root).
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "python3-venv is missing: run this as root or apt-get install python3-venv" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
if [ ! -x bench/.venv/bin/python ] || ! bench/.venv/bin/python -c "import torch" 2>/dev/null; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet "torch==2.13.0+cpu"
fi
swift build -c release >/dev/null
bench/.venv/bin/python bench/side_by_side.py --sizes "$sizes" --threads "$threads" --results "$results"
