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
  "$MINI" delete --all >/dev/null 2>&1
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

finish() {
  if [ "$FAILURES" -ne 0 ]; then
    echo "$FAILURES check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
  exit 0
}
