#!/usr/bin/env bash
# Build the release binary, generate the data sets (deterministic, cached in
# target/bench-data) and print jwtinspect's figures side by side with jwt-cli,
# PyJWT and ripgrep. Usage: benches/run.sh [P1 P2 P3 P6]
# Never run from CI or cargo test: it takes about a minute and wants a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v python3 >/dev/null || { echo "benches/run.sh needs python3" >&2; exit 1; }
cargo build --release --locked --quiet
exec python3 benches/bench.py "$@"
