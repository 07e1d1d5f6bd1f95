#!/usr/bin/env python3
"""Write testdata/verify-sample.jwt and testdata/verify-sample.jwks.json.

Tokens for tests/perf_equivalence.rs's verification check: for every
signing key in testdata/keys and every algorithm it signs, a valid token,
one with its payload altered, one whose signature is not canonical
base64url (the last character's unused bits set), one with the signature
cut short, one signed by another key, and one claiming another algorithm;
plus ECDSA signatures in DER and with r = 0. The JWKS holds the public keys
as JWK members (RSA n/e, EC x/y, OKP x), so the key-from-components paths
are covered too. ECDSA and PSS signatures are randomised: this script is
run once and its output kept; the expected outputs come from the build
before a change. Needs python3's cryptography.
"""
import base64
import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "keys")


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load(name):
    with open(os.path.join(KEYS, name), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def sign(key, alg, data):
    h = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}[alg[-3:]] \
        if alg not in ("EdDSA", "ES256K") else hashes.SHA256()
    if alg.startswith("RS"):
        return key.sign(data, padding.PKCS1v15(), h)
    if alg.startswith("PS"):
        return key.sign(data, padding.PSS(padding.MGF1(h), h.digest_size), h)
    if alg == "EdDSA":
        return key.sign(data)
    der = key.sign(data, ec.ECDSA(h))
    r, s = utils.decode_dss_signature(der)
    n = (key.curve.key_size + 7) // 8
    return r.to_bytes(n, "big") + s.to_bytes(n, "big")


def token(header, payload, sig):
    return f"{header}.{payload}.{b64(sig)}"


def main():
    signers = [
        ("rsa-private.pem", ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"], "rsa2-private.pem"),
        ("ec-256-private.pem", ["ES256"], "ec-384-private.pem"),
        ("ec-384-private.pem", ["ES384"], "ec-256-private.pem"),
        ("ec-521-private.pem", ["ES512"], "ec-256-private.pem"),
        ("ed25519-private.pem", ["EdDSA"], None),
        ("secp256k1-sec1.pem", ["ES256K"], "ec-256-private.pem"),
    ]
    lines = []
    n = 0
    for name, algs, other in signers:
        key = load(name)
        for alg in algs:
            for kid in (None, "k-" + alg.lower()):
                n += 1
                header = {"alg": alg, "typ": "JWT"}
                if kid:
                    header["kid"] = kid
                h = b64(json.dumps(header, separators=(",", ":")).encode())
                claims = {"sub": f"user-{n}", "iat": 1631400000, "exp": 1631410000, "roles": ["admin"]}
                p = b64(json.dumps(claims, separators=(",", ":")).encode())
                data = f"{h}.{p}".encode()
                sig = sign(key, alg, data)
                lines.append(token(h, p, sig))
                altered = b64(json.dumps(dict(claims, sub="admin"), separators=(",", ":")).encode())
                lines.append(token(h, altered, sig))
                text = b64(sig)
                last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(text[-1])
                if len(sig) % 3:
                    lines.append(f"{h}.{p}.{text[:-1]}" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last | 1])
                lines.append(f"{h}.{p}.{text[:-8]}")
                if other:
                    lines.append(token(h, p, sign(load(other), alg, data) if alg[:2] in ("RS", "PS") else sign(key, alg, data + b"x")))
                lines.append(token(b64(json.dumps(dict(header, alg="HS256"), separators=(",", ":")).encode()), p, sig))
                if alg.startswith("ES"):
                    half = len(sig) // 2
                    lines.append(token(h, p, bytes(half) + sig[half:]))
                    r, s = int.from_bytes(sig[:half], "big"), int.from_bytes(sig[half:], "big")
                    lines.append(token(h, p, utils.encode_dss_signature(r, s)))
    with open(os.path.join(HERE, "verify-sample.jwt"), "w") as f:
        f.write("\n".join(lines) + "\n")

    def jwk(name, kid):
        pub = load(name).public_key()
        if isinstance(pub, rsa.RSAPublicKey):
            nums = pub.public_numbers()
            size = (nums.n.bit_length() + 7) // 8
            return {"kty": "RSA", "kid": kid, "n": b64(nums.n.to_bytes(size, "big")),
                    "e": b64(nums.e.to_bytes(3, "big"))}
        if isinstance(pub, ec.EllipticCurvePublicKey):
            nums = pub.public_numbers()
            size = (pub.curve.key_size + 7) // 8
            crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521",
                   "secp256k1": "secp256k1"}[pub.curve.name]
            return {"kty": "EC", "kid": kid, "crv": crv, "x": b64(nums.x.to_bytes(size, "big")),
                    "y": b64(nums.y.to_bytes(size, "big"))}
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": b64(raw)}

    keys = []
    for name, algs, _ in signers:
        for alg in algs:
            keys.append(jwk(name, "k-" + alg.lower()))
    with open(os.path.join(HERE, "verify-sample.jwks.json"), "w") as f:
        json.dump({"keys": keys}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
