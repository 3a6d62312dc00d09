#!/usr/bin/env bash
# Runs saccade's CUDA checks on a GPU machine (no Java, no network needed): unpacks .gpu/bundle.tar.xz (made by
# scripts/gpu-bundle.sh), prints nvidia-smi and `saccade info`, runs the CUDA test classes with the JUnit console
# launcher (fails when CUDA is not found or the GPU tests were skipped), the PyTorch peer timing
# (scripts/gpu_peer.py), the Java model timing (when the model zoo is present) and the temporal-kernel bandwidth.
# Everything is logged to $OUT (if set) or .gpu/out.
# Usage, from the repository root: scripts/gpu-check.sh [bundle]
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="${1:-$root/.gpu/bundle.tar.xz}"
out="${OUT:-$root/.gpu/out}"
mkdir -p "$out"
log="$out/gpu-check.log"
exec > >(tee "$log") 2>&1

work="$(mktemp -d -t saccade-gpu.XXXX)"
[ -f "$bundle" ] || { echo "gpu-check.sh: FAIL: bundle $bundle not found (run scripts/gpu-bundle.sh first)"; exit 1; }
tar -C "$work" -xJf "$bundle"
java="$work/jdk/bin/java"
cp_all="$(ls "$work"/lib/*.jar | grep -v junit-platform-console-standalone | tr '\n' ':')"
console="$(ls "$work"/lib/junit-platform-console-standalone-*.jar | head -n1)"
jflags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx16g)
status=0
summary=()

section() { echo; echo "===== $*"; }

section "nvidia-smi"
nvidia-smi || echo "nvidia-smi not available"

section "saccade info (bundle commit $(cat "$work/COMMIT"))"
"$java" "${jflags[@]}" -cp "$cp_all" dev.saccade.cli.InfoCommand | tee "$out/info.txt"
if ! grep -q "cuda.*available" "$out/info.txt" || grep -qi "cuda.*unavailable" "$out/info.txt"; then
    echo "gpu-check.sh: FAIL: CUDA was not found by saccade (see info above)"
    status=1
fi

section "CUDA tests (JUnit console)"
"$java" "${jflags[@]}" -jar "$console" execute --class-path "$cp_all" --select-package dev.saccade.kernels.cuda \
    --details=tree --details-theme=ascii --disable-ansi-colors --reports-dir "$out/junit" --fail-if-no-tests > "$out/junit.txt" 2>&1
junit_rc=$?
cat "$out/junit.txt"
# Tests that fail an assumption (assumeTrue(Cuda.available())) are reported as "aborted", @Disabled ones as "skipped".
skipped=$(sed -n 's/.*\[ *\([0-9]*\) tests aborted *\].*/\1/p' "$out/junit.txt" | head -n1)
failed=$(sed -n 's/.*\[ *\([0-9]*\) tests failed *\].*/\1/p' "$out/junit.txt" | head -n1)
succeeded=$(sed -n 's/.*\[ *\([0-9]*\) tests successful *\].*/\1/p' "$out/junit.txt" | head -n1)
summary+=("junit: ${succeeded:-?} passed, ${failed:-?} failed, ${skipped:-?} aborted/skipped for lack of CUDA (rc $junit_rc)")
# One test (CudaUnavailableTest's no-GPU case) is expected to skip when a GPU is present.
if [ "$junit_rc" -ne 0 ]; then echo "gpu-check.sh: FAIL: CUDA tests failed"; status=1; fi
if [ -z "$skipped" ] || [ "$skipped" -gt 1 ]; then echo "gpu-check.sh: FAIL: GPU tests were skipped (${skipped:-unknown}): CUDA not found?"; status=1; fi

section "PyTorch peer: TSM-ResNet-50 8x224"
if python3 "$root/scripts/gpu_peer.py" --out "$out/peer.json"; then summary+=("peer: $(cat "$out/peer.txt" 2>/dev/null || echo see log)");
else echo "gpu-check.sh: peer timing failed"; summary+=("peer: failed"); fi

section "saccade CUDA: TSM-ResNet-50 8x224 (if the model zoo is on the class path)"
"$java" "${jflags[@]}" -Dsaccade.cuda.tf32=true -Dsaccade.device=cuda -cp "$cp_all" dev.saccade.kernels.cuda.ModelTiming 8 1 \
    | tee "$out/saccade-model.txt"
summary+=("saccade model: $(tail -n 2 "$out/saccade-model.txt" | tr '\n' ' ')")

section "temporal kernels vs memcpy (CUDA events)"
"$java" "${jflags[@]}" -cp "$cp_all" dev.saccade.kernels.cuda.TemporalBandwidth | tee "$out/bandwidth.txt"

section "summary"
for s in "${summary[@]}"; do echo "  $s"; done
sed -n '2,$p' "$out/bandwidth.txt" | sed 's/^/  /'
[ "$status" -eq 0 ] && echo "gpu-check.sh: OK" || echo "gpu-check.sh: FAILED"
rm -rf "$work"
exit "$status"
