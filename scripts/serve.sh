#!/usr/bin/env bash
# Builds (release) and starts torc-service on the embedded SQLite store.
#   scripts/serve.sh [torc-service options...]   e.g. --port 8529 --store sqlite:./torc-data
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-deps.sh
swift build -c release --product torc-service
exec .build/release/torc-service "$@"
