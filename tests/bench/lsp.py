#!/usr/bin/env python3
"""Drives `async-lint server` over stdio as an editor does and measures it (see lsp.sh).

  lsp.py BIN latency [DEBOUNCE_MS]   didChange -> publishDiagnostics on a generated crate of
                                     1,000 files whose one edited file is about 600 KB
  lsp.py BIN latency-file CRATE FILE [DEBOUNCE_MS]   the same, editing FILE of CRATE
  lsp.py BIN memory CRATE [N]        RSS of the server after opening N (100) files of CRATE
"""
import json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path


class Server:
    def __init__(self, binary, root, options=None):
        self.p = subprocess.Popen([binary, "server"], cwd=root, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.request("initialize", {"processId": os.getpid(), "rootUri": Path(root).as_uri(),
                                    "capabilities": {}, "initializationOptions": options or {}})
        self.notify("initialized", {})

    def send(self, msg):
        body = json.dumps(dict(msg, jsonrpc="2.0")).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == self.next_id and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def diagnostics(self, uri, version):
        while True:
            m = self.read()
            p = m.get("params") or {}
            if m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri \
                    and p.get("version") == version:
                return p["diagnostics"]

    def open(self, path, text):
        uri = Path(path).resolve().as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "rust", "version": 1, "text": text}})
        return uri, self.diagnostics(uri, 1)

    def cpu_ms(self):
        """CPU time (user + system) the server used so far: on a busy machine, the wall time
        of an edit includes waiting for a core."""
        fields = Path(f"/proc/{self.p.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def rss_kib(self):
        status = Path(f"/proc/{self.p.pid}/status").read_text()
        field = lambda name: int(next(l for l in status.splitlines() if l.startswith(name)).split()[1])
        return field("VmRSS:"), field("VmHWM:")

    def stop(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(timeout=30)


def generate(root, files=1000, big_kib=600):
    """A crate of `files` modules: each has a sync helper that blocks and an async fn that
    calls a helper of another module; `big.rs` (one of them) calls helpers across the crate
    from many async fns until it is `big_kib` KB."""
    src = Path(root, "src")
    src.mkdir(parents=True)
    Path(root, "Cargo.toml").write_text(
        '[package]\nname = "bench"\nversion = "0.1.0"\nedition = "2021"\n\n'
        '[dependencies]\ntokio = { version = "1", features = ["full"] }\n')
    mods = [f"m{i}" for i in range(files - 1)]
    Path(src, "lib.rs").write_text("".join(f"pub mod {m};\n" for m in mods) + "pub mod big;\n")
    for i, m in enumerate(mods):
        other = mods[(i * 7 + 3) % len(mods)]
        Path(src, f"{m}.rs").write_text(
            f"pub fn helper_{i}(n: u64) -> u64 {{\n"
            f"    if n % 5 == 0 {{ std::thread::sleep(std::time::Duration::from_millis(n)); }}\n"
            f"    n + 1\n}}\n\n"
            f"pub async fn task_{i}(n: u64) -> u64 {{\n"
            f"    let a = crate::{other}::helper_{(i * 7 + 3) % len(mods)}(n);\n"
            f"    tokio::task::yield_now().await;\n    a\n}}\n")
    parts, k = [], 0
    size = 0
    while size < big_kib * 1024:
        i = k % len(mods)
        chunk = (f"pub async fn handle_{k}(input: Vec<u64>) -> u64 {{\n"
                 f"    let mut total = 0;\n"
                 f"    for x in input.iter() {{\n"
                 f"        total += crate::{mods[i]}::helper_{i}(*x);\n"
                 f"        total += crate::{mods[i]}::task_{i}(*x).await;\n"
                 f"    }}\n"
                 f"    let label = format!(\"handled {{}} items\", input.len());\n"
                 f"    println!(\"{{label}}: {{total}}\");\n"
                 f"    total\n}}\n\n")
        parts.append(chunk)
        size += len(chunk)
        k += 1
    Path(src, "big.rs").write_text("".join(parts))
    return Path(src, "big.rs")


def latency(binary, debounce_ms=None, edits=20):
    with tempfile.TemporaryDirectory() as root:
        latency_of(binary, root, generate(root), debounce_ms, edits)


def latency_of(binary, root, big, debounce_ms=None, edits=20):
    text = big.read_text()
    options = {} if debounce_ms is None else {"debounceMs": int(debounce_ms)}
    s = Server(binary, root, options)
    t0 = time.perf_counter()
    uri, diags = s.open(big, text)
    first = time.perf_counter() - t0
    lines = text.count("\n")
    times, cpu = [], []
    for n in range(edits):
        version = n + 2
        # Typing in the middle of the file: a comment line, one more per edit.
        line = lines // 2 + n
        edit = {"range": {"start": {"line": line, "character": 0},
                          "end": {"line": line, "character": 0}}, "text": "// x\n"}
        t, c = time.perf_counter(), s.cpu_ms()
        s.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]})
        got = s.diagnostics(uri, version)
        times.append(time.perf_counter() - t)
        cpu.append(s.cpu_ms() - c)
    s.stop()
    ms = sorted(x * 1000 for x in times)
    count = sum(1 for _ in Path(root, "src").rglob("*.rs"))
    print(f"crate: {root} ({count} files in src/); edited file: {len(text.encode()) / 1024:.0f} KiB, "
          f"{lines} lines, {len(diags)} findings on open, {len(got)} after the edits")
    print(f"debounce: {debounce_ms if debounce_ms is not None else 'default (20)'} ms")
    print(f"first open -> diagnostics: {first * 1000:.0f} ms")
    print(f"didChange -> publishDiagnostics over {edits} edits: median {statistics.median(ms):.1f} ms, "
          f"p90 {ms[int(len(ms) * 0.9) - 1]:.1f} ms, max {ms[-1]:.1f} ms; "
          f"server CPU per edit: median {statistics.median(cpu):.0f} ms")


def memory(binary, crate, count=100):
    files = sorted(p for p in Path(crate, "src").rglob("*.rs"))[:count]
    s = Server(binary, crate)
    base, _ = s.rss_kib()
    t = time.perf_counter()
    findings = 0
    for f in files:
        _, d = s.open(f, f.read_text(errors="replace"))
        findings += len(d)
    took = time.perf_counter() - t
    rss, hwm = s.rss_kib()
    s.stop()
    print(f"crate: {crate} ({len(list(Path(crate, 'src').rglob('*.rs')))} files in src/)")
    print(f"opened {len(files)} files in {took:.1f} s ({findings} diagnostics)")
    print(f"server RSS: {base / 1024:.1f} MiB after start, {rss / 1024:.1f} MiB after opening "
          f"them (peak {hwm / 1024:.1f} MiB)")


if __name__ == "__main__":
    binary, what = sys.argv[1], sys.argv[2]
    if what == "latency":
        latency(binary, sys.argv[3] if len(sys.argv) > 3 else None)
    elif what == "latency-file":
        latency_of(binary, sys.argv[3], Path(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    elif what == "memory":
        memory(binary, sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 100)
    else:
        raise SystemExit(__doc__)
