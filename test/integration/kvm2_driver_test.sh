#!/usr/bin/env bash
# The kvm2 driver end to end through a real libvirt, with ONE VM for the whole suite (a TCG
# domain here): a missing libvirt and an unreachable daemon refused with advice, `mini start
# --driver=kvm` (the alias) to a Ready node on the profile's own network, a pod in the guest,
# `mini ssh`, pause, stop/start keeping the data, a domain destroyed from outside, and a
# `mini delete` that leaves no domain, network, process, file or kubeconfig entry behind; then
# a second machine on libvirt's `default` network (--kvm-network), whose delete leaves that
# network as it was, and a --kvm-network that does not exist refused before anything boots.
# libvirtd and virtlogd are started by the test when none runs (there is no systemd here),
# and stopped again at the end.
#
#   kvm2_driver_test.sh MINI IMAGE_CACHE_DIR VM_CACHE_DIR
source "$(dirname "$0")/lib.sh"

IMAGES=$2
VM_CACHE=$3
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# grep reads all of virsh's output (no -q): under pipefail, a virsh cut short by SIGPIPE
# would fail the pipeline whatever grep found.
P=kvm2it  # the profile, the domain and (as mini-kvm2it) the network
D=kvm2def  # the profile and domain on the `default` network

if [ "$(id -u)" -ne 0 ] || ! command -v libvirtd >/dev/null || ! command -v virsh >/dev/null; then
  echo "skipped: needs root and libvirt (scripts/setup installs libvirt-daemon-system)"
  exit 77
fi
mkdir -p "$VM_CACHE" "$MINI_HOME"
ln -s "$(realpath "$VM_CACHE")" "$MINI_HOME/cache"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
started=()
for d in virtlogd libvirtd; do
  if ! alive "/run/$d.pid"; then
    "$d" -d || { echo "FAIL: cannot start $d" >&2; exit 1; }
    started+=("$d")
  fi
done
for _ in $(seq 100); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.1; done
default_active=$(virsh net-list --name | grep -x default >/dev/null && echo yes || echo no)
# A libvirt without the `default` network Debian defines gets one for this test only.
default_defined=no
if ! virsh net-info default >/dev/null 2>&1; then
  cat > "$WORK/default.xml" <<'XML'
<network>
  <name>default</name>
  <forward mode='nat'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
  </ip>
</network>
XML
  virsh net-define "$WORK/default.xml" >/dev/null && default_defined=yes
fi

remove_libvirt_chains() {
  command -v iptables >/dev/null || return 0
  for t in filter nat mangle; do
    iptables -t "$t" -S 2>/dev/null | awk '/^-A .* -j LIBVIRT_/ {$1 = "-D"; print}' |
      while read -r rule; do iptables -t "$t" $rule; done
    iptables -t "$t" -S 2>/dev/null | awk '/^-N LIBVIRT_/ {print $2}' |
      while read -r chain; do iptables -t "$t" -F "$chain" && iptables -t "$t" -X "$chain"; done
  done
}

teardown() {
  "$MINI" delete -p "$P" >/dev/null 2>&1
  virsh destroy "$P" >/dev/null 2>&1
  virsh undefine "$P" >/dev/null 2>&1
  virsh net-destroy "mini-$P" >/dev/null 2>&1
  virsh net-undefine "mini-$P" >/dev/null 2>&1
  "$MINI" delete -p "$D" >/dev/null 2>&1
  virsh destroy "$D" >/dev/null 2>&1
  virsh undefine "$D" >/dev/null 2>&1
  [ -n "${mac:-}" ] && virsh net-update default delete ip-dhcp-host "<host mac='$mac'/>" \
    --live --config >/dev/null 2>&1
  # The default network is left as it was found.
  if [ "$default_active" = no ] && virsh net-list --name | grep -x default >/dev/null; then
    virsh net-destroy default >/dev/null 2>&1
  fi
  [ "$default_defined" = yes ] && virsh net-undefine default >/dev/null 2>&1
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    pid=$(cat "/run/${started[i]}.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
    # A libvirtd started here leaves its firewall chains behind (it makes them again at start).
    [ "${started[i]}" = libvirtd ] && remove_libvirt_chains
  done
  cleanup
}
trap teardown EXIT
# The name belongs to this test: a domain or network under it is what an interrupted run left
# behind (a running TCG guest would also steal the CPU this run needs), so it goes first.
if virsh dominfo "$P" >/dev/null 2>&1 || virsh net-info "mini-$P" >/dev/null 2>&1; then
  echo "removing the domain and network an interrupted run left behind"
  virsh destroy "$P" >/dev/null 2>&1
  virsh undefine "$P" >/dev/null 2>&1
  virsh net-destroy "mini-$P" >/dev/null 2>&1
  virsh net-undefine "mini-$P" >/dev/null 2>&1
  ! virsh dominfo "$P" >/dev/null 2>&1 || { echo "FAIL: cannot remove the domain $P" >&2; exit 1; }
fi

run bash "$REPO/images/test/build.sh" "$IMAGES"
expect_code 0 "building the test images"

# --- bad input: libvirt missing, its daemon unreachable (in a mount namespace of their own) ---
lib=$(ldconfig -p | awk '/libvirt\.so\.0 / {print $NF; exit}')
run unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" \
  "$MINI" start --driver=kvm2 -p nolibvirt
[ "$CODE" -ne 0 ] || fail "start without libvirt succeeded"
expect_contains "$ERR" "libvirt is not installed" "a missing libvirt is named"
expect_contains "$ERR" "apt-get install libvirt-daemon-system" "a missing libvirt gives the advice"
run unshare -m sh -c 'mount -t tmpfs none /run/libvirt && exec "$@"' sh \
  "$MINI" start --driver=kvm2 -p nodaemon
[ "$CODE" -ne 0 ] || fail "start without libvirtd succeeded"
expect_contains "$ERR" "cannot connect to libvirt at qemu:///system" "an unreachable daemon is named"
expect_contains "$ERR" "libvirtd -d" "an unreachable daemon gives the advice"
run "$MINI" start --driver=kvm2 -p small --memory=100mb
expect_code 24 "--memory=100mb"

# --- start to a Ready node, through the alias ---
t0=$(date +%s.%N)
run "$MINI" start -p "$P" --driver=kvm --memory=2g --wait=all --wait-timeout=240s
expect_code 0 "start"
start_out=$OUT
echo "first start: $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
if python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["kvmUsable"])' \
     "$MINI_HOME/cache/host-facts.json"; then
  expect_contains "$start_out" "KVM is not usable" "start warns that KVM does not work"
  virsh dumpxml "$P" | grep "<domain type='qemu'" >/dev/null || fail "the domain is not a TCG one"
fi
run python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Driver"])' \
  "$MINI_HOME/profiles/$P/config.json"
[ "$OUT" = kvm2 ] || fail "--driver=kvm is kvm2: '$OUT'"
run virsh net-list --name
expect_contains "$OUT" "mini-$P" "the network mini-$P is active"
virsh domstate "$P" 2>/dev/null | grep running >/dev/null || finish

k() {
  run kubectl "$@"
  [ "$CODE" -eq 0 ] || fail "kubectl $*: exit $CODE: $ERR"
}
k get node "$P" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
[ "$OUT" = True ] || fail "the node is not Ready: '$OUT'"
run "$MINI" ip -p "$P"
ip=$OUT
case "$ip" in 192.168.*.2) ;; *) fail "mini ip: '$ip'" ;; esac
run virsh domifaddr "$P" --source lease
expect_contains "$OUT" "$ip/24" "the address is the one leased"
run "$MINI" ssh -p "$P" -- uname -n
[ "$OUT" = "$P" ] || fail "mini ssh runs in the guest: '$OUT' ($ERR)"
# mini mount: the server listens on the host's address on the machine's network.
check_mini_mount -p "$P"

# --- a pod, and a file on the data disk ---
run "$MINI" image load -p "$P" "$IMAGES/busybox.oci.tar"
expect_code 0 "image load into the guest"
k create configmap keep --from-literal=answer=42
cat > "$WORK/pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  restartPolicy: Never
  containers:
  - name: w
    image: mini-test/busybox:1
    command: [sh, -c, 'echo kept-across-restarts > /data/file; echo written']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, hostPath: {path: /var/lib/mini/volumes/test, type: DirectoryOrCreate}}]
YAML
k apply -f "$WORK/pod.yaml"
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/writer --timeout=120s
k logs writer
[ "$OUT" = written ] || fail "the pod's log: '$OUT'"
k run sleeper --image=mini-test/busybox:1 -- sleep 3600
k wait --for=condition=Ready pod/sleeper --timeout=120s

# --- pause and unpause ---
run "$MINI" pause -p "$P"
expect_code 0 "pause"
virsh domstate "$P" | grep paused >/dev/null || fail "the domain is not paused"
run "$MINI" status -p "$P" -o json
[ "$(json_field "$OUT" APIServer)" = Paused ] || fail "status of a paused cluster: $OUT"
run "$MINI" unpause -p "$P"
expect_code 0 "unpause"
k get pod sleeper -o jsonpath='{.status.phase}'
[ "$OUT" = Running ] || fail "the pod after unpause: '$OUT'"

# --- stop and start keep the cluster ---
run "$MINI" stop -p "$P"
expect_code 0 "stop"
virsh domstate "$P" | grep "shut off" >/dev/null || fail "the domain runs after stop"
run "$MINI" status -p "$P" -o json
[ "$(json_field "$OUT" Host)" = Stopped ] || fail "status after stop: $OUT"
t0=$(date +%s.%N)
run "$MINI" start -p "$P"
expect_code 0 "start after stop"
echo "warm start: $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
k get configmap keep -o jsonpath='{.data.answer}'
[ "$OUT" = 42 ] || fail "the ConfigMap after a restart: '$OUT'"
run "$MINI" ssh -p "$P" -- cat /var/lib/mini/volumes/test/file
[ "$OUT" = kept-across-restarts ] || fail "the volume's file after a restart: '$OUT'"

# --- a domain destroyed from outside ---
virsh destroy "$P" >/dev/null
run "$MINI" status -p "$P" -o json
[ "$(json_field "$OUT" Host)" = Error ] || fail "status of a destroyed domain: $OUT"
run "$MINI" start -p "$P"
expect_code 0 "start recovers a destroyed domain"
run "$MINI" logs -p "$P" -n 200
expect_contains "$OUT" "mini-guest: control-plane" "logs hold the guest's console"

# --- delete leaves nothing ---
run "$MINI" delete -p "$P"
expect_code 0 "delete"
virsh dominfo "$P" >/dev/null 2>&1 && fail "delete left the domain"
virsh net-info "mini-$P" >/dev/null 2>&1 && fail "delete left the network"
pgrep -f "guest=$P," >/dev/null && fail "delete left QEMU running"
[ ! -e "$MINI_HOME/machines/$P" ] || fail "delete left the machine directory"
[ ! -e "$MINI_HOME/profiles/$P" ] || fail "delete left the profile"
run kubectl config get-contexts -o name
[ -z "$OUT" ] || fail "delete left kubeconfig contexts: $OUT"

# --- an existing network: one that does not exist, then libvirt's `default` ---
run "$MINI" start -p nonet --driver=kvm2 --kvm-network=no-such-net
expect_code 55 "--kvm-network of a network that does not exist"
expect_contains "$ERR" 'the libvirt network "no-such-net" (--kvm-network) does not exist' \
  "the missing network is named"
expect_contains "$ERR" "virsh net-list --all" "the missing network gives the advice"
[ ! -e "$MINI_HOME/profiles/nonet/config.json" ] || fail "a refused start left a profile"
virsh net-dumpxml --inactive default > "$WORK/default-before.xml"
t0=$(date +%s.%N)
run "$MINI" start -p "$D" --driver=kvm2 --kvm-network=default --memory=2g --wait-timeout=240s
expect_code 0 "start on the default network"
echo "start on the default network: $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
mac=$(json_field "$(cat "$MINI_HOME/machines/$D/network.json")" mac)
run "$MINI" ip -p "$D"
dip=$OUT
case "$dip" in 192.168.122.*) ;; *) fail "mini ip on the default network: '$dip'" ;; esac
run virsh domifaddr "$D" --source lease
expect_contains "$OUT" "$dip/24" "the address is the one leased on the default network"
run virsh net-dumpxml default
expect_contains "$OUT" "<host mac='$mac' name='$D' ip='$dip'/>" "the reservation is in the network"
run kubectl --context "$D" get --raw /readyz
[ "$OUT" = ok ] || fail "/readyz at $dip: '$OUT' ($ERR)"
virsh net-info "mini-$D" >/dev/null 2>&1 && fail "a private network was made besides default"
run "$MINI" delete -p "$D"
expect_code 0 "delete of the machine on the default network"
virsh dominfo "$D" >/dev/null 2>&1 && fail "delete left the domain $D"
virsh net-info default >/dev/null 2>&1 || fail "delete removed the default network"
virsh net-dumpxml default | grep "$mac" >/dev/null && fail "delete left the reservation in default"
# Its definition, that is: starting it was asked for.
run diff "$WORK/default-before.xml" <(virsh net-dumpxml --inactive default)
[ "$CODE" -eq 0 ] || fail "delete did not leave the default network's definition as it was: $OUT"
finish
