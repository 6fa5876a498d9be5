#!/usr/bin/env bash
# Benchmark async-lint against the parse-only limit on the shared corpus.
#
#   tests/bench/corpus.sh [CORPUS_DIR] [RUNS]
#
# CORPUS_DIR defaults to the folder printed by ../shared/corpus/fetch.sh (downloaded once).
# Every figure is the median of RUNS runs (default 5) of the release binary, in one session,
# so that the parse-only baseline and the linter are measured on the same machine state:
#   parse-only   walk + read + syn parse of EVERY file + one visit (async-lint --parse-only)
#   all files    all rules, every file parsed               (async-lint check --no-prefilter)
#   default      all rules, files no rule can fire in skipped (async-lint check)
# for 1 thread and all threads, plus peak RSS, and peak RSS when the corpus is linted twice
# over (two symlinked copies of it in one run: default mode on all threads, every file on one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
corpus="${1:-}"
runs="${2:-5}"
if [ -z "$corpus" ]; then
  corpus="$(bash "${ASYNC_LINT_SHARED:-$repo/../shared}/corpus/fetch.sh" | tail -n 1)"
fi
[ -d "$corpus" ] || { echo "corpus folder not found: $corpus" >&2; exit 2; }

cargo build --release --quiet -p async-lint --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/async-lint"
cores="$(nproc)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Size of what is linted: the files the walker takes (no target/, no hidden folders).
read -r files lines bytes < <(find -L "$corpus" -name '*.rs' -not -path '*/target/*' -not -path '*/.*' -print0 \
  | xargs -0 cat | awk -v f="$(find -L "$corpus" -name '*.rs' -not -path '*/target/*' -not -path '*/.*' | wc -l)" \
    '{ n++; b += length($0) + 1 } END { print f, n, b }')
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')

# measure NAME ARGS... : median wall seconds and median peak RSS (MB) of RUNS runs.
measure() {
  local name=$1; shift
  : > "$tmp/$name"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" "$@" > /dev/null 2>&1 || true
    tail -n 1 "$tmp/time" >> "$tmp/$name"
  done
  local wall rss
  wall=$(sort -n -k1 "$tmp/$name" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  rss=$(sort -n -k2 "$tmp/$name" | awk '{ a[NR] = $2 } END { printf "%.0f", a[int((NR + 1) / 2)] / 1024 }')
  echo "$wall $rss"
}

read -r p1 p1m < <(measure parse1 check "$corpus" --parse-only -j 1)
read -r pn pnm < <(measure parsen check "$corpus" --parse-only -j "$cores")
read -r a1 a1m < <(measure all1 check "$corpus" --no-cache --no-prefilter --format json -j 1)
read -r an anm < <(measure alln check "$corpus" --no-cache --no-prefilter --format json -j "$cores")
read -r d1 d1m < <(measure def1 check "$corpus" --no-cache --format json -j 1)
read -r dn dnm < <(measure defn check "$corpus" --no-cache --format json -j "$cores")
mkdir -p "$tmp/corpus-twice" && ln -s "$corpus" "$tmp/corpus-twice/a" && ln -s "$corpus" "$tmp/corpus-twice/b"
read -r tn tnm < <(measure twice check "$tmp/corpus-twice" --no-cache --format json -j "$cores")
# Every file parsed, on one thread: with several threads, the two copies put the same largest
# files on different threads at the same moment, which measures coincidence, not growth.
read -r _ a1t < <(measure twice1 check "$tmp/corpus-twice" --no-cache --no-prefilter --format json -j 1)

rate() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "corpus: $files files, $lines lines, $mb MB; $cores threads; median of $runs runs"
echo
echo "| pass | threads | wall (s) | MB/s | vs parse-only | peak RSS (MB) |"
echo "|------|---------|----------|------|---------------|---------------|"
echo "| parse-only (every file) | 1 | $p1 | $(rate "$p1") | 1.00 | $p1m |"
echo "| parse-only (every file) | $cores | $pn | $(rate "$pn") | 1.00 | $pnm |"
echo "| all rules, every file parsed | 1 | $a1 | $(rate "$a1") | $(ratio "$a1" "$p1") | $a1m |"
echo "| all rules, every file parsed | $cores | $an | $(rate "$an") | $(ratio "$an" "$pn") | $anm |"
echo "| all rules (default: skip files no rule can fire in) | 1 | $d1 | $(rate "$d1") | $(ratio "$d1" "$p1") | $d1m |"
echo "| all rules (default: skip files no rule can fire in) | $cores | $dn | $(rate "$dn") | $(ratio "$dn" "$pn") | $dnm |"
echo
echo "speed-up 1 → $cores threads: parse-only $(ratio "$p1" "$pn")x, all files $(ratio "$a1" "$an")x, default $(ratio "$d1" "$dn")x"
growth() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f%%", (b - a) / a * 100 }'; }
echo "peak RSS, corpus linted once vs twice over in one run: default, $cores threads: $dnm MB vs $tnm MB ($(growth "$dnm" "$tnm")); every file parsed, 1 thread: $a1m MB vs $a1t MB ($(growth "$a1m" "$a1t"))"
