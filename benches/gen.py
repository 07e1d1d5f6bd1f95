#!/usr/bin/env python3
"""Deterministic data sets for benches/run.sh and the output-equivalence test.

    gen.py tokens N FILE          N HS256 tokens, one per line
    gen.py log BYTES TOKENS FILE  a web/app log of BYTES bytes with TOKENS Bearer tokens
    gen.py sample FILE            testdata/bench-sample.jwt: varied tokens and edge cases

Everything comes from random.Random with a fixed seed, so the same command
always writes the same bytes. Payloads follow the shapes real services issue:
ImmPort (Spring OAuth2), ItemPath (flask-jwt-extended), Keycloak, Cognito,
Entra, Auth0. Times sit around 2021-09-12T00:23:20Z (1631406200), the --now
the benchmarks use, so tokens are a mix of valid, expired, not yet valid and
never-expiring.
"""

import base64
import hashlib
import hmac
import json
import random
import sys

NOW = 1631406200
SECRET = b"bench-secret-not-for-production"

FIRST = ["jo", "ana", "li", "sam", "kim", "ola", "raj", "mia", "tom", "eva", "ivan", "zoe",
         "noor", "yuki", "lars", "ines", "chen", "amir", "sofia", "mateo"]
LAST = ["camp", "smith", "garcia", "mueller", "rossi", "tanaka", "kowalski", "okafor",
        "nguyen", "silva", "dubois", "jensen", "haddad", "lopez", "kim", "patel"]
ROLES = ["ROLE_USER", "ROLE_ADMIN", "ROLE_CURATOR", "ROLE_UPLOADER", "ROLE_REVIEWER"]
SCOPES = ["browse", "download", "upload", "openid", "email", "profile", "offline_access",
          "read:studies", "write:studies"]
HOSTS = ["immport.example.org", "itempath.example.com", "kc.example.net", "api.example.io"]
PATHS = ["/api/users/login", "/api/users/refresh", "/api/items", "/api/items/4711",
         "/data/query/result/study", "/auth/token", "/static/app.js", "/health",
         "/api/search?q=cytokine&page=2", "/favicon.ico"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:92.0) Gecko/20100101 Firefox/92.0",
          "curl/7.79.1", "python-requests/2.26.0",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def sign(header, payload) -> str:
    signing_input = b64(compact(header)) + "." + b64(compact(payload))
    mac = hmac.new(SECRET, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(mac)


def uuid(rng) -> str:
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def user(rng):
    return rng.choice(FIRST) + rng.choice(LAST) + (str(rng.randrange(100)) if rng.random() < 0.3 else "")


def times(rng, lifetime):
    """iat and exp around NOW: about 60 % valid, 35 % expired, 5 % not yet valid."""
    r = rng.random()
    if r < 0.60:
        iat = NOW - rng.randrange(lifetime)
    elif r < 0.95:
        iat = NOW - lifetime - rng.randrange(3 * 365 * 86400)
    else:
        iat = NOW + rng.randrange(60, 3600)
    return iat, iat + lifetime


def immport(rng):
    iat, exp = times(rng, 1800)
    return {"user_name": user(rng),
            "scope": rng.sample(SCOPES[:3], rng.randrange(1, 4)),
            "exp": exp,
            "authorities": rng.sample(ROLES, rng.randrange(1, 3)),
            "jti": uuid(rng),
            "client_id": "immport-auth-token-client"}


def itempath(rng):
    iat, exp = times(rng, 900)
    kind = rng.choice(["access", "access", "refresh"])
    claims = {"fresh": rng.random() < 0.2, "iat": iat, "jti": uuid(rng), "type": kind,
              "sub": user(rng) + "@example.com", "nbf": iat}
    if rng.random() < 0.9:
        claims["exp"] = exp if kind == "access" else exp + 29 * 86400
    if rng.random() < 0.5:
        claims["roles"] = rng.sample(["admin", "editor", "viewer", "operator"], rng.randrange(1, 3))
    return claims


def keycloak(rng):
    iat, exp = times(rng, 300)
    name = user(rng)
    given, family = name[:3].title(), name[3:].title()
    return {"exp": exp, "iat": iat, "auth_time": iat - rng.randrange(600), "jti": uuid(rng),
            "iss": "https://kc.example.net/realms/lab", "aud": ["account", "lab-portal"],
            "sub": uuid(rng), "typ": "Bearer", "azp": "lab-portal", "session_state": uuid(rng),
            "acr": "1", "realm_access": {"roles": rng.sample(["offline_access", "uma_authorization",
                                                              "lab-user", "lab-admin"], 2)},
            "resource_access": {"account": {"roles": ["manage-account", "view-profile"]},
                                "lab-portal": {"roles": rng.sample(["reader", "writer"], 1)}},
            "scope": " ".join(rng.sample(SCOPES[3:7], 3)), "sid": uuid(rng),
            "email_verified": rng.random() < 0.8, "name": f"{given} {family}",
            "preferred_username": name, "given_name": given, "family_name": family,
            "email": f"{name}@example.net"}


def cognito(rng):
    iat, exp = times(rng, 3600)
    return {"sub": uuid(rng), "cognito:groups": ["researchers"], "iss":
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E",
            "version": 2, "client_id": "3n4b5urk1ft4fl3mg5e62d9ado", "origin_jti": uuid(rng),
            "event_id": uuid(rng), "token_use": "access", "scope": "aws.cognito.signin.user.admin",
            "auth_time": iat, "exp": exp, "iat": iat, "jti": uuid(rng), "username": user(rng)}


def entra(rng):
    iat, exp = times(rng, 4500)
    return {"aud": "api://b1f3c2d4-lab", "iss": "https://sts.windows.net/72f988bf-86f1/",
            "iat": iat, "nbf": iat, "exp": exp, "appid": "1950a258-227b-4e31-a9cf-717495945fc2",
            "name": "Ünal Øster", "oid": uuid(rng), "roles": ["Study.Read", "Study.Write"][:rng.randrange(1, 3)],
            "scp": "user_impersonation", "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "upn": user(rng) + "@contoso.example", "ver": "1.0"}


def auth0(rng):
    iat, exp = times(rng, 86400)
    return {"https://example.io/roles": ["member"], "iss": "https://example.eu.auth0.com/",
            "sub": "auth0|" + "%024x" % rng.getrandbits(96), "aud": "https://api.example.io",
            "iat": iat, "exp": exp, "azp": "Zx9Kq2Lm8Np4Rs6Tu0Vw", "permissions":
            rng.sample(["read:items", "write:items", "delete:items"], 2)}


ISSUERS = [(immport, 30), (itempath, 30), (keycloak, 15), (cognito, 10), (entra, 8), (auth0, 7)]
HEADERS = [({"alg": "HS256", "typ": "JWT"}, 90), ({"typ": "JWT", "alg": "HS256"}, 6),
           ({"alg": "HS256", "typ": "JWT", "kid": "2021-09"}, 4)]


def pick(rng, weighted):
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def token(rng) -> str:
    return sign(pick(rng, HEADERS), pick(rng, ISSUERS)(rng))


def tokens(n, path):
    rng = random.Random(20210912)
    with open(path, "w") as f:
        for _ in range(n):
            f.write(token(rng) + "\n")


def ordinary_line(rng, ts):
    r = rng.random()
    ip = "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    if r < 0.45:
        return (f'{ip} - - [{ts}] "GET {rng.choice(PATHS)} HTTP/1.1" {rng.choice([200, 200, 200, 304, 404])} '
                f'{rng.randrange(100, 90000)} "https://{rng.choice(HOSTS)}/" "{rng.choice(AGENTS)}"')
    if r < 0.75:
        return (f"{ts} INFO  [worker-{rng.randrange(16)}] request id={uuid(rng)} path={rng.choice(PATHS)} "
                f"took={rng.randrange(1, 900)}ms user={user(rng)}")
    if r < 0.95:
        return json.dumps({"ts": ts, "level": rng.choice(["info", "debug", "warn"]),
                           "msg": rng.choice(["cache miss", "query done", "session refreshed"]),
                           "status": rng.choice([200, 201, 401]), "bytes": rng.randrange(10**6)},
                          separators=(",", ":"))
    # A base64 JSON blob that is no JWT (no dots): both tools must pass over it.
    blob = b64(compact({"page": rng.randrange(99), "sort": "name"}))
    return f"{ts} DEBUG cursor={blob} next={rng.randrange(10**9)}"


def token_line(rng, ts):
    t = token(rng)
    r = rng.random()
    if r < 0.7:
        return f'{ts} DEBUG http: > GET {rng.choice(PATHS)} Authorization: Bearer {t}'
    if r < 0.9:
        return f'{ts} DEBUG upstream headers: {{"Authorization": "Bearer {t}", "Accept": "application/json"}}'
    return f'{ts} INFO  login ok: {{"status" : 200, "access_token" : "{t}"}}'


def log(size, n_tokens, path):
    rng = random.Random(256)
    # Token lines go at evenly spread byte offsets.
    every = size // n_tokens
    written, next_token, out, emitted, sec = 0, every // 2, [], 0, 0
    with open(path, "w") as f:
        while True:
            sec += 1
            ts = "2021-09-12T%02d:%02d:%02d.%03dZ" % (sec // 3600 % 24, sec // 60 % 60, sec % 60,
                                                      rng.randrange(1000))
            if written >= next_token and emitted < n_tokens:
                line = token_line(rng, ts)
                emitted += 1
                next_token += every
            else:
                line = ordinary_line(rng, ts)
            line += "\n"
            if written + len(line) > size:
                break
            out.append(line)
            written += len(line)
            if len(out) >= 4096:
                f.write("".join(out))
                out.clear()
        # Fill to exactly `size` bytes.
        out.append("#" * (size - written - 1) + "\n" if size - written > 0 else "")
        f.write("".join(out))
    if emitted != n_tokens:
        sys.exit(f"gen.py: only {emitted} of {n_tokens} tokens fit")


def edge_cases(rng):
    """Tokens and lines that take the unusual paths of the decoder and reports."""
    h = {"alg": "HS256", "typ": "JWT"}
    good = sign(h, immport(rng))
    _, pay, sig = good.split(".")

    def enc(obj):
        return b64(compact(obj))

    def with_claims(claims, header=h):
        return enc(header) + "." + enc(claims) + "." + sig

    yield "Authorization: Bearer " + good
    yield enc({"alg": "none"}) + "." + enc(itempath(rng)) + "."
    yield enc({"alg": "RSA-OAEP", "enc": "A256GCM"}) + ".a2V5.aXY.Y2lwaGVy.dGFn"
    yield '{"status" : 200, "access_token" : "Example-OiJSUzI1NiJ9.' + pay + "." + sig + '"}'
    yield enc(h) + "." + b64(b"It is a dangerous business, Frodo, going out your door.") + "." + sig
    yield enc(h) + "." + b64(b"[1,2,3]") + "." + sig
    yield with_claims({"sub": "x", "exp": "1631406200", "nbf": None})
    yield with_claims({"sub": "frac", "exp": NOW + 0.75, "iat": NOW - 10.5})
    yield with_claims({"sub": "big", "exp": 10**20})
    yield with_claims({"user_name": "ev\u202eil", "note": "a\u001b]52;c;ZXZpbA==\u0007b"})
    yield with_claims({"sub": "é ü 日本", "exp": NOW}, {"alg": "HS256", "typ": "JWT", "x": "Ж\u0085"})
    yield with_claims({"sub": "long", "blob": "x" * 2500, "exp": NOW + 1})
    padded = base64.b64encode(compact({"alg": "HS256"})).decode()
    std_payload = base64.b64encode(compact({"sub": "??>??", "exp": NOW + 60})).decode()
    yield padded + "." + std_payload + "." + sig
    yield enc(h) + "." + pay + "." + sig + ".extra"
    yield enc(h) + "." + pay
    yield enc({"typ": "JWT"}) + "." + pay + "." + sig
    yield enc({"alg": 7}) + "." + pay + "." + sig
    yield "see " + good + ". And again: " + good + "... the end"
    yield "xx" + good  # inside a longer base64url run: not a token
    yield enc(h) + ".!!!!." + sig
    yield "cookie: theme=dark; session=" + good + "; lang=en"
    yield '{"login":true,"accessToken":"' + good + '","refreshToken":"' + sign(h, itempath(rng)) + '"}'
    yield with_claims({"iat": NOW, "nbf": NOW + 3600, "exp": NOW + 7200, "sub": "later"})
    yield with_claims({"sub": "nested", "a": {"b": [1, {"c": None}], "d": True}, "n": -0.0, "e": 1e300})
    yield with_claims({"sub": "esc", "q": 'quote" back\\ nl\n tab\t', "u": "\u2028"})
    yield with_claims({"resource_access": {"app": {"roles": ["a", "b"]}}, "realm_access": {"roles": "one"},
                       "scope": ["x", "y"], "aud": "single", "typ": "ID_TOKEN", "nonce": "n"})
    yield with_claims({"uid": 12345, "iss": 99, "jti": 3.5, "token_use": "id"})
    yield enc(h) + "." + enc({}) + "."


def sample(path):
    rng = random.Random(7)
    lines = []
    for _ in range(80):
        lines.append(token(rng))
    for _ in range(30):
        ts = "2021-09-12T00:%02d:%02d.000Z" % (rng.randrange(60), rng.randrange(60))
        lines.append(token_line(rng, ts))
        lines.append(ordinary_line(rng, ts))
    lines.extend(edge_cases(rng))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    cmd = sys.argv[1:2]
    if cmd == ["tokens"]:
        tokens(int(sys.argv[2]), sys.argv[3])
    elif cmd == ["log"]:
        log(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif cmd == ["sample"]:
        sample(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
