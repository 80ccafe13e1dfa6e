#!/usr/bin/env bash
# Property-based checks of a running torc-service against openapi/torc-service.yaml
# with schemathesis: no 5xx answers, and every answer matches the documented schema.
# fuzz_hooks.py aims most generated cases at a real workflow and its documents, so
# the success paths are fuzzed too; at the end the answers per operation are
# printed, and the run fails unless every operation got at least one 2xx.
#
#   clients/python/fuzz.sh BASE_URL [extra schemathesis args...]
#   e.g. clients/python/fuzz.sh http://127.0.0.1:8080/_db/test-workflows/torc-service
#
# Bounded and reproducible: fixed seed, at most $MAX_EXAMPLES (default 20)
# examples per operation. The four legacy /workflow_config operations are left
# out: the contract keeps them answering 500 (docs/routes.md, "Workflows").
# Installs schemathesis into $VENV (default: a cached
# venv under ${XDG_CACHE_HOME:-~/.cache}). Send it only to a server on this
# machine: it creates and deletes data.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASE_URL=${1:?usage: fuzz.sh BASE_URL [schemathesis args...]}
shift
SCHEMATHESIS_VERSION=${SCHEMATHESIS_VERSION:-3.39.16}
venv=${VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/torc-schemathesis-$SCHEMATHESIS_VERSION}
[[ -x "$venv/bin/schemathesis" ]] || {
    python3 -m venv "$venv"
    # hypothesis releases after 6.129 changed internals this schemathesis relies on.
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" "hypothesis<6.130"
}
excluded=(get_workflow_config post_workflow_config put_workflow_config_key put_workflow_config_reset)
report=$(mktemp)
trap 'rm -f "$report"' EXIT

status=0
PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=fuzz_hooks \
TORC_FUZZ_BASE_URL="$BASE_URL" TORC_FUZZ_REPORT="$report" \
"$venv/bin/schemathesis" run "$ROOT/openapi/torc-service.yaml" \
    --base-url "$BASE_URL" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance \
    --hypothesis-seed=1 \
    --hypothesis-max-examples="${MAX_EXAMPLES:-20}" \
    --hypothesis-derandomize \
    --request-timeout=10000 \
    "${excluded[@]/#/--exclude-operation-id=}" \
    "$@" || status=$?
"$venv/bin/python" "$HERE/fuzz_report.py" "$ROOT/openapi/torc-service.yaml" "$report" "${excluded[@]/#/--exclude=}" || status=1
exit $status
