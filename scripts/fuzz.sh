#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets of Fuzz/ (with ASan), replays every committed regression
# input, then runs each target for SECONDS (default 30) on a copy of its seed corpus.
#
#   bash scripts/fuzz.sh [SECONDS]          every target
#   FUZZ_TARGETS="FuzzPNG FuzzJPEG" bash scripts/fuzz.sh 60
#
# Exits 1 when any replay or run finds a crash, an ASan report, a leak, an out-of-memory or a
# timeout; regressions listed in Fuzz/KNOWN_OPEN.md still fail it, and are marked as known.
# FUZZ_JOBS (default: the number of cores) targets fuzz at once, each for the full SECONDS.
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
# The first frame in our sources, as "File.swift:line" (how Fuzz/KNOWN_OPEN.md names stack tops).
stack_top() { grep -o -m1 -E "/Sources/[^ ]+\.(swift|c):[0-9]+" "$1" | sed -E 's|.*/||'; }
# What a failure log says: the sanitizer's or libFuzzer's verdict and the first frame in our code.
excerpt() {
  grep -E "^==[0-9]+== ?ERROR|^SUMMARY" "$1" | head -2 | sed 's/^/    /'
  grep -m1 -E "^ +#[0-9]+ .*/(Sources|Fuzz)/" "$1" | sed -E 's/^ +/    at /' | cut -c1-220 || true
}
failures=()
replayed=()

# Regressions first: libFuzzer runs a file given as an argument once. One process per file,
# so every failing input is named, not only the first.
for target in "${targets[@]}"; do
  count=0
  for input in Fuzz/regressions/"$target"/*; do
    [ -f "$input" ] || continue
    count=$((count + 1))
    if "$scratch/release/$target" "${limits[@]}" "$input" > "$scratch/replay.log" 2>&1; then
      known_open "$input" && echo "fuzz: $input now passes: remove it from Fuzz/KNOWN_OPEN.md"
    else
      if known_open "$input"; then note=" (known open, see Fuzz/KNOWN_OPEN.md)"; else note=""; fi
      echo "fuzz: REGRESSION $input fails$note:"
      excerpt "$scratch/replay.log"
      failures+=("$input$note")
    fi
  done
  replayed+=("$count")
done

# Then the fuzzing, FUZZ_JOBS targets at a time (default: one per core), each for $seconds.
fuzz_one() {
  local target=$1 work="$scratch/run/$1"
  local status=0
  "$scratch/release/$target" "$work/corpus" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" > "$work/fuzz.log" 2>&1 || status=$?
  echo "$status" > "$work/status"
}
jobs="${FUZZ_JOBS:-$(nproc)}"
running=0
for target in "${targets[@]}"; do
  work="$scratch/run/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -R "Fuzz/corpus/$target/." "$work/corpus/"   # libFuzzer adds to the copy, never to Fuzz/corpus
  fuzz_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

summary=()
for index in "${!targets[@]}"; do
  target=${targets[$index]}
  work="$scratch/run/$target"
  status=$(cat "$work/status")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
  line="$target: ${runs:-?} executions in $seconds s, ${replayed[$index]} regression inputs replayed"
  if [ "$status" -ne 0 ]; then
    mkdir -p "$scratch/findings/$target"
    cp "$work"/artifacts/* "$scratch/findings/$target/" 2>/dev/null || true
    top=$(stack_top "$work/fuzz.log")
    if [ -n "$top" ] && grep -qF "$top " Fuzz/KNOWN_OPEN.md; then
      kind="same stack top ($top) as a known-open regression"
    else
      kind="new finding"
    fi
    echo "fuzz: $target FAILED while fuzzing (exit $status, $kind); input in $scratch/findings/$target/, log $work/fuzz.log:"
    excerpt "$work/fuzz.log"
    failures+=("$target fuzzing: $kind")
    line="$line, 1 crash ($kind)"
  else
    line="$line, 0 crashes"
  fi
  summary+=("$line")
done

printf '%s\n' "fuzz: summary ($SECONDS s in all, build included)" "${summary[@]/#/  }"
if [ ${#failures[@]} -gt 0 ]; then
  printf '%s\n' "fuzz: FAILED (${#failures[@]}):" "${failures[@]/#/  }" >&2
  exit 1
fi
echo "fuzz: no failures"
