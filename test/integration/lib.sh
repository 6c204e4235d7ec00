# Helpers for the integration tests: a private MINI_HOME and KUBECONFIG per test, assertions
# that say what was expected, and cleanup that leaves no process or file behind.
set -uo pipefail

MINI=$(realpath "$1")
WORK=$(mktemp -d /tmp/mini-it-XXXXXX)
chmod 755 "$WORK"
export MINI_HOME=$WORK/home KUBECONFIG=$WORK/kube/config
# kubectl caches discovery per host:port; keep it private so tests cannot see each other's.
export HOME=$WORK/user
mkdir -p "$HOME"
FAILURES=0

cleanup() {
  # Background `mini mount`s are delete's to end; these are killed only if it did not.
  local mounts="" pidfile pid
  for pidfile in "$MINI_HOME"/profiles/*/mount.pid; do
    [ -f "$pidfile" ] && mounts+=" $(python3 -c 'import json,sys; print(*(m["pid"] for m in json.load(open(sys.argv[1]))["mounts"]))' "$pidfile")"
  done
  "$MINI" delete --all >/dev/null 2>&1
  for pid in $mounts; do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q " mount " && kill -9 "$pid"
  done
  for pidfile in "$MINI_HOME"/machines/*/control-plane.pid; do
    [ -f "$pidfile" ] && kill -9 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$pidfile")" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  FAILURES=$((FAILURES + 1))
}

# run CMD...: runs it, keeping stdout in $OUT, stderr in $ERR and the exit code in $CODE.
run() {
  OUT=$("$@" 2>"$WORK/stderr")
  CODE=$?
  ERR=$(cat "$WORK/stderr")
}

expect_code() {
  local want=$1 what=$2
  [ "$CODE" -eq "$want" ] || fail "$what: exit code $CODE, want $want (stdout: $OUT; stderr: $ERR)"
}

expect_contains() {
  local haystack=$1 needle=$2 what=$3
  case "$haystack" in
    *"$needle"*) ;;
    *) fail "$what: output lacks '$needle': $haystack" ;;
  esac
}

json_field() {  # json_field JSON PATH...
  python3 -c 'import json,sys; v=json.loads(sys.argv[1])
for k in sys.argv[2:]: v=v[int(k)] if isinstance(v,list) else v[k]
print(v)' "$@"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("0.0.0.0",0)); print(s.getsockname()[1])'
}

# check_mini_mount [FLAGS...]: `mini mount` (with FLAGS, e.g. -p PROFILE) shares a fresh host
# directory into the running machine: the guest reads a host file, the host sees a file the
# guest writes, both list the same names; after SIGINT it exits 0 and the guest's mount is gone.
check_mini_mount() {
  local live=$WORK/live-$RANDOM mounter code
  mkdir -p "$live/sub"
  echo from-the-host >"$live/hello"
  "$MINI" mount "$@" "$live:/mnt/live" >"$WORK/mount.out" 2>"$WORK/mount.err" &
  mounter=$!
  for _ in $(seq 300); do
    grep -q "Successfully mounted" "$WORK/mount.out" 2>/dev/null && break
    kill -0 "$mounter" 2>/dev/null || break
    sleep 0.2
  done
  expect_contains "$(cat "$WORK/mount.out")" "Successfully mounted $live to /mnt/live" \
    "mini mount ($(cat "$WORK/mount.err"))"
  run "$MINI" ssh "$@" -- 'cat /mnt/live/hello && echo written-in-the-guest > /mnt/live/sub/from-guest'
  expect_code 0 "using the mounted directory in the guest"
  expect_contains "$OUT" from-the-host "the guest reads a host file through mini mount"
  [ "$(cat "$live/sub/from-guest" 2>/dev/null)" = written-in-the-guest ] ||
    fail "the host sees a file the guest wrote through mini mount"
  run "$MINI" ssh "$@" -- 'cd /mnt/live && ls -A . sub'
  [ "$OUT" = "$(cd "$live" && ls -A . sub)" ] || fail "the guest lists the directory otherwise: $OUT"
  kill -INT "$mounter"
  wait "$mounter"
  code=$?
  [ "$code" -eq 0 ] || fail "mini mount exited $code after SIGINT: $(cat "$WORK/mount.err")"
  expect_contains "$(cat "$WORK/mount.out")" "Unmounting /mnt/live" "mini mount unmounts on SIGINT"
  run "$MINI" ssh "$@" -- 'grep -c " /mnt/live " /proc/mounts'
  [ "$OUT" = 0 ] || fail "the guest still has the mount after SIGINT: $OUT"
}

finish() {
  if [ "$FAILURES" -ne 0 ]; then
    echo "$FAILURES check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
  exit 0
}
