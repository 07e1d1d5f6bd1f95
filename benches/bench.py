#!/usr/bin/env python3
"""Side-by-side measurements of jwtinspect (run through benches/run.sh).

P1 start-up: one-token inspect vs `jwt decode` (jwt-cli) vs /bin/true,
   whole processes, alternating runs, medians.
P2 bulk: `--json --now ...` over 200,000 HS256 tokens to a file: tokens/s,
   and the same file through a PyJWT decode loop.
P3 scan: `--print-token` over a 256 MiB log vs `rg -o` with the token regex,
   the same token count asserted.
P6 memory: peak RSS on the 256 MiB log, from /usr/bin/time -f %M.

A comparison whose tool is missing is skipped with a message. Timings are
whole-process wall times taken around posix_spawn + wait4; each figure is a
median, and each ratio is the median of the ratios of alternating A/B pairs,
so a machine that drifts during the run moves both sides alike.
"""

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# BENCH_BIN measures another build (an older commit's, for before/after figures).
BIN = os.environ.get("BENCH_BIN") or os.path.join(ROOT, "target", "release", "jwtinspect")
DATA = os.path.join(ROOT, "target", "bench-data")
GEN = os.path.join(ROOT, "benches", "gen.py")
NOW = "2021-09-12T00:23:20Z"
N_TOKENS = 200_000
LOG_BYTES = 256 << 20
LOG_TOKENS = 10_000
RG_PATTERN = r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"
PYJWT_LOOP = """
import sys, jwt
n = 0
with open(sys.argv[1]) as f:
    for line in f:
        jwt.decode(line.strip(), options={"verify_signature": False})
        n += 1
print(n)
"""

ROWS = []  # (test, what, figure, versus, ratio, target)


def env_int(name, default):
    return int(os.environ.get(name, default))


def say(*args):
    print(*args, flush=True)


def ensure_data():
    """Generate the data sets once; again only when gen.py changes."""
    os.makedirs(DATA, exist_ok=True)
    with open(GEN, "rb") as f:
        stamp = hashlib.sha256(f.read()).hexdigest()
    stamp_file = os.path.join(DATA, "stamp")
    tokens = os.path.join(DATA, "tokens.jwt")
    log = os.path.join(DATA, "app.log")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return tokens, log
    say(f"generating data sets in {DATA} ...")
    subprocess.run([sys.executable, GEN, "tokens", str(N_TOKENS), tokens], check=True)
    subprocess.run([sys.executable, GEN, "log", str(LOG_BYTES), str(LOG_TOKENS), log], check=True)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return tokens, log


CPU = {}  # command (as a tuple) -> cpu seconds (user + sys) of each run


def run_once(argv, stdout_path=None):
    """Run argv with stdin empty, stdout to a file (or /dev/null): (wall s, exit code).
    The run's user + sys seconds are noted in CPU."""
    out = os.open(stdout_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    nul = os.open(os.devnull, os.O_RDWR)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, nul, 0), (os.POSIX_SPAWN_DUP2, out, 1),
                   (os.POSIX_SPAWN_DUP2, nul, 2)]
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        CPU.setdefault(tuple(argv), []).append(usage.ru_utime + usage.ru_stime)
    finally:
        os.close(out)
        os.close(nul)
    return wall, os.waitstatus_to_exitcode(status)


def alternate(commands, runs, warmup, outputs=None):
    """Run the commands in turn, `runs` rounds after `warmup` rounds.
    Returns each command's wall times (one per round)."""
    outputs = outputs or [None] * len(commands)
    times = [[] for _ in commands]
    for r in range(warmup + runs):
        for i, (cmd, out) in enumerate(zip(commands, outputs)):
            wall, _ = run_once(cmd, out)
            if r >= warmup:
                times[i].append(wall)
    return times


def ratio(a, b):
    """Median of the pairwise ratios of two series measured in alternation."""
    return statistics.median(x / y for x, y in zip(a, b))


def fmt_time(s):
    return f"{s * 1000:.2f} ms" if s < 1 else f"{s:.3f} s"


def which(tool):
    return shutil.which(tool)


def p1_startup(tokens):
    runs = env_int("BENCH_P1_RUNS", 300)
    with open(tokens) as f:
        token = f.readline().strip()
    cmds = [[BIN, token], ["/bin/true"]]
    names = ["jwtinspect <token>", "/bin/true"]
    jwt = which("jwt")
    if jwt:
        version = subprocess.run([jwt, "--version"], capture_output=True, text=True).stdout.strip()
        cmds.insert(1, [jwt, "decode", token])
        names.insert(1, f"jwt decode <token> ({version})")
    else:
        say("P1: skipping jwt-cli: `jwt` not found (cargo install jwt-cli --version 6.2.0)")
    times = alternate(cmds, runs, warmup=10)
    say(f"P1 start-up, one token, {runs} alternating runs (median wall):")
    for name, t in zip(names, times):
        say(f"  {name:<44} {fmt_time(statistics.median(t))}")
    ours = statistics.median(times[0])
    if jwt:
        r = ratio(times[0], times[1])
        ROWS.append(("P1", "start-up, one token", fmt_time(ours), "jwt-cli", f"{r:.2f}x",
                     "<= 1.00x", r <= 1.0))
    r = ratio(times[0], times[-1])
    ROWS.append(("P1", "", "", "/bin/true", f"{r:.2f}x", "(floor)", None))


def p2_bulk(tokens):
    runs = env_int("BENCH_P2_RUNS", 5)
    out = os.path.join(DATA, "tokens.jsonl")
    ours = [BIN, "--json", "--now", NOW, tokens]
    t = alternate([ours], runs, warmup=1, outputs=[out])[0]
    with open(out, "rb") as f:
        lines = sum(1 for _ in f)
    if lines != N_TOKENS:
        sys.exit(f"P2: expected {N_TOKENS} JSON lines, got {lines}")
    wall = statistics.median(t)
    rate = N_TOKENS / wall
    cpu = statistics.median(CPU[tuple(ours)])
    say(f"P2 bulk, --json over {N_TOKENS:,} tokens to a file, {runs} runs: "
        f"median {fmt_time(wall)} = {rate:,.0f} tokens/s ({os.path.getsize(out) >> 20} MiB written; "
        f"cpu {fmt_time(cpu)}, user + sys over all threads)")
    ROWS.append(("P2", "--json, tokens/s", f"{rate:,.0f}", "", "", ">= 300,000 (1,000,000)",
                 rate >= 300_000))
    py = [sys.executable, "-c", PYJWT_LOOP, tokens]
    check = subprocess.run([sys.executable, "-c", "import jwt; print(jwt.__version__)"],
                           capture_output=True, text=True)
    if check.returncode != 0:
        say("P2: skipping PyJWT: not installed (pip install pyjwt)")
        return
    pyruns = env_int("BENCH_PYJWT_RUNS", 3)
    tp = alternate([py], pyruns, warmup=0)[0]
    py_rate = N_TOKENS / statistics.median(tp)
    say(f"  PyJWT {check.stdout.strip()} jwt.decode(verify_signature=False) loop, {pyruns} runs: "
        f"median {fmt_time(statistics.median(tp))} = {py_rate:,.0f} tokens/s")
    x = rate / py_rate
    ROWS.append(("P2", "", "", f"PyJWT {py_rate:,.0f}/s", f"{x:.1f}x faster", ">= 10x", x >= 10))


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def p3_scan(log):
    runs = env_int("BENCH_P3_RUNS", 7)
    ours_out = os.path.join(DATA, "print-token.txt")
    ours = [BIN, "--print-token", log]
    rg = which("rg")
    if not rg:
        t = alternate([ours], runs, warmup=1, outputs=[ours_out])[0]
        say(f"P3: skipping ripgrep: `rg` not found (apt-get install ripgrep); "
            f"jwtinspect alone: {fmt_time(statistics.median(t))}, {count_lines(ours_out)} tokens")
        return
    rg_out = os.path.join(DATA, "rg.txt")
    rg_cmd = [rg, "-o", RG_PATTERN, log]
    ta, tb = alternate([ours, rg_cmd], runs, warmup=1, outputs=[ours_out, rg_out])
    n_ours, n_rg = count_lines(ours_out), count_lines(rg_out)
    if n_ours != n_rg:
        sys.exit(f"P3: token counts differ: jwtinspect {n_ours}, rg {n_rg}")
    with open(ours_out, "rb") as a, open(rg_out, "rb") as b:
        same = a.read() == b.read()
    r = ratio(ta, tb)
    say(f"P3 scan, --print-token over {LOG_BYTES >> 20} MiB, {runs} alternating runs: "
        f"jwtinspect {fmt_time(statistics.median(ta))}, rg -o {fmt_time(statistics.median(tb))}; "
        f"tokens {n_ours} / {n_rg}{' (identical output)' if same else ''}")
    ROWS.append(("P3", f"--print-token, {n_ours} tokens", fmt_time(statistics.median(ta)),
                 f"rg -o, {n_rg} tokens", f"{r:.2f}x time", "<= 1.00x", r <= 1.0))


def peak_rss_kib(cmd):
    """Peak RSS in KiB from /usr/bin/time -f %M."""
    with tempfile.NamedTemporaryFile("r") as f:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(f.read().split()[-1])


def p6_memory(log):
    if not os.path.exists("/usr/bin/time"):
        say("P6: skipping: /usr/bin/time not found (apt-get install time)")
        return
    for mode in (["--print-token"], ["--json", "--now", NOW]):
        kib = max(peak_rss_kib([BIN] + mode + [log]) for _ in range(3))
        say(f"P6 peak RSS, {' '.join(mode)} over the {LOG_BYTES >> 20} MiB log: {kib / 1024:.1f} MiB")
        ROWS.append(("P6", f"peak RSS, {mode[0]}", f"{kib / 1024:.1f} MiB", "", "", "<= 16 MiB",
                     kib <= 16 * 1024))


def table():
    head = ("test", "what", "figure", "versus", "ratio", "target", "")
    rows = [head] + [r[:6] + ({True: "ok", False: "MISSED", None: ""}[r[6]],) for r in ROWS]
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
    say("")
    for r in rows:
        say("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit(f"{BIN} not built: run benches/run.sh")
    tokens, log = ensure_data()
    say(f"{os.cpu_count()} CPUs; data in {DATA}")
    only = set(sys.argv[1:]) or {"P1", "P2", "P3", "P6"}
    if "P1" in only:
        p1_startup(tokens)
    if "P2" in only:
        p2_bulk(tokens)
    if "P3" in only:
        p3_scan(log)
    if "P6" in only:
        p6_memory(log)
    table()


if __name__ == "__main__":
    main()
