#!/usr/bin/env bash
# Builds saccade and runs every test (JUnit 5 on the CPU backend; GPU tests skip without a GPU), then checks that
# the committed CUDA fatbins match a fresh nvcc build when nvcc is present.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
echo "saccade tests with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1) ($JAVA_HOME)"
mvn -B -ntp install
if [ -x native/check.sh ]; then native/check.sh; fi
