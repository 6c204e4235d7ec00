#!/usr/bin/env bash
# The qemu driver end to end, with ONE real VM for the whole suite (software emulation here):
# bad input refused before anything boots (too little memory or disk, a missing qemu, a taken
# port, another Kubernetes version), `mini start` to a Ready node with the KVM self-test's
# verdict, ssh, cp, --ports (also added at run time), --mount-string, mini mount (and its
# refusal on the stopped machine), a pod running in the guest from an image loaded into it,
# pause/unpause, a ConfigMap and a volume's file kept across stop/start, --mount-string shared
# by a background `mini mount` as drivers without boot-time shares (virtualbox) do (ended by
# stop and delete, back after each start), a VM killed from outside (status shows it, start
# recovers), logs, and a `mini delete` that leaves no process, file or kubeconfig entry behind.
#
#   qemu_driver_test.sh MINI IMAGE_CACHE_DIR VM_CACHE_DIR
source "$(dirname "$0")/lib.sh"

IMAGES=$2
VM_CACHE=$3
REPO=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v qemu-system-x86_64 >/dev/null; then
  echo "skipped: qemu-system-x86_64 is not installed (scripts/setup installs it)"
  exit 77
fi

# The guest image and host facts are kept between runs: building them is not under test here.
mkdir -p "$VM_CACHE" "$MINI_HOME"
ln -s "$(realpath "$VM_CACHE")" "$MINI_HOME/cache"

qemu_pid() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' \
    "$MINI_HOME/machines/$1/qemu.pid" 2>/dev/null
}
mount_pid() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mounts"][0]["pid"])' \
    "$MINI_HOME/profiles/mini/mount.pid" 2>/dev/null
}
kill_vms() {
  for f in "$MINI_HOME"/machines/*/qemu.pid; do
    [ -f "$f" ] && kill -9 "$(qemu_pid "$(basename "$(dirname "$f")")")" 2>/dev/null
  done
}
trap 'kill_vms; cleanup' EXIT

run bash "$REPO/images/test/build.sh" "$IMAGES"
expect_code 0 "building the test images"

# --- bad input, refused before a machine exists ---
run "$MINI" start --driver=qemu -p small --memory=100mb
expect_code 24 "--memory=100mb"
expect_contains "$ERR" "minimum of 1024 MB" "--memory=100mb names the minimum"
run "$MINI" start --driver=qemu -p small --disk-size=1mb
expect_code 24 "--disk-size=1mb"
expect_contains "$ERR" "minimum of 2048 MB" "--disk-size=1mb names the minimum"
run env PATH=/nonexistent "$MINI" start --driver=qemu -p noqemu
[ "$CODE" -ne 0 ] || fail "start without qemu succeeded"
expect_contains "$ERR" "apt-get install qemu-system-x86" "a missing qemu gives the advice"
run "$MINI" start --driver=qemu -p old --kubernetes-version=v1.20.0
expect_code 14 "--kubernetes-version of another release"
expect_contains "$ERR" "serves Kubernetes v1.32.4 only" "the served version is named"
busy=$(free_port)
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(600)' "$busy" &
squatter=$!
sleep 0.3
run "$MINI" start --driver=qemu -p busy --apiserver-port="$busy"
kill "$squatter"
[ "$CODE" -ne 0 ] || fail "start on a taken port succeeded"
expect_contains "$ERR" "port $busy on 127.0.0.1 is already in use" "a taken port is named"
[ -z "$(qemu_pid busy)" ] || fail "a refused start left a VM"
"$MINI" delete -p busy >/dev/null 2>&1

# --- start to a Ready node, with a forwarded port and a shared directory ---
mkdir -p "$WORK/share"
echo from-the-host > "$WORK/share/hello"
fwd=$(free_port)
start=$(date +%s.%N)
run "$MINI" start --driver=qemu --memory=2g --wait=all --wait-timeout=180s --ports="$fwd:9000" \
  --mount-string="$WORK/share:/mnt/share"
expect_code 0 "start"
expect_contains "$OUT" "Done!" "start"
start_out=$OUT
echo "first start: $(python3 -c "import sys; print(round($(date +%s.%N) - $start, 1))") s"
# The KVM self-test answers quickly whatever KVM does here, and says what it found.
run python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); print(f["kvmUsable"], f["kvmReason"])' \
  "$MINI_HOME/cache/host-facts.json"
expect_code 0 "the KVM verdict is cached"
echo "KVM self-test: $OUT"
if [ "${OUT%% *}" = False ]; then
  expect_contains "$start_out" "KVM is not usable" "start warns that KVM does not work"
fi
[ -n "$(qemu_pid mini)" ] || finish

k() {
  run kubectl "$@"
  [ "$CODE" -eq 0 ] || fail "kubectl $*: exit $CODE: $ERR"
}
k get node mini -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
[ "$OUT" = True ] || fail "--wait=all returned before the node was Ready: '$OUT'"
run "$MINI" status -o json
[ "$(json_field "$OUT" Host)" = Running ] || fail "status Host: $OUT"
[ "$(json_field "$OUT" Kubelet)" = Running ] || fail "status Kubelet: $OUT"
run "$MINI" ip
[ "$OUT" = 10.0.2.15 ] || fail "mini ip: '$OUT'"

# --- ssh ---
run "$MINI" ssh -- uname -a
expect_code 0 "mini ssh -- uname -a"
expect_contains "$OUT" "Linux mini" "mini ssh runs in the guest"
run bash -c "echo 'echo from-a-shell; exit 3' | '$MINI' ssh"
expect_code 3 "a shell's exit code"
expect_contains "$OUT" "from-a-shell" "mini ssh without a command runs a shell"

# --- cp in and out ---
echo copied-in > "$WORK/cp-src"
run "$MINI" cp "$WORK/cp-src" /tmp/cp-dst
expect_code 0 "cp into the machine"
run "$MINI" cp mini:/tmp/cp-dst "$WORK/cp-back"
expect_code 0 "cp out of the machine"
[ "$(cat "$WORK/cp-back" 2>/dev/null)" = copied-in ] || fail "cp round trip"

# --- --ports and --mount-string ---
run "$MINI" ssh -- 'cat /mnt/share/hello; echo from-the-guest > /mnt/share/back;
  mkdir -p /tmp/www; echo served > /tmp/www/index.html; httpd -p 9000 -h /tmp/www'
expect_contains "$OUT" from-the-host "the guest reads the shared directory"
[ "$(cat "$WORK/share/back" 2>/dev/null)" = from-the-guest ] || fail "the host sees the guest's write"
run curl -s "http://127.0.0.1:$fwd/"
[ "$OUT" = served ] || fail "--ports forwards 127.0.0.1:$fwd to the guest's 9000: '$OUT'"
# A forward added to the running machine, through QMP.
fwd2=$(free_port)
run "$MINI" start --ports="$fwd2:9000"
expect_code 0 "start --ports on a running machine"
run curl -s "http://127.0.0.1:$fwd2/"
[ "$OUT" = served ] || fail "a forward added at run time: '$OUT'"

# --- mini mount: a directory shared at run time over 9P on TCP, gone after SIGINT ---
check_mini_mount

# --- a pod in the guest, with a file on the data disk ---
run "$MINI" image load "$IMAGES/busybox.oci.tar"
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
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/writer --timeout=90s
k logs writer
[ "$OUT" = written ] || fail "the pod's log: '$OUT'"
k run sleeper --image=mini-test/busybox:1 -- sleep 3600
k wait --for=condition=Ready pod/sleeper --timeout=90s

# --- pause and unpause ---
run "$MINI" pause
expect_code 0 "pause"
run "$MINI" status -o json
[ "$(json_field "$OUT" APIServer)" = Paused ] || fail "status of a paused cluster: $OUT"
run "$MINI" unpause
expect_code 0 "unpause"
run "$MINI" pause
run "$MINI" start
expect_code 0 "start of a paused cluster"
expect_contains "$OUT" "Unpausing" "start unpauses a paused cluster"
k wait --for=condition=Ready node/mini --timeout=60s
k get pod sleeper -o jsonpath='{.status.phase}'
[ "$OUT" = Running ] || fail "the pod after unpause: '$OUT'"

# --- --mount-string by a background mini mount, added to the running machine ---
# The test seam makes qemu share as virtualbox must; no extra boot: the stop/start and the
# recovery below bring the mount back.
mkdir -p "$WORK/bg"
echo from-a-background-mount > "$WORK/bg/hello"
bg_start() {
  run env MINI_TEST_BACKGROUND_MOUNTS=1 "$MINI" start "$@"
  expect_code 0 "start with a background mount $*"
}
bg_check() {  # bg_check WHAT: the guest reads the file through a live `mini mount` of ours
  run "$MINI" ssh -- cat /mnt/bg/hello
  [ "$OUT" = from-a-background-mount ] || fail "$1: the guest reads /mnt/bg/hello: '$OUT' $ERR"
  bg_pid=$(mount_pid)
  tr '\0' ' ' <"/proc/$bg_pid/cmdline" 2>/dev/null | grep -q " mount $WORK/bg:/mnt/bg -p mini" ||
    fail "$1: mount.pid does not name a running mini mount ('$bg_pid')"
}
bg_gone() {  # bg_gone WHAT PID: no mini mount process and no pid file are left
  for _ in $(seq 50); do kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$2" 2>/dev/null && fail "$1 left the background mini mount $2 running"
  pgrep -f -- "$MINI mount " >/dev/null && fail "$1 left a mini mount process"
  [ ! -e "$MINI_HOME/profiles/mini/mount.pid" ] || fail "$1 left mount.pid"
}
bg_start --mount-string="$WORK/bg:/mnt/bg"
expect_contains "$OUT" "Mounting host path $WORK/bg into VM as /mnt/bg" "start names the mount"
bg_check "a mount added to the running machine"
expect_contains "$(cat "$MINI_HOME/profiles/mini/logs/mount.log")" "Successfully mounted" \
  "the background mount logs to the profile's logs"

# --- stop and start keep the cluster ---
pid=$bg_pid
run "$MINI" stop
expect_code 0 "stop"
[ -z "$(qemu_pid mini)" ] || fail "stop left the pid file"
bg_gone stop "$pid"
run "$MINI" status -o json
[ "$(json_field "$OUT" Host)" = Stopped ] || fail "status after stop: $OUT"
mkdir -p "$WORK/live"
run "$MINI" mount "$WORK/live:/mnt/live"
expect_code 81 "mount on a stopped machine"
expect_contains "$ERR" "machine is Stopped" "mount on a stopped machine says why"
start=$(date +%s.%N)
bg_start
expect_contains "$OUT" "Mounting host path" "start after stop mounts again"
echo "warm start: $(python3 -c "import sys; print(round($(date +%s.%N) - $start, 1))") s"
k get configmap keep -o jsonpath='{.data.answer}'
[ "$OUT" = 42 ] || fail "the ConfigMap after a restart: '$OUT'"
run "$MINI" ssh -- cat /var/lib/mini/volumes/test/file
[ "$OUT" = kept-across-restarts ] || fail "the volume's file after a restart: '$OUT'"
bg_check "start after stop"

# --- a VM killed from outside ---
pid=$(qemu_pid mini)
kill -9 "$pid"
sleep 0.5
run "$MINI" status -o json
[ "$(json_field "$OUT" Host)" = Error ] || fail "status of a killed VM: $OUT"
old_mount=$bg_pid
bg_start
k get configmap keep -o name
bg_check "start after a killed VM"
[ "$bg_pid" != "$old_mount" ] || fail "the mount of the killed VM was kept"
kill -0 "$old_mount" 2>/dev/null && fail "the mount of the killed VM still runs"

run "$MINI" logs --problems
expect_code 0 "logs --problems"
run "$MINI" logs -n 200
expect_contains "$OUT" "mini-guest: control-plane" "logs hold the guest's console"

# --- delete leaves nothing ---
pid=$(qemu_pid mini)
run "$MINI" delete
expect_code 0 "delete"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "QEMU still runs after delete"
bg_gone delete "$bg_pid"
[ ! -e "$MINI_HOME/machines/mini" ] || fail "delete left the machine directory"
[ ! -e "$MINI_HOME/profiles/mini" ] || fail "delete left the profile"
run kubectl config get-contexts -o name
[ -z "$OUT" ] || fail "delete left kubeconfig contexts: $OUT"
finish
