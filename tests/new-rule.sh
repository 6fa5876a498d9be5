#!/usr/bin/env bash
# Scaffold a new rule: its source file, its page, its fixtures folder, its line in RULES and its
# README row — everything tests/registry.rs checks a rule for.
#
#   tests/new-rule.sh <rule-name> [REPO_ROOT]
#
# The rule it writes works: it flags calls of `replace_me()` in async code, and its page's
# example, its fixtures and the registry tests pass with it. Replace that check, the page and
# the fixtures with the rule's own; then `UPDATE_SNAPSHOTS=1 cargo test --test snapshots`
# writes the fixture's rendered snapshot (read it before committing it).
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 <rule-name> [REPO_ROOT]" >&2; exit 2; }
name=$1
root=${2:-"$(cd "$(dirname "$0")/.." && pwd)"}
if ! [[ $name =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]]; then
  echo "error: a rule name is kebab-case words naming what is flagged (\`blocking-in-async\`), got \`$name\`" >&2
  exit 2
fi
snake=${name//-/_}
camel=$(echo "$name" | sed -E 's/(^|-)([a-z])/\U\2/g')
rules_dir="$root/crates/async-lint-core/src/rules"
source="$rules_dir/$snake.rs"
page="$root/rules/$name.md"
fixtures="$root/fixtures/$name"
for existing in "$source" "$page" "$fixtures"; do
  if [ -e "$existing" ]; then
    echo "error: $existing already exists" >&2
    exit 1
  fi
done
grep -q '^pub static RULES: &\[&dyn Rule\] = &\[$' "$rules_dir/mod.rs" \
  || { echo "error: no RULES table in $rules_dir/mod.rs" >&2; exit 1; }

cat > "$source" <<EOF
//! \`$name\`: the user documentation is the page, rules/$name.md.

use super::Rule;
use crate::context::Context;
use crate::finding::Finding;
use syn::Expr;

crate::rule_options! {
    /// \`[rules.$name]\`: a field's doc comment is its help, \`= value\` its default.
    pub struct ${camel}Options {
        /// also report calls in sync code
        pub sync_code: bool = false,
    }
}

// A file without any of the trigger words cannot produce a finding and is not parsed.
declare_rule! { $camel: "$name", triggers: &["replace_me"],
    options: ${camel}Options,
    summary: "a call of \`replace_me()\` in async code",
}

impl Rule for $camel {
    rule_meta!();

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        let Expr::Call(call) = expr else {
            return;
        };
        let Expr::Path(func) = &*call.func else {
            return;
        };
        let named = func
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "replace_me");
        if !named || !(cx.in_async() || cx.options::<${camel}Options>().sync_code) {
            return;
        }
        out.push(
            Finding::new(META.name, cx.span(expr), "\`replace_me()\` called in async code")
                .label("called here")
                .help("call the async replacement")
                .note("say why it matters"),
        );
    }
}
EOF

cat > "$page" <<EOF
# $name

**Default severity:** warning

## What it does

Flags a call of \`replace_me()\` inside an async fn, block or closure.

## Why is this bad?

Say what goes wrong at run time, and for whom.

## Example

\`\`\`rust
async fn handle() {
    replace_me();
}
\`\`\`

## Use instead

\`\`\`rust
async fn handle() {
    replaced().await;
}
\`\`\`

## Options

\`\`\`toml
[rules.$name]
level = "warning"   # off | info | warning | error
sync-code = false   # also report calls in sync code
\`\`\`
EOF

mkdir -p "$fixtures"
cat > "$fixtures/calls.rs" <<EOF
// Positives: each flagged line ends with the rule's annotation (tests/fixtures.rs).

async fn handle() {
    replace_me(); //~ $name
}
EOF
cat > "$fixtures/negative_sync.rs" <<EOF
// Negatives: nothing here may be flagged.

fn sync_code() {
    replace_me();
}
EOF

# Registration: the module beside the others, the rule at the end of RULES.
python3 - "$rules_dir/mod.rs" "$snake" "$camel" <<'EOF'
import sys
path, snake, camel = sys.argv[1:]
lines = open(path).read().split("\n")
mods = [i for i, l in enumerate(lines) if l.startswith("mod ") and l.endswith(";")]
lines.insert(mods[-1] + 1, f"mod {snake};")
start = lines.index("pub static RULES: &[&dyn Rule] = &[")
end = next(i for i in range(start, len(lines)) if lines[i] == "];")
lines.insert(end, f"    &{snake}::{camel},")
open(path, "w").write("\n".join(lines))
EOF

# The README row, after the last row of the rule table.
python3 - "$root/README.md" "$name" <<'EOF'
import sys
path, name = sys.argv[1:]
lines = open(path).read().split("\n")
rows = [i for i, l in enumerate(lines) if l.startswith("| [`")]
lines.insert(rows[-1] + 1, f"| [`{name}`](rules/{name}.md) | warning | a call of `replace_me()` in async code |")
open(path, "w").write("\n".join(lines))
EOF

cat <<EOF
created:
  $source
  $page
  $fixtures/calls.rs, $fixtures/negative_sync.rs
registered in $rules_dir/mod.rs (mod + RULES) and README.md (rule table)
next: write the check, the page and the fixtures; cargo test --test fixtures --test registry;
      UPDATE_SNAPSHOTS=1 cargo test --test snapshots writes fixtures/$name/calls.snap (read it)
EOF
