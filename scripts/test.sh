#!/usr/bin/env bash
# The test command: system packages (if missing), the whole test suite, then the fuzz targets
# (regression inputs replayed, each target fuzzed for 30 s; see Fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
swift test
bash scripts/fuzz.sh 30
