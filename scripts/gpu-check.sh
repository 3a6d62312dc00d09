#!/usr/bin/env bash
# Runs saccade's CUDA checks on a GPU machine (no Java, no network needed): unpacks .gpu/bundle.tar.xz (made by
# scripts/gpu-bundle.sh), puts the cuBLAS / cuDNN libraries of the machine's PyTorch wheels on LD_LIBRARY_PATH,
# prints nvidia-smi and `saccade info`, runs the CUDA test classes with the JUnit console launcher (in the
# synchronising debug mode, -Dsaccade.cuda.sync=true; every model id against the CPU included; fails when CUDA is
# not found, a test fails, or a GPU test was skipped), the PyTorch peer timing (scripts/gpu_peer.py), the saccade model timing (ModelTiming) and the
# temporal-kernel bandwidth, and ends with one summary table (also written to summary.md).
# Everything is logged to $OUT (if set) or .gpu/out.
#
# Usage, from the repository root:
#   scripts/gpu-check.sh [bundle]        run everything, print the summary table
#   scripts/gpu-check.sh --summary       print the summary table of the last run again
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${OUT:-$root/.gpu/out}"
python="${SACCADE_PYTHON:-python3}"

if [ "${1:-}" = "--summary" ]; then
    [ -f "$out/summary.md" ] || { echo "gpu-check.sh: no summary in $out (run scripts/gpu-check.sh first)"; exit 1; }
    cat "$out/summary.md"
    exit 0
fi

bundle="${1:-$root/.gpu/bundle.tar.xz}"
mkdir -p "$out"
log="$out/gpu-check.log"
exec > >(tee "$log") 2>&1

status=0
rows=()
row() { rows+=("| $1 | $2 |"); }
fail() { echo "gpu-check.sh: FAIL: $*"; status=1; }
section() { echo; echo "===== $*"; }

[ -f "$bundle" ] || { echo "gpu-check.sh: FAIL: bundle $bundle not found (run scripts/gpu-bundle.sh first)"; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/saccade-gpu.XXXX")"
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xJf "$bundle"
java="$work/jdk/bin/java"
cp_all="$(ls "$work"/lib/*.jar | grep -v junit-platform-console-standalone | tr '\n' ':')"
console="$(ls "$work"/lib/junit-platform-console-standalone-*.jar | head -n1)"
jflags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx16g -XX:CompileCommand=quiet)
for c in VectorActivation LaneMask Simd VectorExp VectorMath; do jflags+=("-XX:CompileCommand=inline,dev.saccade.kernels.cpu.$c::*"); done

section "CUDA libraries"
# cuDNN 9 dlopens its sub-libraries (libcudnn_ops, libcudnn_cnn, ...) by bare name, so their folder must be on
# LD_LIBRARY_PATH before the JVM starts; -Dsaccade.cuda.libPath would only find libcudnn.so.9 itself. PyTorch's pip
# wheels ship cuBLAS and cuDNN under site-packages/nvidia/<package>/lib.
nv_dirs="$("$python" - <<'EOF' 2>/dev/null
import glob, os, site, sys
bases = list(sys.path)
try:
    bases += site.getsitepackages() + [site.getusersitepackages()]
except AttributeError:
    pass
dirs = []
for base in bases:
    for d in sorted(glob.glob(os.path.join(base, "nvidia", "*", "lib"))):
        if glob.glob(os.path.join(d, "libcublas*.so*")) or glob.glob(os.path.join(d, "libcudnn*.so*")) \
                or glob.glob(os.path.join(d, "libnvJitLink*.so*")) or glob.glob(os.path.join(d, "libnvrtc*.so*")):
            if d not in dirs:
                dirs.append(os.path.realpath(d))
print(":".join(dict.fromkeys(dirs)))
EOF
)"
if [ -n "$nv_dirs" ]; then
    export LD_LIBRARY_PATH="$nv_dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "LD_LIBRARY_PATH += $nv_dirs"
    row "cuBLAS / cuDNN libraries" "PyTorch wheels: $(echo "$nv_dirs" | tr ':' '\n' | sed 's|.*/nvidia/||; s|/lib$||' | paste -sd, -)"
else
    echo "no nvidia/*/lib folders under $python's site-packages; relying on the system loader"
    row "cuBLAS / cuDNN libraries" "system loader (no PyTorch wheel libraries found)"
fi

section "nvidia-smi"
nvidia-smi || echo "nvidia-smi not available"
driver="$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -n1)"
row "GPU, driver" "${driver:-unknown}"

section "saccade info (bundle commit $(cat "$work/COMMIT"))"
"$java" "${jflags[@]}" -cp "$cp_all" dev.saccade.cli.InfoCommand | tee "$out/info.txt"
if grep -qi "cuda.*unavailable" "$out/info.txt" || ! grep -q "cuda.*available" "$out/info.txt"; then
    fail "CUDA was not found by saccade (see info above)"
    row "saccade sees CUDA" "**no**: $(grep -i cuda "$out/info.txt" | head -n1)"
else
    row "saccade sees CUDA" "yes"
fi

section "CUDA tests (JUnit console, -Dsaccade.cuda.sync=true)"
rm -rf "$out/junit"
"$java" "${jflags[@]}" -Dsaccade.cuda.sync=true -jar "$console" execute --class-path "$cp_all" \
    --select-package dev.saccade.kernels.cuda --select-package dev.saccade.models.cuda --details=tree --details-theme=ascii --disable-ansi-colors \
    --reports-dir "$out/junit" --fail-if-no-tests > "$out/junit.txt" 2>&1
junit_rc=$?
cat "$out/junit.txt"
failed=$(sed -n 's/.*\[ *\([0-9]*\) tests failed *\].*/\1/p' "$out/junit.txt" | head -n1)
succeeded=$(sed -n 's/.*\[ *\([0-9]*\) tests successful *\].*/\1/p' "$out/junit.txt" | head -n1)
# Skipped tests (assumption failures) with their reasons: the no-GPU-only test and, on a machine without a C
# compiler, the stand-in library tests are expected; any other skip means a check did not run.
"$python" "$root/scripts/junit_skips.py" "$out/junit" | tee "$out/skips.txt"
unexpected=$?
expected=$(grep -c '^expected skip' "$out/skips.txt")
row "CUDA tests" "${succeeded:-?} passed, ${failed:-?} failed, $expected skipped as expected, $unexpected skipped unexpectedly (rc $junit_rc)"
[ "$junit_rc" -eq 0 ] || fail "CUDA tests failed"
[ "$unexpected" -eq 0 ] || fail "$unexpected GPU tests were skipped (see $out/skips.txt)"

section "PyTorch peer: TSM-ResNet-50 8x224"
if "$python" "$root/scripts/gpu_peer.py" --out "$out/peer.json"; then
    row "PyTorch eager TSM-R50 8x224" "$(cat "$out/peer.txt" 2>/dev/null || echo 'see log')"
else
    echo "gpu-check.sh: peer timing failed"
    row "PyTorch eager TSM-R50 8x224" "failed (see log)"
fi

section "saccade CUDA: TSM-ResNet-50 8x224"
"$java" "${jflags[@]}" -Dsaccade.cuda.tf32=true -Dsaccade.device=cuda -cp "$cp_all" dev.saccade.kernels.cuda.ModelTiming 8 1 \
    > "$out/saccade-model.txt" 2>&1
model_rc=$?
cat "$out/saccade-model.txt"
if [ "$model_rc" -ne 0 ]; then
    fail "ModelTiming failed (rc $model_rc)"
    row "saccade CUDA TSM-R50 8x224 (TF32)" "failed: $(grep -m1 -E 'Exception|Error' "$out/saccade-model.txt")"
else
    while IFS= read -r line; do row "saccade CUDA TSM-R50 8x224 (TF32)" "${line#saccade cuda TSM-R50 8x224 }"; done \
        < <(grep -E '^(saccade cuda|model timing)' "$out/saccade-model.txt")
fi

section "temporal kernels vs memcpy (CUDA events)"
"$java" "${jflags[@]}" -cp "$cp_all" dev.saccade.kernels.cuda.TemporalBandwidth > "$out/bandwidth.txt" 2>&1
cat "$out/bandwidth.txt"
while IFS= read -r line; do
    row "bandwidth: $(echo "$line" | awk '{print $1}')" "$(echo "$line" | awk '{$1=""; print}' | sed 's/^ *//')"
done < <(sed -n '3,$p' "$out/bandwidth.txt" | grep -v '^$')

{
    echo "| check | result |"
    echo "| --- | --- |"
    for r in "${rows[@]}"; do echo "$r"; done
    [ "$status" -eq 0 ] && echo "| overall | OK |" || echo "| overall | **FAILED** |"
} > "$out/summary.md"
section "summary (scripts/gpu-check.sh --summary prints it again)"
cat "$out/summary.md"
[ "$status" -eq 0 ] && echo "gpu-check.sh: OK" || echo "gpu-check.sh: FAILED"
exit "$status"
