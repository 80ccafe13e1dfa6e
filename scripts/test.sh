#!/usr/bin/env bash
# The whole test suite: Swift tests (every module, both route families, the
# store-conformance suite), the generated Python client against a real server,
# schemathesis against the spec, and the checks that generated files are up to date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
scripts/install-deps.sh

echo "== generated files are up to date"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pyyaml
"$work/venv/bin/python" openapi/tools/embed_spec.py --check
"$work/venv/bin/python" openapi/tools/build_spec.py --check
"$work/venv/bin/python" openapi/tools/check_parity.py
GENERATOR_VENV="$work/generator" clients/python/check_generated.sh

echo "== Swift tests"
swift build --build-tests
swift test --skip-build

echo "== benchmark smoke run (completion and correctness only, not speed)"
.build/debug/torc-bench --server-binary .build/debug/torc-service --jobs 1000 --workers 4 \
    --requests-per-client 20 --json "$work/bench.json" > "$work/bench.md"
cat "$work/bench.md"

echo "== schemathesis against the server and openapi/torc-service.yaml"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.build/debug/torc-service --port "$port" --store memory --log-level warning > "$work/fuzz-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
VENV="$work/fuzz" clients/python/fuzz.sh "http://127.0.0.1:$port/_db/fuzz/torc-service"
kill $server

echo "== Python client against the server"
VENV="$work/venv" TORC_SERVICE_BIN="$root/.build/debug/torc-service" clients/python/run_tests.sh -q
