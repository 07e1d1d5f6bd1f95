#!/usr/bin/env bash
# `jwtinspect token NAME` on a cache hit against /bin/true, whole process,
# paired medians (farm-bench; hyperfine as a fallback). The helper runs
# before every request of a script, so it must cost almost nothing.
# Needs node and `npm ci --prefix tests/oidc`; run by hand, never in CI.
# Usage: benches/token_cache.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
cargo build --release --locked --quiet
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target="$(pwd)/$target" ;; esac
bin="$target/release/jwtinspect"
home=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT
export XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache"

# The provider prints `ready ISSUER` once it listens.
coproc PROVIDER { cd tests/oidc && exec node provider.mjs 2>/dev/null; }
pid=$PROVIDER_PID
read -r ready issuer <&"${PROVIDER[0]}"
[ "$ready" = ready ] || { echo "oidc-provider did not start" >&2; exit 1; }

JWTINSPECT_CLIENT_SECRET=test-client-secret-0123456789abcdef \
    "$bin" login --issuer "$issuer" --client-id basic-client --grant client_credentials \
    --scope api:read --resource urn:jwtinspect:api --profile bench --print-token >/dev/null
"$bin" token bench >/dev/null # a cache hit from here on

if command -v farm-bench >/dev/null; then
    farm-bench -n "$runs" --warmup 3 --vs /bin/true -- "$bin" token bench
    command -v hyperfine >/dev/null && hyperfine -N --warmup 3 --runs "$runs" "$bin token bench" /bin/true
else
    hyperfine -N --warmup 3 --runs "$runs" "$bin token bench" /bin/true
fi
