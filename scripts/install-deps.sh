#!/usr/bin/env bash
# Installs the system libraries the build needs (Debian packages), only when missing.
set -euo pipefail
# openssl and curl: the HTTPS test makes its certificate with the openssl CLI and calls the server with curl.
packages=(libsqlite3-dev libcurl4-openssl-dev libssl-dev pkg-config python3-venv openssl curl)
# Headless browser for the dashboard test (Tests/browser).
packages+=(chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
