#!/usr/bin/env bash
# `mini start` to a Ready node with one driver (qemu, kvm2 or native), cold (new machine, guest
# image cached) and warm (a stopped machine started again), with a breakdown from the guest's
# boot marks, the guest's memory in use with no pods, and the image's size. Prints one table
# with the targets. kvm2 needs libvirt (scripts/setup); its daemons are started when none
# runs, and stopped again at the end.
#   test/bench/vm.sh [build-dir] [runs] [driver]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
runs=${2:-3}
driver=${3:-qemu}
mini=$build/mini
[ -x "$mini" ] || { echo "vm.sh: $mini not built; run scripts/setup first" >&2; exit 1; }
case "$driver" in
  qemu) command -v qemu-system-x86_64 >/dev/null || { echo "vm.sh: qemu-system-x86_64 missing" >&2; exit 1; } ;;
  kvm2) command -v libvirtd >/dev/null || { echo "vm.sh: libvirtd missing (scripts/setup)" >&2; exit 1; } ;;
  native) ;;
  *) echo "vm.sh: driver '$driver' is not qemu, kvm2 or native" >&2; exit 1 ;;
esac

started=()
if [ "$driver" = kvm2 ]; then
  for d in virtlogd libvirtd; do
    if ! { [ -f "/run/$d.pid" ] && kill -0 "$(cat "/run/$d.pid")" 2>/dev/null; }; then
      "$d" -d && started+=("$d")
    fi
  done
  for _ in $(seq 100); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.1; done
fi

work=$(mktemp -d /var/tmp/mini-vmbench-XXXXXX)
export MINI_HOME=$work/home KUBECONFIG=$work/kube/config
mkdir -p "$MINI_HOME" "$build/vm-cache"
ln -s "$(realpath "$build/vm-cache")" "$MINI_HOME/cache"
cleanup() {
  "$mini" delete --all >/dev/null 2>&1 || true
  rm -rf "$work"
  for d in "${started[@]}"; do kill "$(cat "/run/$d.pid")" 2>/dev/null || true; done
}
trap cleanup EXIT

now() { date +%s.%N; }
log=$MINI_HOME/profiles/bench/logs/control-plane.log
# mark NAME: the guest's uptime at a "mini-guest: NAME at Xs" line of this boot's console.
mark() { sed -n "s/^mini-guest: $1 at \([0-9.]*\)s/\1/p" "$log" | tail -1; }

# The image is built (or found) once, outside the timings.
"$mini" start -p bench --driver="$driver" >/dev/null
"$mini" delete -p bench >/dev/null

rows=()
measure() {  # measure KIND
  local t0 t1 total
  t0=$(now)
  "$mini" start -p bench --driver="$driver" --memory=2g >/dev/null
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

"$mini" start -p bench --driver="$driver" --memory=2g >/dev/null
sleep 5  # let the control plane settle
mem="- - -" rss="-" initrd=/dev/null kernel=/dev/null
if [ "$driver" != native ]; then
  # In use = total - free - what the kernel can reclaim (page cache other than the initramfs,
  # which is tmpfs and stays); MemAvailable would also count the kernel's free-page reserve.
  mem=$("$mini" ssh -p bench -- "awk '{m[\$1]=\$2} END {print int((m[\"MemTotal:\"]-m[\"MemFree:\"]-m[\"Buffers:\"]-m[\"Cached:\"]+m[\"Shmem:\"]-m[\"KReclaimable:\"])/1024), int((m[\"MemTotal:\"]-m[\"MemAvailable:\"])/1024), int(m[\"Shmem:\"]/1024)}' /proc/meminfo")
  rss=$("$mini" ssh -p bench -- "awk '/VmRSS/{print int(\$2/1024)}' /proc/\$(pidof mini)/status")
  initrd=$(ls "$MINI_HOME"/cache/guest/initrd-*.cpio | head -1)
  kernel=$(ls "$MINI_HOME"/cache/kernel/*/vmlinux | head -1)
fi

python3 - "$driver" "$runs" "${mem// /,}" "$rss" "$(stat -c %s "$initrd")" "$(stat -c %s "$kernel")" "${rows[@]}" <<'PY'
import math, statistics, sys
driver, runs, mem, rss, initrd, kernel = sys.argv[1:7]
rows = [r.split() for r in sys.argv[7:]]
def med(kind, i):
    values = [float(r[i]) for r in rows if r[0] == kind and len(r) > i]
    return statistics.median(values) if values else float("nan")
print(f"mini start --driver={driver}, medians of {runs} runs (s)")
print(f"| start | total | kernel to /init | /init to control plane | control plane to Ready (+ QEMU start) | target |")
print(f"|---|---|---|---|---|---|")
def cell(x):
    return "-" if math.isnan(x) else f"{x:.2f}"
for kind, target in (("cold", "< 10"), ("warm", "< 8")):
    total, user, cp = med(kind, 1), med(kind, 2), med(kind, 3)
    print(f"| {kind} | {cell(total)} | {cell(user)} | {cell(cp - user)} | {cell(total - cp)} | {target} |")
if driver == "native":
    sys.exit(0)  # no machine: no guest memory, no image
print()
used, total_minus_available, shmem = mem.split(",")
print(f"| guest memory in use, no pods | {used} MiB, of which the initramfs {shmem} MiB (target < 256) |")
print(f"| MemTotal - MemAvailable | {total_minus_available} MiB |")
print(f"| control plane RSS in the guest | {rss} MiB |")
print(f"| initramfs (uncompressed cpio) | {int(initrd) / 2**20:.1f} MiB |")
print(f"| kernel (vmlinux) | {int(kernel) / 2**20:.1f} MiB |")
PY
