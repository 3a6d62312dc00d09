#!/usr/bin/env bash
# Verifies that the committed fatbins (src/main/resources/dev/saccade/native) match a fresh build of
# src/main/cuda/*.cu. Exit 0 when they match or when nvcc is absent (nothing to check), 1 when they differ.
#
# Usage (CI): native/check.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
committed="$here/src/main/resources/dev/saccade/native"

if ! command -v "${NVCC:-nvcc}" > /dev/null 2>&1; then
    echo "native/check.sh: nvcc not found, skipped"
    exit 0
fi

fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
"$here/build.sh" "$fresh" > /dev/null

status=0
for f in "$fresh"/*; do
    name="$(basename "$f")"
    if [ ! -f "$committed/$name" ]; then
        echo "native/check.sh: $name is built from src/main/cuda but not committed under $committed"
        status=1
    elif ! cmp -s "$f" "$committed/$name"; then
        echo "native/check.sh: $name differs from a fresh build of src/main/cuda"
        status=1
    fi
done
for f in "$committed"/*; do
    name="$(basename "$f")"
    if [ ! -f "$fresh/$name" ]; then
        echo "native/check.sh: $committed/$name is committed but no longer built (stale)"
        status=1
    fi
done
if [ "$status" -ne 0 ]; then
    echo "native/check.sh: committed fatbins are out of date: run native/build.sh and commit the results"
    exit 1
fi
echo "native/check.sh: $(ls "$fresh" | wc -l) files match a fresh build"
