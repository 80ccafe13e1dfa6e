#!/usr/bin/env bash
# Runs the dashboard browser test: headless Chromium (Debian's chromium and
# chromium-driver, installed by scripts/install-deps.sh) driven by Selenium
# (PyPI, in a venv). Usage: Tests/browser/run.sh PATH/TO/torc-service [SCREENSHOT_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=${VENV:-$(mktemp -d)/browser-venv}
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "selenium==4.27.1"
"$venv/bin/python" "$here/dashboard_test.py" "$@"
