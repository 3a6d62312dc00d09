#!/usr/bin/env bash
# Packs everything the GPU machine needs to run saccade's CUDA checks, which has no Java and no network:
#   .gpu/bundle.tar.xz = jdk/ (a jlink'd JDK 25 runtime), lib/ (module jars, test classes as jars, runtime and test
#   dependencies, junit-platform-console-standalone) and scripts/ (gpu-check.sh, gpu_peer.py).
# Usage (on a build machine with JDK 25 and Maven): scripts/gpu-bundle.sh
# Then, on the GPU machine, from the repository root with .gpu/ present: scripts/gpu-check.sh  (see docs/GPU.md)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="$("$root/scripts/find-jdk.sh")"
junit_console="${JUNIT_CONSOLE_VERSION:-1.11.4}"
stage="$root/.gpu/stage"
rm -rf "$stage" "$root/.gpu/bundle.tar.xz"
mkdir -p "$stage/lib" "$stage/scripts"

echo "== building the jars"
mvn -q -B -DskipTests install

echo "== jlink runtime"
# java.desktop: ImageIO and charts; java.management, java.logging, java.xml: JUnit and libraries; jdk.zipfs: JUnit scans jars.
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,jdk.unsupported,java.management,java.logging,java.xml,java.desktop,jdk.zipfs \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$stage/jdk"

echo "== class path"
modules=(tensor native kernels nn models/zoo models/data models/train models/inference models/cli)
for m in "${modules[@]}"; do
    jar="$(ls "$m"/target/saccade-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' -e '-all' -e '-javadoc' | head -n1 || true)"
    [ -n "$jar" ] || { echo "gpu-bundle.sh: no jar built for module $m" >&2; exit 1; }
    cp "$jar" "$stage/lib/"
    if [ -d "$m/target/test-classes" ]; then
        "$JAVA_HOME/bin/jar" cf "$stage/lib/saccade-${m//\//-}-test-classes.jar" -C "$m/target/test-classes" .
    fi
done
mvn -q -B dependency:copy-dependencies -pl models/cli,kernels -DincludeScope=test -DexcludeGroupIds=dev.saccade \
    -DoutputDirectory="$stage/lib"
mvn -q -B dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_console" \
    -DoutputDirectory="$stage/lib"

cp "$root/scripts/gpu-check.sh" "$root/scripts/gpu_peer.py" "$root/scripts/junit_skips.py" "$stage/scripts/"
git -C "$root" rev-parse HEAD > "$stage/COMMIT" 2>/dev/null || echo unknown > "$stage/COMMIT"

echo "== packing"
tar -C "$stage" -cf - . | xz -T0 -6 > "$root/.gpu/bundle.tar.xz"
size=$(stat -c %s "$root/.gpu/bundle.tar.xz")
echo "gpu-bundle.sh: .gpu/bundle.tar.xz is $((size / 1024 / 1024)) MiB ($(ls "$stage/lib" | wc -l) jars, runtime $(du -sh "$stage/jdk" | cut -f1))"
if [ "$size" -gt $((60 * 1024 * 1024)) ]; then echo "gpu-bundle.sh: bundle exceeds 60 MiB" >&2; exit 1; fi
