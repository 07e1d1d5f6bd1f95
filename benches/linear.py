#!/usr/bin/env python3
"""Time and peak memory on hostile input (issue 13, items 14-17).

Each row doubles the input from 1 to 16 MB; linear work shows as time and
peak RSS doubling with it (a quadratic path quadruples). Usage:

    cargo build --release && python3 benches/linear.py [L14 L14w16 L15 L16 L16p L16s L17]

BENCH_BIN measures another build (an older commit's binary, for a before
table). A row stops growing once a run takes longer than BENCH_CAP seconds
(default 60): the figure shown is then a lower bound (">").

L14     `base64 file.json` (76 columns, starts with eyJ, no dots) on stdin
L14w16  the same wrapped at 16 columns
L15     one token, deeply nested long keys, many duplicate members (--json)
L16     one big token of tiny members, --json on two workers, four copies
L16p    the same, --print-token
L16s    one big token of 1000-character strings (decoded in full), --json, four copies
L17     stdin as a terminal: time until the first token shows, one line typed
"""

import base64
import json
import os
import pty
import resource
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BENCH_BIN") or os.path.join(ROOT, "target", "release", "jwtinspect")
CAP = float(os.environ.get("BENCH_CAP", "60"))
SIZES_MB = [1, 2, 4, 8, 16]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


HEADER = b64url(b'{"alg":"HS256","typ":"JWT"}')


def json_document(n: int) -> bytes:
    """A JSON file of about n bytes (what `base64 file.json` is run on)."""
    rows = []
    size = 0
    i = 0
    while size < n:
        row = json.dumps({"id": i, "name": f"user {i}", "roles": ["reader", "writer"]})
        rows.append(row)
        size += len(row) + 2
        i += 1
    return ("{\"rows\": [" + ",\n".join(rows) + "]}").encode()[:n]


def wrapped_base64(n: int, width: int) -> bytes:
    raw = base64.b64encode(json_document(n * 3 // 4))
    return b"\n".join(raw[i : i + width] for i in range(0, len(raw), width)) + b"\n"


def nested_duplicates(n: int) -> bytes:
    """One token: 60 levels of 200-character keys, then duplicate members up to n bytes."""
    key = "k" * 200
    depth = 60
    inner_budget = max(n * 3 // 4 - depth * (len(key) + 5), 1000)
    members = ",".join('"dup":1' for _ in range(inner_budget // 8))
    claims = ('{"%s":' % key) * depth + "{" + members + "}" + "}" * depth
    return f"{HEADER}.{b64url(claims.encode())}.c2ln\n".encode()


def big_token(n: int) -> bytes:
    """One token of about n bytes: an array of tiny members (the costly shape)."""
    count = (n * 3 // 4) // 2
    claims = '{"sub":"a","l":[' + ",".join("1" for _ in range(count)) + "]}"
    return f"{HEADER}.{b64url(claims.encode())}.c2ln\n".encode()


def big_token_long(n: int) -> bytes:
    """One token of about n bytes whose claims are long strings: under the value
    limit, so decoded in full (L16 and L16p are refused at the limit)."""
    item = '"' + "x" * 1000 + '"'
    count = max((n * 3 // 4) // (len(item) + 1), 1)
    claims = '{"sub":"a","l":[' + ",".join(item for _ in range(count)) + "]}"
    return f"{HEADER}.{b64url(claims.encode())}.c2ln\n".encode()


def run(args, data: bytes):
    """Wall time and the child's peak RSS (KiB) of one run with `data` on stdin."""
    path = "/tmp/jwtinspect-linear.in"
    with open(path, "wb") as f:
        f.write(data)
    cmd = ["/usr/bin/time", "-f", "%M", BIN, "--now", "0"] + args
    start = time.monotonic()
    with open(path, "rb") as stdin:
        try:
            p = subprocess.run(
                cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=CAP
            )
        except subprocess.TimeoutExpired:
            return None, None
    took = time.monotonic() - start
    rss = int(p.stderr.decode().strip().splitlines()[-1])
    return took, rss


def row(name, make, args, copies=1):
    print(f"\n{name}: {' '.join(args) or '(human report)'}")
    print(f"{'MB':>4} {'input bytes':>12} {'seconds':>9} {'peak RSS MiB':>13} {'RSS/input':>10}")
    for mb in SIZES_MB:
        data = make(mb << 20) * copies
        took, rss = run(args, data)
        if took is None:
            print(f"{mb:>4} {len(data):>12} {'>' + str(CAP):>9} {'-':>13}")
            break
        print(f"{mb:>4} {len(data):>12} {took:>9.2f} {rss / 1024:>13.1f} {rss * 1024 / len(data):>10.1f}")


def first_token_latency():
    """L17: stdin and stdout on a terminal; one line typed; how long until it shows."""
    payload = b64url(b'{"sub":"a"}')
    token = f"{HEADER}.{payload}.c2ln"
    print("\nL17: stdin on a terminal, one line typed, nothing more")
    master, slave = pty.openpty()
    out_master, out_slave = pty.openpty()
    p = subprocess.Popen(
        [BIN, "--now", "0", "--print-token", "-"], stdin=slave, stdout=out_slave, stderr=subprocess.DEVNULL
    )
    start = time.monotonic()
    os.write(master, f"Bearer {token}\n".encode())
    seen = b""
    shown = None
    while time.monotonic() - start < 5:
        ready, _, _ = select.select([out_master], [], [], 0.05)
        if ready:
            seen += os.read(out_master, 65536)
            if token.encode() in seen:
                shown = time.monotonic() - start
                break
    p.kill()
    p.wait()
    print("first token shown after", f"{shown * 1000:.0f} ms" if shown else "more than 5 s (not shown)")


def main():
    want = set(sys.argv[1:]) or {"L14", "L14w16", "L15", "L16", "L16p", "L16s", "L17"}
    print("binary:", BIN)
    if "L14" in want:
        row("L14 base64 -w 76", lambda n: wrapped_base64(n, 76), ["--print-token"])
    if "L14w16" in want:
        row("L14w16 base64 -w 16", lambda n: wrapped_base64(n, 16), ["--print-token"])
    if "L15" in want:
        row("L15 nested duplicates", nested_duplicates, ["--json"])
    if "L16" in want:
        row("L16 big token x4, two workers", big_token, ["--json"], copies=4)
    if "L16p" in want:
        row("L16p big token x4", big_token, ["--print-token"], copies=4)
    if "L16s" in want:
        row("L16s big token of long strings x4", big_token_long, ["--json"], copies=4)
    if "L17" in want:
        first_token_latency()
    resource.getrusage(resource.RUSAGE_CHILDREN)


if __name__ == "__main__":
    main()
