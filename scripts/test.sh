#!/usr/bin/env bash
# The test command: system packages (if missing), the whole test suite, the PsychoPy example's
# loader test, then the fuzz targets
# (regression inputs replayed, each target fuzzed for 30 s; see Fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
swift test
# The PsychoPy example's loader (needs no PsychoPy): 8- and 16-bit, grey and colour PNGs.
if python3 -c "import PIL, numpy" 2>/dev/null; then
  python3 examples/psychopy/test_load_stimulus.py
else
  echo "note: python3 with Pillow and numpy not found; examples/psychopy/test_load_stimulus.py skipped" >&2
fi
bash scripts/fuzz.sh 30
