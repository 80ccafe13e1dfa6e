#!/usr/bin/env bash
# The whole test suite: Swift tests (every module, both route families, the
# store-conformance suite on both stores, the ArangoDB layout, multi-process
# and outage tests), the route tests and the generated Python client against a
# real server on both stores, schemathesis against the spec, and the checks
# that generated files are up to date. ArangoDB is the emulator from
# ../shared/arangodb-emulator (or TORC_ARANGO_EMULATOR); without it the
# ArangoDB tests fail, they do not skip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
scripts/install-deps.sh

# A free loopback port.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Waits (up to 10 s) until something accepts connections on port $1.
wait_for_port() {
    for _ in $(seq 100); do
        (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on port $1"
    return 1
}
server=
arango=

echo "== Swift formatting (scripts/format.sh, .swift-format)"
scripts/format.sh --check

echo "== generated files are up to date"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pyyaml
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
.build/debug/torc-bench --server-binary .build/debug/torc-service --jobs 1000 --shapes fan-in \
    --scenarios root_completion --json "$work/bench-root.json" > "$work/bench-root.md"
cat "$work/bench-root.md"

echo "== schemathesis against the server and openapi/torc-service.yaml"
port=$(free_port)
.build/debug/torc-service --port "$port" --store memory --log-level warning > "$work/fuzz-server.log" 2>&1 &
server=$!
trap 'kill $server $arango 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for_port "$port"
VENV="$work/fuzz" clients/python/fuzz.sh "http://127.0.0.1:$port/_db/fuzz/torc-service"
kill $server 2>/dev/null || true

echo "== Python client against the server (embedded store)"
VENV="$work/venv" TORC_SERVICE_BIN="$root/.build/debug/torc-service" clients/python/run_tests.sh -q

echo "== dashboard in headless Chromium (Selenium): workflows, jobs table, graph, job details"
# Screenshots of every page are kept as artifacts (default .build/artifacts/dashboard-screenshots).
shots=${TORC_ARTIFACTS:-$root/.build/artifacts}/dashboard-screenshots
VENV="$work/browser-venv" Tests/browser/run.sh "$root/.build/debug/torc-service" "$shots"

echo "== ArangoDB: route tests and the Python client on the emulator"
emulator=${TORC_ARANGO_EMULATOR:-$root/../shared/arangodb-emulator/arangodb_emulator.py}
[[ -f "$emulator" ]] || { echo "the ArangoDB emulator is not at $emulator (set TORC_ARANGO_EMULATOR)"; exit 1; }
arango_port=$(free_port)
python3 "$emulator" --host 127.0.0.1 --port "$arango_port" > "$work/emulator.log" 2>&1 &
arango=$!
wait_for_port "$arango_port"
arango_url="http://127.0.0.1:$arango_port"
TORC_TEST_STORE=arangodb TORC_TEST_ARANGO_URL="$arango_url" swift test --skip-build --filter TorcServerTests
VENV="$work/venv" TORC_SERVICE_BIN="$root/.build/debug/torc-service" \
    TORC_SERVICE_STORE="arangodb --arango-url $arango_url" clients/python/run_tests.sh -q
kill $arango 2>/dev/null || true

echo "== crash safety: the service SIGKILLed at random moments during a drain, both stores"
# scripts/crash_test.py: 16 runners drain a workflow while the service is killed and restarted on the
# same data at least 10 times; every 200 answer must survive and every job end done exactly once.
python3 scripts/crash_test.py --binary .build/debug/torc-service --store sqlite
# The emulator keeps its data in a directory (as a real ArangoDB would); only the service is killed.
# A killed service leaves its open stream transaction (and the workflow's exclusive lock) behind until
# ArangoDB's idle timeout for stream transactions aborts it; a short one keeps the test quick.
arango_port=$(free_port)
python3 "$emulator" --host 127.0.0.1 --port "$arango_port" --data-dir "$work/crash-arango" \
    --trx-idle-timeout 5 > "$work/crash-emulator.log" 2>&1 &
arango=$!
wait_for_port "$arango_port"
python3 scripts/crash_test.py --binary .build/debug/torc-service --store arangodb --jobs 600 \
    --arango-url "http://127.0.0.1:$arango_port"
kill $arango 2>/dev/null || true

echo "== soak mode smoke run (the 30-minute soak is run by hand, see README)"
.build/debug/torc-bench --server-binary .build/debug/torc-service --soak-minutes 0.5 \
    --soak-interval-seconds 10 --soak-lanes 2 --soak-jobs 50 --json "$work/soak.json"
