#!/usr/bin/env bash
# Benchmark the cache of results on the library corpus (a copy of it: files are edited).
#
#   tests/bench/cache.sh [CORPUS_DIR] [RUNS]
#
# CORPUS_DIR defaults to the folder printed by ../shared/corpus/fetch.sh. Every figure is the
# median of RUNS runs (default 3) of the release binary on all cores, in one session:
#   parse-only     walk + read + parse every file, no rule (the baseline of tests/bench/corpus.sh)
#   no cache       `check --no-cache` (the default run without the cache)
#   cold cache     `check` with an empty cache folder (it is filled)
#   warm cache     `check` again, nothing changed
#   touched: big   `check` after editing one file of the crate with the most files
#   touched: small `check` after editing one file of a one-file crate
# with the cache's hits and misses, and a check that every cached run printed exactly what
# the run without the cache printed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
corpus="${1:-}"
runs="${2:-3}"
if [ -z "$corpus" ]; then
  corpus="$(bash "${ASYNC_LINT_SHARED:-$repo/../shared}/corpus/fetch.sh" | tail -n 1)"
fi
[ -d "$corpus" ] || { echo "corpus folder not found: $corpus" >&2; exit 2; }

cargo build --release --quiet -p async-lint --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/async-lint"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r "$corpus" "$tmp/corpus"
work="$tmp/corpus"
cache="$tmp/cache"
cd "$tmp"

# The crate with the most .rs files, and a crate with a single .rs file under src/.
big="$(for d in "$work"/*/; do echo "$(find "$d" -name '*.rs' | wc -l) $d"; done | sort -n | tail -n 1 | cut -d' ' -f2)"
small="$(for d in "$work"/*/; do n=$(find "$d" -name '*.rs' | wc -l); [ "$n" = 1 ] && [ -f "$d/src/lib.rs" ] && echo "$d" && break; done)"
big_file="$(find "$big/src" -name '*.rs' | sort | sed -n 1p)"
small_file="$small/src/lib.rs"

# run NAME [ARGS...]: one timed run (wall seconds appended to $tmp/NAME), JSON kept, stats kept.
run() {
  local name=$1; shift
  /usr/bin/time -f "%e" -o "$tmp/time" "$bin" check "$work" --format json --exit-zero "$@" \
    > "$tmp/$name.json" 2> "$tmp/$name.err" || true
  tail -n 1 "$tmp/time" >> "$tmp/$name.times"
}
median() { sort -n "$tmp/$1.times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
stats() { grep -o 'cache: .*' "$tmp/$1.err" | tail -n 1; }
same() { cmp -s "$tmp/$1.json" "$tmp/nocache.json" && echo "same" || echo "DIFFERENT"; }

for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e" -o "$tmp/time" "$bin" check "$work" --parse-only > /dev/null 2>&1 || true
  tail -n 1 "$tmp/time" >> "$tmp/parse.times"
  run nocache --no-cache
  rm -rf "$cache"; run cold --cache-dir "$cache" --cache-stats
  run warm --cache-dir "$cache" --cache-stats
done
n=0
for _ in $(seq "$runs"); do
  n=$((n + 1))
  printf '\n// touched %s\n' "$n" >> "$big_file"
  run nocache_big --no-cache
  run big --cache-dir "$cache" --cache-stats
  cmp -s "$tmp/big.json" "$tmp/nocache_big.json" || echo "DIFFERENT output after touching $big_file" >&2
  printf '\n// touched %s\n' "$n" >> "$small_file"
  run small --cache-dir "$cache" --cache-stats
done

parse=$(median parse)
row() {
  local name=$1 label=$2 extra=$3
  local t; t=$(median "$name")
  printf '| %s | %s | %.3f | %s | %s |\n' "$label" "$t" "$(awk -v a="$t" -v b="$parse" 'BEGIN { print a / b }')" "$(stats "$name" | sed 's/^cache: //')" "$extra"
}
echo "corpus: $(find "$work" -name '*.rs' -not -path '*/target/*' -not -path '*/.*' | wc -l) files; $(nproc) threads; median of $runs"
echo "touched: big = $(basename "$big") ($(find "$big" -name '*.rs' | wc -l) .rs files), small = $(basename "$small")"
echo
echo "| run | wall (s) | vs parse-only | cache | output vs --no-cache |"
echo "|-----|----------|---------------|-------|----------------------|"
printf '| parse-only | %s | 1.000 | | |\n' "$parse"
printf '| no cache | %s | %.3f | | |\n' "$(median nocache)" "$(awk -v a="$(median nocache)" -v b="$parse" 'BEGIN { print a / b }')"
row cold "cold cache" "$(same cold)"
row warm "warm cache" "$(same warm)"
row big "one file of the biggest crate touched" "same as its own --no-cache run: $(cmp -s "$tmp/big.json" "$tmp/nocache_big.json" && echo yes || echo NO)"
row small "one file of a one-file crate touched" ""
echo
echo "cache folder: $(du -sh "$cache" | cut -f1), $(find "$cache" -name '*.json' | wc -l) shards"
