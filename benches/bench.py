#!/usr/bin/env python3
"""Side-by-side measurements of jwtinspect (run through benches/run.sh).

P1 start-up: one-token inspect vs `jwt decode` (jwt-cli) vs /bin/true,
   whole processes, alternating runs, medians.
P2 bulk: `--json --now ...` over 200,000 HS256 tokens through a pipe and to
   a file: tokens/s, and the same file through a PyJWT decode loop. Its floor:
   `cat` of the same output through the same pipe (no program can hand a
   pipe's reader those bytes faster, so no `--json` run can beat it).
P3 scan: `--print-token` over 256 MiB logs of several shapes (benches/shapes.py)
   vs `rg -o` with the token regex, both through a pipe, the same tokens asserted.
P4 verify: `--json --key` over 20,000 RS256 and 20,000 ES256 tokens through a
   pipe vs `openssl speed -seconds N rsa2048 / ecdsap256` verify rates (one core).
P6 memory: peak RSS on each 256 MiB log, from /usr/bin/time -f %M.

"Through a pipe" means the command's standard output is a pipe that this
script drains (as `| cat >/dev/null` would): that is how users run it, and
a writer that hands a pipe small pieces or stalls its workers shows there.

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
SHAPES = os.path.join(ROOT, "benches", "shapes.py")
LOG_SHAPES = ["nginx", "jsonl", "plain", "har", "syslog"]
N_SIGNED = 20_000
VERIFY = [("RS256", "rsa-public.pem", "rsa2048"), ("ES256", "ec-256-public.pem", "ecdsap256")]
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
    """Generate the data sets once; again only when gen.py or shapes.py changes.
    Returns the token file and the logs by shape name ("app" is round 1's log)."""
    os.makedirs(DATA, exist_ok=True)
    digest = hashlib.sha256()
    for path in (GEN, SHAPES):
        with open(path, "rb") as f:
            digest.update(f.read())
    stamp = digest.hexdigest()
    stamp_file = os.path.join(DATA, "stamp")
    tokens = os.path.join(DATA, "tokens.jwt")
    logs = {"app": os.path.join(DATA, "app.log")}
    logs.update((shape, os.path.join(DATA, f"{shape}.log")) for shape in LOG_SHAPES)
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return tokens, logs
    say(f"generating data sets in {DATA} (a few minutes, once) ...")
    subprocess.run([sys.executable, GEN, "tokens", str(N_TOKENS), tokens], check=True)
    subprocess.run([sys.executable, GEN, "log", str(LOG_BYTES), str(LOG_TOKENS), logs["app"]],
                   check=True)
    for shape in LOG_SHAPES:
        subprocess.run([sys.executable, SHAPES, "log", shape, str(LOG_BYTES), logs[shape]],
                       check=True)
    for alg, _, _ in VERIFY:
        subprocess.run([sys.executable, SHAPES, "signed", alg, str(N_SIGNED), signed_path(alg)],
                       check=True)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return tokens, logs


def signed_path(alg):
    return os.path.join(DATA, f"{alg.lower()}.jwt")


CPU = {}  # command (as a tuple) -> cpu seconds (user + sys) of each run


PIPE = "|"  # an output "path" that means: a pipe this script drains


def run_once(argv, stdout_path=None):
    """Run argv with stdin empty, stdout to a file, to /dev/null (None), or to a
    pipe read here as `cat` would (PIPE): (wall s, exit code).
    The run's user + sys seconds are noted in CPU."""
    piped = stdout_path == PIPE
    if piped:
        reader, out = os.pipe()
    else:
        out = os.open(stdout_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    nul = os.open(os.devnull, os.O_RDWR)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, nul, 0), (os.POSIX_SPAWN_DUP2, out, 1),
                   (os.POSIX_SPAWN_DUP2, nul, 2)]
        if piped:
            actions.append((os.POSIX_SPAWN_CLOSE, reader))
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
        if piped:
            os.close(out)
            out = None
            while os.read(reader, 1 << 17):
                pass
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        CPU.setdefault(tuple(argv), []).append(usage.ru_utime + usage.ru_stime)
    finally:
        if out is not None:
            os.close(out)
        if piped:
            os.close(reader)
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
    times = alternate(cmds, runs, warmup=10, outputs=[PIPE] * len(cmds))
    say(f"P1 start-up, one token, through a pipe, {runs} alternating runs (median wall):")
    for name, t in zip(names, times):
        say(f"  {name:<44} {fmt_time(statistics.median(t))}")
    ours = statistics.median(times[0])
    if jwt:
        r = ratio(times[0], times[1])
        ROWS.append(("P1", "start-up, one token", fmt_time(ours), "jwt-cli", f"{r:.2f}x time",
                     "<= 0.90x", r <= 0.90))
    r = ratio(times[0], times[-1])
    ROWS.append(("P1", "", "", "/bin/true", f"{r:.2f}x time", "(floor)", None))


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def p2_bulk(tokens):
    runs = env_int("BENCH_P2_RUNS", 5)
    out = os.path.join(DATA, "tokens.jsonl")
    ours = [BIN, "--json", "--now", NOW, tokens]
    # To a file first (its lines are counted), then through a pipe, then the
    # floor: `cat` of that same output through the same pipe and reader. Only
    # the pipe's copies cost it much (`cat` of the file to /dev/null takes
    # about 0.05 s of it), so no `--json` run of these tokens can be faster.
    floor = ["cat", out]
    t_file, t_pipe, t_floor = alternate([ours, ours, floor], runs, warmup=1,
                                        outputs=[out, PIPE, PIPE])
    lines = count_lines(out)
    if lines != N_TOKENS:
        sys.exit(f"P2: expected {N_TOKENS} JSON lines, got {lines}")
    cpu = statistics.median(CPU[tuple(ours)])
    rates = {}
    for how, t in (("through a pipe", t_pipe), ("to a file", t_file)):
        wall = statistics.median(t)
        rates[how] = N_TOKENS / wall
        say(f"P2 bulk, --json over {N_TOKENS:,} tokens {how}, {runs} runs: "
            f"median {fmt_time(wall)} = {rates[how]:,.0f} tokens/s")
    say(f"  {os.path.getsize(out) >> 20} MiB written; cpu {fmt_time(cpu)} (user + sys, all threads); "
        f"pipe/file time {ratio(t_pipe, t_file):.2f}x")
    rate = rates["through a pipe"]
    floor_rate = N_TOKENS / statistics.median(t_floor)
    say(f"  floor: `cat` of the same output through the same pipe: median "
        f"{fmt_time(statistics.median(t_floor))} = {floor_rate:,.0f} tokens/s "
        f"({os.path.getsize(out) / N_TOKENS:,.0f} bytes a line)")
    ROWS.append(("P2", "--json | cat, tokens/s", f"{rate:,.0f}", f"floor {floor_rate:,.0f}/s",
                 f"{rate / floor_rate:.2f}x floor", ">= 1,000,000", rate >= 1_000_000))
    ROWS.append(("P2", "--json > file, tokens/s", f"{rates['to a file']:,.0f}", "", "", "(pipe = file)",
                 None))
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
    ROWS.append(("P2", "", "", f"PyJWT {py_rate:,.0f}/s", f"{x:.1f}x speed", ">= 25x", x >= 25))


def p3_scan(logs):
    runs = env_int("BENCH_P3_RUNS", 7)
    rg = which("rg")
    for shape, log in logs.items():
        ours_out = os.path.join(DATA, f"print-token.{shape}.txt")
        ours = [BIN, "--print-token", log]
        # One run to a file: the tokens, for the comparison with rg, and the file-case time.
        t_file = alternate([ours], 1, warmup=0, outputs=[ours_out])[0]
        n_ours = count_lines(ours_out)
        if not rg:
            t = alternate([ours], runs, warmup=1, outputs=[PIPE])[0]
            say(f"P3 {shape}: skipping ripgrep: `rg` not found (apt-get install ripgrep); "
                f"jwtinspect alone: {fmt_time(statistics.median(t))}, {n_ours} tokens")
            continue
        rg_out = os.path.join(DATA, f"rg.{shape}.txt")
        rg_cmd = [rg, "-o", RG_PATTERN, log]
        subprocess.run(rg_cmd, stdout=open(rg_out, "wb"), check=True)
        with open(ours_out, "rb") as a, open(rg_out, "rb") as b:
            if a.read() != b.read():
                sys.exit(f"P3 {shape}: tokens differ: jwtinspect {n_ours}, rg {count_lines(rg_out)}")
        ta, tb = alternate([ours, rg_cmd], runs, warmup=1, outputs=[PIPE, PIPE])
        x = ratio(tb, ta)
        say(f"P3 scan {shape}, --print-token over {os.path.getsize(log) >> 20} MiB through a pipe, "
            f"{runs} alternating runs: jwtinspect {fmt_time(statistics.median(ta))} "
            f"(to a file {fmt_time(t_file[0])}), rg -o {fmt_time(statistics.median(tb))}; "
            f"{n_ours} tokens, the same as rg's")
        ROWS.append(("P3", f"--print-token {shape}, {n_ours} tokens", fmt_time(statistics.median(ta)),
                     f"rg -o {fmt_time(statistics.median(tb))}", f"{x:.2f}x speed", ">= 1.5x",
                     x >= 1.5))


def openssl_verify_rate(what, seconds):
    """Verifications per second of `openssl speed -seconds N what` (one core)."""
    out = subprocess.run(["openssl", "speed", "-seconds", str(seconds), what],
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1].split()[-1])


def p4_verify():
    runs = env_int("BENCH_P4_RUNS", 5)
    seconds = env_int("BENCH_OPENSSL_SECONDS", 3)
    have_openssl = which("openssl")
    if not have_openssl:
        say("P4: no openssl to compare with (apt-get install openssl); jwtinspect alone")
    for alg, key, speed in VERIFY:
        tokens = signed_path(alg)
        ours = [BIN, "--json", "--now", NOW, "--key", os.path.join(ROOT, "testdata", "keys", key),
                tokens]
        check = subprocess.run(ours, capture_output=True, text=True)
        verified = check.stdout.count('"verified":true')
        if verified != N_SIGNED:
            sys.exit(f"P4 {alg}: {verified} of {N_SIGNED} tokens verified")
        # Alternate: our runs, then one openssl speed run, per round.
        ts, rates = [], []
        for r in range(runs + 1):
            wall, _ = run_once(ours, PIPE)
            if r > 0:
                ts.append(wall)
                if have_openssl:
                    rates.append(openssl_verify_rate(speed, seconds))
        ours_rate = [N_SIGNED / t for t in ts]
        line = (f"P4 verify {alg}, --json --key over {N_SIGNED:,} tokens through a pipe, {runs} runs: "
                f"median {fmt_time(statistics.median(ts))} = {statistics.median(ours_rate):,.0f}/s")
        if not rates:
            say(line)
            continue
        x = statistics.median(a / b for a, b in zip(ours_rate, rates))
        say(line + f"; openssl speed {speed}: {statistics.median(rates):,.0f} verify/s")
        ROWS.append(("P4", f"verify {alg}, {N_SIGNED:,} tokens", f"{statistics.median(ours_rate):,.0f}/s",
                     f"openssl {statistics.median(rates):,.0f}/s", f"{x:.2f}x rate",
                     ">= 1.5x (2 cores)", x >= 1.5))


def peak_rss_kib(cmd):
    """Peak RSS in KiB from /usr/bin/time -f %M."""
    with tempfile.NamedTemporaryFile("r") as f:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(f.read().split()[-1])


def p6_memory(logs):
    if not os.path.exists("/usr/bin/time"):
        say("P6: skipping: /usr/bin/time not found (apt-get install time)")
        return
    modes = [(shape, ["--print-token"]) for shape in logs]
    modes.append(("nginx", ["--json", "--now", NOW]))
    for shape, mode in modes:
        kib = max(peak_rss_kib([BIN] + mode + [logs[shape]]) for _ in range(3))
        say(f"P6 peak RSS, {' '.join(mode)} over the {shape} log: {kib / 1024:.1f} MiB")
        ROWS.append(("P6", f"peak RSS, {mode[0]} {shape}", f"{kib / 1024:.1f} MiB", "", "",
                     "<= 16 MiB", kib <= 16 * 1024))


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
    tokens, logs = ensure_data()
    say(f"{os.cpu_count()} CPUs; data in {DATA}")
    only = set(sys.argv[1:]) or {"P1", "P2", "P3", "P4", "P6"}
    if "P1" in only:
        p1_startup(tokens)
    if "P2" in only:
        p2_bulk(tokens)
    if "P3" in only:
        p3_scan(logs)
    if "P4" in only:
        p4_verify()
    if "P6" in only:
        p6_memory(logs)
    table()


if __name__ == "__main__":
    main()
