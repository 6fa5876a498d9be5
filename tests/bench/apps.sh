#!/usr/bin/env bash
# Benchmark async-lint against the parse-only limit on the application corpus: the same table
# as corpus.sh (1 and all threads, parse-only vs default vs every file, peak RSS, linted twice).
#
#   tests/bench/apps.sh [RUNS]
#
# The 48 crates that ../shared/apps-corpus/fetch.sh prints live among their dependencies in one
# cargo registry folder, so they are gathered as symlinks in one temporary folder (the walker
# follows them) and corpus.sh measures that folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
runs="${1:-5}"
farm="$(mktemp -d)"
trap 'rm -rf "$farm"' EXIT
while read -r crate; do
  [ -d "$crate" ] && ln -s "$crate" "$farm/$(basename "$crate")"
done < <(bash "${ASYNC_LINT_SHARED:-$repo/../shared}/apps-corpus/fetch.sh")
bash "$here/corpus.sh" "$farm" "$runs"
