#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's `swift format` and the
# repository's .swift-format (4 spaces, 120 columns, existing line breaks kept).
#   scripts/format.sh           reformat every Swift file in place
#   scripts/format.sh --check   change nothing; list the files that are not
#                               formatted and fail if there are any (for CI)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
files() {
    git ls-files -- 'Package.swift' 'Sources/*.swift' 'Tests/*.swift' 'Plugins/*.swift'
}
mapfile -t sources < <(files)
if [[ "${1:-}" != "--check" ]]; then
    swift format format --configuration .swift-format --in-place --parallel "${sources[@]}"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for file in "${sources[@]}"; do
    mkdir -p "$work/$(dirname "$file")"
    cp "$file" "$work/$file"
done
(cd "$work" && swift format format --configuration "$OLDPWD/.swift-format" --in-place --parallel "${sources[@]}")
unformatted=0
for file in "${sources[@]}"; do
    if ! cmp -s "$file" "$work/$file"; then
        echo "not formatted: $file"
        unformatted=$((unformatted + 1))
    fi
done
# swift format keeps long string literals and comments as they are, so lines
# over 120 columns are checked here (characters, not bytes). Split a long
# literal with `+` or a multi-line literal with a `\` line continuation, which
# leaves the string's value unchanged.
# Not yet checked: files other branches were changing when the limit came in.
# Remove each entry once its lines are under 120 columns.
long_lines=0
for file in "${sources[@]}"; do
    if LC_ALL=C.UTF-8 grep -nP '^.{121,}' "$file" | sed "s|^|over 120 columns: $file:|; s|^\(.\{160\}\).*|\1...|"; then
        long_lines=$((long_lines + 1))
    fi
done
if ((unformatted > 0 || long_lines > 0)); then
    ((unformatted > 0)) && echo "$unformatted file(s) need scripts/format.sh"
    ((long_lines > 0)) && echo "$long_lines file(s) have lines over 120 columns"
    exit 1
fi
echo "all ${#sources[@]} Swift files are formatted"
