#!/usr/bin/env bash
# Build the release binary, generate the data sets (deterministic, cached in
# target/bench-data) and print jwtinspect's figures side by side with jwt-cli,
# PyJWT, ripgrep and `openssl speed`. Usage: benches/run.sh [P1 P2 P3 P4 P6]
# Never run from CI or cargo test: it takes about five minutes (more the first
# time, to write the data) and wants a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v python3 >/dev/null || { echo "benches/run.sh needs python3" >&2; exit 1; }
python3 -c 'import cryptography' 2>/dev/null || {
    echo "benches/run.sh needs python3's cryptography to sign the P4 tokens (pip install cryptography)" >&2
    exit 1
}
if [ -z "${BENCH_BIN:-}" ]; then
    cargo build --release --locked --quiet
    export BENCH_BIN="${CARGO_TARGET_DIR:-target}/release/jwtinspect"
fi
exec python3 benches/bench.py "$@"
