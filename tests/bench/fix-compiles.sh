#!/usr/bin/env bash
# Proof on real code that `--fix` does not break builds: for each crate of the application corpus
# that `--diff --unsafe-fixes` has something for, a copy with its own published Cargo.lock is
# checked (`cargo check`), fixed with `--fix`, checked again, then restored and fixed with
# `--fix --unsafe-fixes` and checked again. Prints one table row per crate.
#
#   tests/bench/fix-compiles.sh [WORK_DIR]      (default /tmp/async-lint-fix-compiles)
#
# Needs the network the first time (cargo fetches each crate's dependencies into the corpus's
# CARGO_HOME, /tmp/apps-dev-home); all crates share one target dir. Slow: a cold build of
# every crate that has fixes.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/async-lint-fix-compiles}"
mkdir -p "$work"
cargo build --release --quiet -p async-lint --manifest-path "$repo/Cargo.toml"
bin="$repo/target/release/async-lint"
export CARGO_HOME=/tmp/apps-dev-home CARGO_TARGET_DIR="$work/target"

# check DIR LOG: "yes" when `cargo check` passes, "no (first error)" otherwise.
check() {
  if (cd "$1" && cargo check --quiet --message-format short) >"$2" 2>&1; then
    echo yes
  else
    echo "no ($(grep -m1 -E '^[^ ]+: error|^error' "$2" | cut -c1-110))"
  fi
}
# fixed DIR ARGS...: how many findings `--fix` says it fixed.
fixed() {
  local dir=$1; shift
  "$bin" check --exit-zero "$@" "$dir" 2>&1 >/dev/null | sed -n 's/.*fixed \([0-9]*\) finding.*/\1/p' | head -n 1
}

printf '| crate | compiles before | safe fixes | compiles after --fix | unsafe fixes | compiles after --fix --unsafe-fixes |\n'
printf '|---|---|---|---|---|---|\n'
while read -r src; do
  name="$(basename "$src")"
  "$bin" check --diff --unsafe-fixes --quiet "$src" >/dev/null 2>&1
  [ $? -eq 1 ] || continue
  copy="$work/$name"
  rm -rf "$copy" && cp -r "$src" "$copy"
  before=$(check "$copy" "$work/$name.before.log")
  safe=$(fixed "$copy" --fix)
  after=$(check "$copy" "$work/$name.safe.log")
  rm -rf "$copy" && cp -r "$src" "$copy"
  all=$(fixed "$copy" --fix --unsafe-fixes)
  after_all=$(check "$copy" "$work/$name.unsafe.log")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$before" "${safe:-0}" "$after" "${all:-0}" "$after_all"
done < <(bash "${ASYNC_LINT_SHARED:-$repo/../shared}/apps-corpus/fetch.sh")
