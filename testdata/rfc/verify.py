#!/usr/bin/env python3
"""Check the RFC signature test vectors in this directory with the Python
standard library only (no third-party crypto).

For every NAME.jwt it checks that the segments base64url-decode, reports
whether the header/payload are JSON, and verifies the signature against
NAME.pub.json (or NAME.key.json) with a from-scratch implementation of
HS256/RS256/PS384/ES256/ES512/EdDSA(Ed25519).  `alg: none` has no signature.

Run:  python3 testdata/rfc/verify.py      (exit status 0 when all verify)
"""
import base64
import hashlib
import hmac
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def b64u(s):
    if "=" in s or "+" in s or "/" in s:
        raise ValueError("not base64url without padding")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def to_int(s):
    return int.from_bytes(b64u(s), "big")


# ---------------------------------------------------------------- RSA
DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
}


def rsa_pkcs1v15_verify(jwk, msg, sig, hname):
    n, e = to_int(jwk["n"]), to_int(jwk["e"])
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    em = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")
    t = DIGEST_INFO[hname] + hashlib.new(hname, msg).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(em, expected)


def mgf1(seed, length, hname):
    out = b""
    c = 0
    while len(out) < length:
        out += hashlib.new(hname, seed + c.to_bytes(4, "big")).digest()
        c += 1
    return out[:length]


def rsa_pss_verify(jwk, msg, sig, hname):
    # RFC 7518 3.5: MGF1 with the same hash, salt length = hash output size.
    n, e = to_int(jwk["n"]), to_int(jwk["e"])
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    embits = n.bit_length() - 1
    emlen = (embits + 7) // 8
    em = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")[-emlen:]
    h = hashlib.new(hname)
    hlen = h.digest_size
    slen = hlen
    mhash = hashlib.new(hname, msg).digest()
    if emlen < hlen + slen + 2 or em[-1] != 0xBC:
        return False
    masked, hh = em[: emlen - hlen - 1], em[emlen - hlen - 1 : -1]
    if masked[0] >> (8 - (8 * emlen - embits)):
        return False
    db = bytes(a ^ b for a, b in zip(masked, mgf1(hh, emlen - hlen - 1, hname)))
    db = bytes([db[0] & (0xFF >> (8 * emlen - embits))]) + db[1:]
    ps_len = emlen - hlen - slen - 2
    if db[:ps_len] != b"\x00" * ps_len or db[ps_len] != 1:
        return False
    salt = db[-slen:]
    return hashlib.new(hname, b"\x00" * 8 + mhash + salt).digest() == hh


# ---------------------------------------------------------------- ECDSA
CURVES = {
    "P-256": dict(
        p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        a=-3,
        b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
        size=32,
    ),
    "P-521": dict(
        p=2**521 - 1,
        a=-3,
        b=0x0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00,
        n=0x01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409,
        gx=0x00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66,
        gy=0x011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650,
        size=66,
    ),
}


def _check_curves():
    for name, c in CURVES.items():
        G = (c["gx"], c["gy"])
        assert (G[1] ** 2 - G[0] ** 3 - c["a"] * G[0] - c["b"]) % c["p"] == 0, name
        assert ec_mul(c, c["n"], G) is None, name


def ec_add(c, P, Q):
    p = c["p"]
    if P is None:
        return Q
    if Q is None:
        return P
    if P[0] == Q[0] and (P[1] + Q[1]) % p == 0:
        return None
    if P == Q:
        lam = (3 * P[0] * P[0] + c["a"]) * pow(2 * P[1], -1, p) % p
    else:
        lam = (Q[1] - P[1]) * pow(Q[0] - P[0], -1, p) % p
    x = (lam * lam - P[0] - Q[0]) % p
    return (x, (lam * (P[0] - x) - P[1]) % p)


def ec_mul(c, k, P):
    R = None
    while k:
        if k & 1:
            R = ec_add(c, R, P)
        P = ec_add(c, P, P)
        k >>= 1
    return R


def ecdsa_verify(jwk, msg, sig, hname):
    c = CURVES[jwk["crv"]]
    size, n = c["size"], c["n"]
    if len(sig) != 2 * size:
        return False
    r, s = int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big")
    if not (0 < r < n and 0 < s < n):
        return False
    Q = (to_int(jwk["x"]), to_int(jwk["y"]))
    if (Q[1] ** 2 - Q[0] ** 3 - c["a"] * Q[0] - c["b"]) % c["p"]:
        return False  # public point not on the curve
    digest = hashlib.new(hname, msg).digest()
    z = int.from_bytes(digest, "big")
    excess = len(digest) * 8 - n.bit_length()
    if excess > 0:
        z >>= excess
    w = pow(s, -1, n)
    X = ec_add(c, ec_mul(c, z * w % n, (c["gx"], c["gy"])), ec_mul(c, r * w % n, Q))
    return X is not None and X[0] % n == r


# ---------------------------------------------------------------- Ed25519 (RFC 8032 5.1.7)
ED_P = 2**255 - 19
ED_L = 2**252 + 27742317777372353535851937790883648493
ED_D = -121665 * pow(121666, -1, ED_P) % ED_P
ED_I = pow(2, (ED_P - 1) // 4, ED_P)


def ed_xrecover(y, sign):
    x2 = (y * y - 1) * pow(ED_D * y * y + 1, -1, ED_P) % ED_P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (ED_P + 3) // 8, ED_P)
    if (x * x - x2) % ED_P:
        x = x * ED_I % ED_P
    if (x * x - x2) % ED_P:
        return None
    if x & 1 != sign:
        x = ED_P - x
    return x


def ed_decode(b):
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= ED_P:
        return None
    x = ed_xrecover(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % ED_P)


def ed_add(P, Q):
    A = (P[1] - P[0]) * (Q[1] - Q[0]) % ED_P
    B = (P[1] + P[0]) * (Q[1] + Q[0]) % ED_P
    C = 2 * P[3] * Q[3] * ED_D % ED_P
    D = 2 * P[2] * Q[2] % ED_P
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % ED_P, G * H % ED_P, F * G % ED_P, E * H % ED_P)


def ed_mul(s, P):
    Q = (0, 1, 1, 0)
    while s:
        if s & 1:
            Q = ed_add(Q, P)
        P = ed_add(P, P)
        s >>= 1
    return Q


def ed_eq(P, Q):
    return (P[0] * Q[2] - Q[0] * P[2]) % ED_P == 0 and (P[1] * Q[2] - Q[1] * P[2]) % ED_P == 0


ED_GY = 4 * pow(5, -1, ED_P) % ED_P
ED_G = (ed_xrecover(ED_GY, 0), ED_GY, 1, ed_xrecover(ED_GY, 0) * ED_GY % ED_P)


def ed25519_verify(jwk, msg, sig):
    pub = b64u(jwk["x"])
    if len(pub) != 32 or len(sig) != 64:
        return False
    A, R = ed_decode(pub), ed_decode(sig[:32])
    s = int.from_bytes(sig[32:], "little")
    if A is None or R is None or s >= ED_L:
        return False
    h = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % ED_L
    return ed_eq(ed_mul(s, ED_G), ed_add(R, ed_mul(h, A)))


# ---------------------------------------------------------------- driver
def verify(alg, jwk, signing_input, sig):
    if alg == "HS256":
        mac = hmac.new(b64u(jwk["k"]), signing_input, hashlib.sha256).digest()
        return hmac.compare_digest(mac, sig)
    if alg == "RS256":
        return rsa_pkcs1v15_verify(jwk, signing_input, sig, "sha256")
    if alg == "PS384":
        return rsa_pss_verify(jwk, signing_input, sig, "sha384")
    if alg == "ES256":
        return ecdsa_verify(jwk, signing_input, sig, "sha256")
    if alg == "ES512":
        return ecdsa_verify(jwk, signing_input, sig, "sha512")
    if alg == "EdDSA":
        return ed25519_verify(jwk, signing_input, sig)
    raise ValueError("unsupported alg " + alg)


def main():
    _check_curves()
    failures = 0
    for fn in sorted(os.listdir(HERE)):
        if not fn.endswith(".jwt"):
            continue
        name = fn[:-4]
        with open(os.path.join(HERE, fn)) as f:
            token = f.read().strip()
        h64, p64, s64 = token.split(".")
        header = json.loads(b64u(h64))
        payload = b64u(p64)
        try:
            json.loads(payload)
            kind = "JSON"
        except ValueError:
            kind = "not JSON: %r" % payload[:30]
        sig = b64u(s64)
        alg = header["alg"]
        if alg == "none":
            ok = sig == b""
            what = "unsecured, empty signature" if ok else "alg none with a signature!"
        else:
            keyfile = os.path.join(HERE, name + ".pub.json")
            if not os.path.exists(keyfile):
                keyfile = os.path.join(HERE, name + ".key.json")
            with open(keyfile) as f:
                jwk = json.load(f)
            ok = verify(alg, jwk, (h64 + "." + p64).encode("ascii"), sig)
            # a flipped bit must not verify
            bad = bytearray(sig)
            bad[-1] ^= 1
            ok = ok and not verify(alg, jwk, (h64 + "." + p64).encode("ascii"), bytes(bad))
            what = "signature verified with %s" % os.path.basename(keyfile)
        print("%-22s %-6s payload %-36s %s %s" % (name, alg, kind, "OK  " if ok else "FAIL", what))
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
