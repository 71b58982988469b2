#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets of Fuzz/ (with ASan), replays every committed regression
# input, then runs each target for SECONDS (default 30) on a copy of its seed corpus.
#
#   bash scripts/fuzz.sh [SECONDS]          every target
#   FUZZ_TARGETS="FuzzPNG FuzzJPEG" bash scripts/fuzz.sh 60
#
# Exits 1 when any replay or run finds a crash, an ASan report, a leak, an out-of-memory or a
# timeout; regressions listed in Fuzz/KNOWN_OPEN.md still fail it, and are marked as known.
# New findings are copied to .build-fuzz/findings/<target>/ (commit them to Fuzz/regressions/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
read -r -a targets <<< "${FUZZ_TARGETS:-FuzzPNG FuzzJPEG FuzzManifest FuzzSafetensors FuzzPth FuzzCaffeModel FuzzProvenance}"
scratch=.build-fuzz
# Per input: 10 s and 2 GB at most (the readers refuse images above 8192² before allocating them).
limits=(-rss_limit_mb=2048 -timeout=10)
# Swift's own crash backtracer would run inside the ASan process and trip ASan itself, hiding the
# trap; without it a trap reaches libFuzzer's handler, which prints the stack.
export SWIFT_BACKTRACE=enable=no

bash scripts/install-deps.sh

# TEXSTIM_FUZZ=1 adds the targets to Package.swift; a separate scratch folder keeps the
# instrumented build apart from the normal one. libFuzzer comes with the Swift toolchain.
build_start=$SECONDS
mkdir -p "$scratch"
for target in "${targets[@]}"; do
  if ! TEXSTIM_FUZZ=1 swift build -c release --scratch-path "$scratch" --product "$target" \
      --sanitize=address -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link > "$scratch/build.log" 2>&1; then
    tail -30 "$scratch/build.log" >&2
    echo "fuzz: building $target failed (log: $scratch/build.log)" >&2
    exit 1
  fi
done
echo "fuzz: built ${#targets[@]} targets in $((SECONDS - build_start)) s"

known_open() { grep -qF "$1" Fuzz/KNOWN_OPEN.md 2>/dev/null; }
failures=()
summary=()
for target in "${targets[@]}"; do
  binary="$scratch/release/$target"
  work="$scratch/run/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"

  # Regressions first: libFuzzer runs a file given as an argument once. One process per file,
  # so every failing input is named, not only the first.
  replayed=0
  for input in Fuzz/regressions/"$target"/*; do
    [ -f "$input" ] || continue
    replayed=$((replayed + 1))
    if "$binary" "${limits[@]}" "$input" > "$work/replay.log" 2>&1; then
      known_open "$input" && echo "fuzz: $input now passes: remove it from Fuzz/KNOWN_OPEN.md"
    else
      if known_open "$input"; then note=" (known open, see Fuzz/KNOWN_OPEN.md)"; else note=""; fi
      echo "fuzz: REGRESSION $input fails$note:"
      grep -E "ERROR|Fatal error|SUMMARY|^ +#[0-3] " "$work/replay.log" | head -8 | sed 's/^/    /'
      failures+=("$input$note")
    fi
  done

  cp -R "Fuzz/corpus/$target/." "$work/corpus/"
  set +e
  "$binary" "$work/corpus" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" > "$work/fuzz.log" 2>&1
  status=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
  line="$target: ${runs:-?} executions in $seconds s, $replayed regression inputs replayed"
  if [ $status -ne 0 ]; then
    mkdir -p "$scratch/findings/$target"
    cp "$work"/artifacts/* "$scratch/findings/$target/" 2>/dev/null || true
    echo "fuzz: $target FOUND A FAILURE (exit $status); input(s) in $scratch/findings/$target/, log $work/fuzz.log:"
    grep -E "ERROR|Fatal error|SUMMARY|^ +#[0-3] " "$work/fuzz.log" | head -8 | sed 's/^/    /'
    failures+=("$target (new finding)")
    line="$line, 1 crash"
  else
    line="$line, 0 crashes"
  fi
  echo "fuzz: $line"
  summary+=("$line")
done

printf '%s\n' "fuzz: summary ($SECONDS s in all, build included)" "${summary[@]/#/  }"
if [ ${#failures[@]} -gt 0 ]; then
  printf '%s\n' "fuzz: FAILED (${#failures[@]}):" "${failures[@]/#/  }" >&2
  exit 1
fi
echo "fuzz: no failures"
