#!/usr/bin/env bash
# Prove that a change left the findings alone: run two builds of async-lint over fixtures/, the
# library corpus and the application corpus, with 1 and 2 threads, and compare their JSON byte
# for byte. For refactors and speed work, where the output must not change.
#
#   tests/bench/same-output.sh OLD_BIN NEW_BIN
#
# Exit 0 when every pair is identical; 1 with the first lines of each difference otherwise.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OLD_BIN NEW_BIN" >&2; exit 2; }
old=$1 new=$2
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

lib_corpus="$(bash "${ASYNC_LINT_SHARED:-$repo/../shared}/corpus/fetch.sh" | tail -n 1)"
mapfile -t apps < <(bash "${ASYNC_LINT_SHARED:-$repo/../shared}/apps-corpus/fetch.sh")
status=0
compare() {
  local name=$1; shift
  for j in 1 2; do
    # Exit 1 means findings; only 2 (usage/config/I/O) would make the comparison meaningless,
    # and then both outputs still say why.
    "$old" check --format json -j "$j" "$@" > "$tmp/old" 2>&1 || true
    "$new" check --format json -j "$j" "$@" > "$tmp/new" 2>&1 || true
    if cmp -s "$tmp/old" "$tmp/new"; then
      echo "same      $name -j$j ($(wc -c < "$tmp/new") bytes)"
    else
      echo "DIFFERENT $name -j$j"
      diff "$tmp/old" "$tmp/new" | head -n 20
      status=1
    fi
  done
}
cd "$repo"
compare fixtures fixtures
compare corpus "$lib_corpus"
compare apps-corpus "${apps[@]}"
exit "$status"
