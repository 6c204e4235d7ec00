#!/usr/bin/env bash
# `mini start --driver=qemu` to a Ready node, cold (new machine, guest image cached) and warm
# (a stopped machine started again), with a breakdown from the guest's boot marks, the guest's
# memory in use with no pods, and the image's size. Prints one table with the targets.
#   test/bench/vm.sh [build-dir] [runs]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
runs=${2:-3}
mini=$build/mini
[ -x "$mini" ] || { echo "vm.sh: $mini not built; run scripts/setup first" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "vm.sh: qemu-system-x86_64 missing" >&2; exit 1; }

work=$(mktemp -d /var/tmp/mini-vmbench-XXXXXX)
export MINI_HOME=$work/home KUBECONFIG=$work/kube/config
mkdir -p "$MINI_HOME" "$build/vm-cache"
ln -s "$(realpath "$build/vm-cache")" "$MINI_HOME/cache"
cleanup() { "$mini" delete --all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

now() { date +%s.%N; }
log=$MINI_HOME/profiles/bench/logs/control-plane.log
# mark NAME: the guest's uptime at a "mini-guest: NAME at Xs" line of this boot's console.
mark() { sed -n "s/^mini-guest: $1 at \([0-9.]*\)s/\1/p" "$log" | tail -1; }

# The image is built (or found) once, outside the timings.
"$mini" start -p bench --driver=qemu >/dev/null
"$mini" delete -p bench >/dev/null

rows=()
measure() {  # measure KIND
  local t0 t1 total
  t0=$(now)
  "$mini" start -p bench --driver=qemu --memory=2g >/dev/null
  t1=$(now)
  total=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  rows+=("$1 $total $(mark userland) $(mark control-plane)")
}
for _ in $(seq "$runs"); do
  measure cold
  "$mini" stop -p bench >/dev/null
  measure warm
  "$mini" delete -p bench >/dev/null
done

"$mini" start -p bench --driver=qemu --memory=2g >/dev/null
sleep 5  # let the control plane settle
# In use = total - free - what the kernel can reclaim (page cache other than the initramfs,
# which is tmpfs and stays); MemAvailable would also count the kernel's free-page reserve.
mem=$("$mini" ssh -p bench -- "awk '{m[\$1]=\$2} END {print int((m[\"MemTotal:\"]-m[\"MemFree:\"]-m[\"Buffers:\"]-m[\"Cached:\"]+m[\"Shmem:\"]-m[\"KReclaimable:\"])/1024), int((m[\"MemTotal:\"]-m[\"MemAvailable:\"])/1024), int(m[\"Shmem:\"]/1024)}' /proc/meminfo")
rss=$("$mini" ssh -p bench -- "awk '/VmRSS/{print int(\$2/1024)}' /proc/\$(pidof mini)/status")
initrd=$(ls "$MINI_HOME"/cache/guest/initrd-*.cpio | head -1)
kernel=$(ls "$MINI_HOME"/cache/kernel/*/vmlinux | head -1)

python3 - "$runs" "${mem// /,}" "$rss" "$(stat -c %s "$initrd")" "$(stat -c %s "$kernel")" "${rows[@]}" <<'PY'
import statistics, sys
runs, mem, rss, initrd, kernel = sys.argv[1:6]
rows = [r.split() for r in sys.argv[6:]]
def med(kind, i):
    return statistics.median(float(r[i]) for r in rows if r[0] == kind)
print(f"mini start --driver=qemu, medians of {runs} runs (s)")
print(f"| start | total | kernel to /init | /init to control plane | control plane to Ready (+ QEMU start) | target |")
print(f"|---|---|---|---|---|---|")
for kind, target in (("cold", "< 10"), ("warm", "< 8")):
    total, user, cp = med(kind, 1), med(kind, 2), med(kind, 3)
    print(f"| {kind} | {total:.2f} | {user:.2f} | {cp - user:.2f} | {total - cp:.2f} | {target} |")
print()
used, total_minus_available, shmem = mem.split(",")
print(f"| guest memory in use, no pods | {used} MiB, of which the initramfs {shmem} MiB (target < 256) |")
print(f"| MemTotal - MemAvailable | {total_minus_available} MiB |")
print(f"| control plane RSS in the guest | {rss} MiB |")
print(f"| initramfs (uncompressed cpio) | {int(initrd) / 2**20:.1f} MiB |")
print(f"| kernel (vmlinux) | {int(kernel) / 2**20:.1f} MiB |")
PY
