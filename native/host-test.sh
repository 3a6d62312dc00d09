#!/usr/bin/env bash
# Compiles the grid-stride kernels for the host (src/test/host/emulate.cpp, any C++17 compiler) and runs them
# against plain loops: a GPU-free check of their indexing. Exit 0 when all pass, 1 on a mismatch, 0 with
# "no C++ compiler, skipped" when there is none.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cxx="${CXX:-c++}"
if ! command -v "$cxx" > /dev/null 2>&1; then echo "native/host-test.sh: no C++ compiler, skipped"; exit 0; fi
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
"$cxx" -std=c++17 -O1 -I"$here/src/test/host" -I"$here/src/main/cuda" -x c++ "$here/src/test/host/emulate.cpp" -o "$bin/emulate"
"$bin/emulate"
