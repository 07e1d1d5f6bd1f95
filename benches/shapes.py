#!/usr/bin/env python3
"""More data sets for benches/run.sh: log shapes as users have them, and signed tokens.

    shapes.py log SHAPE BYTES FILE   a log of exactly BYTES bytes; SHAPE is one of
                                     nginx   combined format plus key="value" timing fields,
                                             a Bearer token on about one line in a hundred
                                     jsonl   JSON-lines application log (zap/pino style)
                                     plain   a Java/Spring-style application log with stack traces
                                     har     a browser HAR export (pretty-printed JSON, one document)
                                     syslog  RFC 3164 syslog, every line ending in a word or a number
    shapes.py signed ALG N FILE      N tokens signed with testdata/keys (RS256: rsa-private.pem,
                                     ES256: ec-256-private.pem), one per line

Every token in a log is a plain `eyJ...` JWS, so `rg -o` with the bench's
pattern finds exactly the tokens jwtinspect finds. Fixed seeds: the same
command always writes the same bytes.
"""

import base64
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402  (the token shapes and the HS256 signer)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
METHODS = ["GET"] * 8 + ["POST", "POST", "PUT", "DELETE", "OPTIONS"]
STATUS = [200] * 12 + [201, 204, 301, 304, 304, 400, 401, 403, 404, 404, 500, 502]
LOGGERS = ["c.e.lab.web.RequestLoggingFilter", "c.e.lab.security.JwtAuthFilter",
           "o.s.web.servlet.DispatcherServlet", "c.e.lab.study.StudyService",
           "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.z.hikari.pool.HikariPool"]


def nginx_time(sec):
    return "%02d/Sep/2021:%02d:%02d:%02d +0000" % (12 + sec // 86400 % 18, sec // 3600 % 24,
                                                     sec // 60 % 60, sec % 60)


def ip(rng):
    return "%d.%d.%d.%d" % (rng.choice([10, 172, 192, 81, 203]), rng.randrange(256),
                            rng.randrange(256), rng.randrange(1, 255))


def path(rng):
    p = rng.choice(gen.PATHS)
    if rng.random() < 0.3:
        p += ("&" if "?" in p else "?") + "utm_source=mail&id=%d" % rng.randrange(10**6)
    return p


def nginx_line(rng, sec, token):
    """Combined format, then the timing and upstream fields of a `log_format` with quotes."""
    rt = rng.randrange(1, 2500) / 1000
    fields = [
        f'{ip(rng)} - {gen.user(rng) if rng.random() < 0.2 else "-"} [{nginx_time(sec)}] '
        f'"{rng.choice(METHODS)} {path(rng)} HTTP/1.1" {rng.choice(STATUS)} {rng.randrange(0, 90000)} '
        f'"https://{rng.choice(gen.HOSTS)}/" "{rng.choice(gen.AGENTS)}"',
        f'rt="{rt:.3f}" uct="0.00{rng.randrange(10)}" uht="{rt * 0.9:.3f}" urt="{rt * 0.95:.3f}"',
        f'ua="10.0.{rng.randrange(8)}.{rng.randrange(2, 40)}:8080" us="200" '
        f'rid="{rng.getrandbits(128):032x}" host="{rng.choice(gen.HOSTS)}" gz="{rng.random() * 5:.2f}"',
    ]
    if token:
        fields.append(f'auth="Bearer {token}"')
    return " ".join(fields)


def jsonl_line(rng, sec, token):
    rec = {"level": rng.choice(["info"] * 8 + ["debug", "warn", "error"]),
           "ts": 1631406200 + sec + rng.randrange(1000) / 1000,
           "caller": rng.choice(["http/server.go:142", "auth/middleware.go:88", "store/pg.go:301"]),
           "msg": rng.choice(["request", "request", "query done", "cache miss", "upstream slow"]),
           "method": rng.choice(METHODS), "path": path(rng), "status": rng.choice(STATUS),
           "latency": "%.1fms" % (rng.randrange(1, 9000) / 10), "bytes": rng.randrange(90000),
           "remote_addr": f"{ip(rng)}:{rng.randrange(1024, 65535)}",
           "user_agent": rng.choice(gen.AGENTS), "request_id": gen.uuid(rng)}
    if token:
        rec["headers"] = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    return json.dumps(rec, separators=(",", ":"))


def plain_lines(rng, sec, token):
    ts = "2021-09-12 %02d:%02d:%02d.%03d" % (sec // 3600 % 24, sec // 60 % 60, sec % 60,
                                              rng.randrange(1000))
    head = (f"{ts} {rng.choice(['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN'])} 4711 --- "
            f"[nio-8080-exec-{rng.randrange(1, 11)}] {rng.choice(LOGGERS):<40} : ")
    if token:
        if rng.random() < 0.5:
            return [head + f"Authorization header: Bearer {token}"]
        return [head + f"validating token={token} for user={gen.user(rng)}"]
    r = rng.random()
    if r < 0.97:
        return [head + f"{rng.choice(METHODS)} {path(rng)} status={rng.choice(STATUS)} "
                f"took={rng.randrange(1, 900)}ms user={gen.user(rng)} session={gen.uuid(rng)}"]
    lines = [head.replace("INFO", "ERROR") + "Request processing failed: "
             "org.springframework.dao.DataAccessResourceFailureException: connection reset"]
    for frame in range(rng.randrange(6, 20)):
        lines.append(f"\tat com.example.lab.{rng.choice(['study', 'web', 'store'])}."
                     f"Layer{frame}.handle(Layer{frame}.java:{rng.randrange(20, 900)})")
    return lines


def syslog_line(rng, sec, token):
    """RFC 3164 syslog as journald or rsyslog writes it: every line ends in a
    word or a number, and a token stands mid-line after `token=`."""
    stamp = "Sep %2d %02d:%02d:%02d" % (12 + sec // 86400 % 18, sec // 3600 % 24, sec // 60 % 60,
                                         sec % 60)
    host = rng.choice(["lab-web-01", "lab-web-02", "lab-db-1", "gw"])
    prog = rng.choice(["sshd", "nginx", "immport-api", "kernel", "CRON"])
    pid = rng.randrange(100, 99999)
    if token:
        text = (f"request {rng.choice(METHODS)} {path(rng)} authorized token={token} "
                f"user {gen.user(rng)} took {rng.randrange(1, 2500)}ms")
    else:
        text = rng.choice([
            f"Accepted publickey for {gen.user(rng)} from {ip(rng)} port {rng.randrange(1024, 65535)} ssh2",
            f"{rng.choice(METHODS)} {path(rng)} status {rng.choice(STATUS)} took {rng.randrange(1, 2500)}ms",
            f"pam_unix(cron:session): session closed for user {gen.user(rng)}",
            f"Connection closed by {ip(rng)} port {rng.randrange(1024, 65535)}",
            f"worker {rng.randrange(64)} reaped, {rng.randrange(10**6)} requests served",
        ])
    return f"{stamp} {host} {prog}[{pid}]: {text}"


def har_entry(rng, sec, token):
    method = rng.choice(METHODS)
    host = rng.choice(gen.HOSTS)
    headers = [{"name": "Host", "value": host},
               {"name": "User-Agent", "value": rng.choice(gen.AGENTS)},
               {"name": "Accept", "value": "application/json, text/plain, */*"},
               {"name": "Accept-Language", "value": "en-GB,en;q=0.5"},
               {"name": "Cookie", "value": f"theme=dark; _ga=GA1.2.{rng.randrange(10**9)}.1631400000"}]
    if token:
        headers.insert(3, {"name": "Authorization", "value": "Bearer " + token})
    body = json.dumps({"items": [{"id": rng.randrange(10**6), "name": gen.user(rng),
                                  "updated": 1631406200 - rng.randrange(10**6)}
                                 for _ in range(rng.randrange(1, 6))], "page": rng.randrange(40)})
    started = "2021-09-12T%02d:%02d:%02d.%03dZ" % (sec // 3600 % 24, sec // 60 % 60, sec % 60,
                                                   rng.randrange(1000))
    return {
        "pageref": "page_1", "startedDateTime": started, "time": rng.randrange(5, 900) / 3,
        "request": {"method": method, "url": f"https://{host}{path(rng)}", "httpVersion": "HTTP/2",
                    "cookies": [{"name": "theme", "value": "dark"}], "headers": headers,
                    "queryString": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "cookies": [],
                     "headers": [{"name": "content-type", "value": "application/json"},
                                 {"name": "content-length", "value": str(len(body))},
                                 {"name": "date", "value": "Sun, 12 Sep 2021 00:23:20 GMT"}],
                     "content": {"size": len(body), "mimeType": "application/json", "text": body},
                     "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
        "cache": {}, "timings": {"blocked": 0.5, "dns": -1, "connect": -1, "ssl": -1,
                                 "send": 0.2, "wait": rng.randrange(5, 800) / 3, "receive": 0.4},
        "serverIPAddress": ip(rng), "connection": str(rng.randrange(100, 999)),
    }


def log(shape, size, out_path):
    rng = random.Random({"nginx": 1, "jsonl": 2, "plain": 3, "har": 4, "syslog": 6}[shape])
    trng = random.Random(5)
    written, sec, tokens = 0, 0, 0
    with open(out_path, "w", encoding="utf-8") as f:
        chunk = []
        if shape == "har":
            head = '{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "Firefox", ' \
                   '"version": "92.0"},\n    "pages": [],\n    "entries": [\n'
            chunk.append(head)
            written = len(head)
            tail = "\n    ]\n  }\n}\n"
            first = True
        while True:
            sec += 1
            token = gen.token(trng) if rng.random() < 0.01 else None
            if shape == "nginx":
                lines = [nginx_line(rng, sec, token)]
            elif shape == "jsonl":
                lines = [jsonl_line(rng, sec, token)]
            elif shape == "plain":
                lines = plain_lines(rng, sec, token)
            elif shape == "syslog":
                lines = [syslog_line(rng, sec, token)]
            else:
                # A token in about one entry in twenty-five: an entry is about 25 log lines long.
                token = gen.token(trng) if rng.random() < 0.04 else None
                text = json.dumps(har_entry(rng, sec, token), indent=2)
                text = ("" if first else ",\n") + "\n".join("      " + s for s in text.split("\n"))
                lines = [text]
            text = "".join(s + "\n" for s in lines) if shape != "har" else lines[0]
            room = size - written - (len(tail) if shape == "har" else 0)
            if len(text.encode()) > room:
                break
            first = False
            tokens += token is not None
            chunk.append(text)
            written += len(text.encode())
            if len(chunk) >= 2048:
                f.write("".join(chunk))
                chunk.clear()
        # Exactly `size` bytes: pad with whitespace (HAR) or a comment line.
        room = size - written - (len(tail) if shape == "har" else 0)
        if shape == "har":
            chunk.append(" " * room + tail)
        elif room > 0:
            chunk.append("#" * (room - 1) + "\n")
        f.write("".join(chunk))
    return tokens


def signed(alg, n, out_path):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

    name = {"RS256": "rsa-private.pem", "ES256": "ec-256-private.pem"}[alg]
    with open(os.path.join(ROOT, "testdata", "keys", name), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    rng = random.Random(17)
    header = gen.b64(gen.compact({"alg": alg, "typ": "JWT", "kid": "bench-" + alg.lower()}))
    with open(out_path, "w") as f:
        for _ in range(n):
            payload = gen.pick(rng, gen.ISSUERS)(rng)
            signing_input = header + "." + gen.b64(gen.compact(payload))
            data = signing_input.encode()
            if alg == "RS256":
                sig = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
            else:
                r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
                sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
            f.write(signing_input + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode() + "\n")


def main():
    cmd = sys.argv[1:2]
    if cmd == ["log"] and len(sys.argv) == 5:
        n = log(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        print(f"{sys.argv[4]}: {n} tokens")
    elif cmd == ["signed"] and len(sys.argv) == 5:
        signed(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
