#!/usr/bin/env bash
# Runs `deno task perf` on a lent device machine (NVIDIA GPU, Vulkan) from the kit that
# tools/device/stage.ts wrote into .device/ (carried: carry [".device"]). Everything it measures
# lands in $OUT: gpu.txt (nvidia-smi), vulkan.txt (the loader and ICD used), perf.json (the
# autotune pass: adapter, tuning, every figure), perf.txt (the table, a second pass with the
# tuning just stored), tuning.json (the cache entry). One call, about 2–4 minutes of device time.
#
#   device run: bash tools/device/run_perf.sh        (carry [".device"], timeout_s 540)
#   here, to try the kit on lavapipe: OUT=/tmp/out CLAIMBENCH_DEVICE_LOCAL=1 bash tools/device/run_perf.sh
set -uo pipefail
KIT=.device
OUT=${OUT:-/tmp/claimbench-device-out}
mkdir -p "$OUT"
[ -f "$KIT/perf.js" ] && [ -f "$KIT/deno.xz" ] || {
  echo "run_perf.sh: no kit in $KIT: run 'deno run -A tools/device/stage.ts' first and carry .device" >&2
  exit 2
}

# The Vulkan loader: the machine's own, else the carried one (libvulkan1 for amd64).
if [ "${CLAIMBENCH_DEVICE_LOCAL:-0}" != 1 ] && ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for f in "$KIT"/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; fi
{
  ldconfig -p | grep libvulkan
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
} >"$OUT/vulkan.txt" 2>&1
nvidia-smi -L >"$OUT/gpu.txt" 2>&1 || echo "no nvidia-smi" >"$OUT/gpu.txt"

work=$(mktemp -d)
mkdir -p "$work/data" "$work/xdg" && chmod 700 "$work/xdg"
# python3's lzma: no xz binary is assumed there.
python3 - "$KIT" "$work" <<'PY' || exit 1
import lzma, os, shutil, sys
kit, work = sys.argv[1], sys.argv[2]
def unxz(src, dst):
    with lzma.open(src) as f, open(dst, "wb") as g:
        shutil.copyfileobj(f, g, 1 << 20)
unxz(f"{kit}/deno.xz", f"{work}/deno")
os.chmod(f"{work}/deno", 0o755)
for name in os.listdir(f"{kit}/data"):
    unxz(f"{kit}/data/{name}", f"{work}/data/{name[:-3]}")
PY

export XDG_RUNTIME_DIR=$work/xdg HOME=$work DENO_DIR=$work/deno_dir DENO_NO_UPDATE_CHECK=1
export CLAIMBENCH_TUNING_CACHE=$OUT/tuning.json
deno=("$work/deno" run -A --no-config --no-lock "$KIT/perf.js" --data-dir "$work/data")
epochs=${CLAIMBENCH_DEVICE_EPOCHS:-3}
"${deno[@]}" --autotune --epochs "$epochs" --json >"$OUT/perf.json" 2>"$OUT/perf-autotune.log"
rc=$?
"${deno[@]}" --epochs "$epochs" 2>&1 | tee "$OUT/perf.txt"
rc2=${PIPESTATUS[0]}
echo "autotune pass: exit $rc (perf-autotune.log); table pass: exit $rc2"
rm -rf "$work"
[ "$rc" = 0 ] && [ "$rc2" = 0 ]
