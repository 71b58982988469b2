#!/usr/bin/env bash
# Installs the Debian packages texstim builds against, if any is missing (apt-get, as root).
set -euo pipefail
packages=(libopenblas-dev libpng-dev libjpeg62-turbo-dev liblbfgsb-dev libfftw3-dev pkg-config)
# --tests: also what the test suite needs (chromium renders the HTML report in a test; Python
# with Pillow, numpy and pypng runs examples/psychopy/test_load_stimulus.py).
if [ "${1:-}" = "--tests" ]; then packages+=(chromium python3 python3-pil python3-numpy python3-png); fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "texstim: installing missing system packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "texstim: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
