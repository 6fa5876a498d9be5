#!/usr/bin/env python3
"""Re-draw the seeded accuracy sample of one rule on the application corpus.

Runs the release binary over every crate that ../shared/apps-corpus/fetch.sh prints, keeps the
findings of RULE, and prints a seeded random sample of them as `crate/path:line:col  message`
(all of them when there are fewer than N). The same binary, corpus and seed give the same sample,
so the tables in tests/accuracy/<rule>.md can be re-judged by the next engineer.

    tests/accuracy/sample.py RULE [--seed 13] [-n 30] [--bin target/release/async-lint]
    tests/accuracy/sample.py RULE --all        # every finding, sorted
    tests/accuracy/sample.py --counts          # findings per rule
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def crates(list_file):
    if list_file:
        with open(list_file) as f:
            return [l.strip() for l in f if l.strip()]
    fetch = os.path.join(ROOT, "..", "shared", "apps-corpus", "fetch.sh")
    out = subprocess.run([fetch], check=True, capture_output=True, text=True).stdout
    return [l.strip() for l in out.splitlines() if l.strip()]


def findings(binary, folders):
    cmd = [binary, "check", "--format", "json-lines", "--exit-zero", *folders]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"sample.py: {' '.join(cmd[:4])} exited with {out.returncode}:\n{out.stderr}")
    rows = []
    for line in out.stdout.splitlines():
        d = json.loads(line)
        f = d["file"]
        short = f.split("/registry/src/", 1)[-1].split("/", 1)[-1]
        rows.append((d["rule"], short, d["start"]["line"], d["start"]["column"], d["message"]))
    rows.sort()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rule", nargs="?")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("-n", type=int, default=30)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--counts", action="store_true")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "async-lint"))
    ap.add_argument("--crates", help="a file with one crate folder a line (default: run fetch.sh)")
    a = ap.parse_args()
    rows = findings(a.bin, crates(a.crates))
    if a.counts:
        for rule, n in sorted(collections.Counter(r[0] for r in rows).items()):
            print(f"{rule}\t{n}")
        return
    if not a.rule:
        ap.error("name a rule, or use --counts")
    mine = [r for r in rows if r[0] == a.rule]
    pick = mine if a.all or len(mine) <= a.n else random.Random(a.seed).sample(mine, a.n)
    if not a.all:
        pick.sort()
    print(f"# {a.rule}: {len(pick)} of {len(mine)} findings, seed {a.seed}")
    for _, f, line, col, msg in pick:
        print(f"{f}:{line}:{col}\t{msg}")


if __name__ == "__main__":
    main()
