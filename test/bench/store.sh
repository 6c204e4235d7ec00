#!/usr/bin/env bash
# Runs the datastore benchmark against the embedded store and a local Debian etcd on the same
# disk, and prints the figures side by side with their ratio (higher is better for mini on
# throughput, lower on latency).
#   test/bench/store.sh [build-dir] [seconds-per-throughput-run]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-3}
bench=$build/test/bench/store_bench
[ -x "$bench" ] || { echo "store.sh: $bench not built; run scripts/setup first" >&2; exit 1; }
command -v etcd >/dev/null || { echo "store.sh: etcd not installed; run scripts/setup" >&2; exit 1; }

work=$(mktemp -d /var/tmp/mini-bench-XXXXXX)
trap 'kill "$etcd_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
peer=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
etcd --name bench --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$port" \
  --advertise-client-urls "http://127.0.0.1:$port" --listen-peer-urls "http://127.0.0.1:$peer" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "bench=http://127.0.0.1:$peer" >"$work/etcd.log" 2>&1 &
etcd_pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done

"$bench" --datastore "sqlite://$work/mini/state.db" --seconds "$seconds" >"$work/mini.tsv"
"$bench" --datastore "etcd://127.0.0.1:$port" --seconds "$seconds" >"$work/etcd.tsv"

printf '%-22s %14s %14s %10s\n' metric mini etcd ratio
awk -F'\t' 'NR == FNR { etcd[$1] = $2; next } { print $1 "\t" $2 "\t" etcd[$1] }' \
  "$work/etcd.tsv" "$work/mini.tsv" | while IFS=$'\t' read -r metric mini etcd; do
  case "$metric" in
    *_per_s) ratio=$(awk -v a="$mini" -v b="$etcd" 'BEGIN { printf (b > 0 ? "%.1fx" : "-"), a / b }') ;;
    *_us) ratio=$(awk -v a="$mini" -v b="$etcd" 'BEGIN { printf (a > 0 ? "%.1fx" : "-"), b / a }') ;;
    *) ratio="" ;;
  esac
  printf '%-22s %14s %14s %10s\n' "$metric" "$mini" "$etcd" "$ratio"
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
