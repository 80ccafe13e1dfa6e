#!/usr/bin/env bash
# Check that the committed Python client matches openapi/torc-service.yaml:
# regenerate into a temporary directory and compare every generated file.
# Exit status 1 (with a diff) when they differ; run generate.sh to update.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$HERE/generate.sh" "$TMP/client" >/dev/null

status=0
if ! diff -u "$HERE/.openapi-generator/FILES" "$TMP/client/.openapi-generator/FILES"; then
    echo "the set of generated files differs" >&2
    status=1
fi
while IFS= read -r f; do
    [[ -z "$f" ]] && continue
    if ! diff -u "$HERE/$f" "$TMP/client/$f"; then
        status=1
    fi
done < "$TMP/client/.openapi-generator/FILES"
for f in .openapi-generator/VERSION; do
    diff -u "$HERE/$f" "$TMP/client/$f" || status=1
done

if [[ $status -eq 0 ]]; then
    echo "committed client is up to date"
else
    echo "committed client differs from the spec: run clients/python/generate.sh" >&2
fi
exit $status
