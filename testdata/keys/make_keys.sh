#!/usr/bin/env bash
# Regenerates the test keys in this folder (test-only keys: never use them for anything real).
# Needs the openssl command. Run from anywhere: bash testdata/keys/make_keys.sh
set -euo pipefail
cd "$(dirname "$0")"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-private.pem
openssl pkey -in rsa-private.pem -pubout -out rsa-public.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2-private.pem
openssl pkey -in rsa2-private.pem -pubout -out rsa2-public.pem
for curve in P-256 P-384 P-521; do
    name=ec-$(echo "$curve" | tr -d 'P-' )
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:$curve -pkeyopt ec_param_enc:named_curve -out tmp.pem
    openssl pkcs8 -topk8 -nocrypt -in tmp.pem -out "$name-private.pem"
    rm tmp.pem
    openssl pkey -in "$name-private.pem" -pubout -out "$name-public.pem"
done
openssl genpkey -algorithm ED25519 -out ed25519-private.pem
openssl pkey -in ed25519-private.pem -pubout -out ed25519-public.pem
# A self-signed certificate holding the RSA public key (for --key CERT.pem).
openssl req -new -x509 -key rsa-private.pem -out rsa-cert.pem -days 36500 -subj "/CN=jwtinspect test signer"
# The RSA public key in PKCS#1 form (-----BEGIN RSA PUBLIC KEY-----).
openssl rsa -pubin -in rsa-public.pem -RSAPublicKey_out -out rsa-public-pkcs1.pem
# A self-signed certificate holding the EC P-256 public key.
openssl req -new -x509 -key ec-256-private.pem -out ec-256-cert.pem -days 36500 -subj "/CN=jwtinspect test EC signer"
# A 1024-bit RSA public key (too small to be accepted; its private half is not kept).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 | openssl pkey -pubout -out rsa1024-public.pem
# Signing keys in the other formats `jwtinspect sign` reads:
# the RSA key as PKCS#1 (-----BEGIN RSA PRIVATE KEY-----),
openssl pkey -in rsa-private.pem -traditional -out rsa-private-pkcs1.pem
# an OpenSSL-made SEC1 EC key, EC PARAMETERS block first, as `openssl ecparam -genkey` writes it,
openssl ecparam -name prime256v1 -genkey -out ec-256-sec1.pem
openssl ec -in ec-256-sec1.pem -pubout -out ec-256-sec1-public.pem
# a secp256k1 (ES256K) key in SEC1 form,
openssl ecparam -name secp256k1 -genkey -noout -out secp256k1-sec1.pem
openssl ec -in secp256k1-sec1.pem -pubout -out secp256k1-public.pem
# and a 1024-bit RSA private key, which sign must refuse.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024-private.pem
