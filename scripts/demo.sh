#!/usr/bin/env bash
# The demo: synthesise three of the shared textures with the embedded model (offline) into stimuli/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release
texstim=.build/release/texstim
mkdir -p stimuli/demo
$texstim synthesize manifests/sources/pebbles_256.png --out stimuli/demo/pebbles.png --iterations 300 --seed 1 --threads 2
$texstim synthesize manifests/sources/maple-leaves_256.png --out stimuli/demo/maple-leaves.png --iterations 300 --seed 1 --threads 2
$texstim synthesize manifests/sources/brick-wall-gray_256.png --out stimuli/demo/brick-wall-gray.png --iterations 300 --seed 1 \
  --threads 2 --grey --histogram-match --bit-depth 16
$texstim compare manifests/sources/pebbles_256.png stimuli/demo/pebbles.png --json
echo "demo stimuli (PNG + provenance JSON) are in stimuli/demo/"
