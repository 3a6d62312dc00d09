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
# The example application, built as a user would build it: its own Maven project on the installed saccade-inference.
echo "== examples/classify-clip (a Java application embedding saccade-inference)"
example_out=$(mvn -q -B -ntp -f examples/classify-clip/pom.xml package exec:exec 2>&1) || { echo "$example_out"; exit 1; }
echo "$example_out"
if [ "$(echo "$example_out" | grep -cE '^.+ \(#[0-9]+\) [01]\.[0-9]{3}$')" -ne 3 ]; then
  echo "examples/classify-clip: expected three predictions" >&2
  exit 1
fi
if [ -x native/check.sh ]; then native/check.sh; fi
