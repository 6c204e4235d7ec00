#!/usr/bin/env bash
# Pod startup benchmark against a throwaway `mini start --driver=native` cluster: 1, 10 and 100
# pods created at once from an image already on the node, each timed from its create to the
# watch event showing it Running; and the control plane's CPU and RSS idle and with the 100
# pods running (containers and their shims excluded: they are separate processes). Prints one
# table with the targets: p99 < 1 s for 100 pods, idle CPU < 1% of a core. Needs root.
#   test/bench/pods.sh [build-dir]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
mini=$build/mini
bench=$build/test/bench/pod_bench
for binary in "$mini" "$bench"; do
  [ -x "$binary" ] || { echo "pods.sh: $binary not built; run scripts/setup first" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "pods.sh: the native driver needs root" >&2; exit 1; }

profile="bench-pods"
work=$(mktemp -d /var/tmp/mini-bench-XXXXXX)
chmod 755 "$work"
export MINI_HOME=$work/home KUBECONFIG=$work/kube/config
cleanup() {
  "$mini" delete -p "$profile" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

images=${MINI_TEST_IMAGES:-$root/build/test-images}
bash "$root/images/test/build.sh" "$images" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
"$mini" start --driver=native -p "$profile" --apiserver-port="$port" >"$work/start.log" 2>&1 ||
  { cat "$work/start.log" >&2; exit 1; }
"$mini" image load -p "$profile" "$images/busybox.oci.tar" >/dev/null
server=$(awk '$1 == "server:" { print $2; exit }' "$KUBECONFIG")
pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' \
  "$MINI_HOME/machines/$profile/control-plane.pid")
kubectl wait --for=condition=Ready "node/$profile" --timeout=60s >/dev/null
sleep 5  # let start-up work settle: idle means idle

"$bench" --server "$server" --ca "$MINI_HOME/ca.crt" \
  --cert "$MINI_HOME/profiles/$profile/client.crt" --key "$MINI_HOME/profiles/$profile/client.key" \
  --pid "$pid" --bridge mini0 >"$work/run.tsv"

printf '%-26s %8s %8s %8s %14s %26s %5s\n' metric p50_ms p99_ms max_ms all_running_s target met
awk -F'\t' 'function yn(ok) { return ok ? "yes" : "NO" }
  $1 == "startup" {
    target = "-"; met = "-"
    if ($2 == 100) { target = "p99 < 1000 ms"; met = yn($4 < 1000) }
    printf "%-26s %8s %8s %8s %14s %26s %5s\n", "startup, " $2 " pods", $3, $4, $5, $6, target, met
  }
  $1 == "cpu" {
    target = "-"; met = "-"
    if ($2 == "idle") { target = "< 1% of a core"; met = yn($3 < 1) }
    printf "%-26s %35s %26s %5s\n", "cpu " $2, $3 "% of a core", target, met
  }
  $1 == "rss" { printf "%-26s %35s %26s %5s\n", "rss " $2, $3 " MiB", "-", "-" }' "$work/run.tsv"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
  "$(uname -r); the control plane runs the API server, datastore, controllers and the agent"
