#!/usr/bin/env bash
# The test command: system packages (if missing), then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
swift test
