#!/usr/bin/env bash
# The demo: the stimulus set of manifests/demo.yaml (embedded model, offline) into stimuli/demo/,
# then a check that one stimulus regenerates bit for bit from its embedded provenance.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release
texstim=.build/release/texstim
$texstim run manifests/demo.yaml --workers 2
$texstim reproduce stimuli/demo/pebbles/full/pebbles__full__s00.png
echo "demo set: stimuli/demo/ (PNGs with provenance, JSON sidecars, index.csv for PsychoPy, validation.html)"
