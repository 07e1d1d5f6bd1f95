#!/usr/bin/env python3
"""Regenerate the signed sample tokens in testdata/ (Python standard library only).

For every providers/NAME.header.json + providers/NAME.payload.json pair this
writes providers/NAME.jwt: a one-line compact JWS (plus a trailing newline),
HS256-signed with the secret below.  Header and payload are serialised
compactly (no whitespace) with their members in the file's order, so the
output is byte-for-byte deterministic.

It also rewrites the two files that embed generated tokens:
  immport-batch-login.json  (Batch Updater login response, token = providers/immport-batch.jwt)
  app.log                   (application log with three embedded tokens)
  keycloak-response.json    (Keycloak token endpoint answer: access, refresh, id token)

Usage:
  python3 testdata/make_tokens.py           rewrite the files
  python3 testdata/make_tokens.py --check   exit 1 if any file is out of date
"""
import base64
import hashlib
import hmac
import json
import os
import sys

SECRET = b"jwtinspect-test-secret"
HERE = os.path.dirname(os.path.abspath(__file__))
PROVIDERS = os.path.join(HERE, "providers")

# Seed 003 (ItemPath docs): the access token returned by /api/users/login.
ITEMPATH_SEED_ACCESS = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJmcmVzaCI6ZmFsc2UsImlhdCI6MTYzMTQwNjE4MSwianRpIjoiMmE1NWZlMmMtMjg1Ny00OTJmLTkyMzEtZTlkOTUzZDFhNzZhIiwidHlwZSI6ImFjY2VzcyIsImlkZW50aXR5IjoibWdvcmRvbiIsIm5iZiI6MTYzMTQwNjE4MSwiZXhwIjoxNjMxNDA3MDgxfQ.65uARe8bQuNXHqVk2ykYxe-VeStQChY_Z5mEZ3Sqhec"
)

APP_LOG = """\
2023-11-14 22:13:01,114 INFO  [main] org.example.orders.Application - Starting OrdersApplication v2.4.1 using Java 17.0.9 with PID 48213
2023-11-14 22:13:01,120 INFO  [main] org.example.orders.Application - No active profile set, falling back to 1 default profile: "default"
2023-11-14 22:13:03,587 INFO  [main] o.s.b.w.embedded.tomcat.TomcatWebServer - Tomcat initialized with port 8080 (http)
2023-11-14 22:13:04,902 INFO  [main] com.zaxxer.hikari.HikariDataSource - HikariPool-1 - Start completed.
2023-11-14 22:13:06,233 INFO  [main] org.example.orders.Application - Started OrdersApplication in 5.412 seconds (process running for 6.01)
2023-11-14 22:13:20,018 INFO  [http-nio-8080-exec-1] o.a.c.c.C.[Tomcat].[localhost].[/] - Initializing Spring DispatcherServlet 'dispatcherServlet'
2023-11-14 22:13:20,455 INFO  [http-nio-8080-exec-1] access - 10.0.4.17 "GET /api/orders?page=1&size=20&access_token={KEYCLOAK} HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
2023-11-14 22:13:20,461 DEBUG [http-nio-8080-exec-1] org.example.orders.web.OrderController - listOrders page=1 size=20 -> 20 rows in 12 ms
2023-11-14 22:13:21,870 WARN  [http-nio-8080-exec-2] org.example.orders.web.OrderController - order 48817 not found
2023-11-14 22:13:21,872 INFO  [http-nio-8080-exec-2] access - 10.0.4.17 "GET /api/orders/48817 HTTP/1.1" 404 87 "-" "curl/8.4.0"
2023-11-14 22:13:25,301 DEBUG [http-nio-8080-exec-3] org.example.orders.proxy.StationClient - forwarding request headers: Accept=application/json; Cookie: lang=en-GB; token={ITEMPATH}; theme=dark
2023-11-14 22:13:25,348 INFO  [http-nio-8080-exec-3] access - 10.0.4.22 "GET /api/stations HTTP/1.1" 200 1840 "-" "python-requests/2.31.0"
2023-11-14 22:13:30,002 INFO  [scheduling-1] org.example.orders.jobs.Reconciler - reconciliation run 2311142213 started
2023-11-14 22:13:30,977 INFO  [scheduling-1] org.example.orders.jobs.Reconciler - reconciliation run 2311142213 finished: 341 checked, 0 mismatches
{{"ts":"2023-11-14T22:13:41.508Z","level":"info","logger":"auth.callback","msg":"oidc login completed","user":"jsmith@example.com","provider":"google","tokens":{{"token_type":"Bearer","expires_in":3599,"id_token":"{GOOGLE_ID}"}}}}
2023-11-14 22:13:41,522 INFO  [http-nio-8080-exec-5] access - 10.0.4.31 "GET /auth/callback?state=af0ifjsldkj&code=4%2F0AfJohXn HTTP/1.1" 302 0 "https://accounts.google.com/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"
2023-11-14 22:13:45,090 ERROR [http-nio-8080-exec-6] org.example.orders.web.ErrorHandler - request failed: java.net.SocketTimeoutException: Read timed out (inventory-service:8443)
2023-11-14 22:13:45,091 INFO  [http-nio-8080-exec-6] access - 10.0.4.17 "POST /api/orders HTTP/1.1" 504 112 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
2023-11-14 22:14:00,000 INFO  [HikariPool-1 housekeeper] com.zaxxer.hikari.pool.HikariPool - HikariPool-1 - Pool stats (total=10, active=0, idle=10, waiting=0)
2023-11-14 22:14:12,730 INFO  [SpringApplicationShutdownHook] org.example.orders.Application - Shutting down OrdersApplication
"""


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact_json(path):
    with open(path, encoding="utf-8") as f:
        obj = json.load(f)  # dicts keep the file's member order
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(header_path, payload_path):
    signing_input = b64url(compact_json(header_path)) + "." + b64url(compact_json(payload_path))
    mac = hmac.new(SECRET, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


# A Keycloak token endpoint answer: the access token above, an HS512 refresh
# token (Keycloak signs those with a realm HMAC key: REFRESH_SECRET) and an id token.
REFRESH_SECRET = b"keycloak-realm-refresh-secret-of-64-bytes-for-hs512-0123456789ab"
KEYCLOAK_REFRESH = (
    {"alg": "HS512", "typ": "JWT", "kid": "8f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"},
    {"exp": 1700001800, "iat": 1700000000, "jti": "0d9c8b7a-6f5e-4d3c-2b1a-098765432100",
     "iss": "https://sso.example.com/realms/acme", "aud": "https://sso.example.com/realms/acme",
     "sub": "f1c2a3b4-5d6e-4f70-8a9b-0c1d2e3f4a5b", "typ": "Refresh", "azp": "orders-web",
     "session_state": "7c9e2d41-3b5a-4f6e-8d1c-2a4b6c8d0e1f", "scope": "openid profile email",
     "sid": "7c9e2d41-3b5a-4f6e-8d1c-2a4b6c8d0e1f"},
)
KEYCLOAK_ID = (
    {"alg": "HS256", "typ": "JWT", "kid": "3dKhlk2nhUa9ZHdYOOJRgtgWuVb5vQkYkm1RkyO9kXg"},
    {"exp": 1700000300, "iat": 1700000000, "auth_time": 1699999990,
     "jti": "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d", "iss": "https://sso.example.com/realms/acme",
     "aud": "orders-web", "sub": "f1c2a3b4-5d6e-4f70-8a9b-0c1d2e3f4a5b", "typ": "ID",
     "azp": "orders-web", "nonce": "n-0S6_WzA2Mj", "session_state": "7c9e2d41-3b5a-4f6e-8d1c-2a4b6c8d0e1f",
     "at_hash": "x7y9Cq0rVZxk7bE2mFq1Ow", "acr": "1", "sid": "7c9e2d41-3b5a-4f6e-8d1c-2a4b6c8d0e1f",
     "email_verified": True, "name": "Jane Doe", "preferred_username": "jdoe",
     "given_name": "Jane", "family_name": "Doe", "email": "jane.doe@example.com"},
)


def sign_dicts(header, payload, secret, digest):
    enc = lambda o: b64url(json.dumps(o, separators=(",", ":")).encode("utf-8"))
    signing_input = enc(header) + "." + enc(payload)
    return signing_input + "." + b64url(hmac.new(secret, signing_input.encode("ascii"), digest).digest())


def outputs():
    files = {}
    tokens = {}
    for fn in sorted(os.listdir(PROVIDERS)):
        if not fn.endswith(".header.json"):
            continue
        name = fn[: -len(".header.json")]
        payload = os.path.join(PROVIDERS, name + ".payload.json")
        if not os.path.exists(payload):
            continue
        tokens[name] = sign(os.path.join(PROVIDERS, fn), payload)
        files[os.path.join(PROVIDERS, name + ".jwt")] = tokens[name] + "\n"
    files[os.path.join(HERE, "immport-batch-login.json")] = (
        '{\n  "status" : 200,\n  "token" : "%s"\n}\n' % tokens["immport-batch"]
    )
    files[os.path.join(HERE, "app.log")] = APP_LOG.format(
        KEYCLOAK=tokens["keycloak"], ITEMPATH=ITEMPATH_SEED_ACCESS, GOOGLE_ID=tokens["google-id"]
    )
    files[os.path.join(HERE, "keycloak-response.json")] = json.dumps(
        {
            "access_token": tokens["keycloak"],
            "expires_in": 300,
            "refresh_expires_in": 1800,
            "refresh_token": sign_dicts(*KEYCLOAK_REFRESH, REFRESH_SECRET, hashlib.sha512),
            "token_type": "Bearer",
            "id_token": sign_dicts(*KEYCLOAK_ID, SECRET, hashlib.sha256),
            "not-before-policy": 0,
            "session_state": "7c9e2d41-3b5a-4f6e-8d1c-2a4b6c8d0e1f",
            "scope": "openid profile email",
        },
        indent=2,
    ) + "\n"
    return files


def main():
    check = "--check" in sys.argv[1:]
    stale = 0
    for path, text in outputs().items():
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8", newline="") as f:
                old = f.read()
        if old == text:
            continue
        rel = os.path.relpath(path, HERE)
        if check:
            print("out of date: " + rel)
            stale += 1
        else:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            print("wrote " + rel)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
