#!/usr/bin/env bash
# Benchmark `async-lint server` (release build) as an editor uses it:
#
#   tests/bench/lsp.sh [LARGE_CRATE]
#
# 1. latency: a generated crate of 1,000 files whose edited file is about 600 KB; the time from
#    sending `didChange` (one line typed) to receiving its `publishDiagnostics`, over 20 edits
#    after the first open, with the default debounce (20 ms) and with none;
# 2. memory: the server's RSS after opening the first 100 files (path order) of LARGE_CRATE
#    (default: aws-sdk-s3 from the library corpus, ../shared/corpus/fetch.sh), one by one,
#    each waited for.
# A benchmark, not a test: it prints figures and checks nothing. Needs python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cargo build --release --quiet -p async-lint --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/async-lint"
crate="${1:-}"
if [ -z "$crate" ]; then
  corpus="$(bash "${ASYNC_LINT_SHARED:-$repo/../shared}/corpus/fetch.sh" | tail -n 1)"
  crate="$(ls -d "$corpus"/aws-sdk-s3-* | tail -n 1)"
fi
echo "== didChange -> publishDiagnostics (default debounce)"
python3 "$here/lsp.py" "$bin" latency
echo "== didChange -> publishDiagnostics (debounceMs 0)"
python3 "$here/lsp.py" "$bin" latency 0
echo "== memory after opening 100 files"
python3 "$here/lsp.py" "$bin" memory "$crate" 100
