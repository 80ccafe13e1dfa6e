#!/usr/bin/env bash
# Generate the Python client package `swagger_client` from openapi/torc-service.yaml.
#
#   clients/python/generate.sh [OUTPUT_DIR]     (default: clients/python)
#
# Uses openapi-generator-cli 5.4.0 from PyPI (it bundles the generator jar and
# needs Java). If no `openapi-generator-cli` of that version is on PATH (or named
# by $OPENAPI_GENERATOR_CLI), one is installed into a venv at
# ${GENERATOR_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/torc-openapi-generator-5.4.0}.
#
# Files the generator wrote last time (listed in OUTPUT_DIR/.openapi-generator/FILES)
# are removed first, so renamed or dropped models do not linger. Files not
# produced by the generator (this script, tests/, ...) are never touched.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SPEC=${SPEC:-$ROOT/openapi/torc-service.yaml}
OUT=${1:-$HERE}
VERSION=5.4.0

find_cli() {
    if [[ -n "${OPENAPI_GENERATOR_CLI:-}" ]]; then
        echo "$OPENAPI_GENERATOR_CLI"; return
    fi
    if command -v openapi-generator-cli >/dev/null 2>&1 \
        && [[ "$(openapi-generator-cli version 2>/dev/null | tail -n 1)" == "$VERSION" ]]; then
        command -v openapi-generator-cli; return
    fi
    local venv=${GENERATOR_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/torc-openapi-generator-$VERSION}
    if [[ ! -x "$venv/bin/openapi-generator-cli" ]]; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install --quiet "openapi-generator-cli==$VERSION" >&2
    fi
    echo "$venv/bin/openapi-generator-cli"
}

CLI=$(find_cli)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$TMP/out"
cp "$HERE/.openapi-generator-ignore" "$TMP/out/.openapi-generator-ignore"
"$CLI" generate \
    --input-spec "$SPEC" \
    --generator-name python-legacy \
    --output "$TMP/out" \
    --additional-properties=prependFormOrBodyParameters=true,packageName=swagger_client,projectName=torc-swagger-client \
    >"$TMP/generator.log" 2>&1 || { cat "$TMP/generator.log" >&2; exit 1; }

# The ignore file lives next to this script; do not copy the generator's default one.
rm -f "$TMP/out/.openapi-generator-ignore"
find "$TMP/out" -type d -empty -delete
grep -v '^\.openapi-generator-ignore$' "$TMP/out/.openapi-generator/FILES" > "$TMP/FILES"
mv "$TMP/FILES" "$TMP/out/.openapi-generator/FILES"

mkdir -p "$OUT"
if [[ -f "$OUT/.openapi-generator/FILES" ]]; then
    while IFS= read -r f; do
        [[ -n "$f" && "$f" != /* && "$f" != *..* ]] && rm -f "$OUT/$f"
    done < "$OUT/.openapi-generator/FILES"
fi
cp -R "$TMP/out/." "$OUT/"
echo "generated swagger_client from $SPEC into $OUT"
