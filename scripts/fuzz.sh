#!/usr/bin/env bash
# Runs each fuzz target (fuzz/fuzz_targets/) for a given time, one after the other, with seed
# corpora made from the repository's own files. Exits non-zero at the first crash; the input that
# crashed is in fuzz/artifacts/TARGET/ (replay: cargo +nightly fuzz run TARGET FILE).
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]     (default: 60 s, every target)
#
# libFuzzer's -timeout is wall time: on a loaded machine (or under `nice`) a fast input can pass it,
# so long runs there may raise it with RULES_FUZZ_TIMEOUT=SECONDS (default 10).
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). New corpus entries go
# to target/fuzz-corpus/TARGET (kept between runs, outside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(ruleset case geojson sttr feel)

if ! cargo +nightly fuzz --help >/dev/null 2>&1; then
  echo "cargo-fuzz and the nightly toolchain are needed: rustup toolchain install nightly; cargo install cargo-fuzz" >&2
  exit 2
fi

# The repository's files matching a name pattern (no .git needed: CI runs in a plain copy).
files_named() {
  find . \( -path ./target -o -path ./fuzz -o -name node_modules -o -name dist -o -name pkg -o -name .git \) -prune \
    -o -type f -name "$1" -print | sort
}

# Seed files per target, from the repository (small files only: libFuzzer mutates whole inputs).
seeds() {
  local target=$1 out=$2
  rm -rf "$out" && mkdir -p "$out"
  local files=()
  case $target in
    ruleset) mapfile -t files < <(files_named '*.rules') ;;
    case) mapfile -t files < <(files_named '*.case*.json') ;;
    geojson) mapfile -t files < <(files_named '*.geojson') ;;
    sttr) mapfile -t files < <(files_named '*.dmn') ;;
    feel)
      # Every FEEL text of the DMN files, one per seed.
      local n=0
      while IFS= read -r text; do
        n=$((n + 1))
        printf '%s' "$text" >"$out/text-$n"
      done < <(files_named '*.dmn' | xargs grep -ho '<text>[^<]*</text>' | sed 's/<\/*text>//g' | sort -u | head -2000)
      ;;
  esac
  for f in "${files[@]}"; do
    [[ -f "$f" && $(stat -c %s "$f") -le 200000 ]] && cp "$f" "$out/$(echo "${f#./}" | tr '/' '_')"
  done
  return 0
}

echo "== build (nightly, AddressSanitizer)"
(cd fuzz && cargo +nightly fuzz build)

for target in "${targets[@]}"; do
  corpus="$root/target/fuzz-corpus/$target"
  seed_dir="$root/target/fuzz-seeds/$target"
  mkdir -p "$corpus"
  seeds "$target" "$seed_dir"
  echo "== fuzz $target for ${seconds}s ($(ls "$seed_dir" | wc -l) seeds)"
  (cd fuzz && cargo +nightly fuzz run "$target" "$corpus" "$seed_dir" -- \
    -max_total_time="$seconds" -max_len=262144 -timeout="${RULES_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -jobs=1 -workers=1 -print_final_stats=1)
done
echo "== no crashes"
