#!/usr/bin/env bash
# The qemu driver's bridged network (--network=bridge) end to end, with ONE VM: refused
# without root and for an unknown network, `mini start` to a Ready node on a bridge, tap and
# NAT table of the machine's own, the API server, ssh and a pod's hostPort reached at the
# guest's address (which `mini ip` prints), the host's nameserver reached from the guest, the
# same address after stop/start, and a `mini delete` that leaves no tap, bridge, nft table or
# QEMU behind.
#
#   qemu_bridge_test.sh MINI IMAGE_CACHE_DIR VM_CACHE_DIR
source "$(dirname "$0")/lib.sh"

IMAGES=$2
VM_CACHE=$3
REPO=$(cd "$(dirname "$0")/../.." && pwd)
P=bridgeit

if [ "$(id -u)" -ne 0 ] || ! command -v qemu-system-x86_64 >/dev/null || [ ! -c /dev/net/tun ]; then
  echo "skipped: needs root, qemu-system-x86_64 and /dev/net/tun"
  exit 77
fi
mkdir -p "$VM_CACHE" "$MINI_HOME"
ln -s "$(realpath "$VM_CACHE")" "$MINI_HOME/cache"

plan() { json_field "$(cat "$MINI_HOME/machines/$P/network.json")" "$1"; }
qemu_pid() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' \
    "$MINI_HOME/machines/$P/qemu.pid" 2>/dev/null
}
# The plan's names are read while it exists, so whatever a failed run made is removed.
bridge="" tap="" table=""
teardown() {
  pid=$(qemu_pid)
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  "$MINI" delete -p "$P" >/dev/null 2>&1
  for link in "$tap" "$bridge"; do
    [ -n "$link" ] && ip link del "$link" >/dev/null 2>&1
  done
  [ -n "$table" ] && nft delete table ip "$table" >/dev/null 2>&1
  cleanup
}
trap teardown EXIT

run bash "$REPO/images/test/build.sh" "$IMAGES"
expect_code 0 "building the test images"

# --- refused before anything is made ---
nr_home=$WORK/nonroot
mkdir -p "$nr_home" && chmod 777 "$nr_home"
run setpriv --reuid=65534 --regid=65534 --clear-groups env MINI_HOME="$nr_home" \
  KUBECONFIG="$nr_home/kubeconfig" "$MINI" start --driver=qemu --network=bridge -p nr
expect_code 51 "a bridged start without root"
expect_contains "$ERR" "--network=bridge needs root" "the reason is given"
expect_contains "$ERR" "--network=user" "the way out is given"
[ ! -e "$nr_home/machines/nr" ] || fail "a refused start left a machine"
run "$MINI" start --driver=qemu --network=slirp -p bad
expect_code 14 "--network=slirp"
expect_contains "$ERR" "invalid --network" "an unknown network is named"

# --- start on the bridge ---
t0=$(date +%s.%N)
run "$MINI" start -p "$P" --driver=qemu --network=bridge --memory=2g --wait=all --wait-timeout=240s
expect_code 0 "start"
echo "first start: $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
[ -f "$MINI_HOME/machines/$P/network.json" ] || { fail "no network plan"; finish; }
bridge=$(plan bridge) tap=$(plan tap) table=$(plan table)
[ "$(json_field "$(cat "$MINI_HOME/profiles/$P/config.json")" Network)" = bridge ] ||
  fail "the profile does not keep --network=bridge"
[ -n "$(qemu_pid)" ] || finish

run "$MINI" ip -p "$P"
guest=$OUT
case "$guest" in 192.168.*.2) ;; *) fail "mini ip: '$guest'" ;; esac
run ip -br addr show dev "$bridge"
expect_contains "$OUT" "${guest%.2}.1/24" "the bridge holds the host's address"
run ip -d link show dev "$tap"
expect_contains "$OUT" "master $bridge" "the tap is on the bridge"
run nft list table ip "$table"
expect_contains "$OUT" "masquerade" "the NAT table masquerades the guest"
run pgrep -af "ifname=$tap,script=no"
[ -n "$OUT" ] || fail "QEMU does not use the tap"

k() {
  run kubectl --context "$P" "$@"
  [ "$CODE" -eq 0 ] || fail "kubectl $*: exit $CODE: $ERR"
}
k config view --minify -o jsonpath='{.clusters[0].cluster.server}'
[ "$OUT" = "https://$guest:8443" ] || fail "kubeconfig's server is not the guest's address: '$OUT'"
k get --raw /readyz
[ "$OUT" = ok ] || fail "/readyz at the guest's address: '$OUT'"
k get node "$P" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
[ "$OUT" = True ] || fail "the node is not Ready: '$OUT'"
k get node "$P" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}'
echo "node InternalIP: $OUT"
run "$MINI" ssh -p "$P" -- 'uname -n; ip -4 -o addr show eth0; ping -c1 -W2 '"${guest%.2}.1"' >/dev/null && echo gateway-ok'
expect_contains "$OUT" "$P" "mini ssh reaches the guest at its address"
expect_contains "$OUT" "$guest/24" "the guest has its fixed address"
expect_contains "$OUT" "gateway-ok" "the guest reaches the host through the bridge"
# mini mount: the server listens on the host's address on the bridge.
check_mini_mount -p "$P"

# Beyond the host through the NAT table: the host's nameserver answers the guest, when it is
# not on this host and the host itself can resolve names.
ns=$(awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ && $2 !~ /^127\./ {print $2; exit}' /etc/resolv.conf)
if [ -n "$ns" ] && ! ip -4 -o addr | grep " $ns/" >/dev/null && getent hosts deb.debian.org >/dev/null; then
  run "$MINI" ssh -p "$P" -- 'nslookup deb.debian.org >/dev/null 2>&1 && echo resolved'
  expect_contains "$OUT" resolved "the guest resolves names through the host's nameserver $ns"
else
  echo "not checked: the guest reaching beyond the host (no outside nameserver here)"
fi

# --- a pod, reached at the guest's address through its hostPort ---
run "$MINI" image load -p "$P" "$IMAGES/busybox.oci.tar"
expect_code 0 "image load into the guest"
cat > "$WORK/web.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: mini-test/busybox:1
    command: [sh, -c, 'mkdir -p /www && echo served-by-a-pod > /www/index.html && httpd -f -p 8080 -h /www']
    ports: [{containerPort: 8080, hostPort: 30080}]
YAML
k apply -f "$WORK/web.yaml"
k wait --for=condition=Ready pod/web --timeout=120s
# Ready says the container started, not that httpd listens yet.
for _ in $(seq 40); do
  run curl -s --max-time 5 "http://$guest:30080/"
  [ "$OUT" = served-by-a-pod ] && break
  sleep 0.25
done
[ "$OUT" = served-by-a-pod ] || fail "the pod's hostPort at the guest's address: '$OUT'"

# --- stop keeps the plan: the same address after a restart ---
run "$MINI" stop -p "$P"
expect_code 0 "stop"
run "$MINI" start -p "$P" --wait=all --wait-timeout=240s
expect_code 0 "start after stop"
run "$MINI" ip -p "$P"
[ "$OUT" = "$guest" ] || fail "the address changed across stop/start: '$OUT', was '$guest'"
k get --raw /readyz

# --- delete leaves the host as it was ---
pid=$(qemu_pid)
run "$MINI" delete -p "$P"
expect_code 0 "delete"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "QEMU still runs after delete"
ip link show dev "$tap" >/dev/null 2>&1 && fail "delete left the tap $tap"
ip link show dev "$bridge" >/dev/null 2>&1 && fail "delete left the bridge $bridge"
nft list table ip "$table" >/dev/null 2>&1 && fail "delete left the nft table $table"
[ ! -e "$MINI_HOME/machines/$P" ] || fail "delete left the machine directory"
run kubectl config get-contexts -o name
[ -z "$OUT" ] || fail "delete left kubeconfig contexts: $OUT"
finish
