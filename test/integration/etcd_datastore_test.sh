#!/usr/bin/env bash
# mini start --datastore=etcd://... against a real Debian etcd: the control plane's readiness
# follows etcd's, and an unreachable etcd is a clear error naming the endpoint.
source "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: the native driver needs root"
  exit 77
fi
command -v etcd >/dev/null || { echo "FAIL: etcd is not installed; run scripts/setup" >&2; exit 1; }

client=$(free_port)
peer=$(free_port)
start_etcd() {
  etcd --name it --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$client" \
    --advertise-client-urls "http://127.0.0.1:$client" --listen-peer-urls "http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "it=http://127.0.0.1:$peer" >>"$WORK/etcd.log" 2>&1 &
  etcd_pid=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$client/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "etcd did not become healthy"
}
trap 'kill -9 "$etcd_pid" 2>/dev/null; cleanup' EXIT

run "$MINI" start --driver=native -p down --apiserver-port="$(free_port)" \
  --datastore="etcd://127.0.0.1:$client"
expect_code 83 "start with etcd unreachable"
expect_contains "$ERR" "cannot reach etcd at 127.0.0.1:$client" "start with etcd unreachable"
run "$MINI" delete -p down

start_etcd
run "$MINI" start --driver=native -p e1 --apiserver-port="$(free_port)" \
  --datastore="etcd://127.0.0.1:$client"
expect_code 0 "start on etcd"
run kubectl --context e1 get --raw '/readyz?verbose'
expect_contains "$OUT" "[+]etcd ok" "readyz with etcd up"

kill "$etcd_pid"
wait "$etcd_pid" 2>/dev/null
run kubectl --context e1 get --raw '/readyz?verbose'
expect_contains "$OUT$ERR" "etcd failed" "readyz with etcd down"
run "$MINI" status -p e1 -o json
[ "$(json_field "$OUT" APIServer)" = Error ] || fail "APIServer with etcd down: $OUT"

start_etcd
run kubectl --context e1 get --raw /readyz
[ "$OUT" = ok ] || fail "readyz after etcd came back: '$OUT' ($ERR)"

run "$MINI" delete -p e1
expect_code 0 "delete"
finish
