#!/usr/bin/env bash
# report_screenshots.sh: make a small real set, then check its validation.html in headless
# Chromium: screenshots at 1400 and 700 px, every image loaded, nothing wider than the window.
# Run by hand (not by `swift test`): bash scripts/report_screenshots.sh [OUT] (default /tmp/texstim-report).
# Needs chromium (apt-get install -y chromium); SKIP_BUILD=1 uses the existing build.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-/tmp/texstim-report}")
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome) || {
    echo "chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }
[ "${SKIP_BUILD:-0}" = 1 ] || swift build -c release
texstim=${TEXSTIM:-.build/release/texstim}  # TEXSTIM=.build/debug/texstim SKIP_BUILD=1: a debug build
rm -rf "$out" && mkdir -p "$out"

# 2 sources × 2 conditions × 2 samples at 64 px; `stopped` gets 1 iteration, so it does not
# converge and the report must mark it.
cat > "$out/report.yaml" <<YAML
version: 1
name: report
seed: 19
defaults: {model: random-pyramid, size: 64, iterations: 40, histogram_match: true}
sources:
  - {id: pebbles, path: $PWD/manifests/sources/pebbles_256.png}
  - {id: maple-leaves, path: $PWD/manifests/sources/maple-leaves_256.png}
conditions:
  - {name: fine, layers: [level0, level1]}
  - {name: stopped, layers: [level0, level1, level2], iterations: 1}
samples: 2
YAML
"$texstim" run "$out/report.yaml" --output "$out/set" --workers 2 || true  # exits 1: `stopped` fails
set_folder="$out/set"
test -f "$set_folder/validation.html" && test -f "$set_folder/contact_sheet.png"

# The check runs in a copy of the report (the set folder keeps only texstim's files).
check='<script>addEventListener("load", () => {
  const vw = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter(e =>
    !(e.parentElement && e.parentElement.closest(".scroll")) && e.getBoundingClientRect().right > vw + 0.5);
  const images = [...document.images], broken = images.filter(i => !(i.complete && i.naturalWidth > 0));
  const pre = document.createElement("pre"); pre.id = "check";
  pre.textContent = `images=${images.length} broken=${broken.length} overflowing=${wide.length} ` +
    `page=${document.documentElement.scrollWidth} window=${vw} ` + wide.slice(0, 5).map(e => e.tagName).join(",");
  document.body.append(pre);
});</script>'
sed 's#</body></html>$##' "$set_folder/validation.html" > "$out/check.html"
printf '%s</body></html>\n' "$check" >> "$out/check.html"

status=0
for width in 1400 700; do
    flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=5000)
    "$chromium" "${flags[@]}" --window-size=$width,3200 --screenshot="$out/report-$width.png" \
        "file://$set_folder/validation.html" 2>/dev/null
    result=$("$chromium" "${flags[@]}" --window-size=$width,3200 --dump-dom "file://$out/check.html" 2>/dev/null \
        | sed -n 's/.*<pre id="check">\(.*\)<\/pre>.*/\1/p')
    echo "width $width: $result"
    case "$result" in
        *" broken=0 overflowing=0 "*) ;;
        *) echo "width $width: an image did not load or an element overflows" >&2; status=1 ;;
    esac
done
echo "screenshots: $out/report-1400.png $out/report-700.png; contact sheet: $set_folder/contact_sheet.png"
exit $status
