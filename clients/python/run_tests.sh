#!/usr/bin/env bash
# Run the client tests (clients/python/tests) against a real torc-service.
#
#   clients/python/run_tests.sh [pytest args...]     e.g.  -m "not engine"  or  -k user_data
#
# Creates a venv ($VENV, or a temporary one that is removed afterwards),
# installs the committed client package and the test requirements, and runs
# pytest. The server is started by the tests (TORC_SERVICE_BIN, default
# .build/debug/torc-service then .build/release/torc-service) unless
# TORC_SERVICE_URL names a running one.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n "${VENV:-}" ]]; then
    venv=$VENV
else
    venv=$(mktemp -d)/venv
    trap 'rm -rf "$(dirname "$venv")"' EXIT
fi
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$HERE" -r "$HERE/tests/requirements.txt"
cd "$HERE/tests"
"$venv/bin/python" -m pytest "$@"
