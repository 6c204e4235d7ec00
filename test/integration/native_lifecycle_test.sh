#!/usr/bin/env bash
# start / status / stop / delete of a native-driver profile through the real binary, with the
# real kubectl as the client, and the failures a user meets along the way.
source "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: the native driver needs root"
  exit 77
fi

port=$(free_port)
mkdir -p "$(dirname "$KUBECONFIG")"
cat > "$KUBECONFIG" <<KC
apiVersion: v1
kind: Config
clusters:
- name: other
  cluster:
    server: https://192.0.2.1:6443
users:
- name: other
  user:
    token: secret-token
contexts:
- name: other
  context:
    cluster: other
    user: other
current-context: other
KC

# Non-root is refused before anything is written.
nr_home=$WORK/nonroot
mkdir -p "$nr_home" && chmod 777 "$nr_home"
run setpriv --reuid=65534 --regid=65534 --clear-groups env MINI_HOME="$nr_home" \
  KUBECONFIG="$nr_home/kubeconfig" "$MINI" start --driver=native -p nr
expect_code 51 "non-root start"
expect_contains "$ERR" "needs root" "non-root start"
[ ! -e "$nr_home/profiles/nr" ] || fail "non-root start left a profile"

run "$MINI" start --driver=native -p t1 --apiserver-port="$port"
expect_code 0 "start"
expect_contains "$OUT" "Done!" "start"

run kubectl --context t1 get --raw /readyz
[ "$OUT" = "ok" ] || fail "kubectl get --raw /readyz printed '$OUT' ($ERR)"
run kubectl --context t1 version -o json
expect_contains "$OUT" '"minor": "32"' "kubectl version"

run "$MINI" status -p t1 -o json
[ "$(json_field "$OUT" Host)" = Running ] || fail "status json Host: $OUT"
[ "$(json_field "$OUT" APIServer)" = Running ] || fail "status json APIServer: $OUT"
[ "$(json_field "$OUT" Kubeconfig)" = Configured ] || fail "status json Kubeconfig: $OUT"
[ "$(json_field "$OUT" Name)" = t1 ] || fail "status json Name: $OUT"
[ $((CODE & 5)) -eq 0 ] || fail "status exit code $CODE flags host or kubeconfig"

# kubeconfig: own entries added, current-context switched, the other entries untouched
[ "$(kubectl config current-context)" = t1 ] || fail "current-context is not t1"
run kubectl config view --raw -o jsonpath='{.users[?(@.name=="other")].user.token}'
[ "$OUT" = "secret-token" ] || fail "the other user's token was lost: '$OUT'"
[ "$(stat -c %a "$MINI_HOME/profiles/t1/client.key")" = 600 ] || fail "client.key is not 0600"

run "$MINI" ip -p t1
[[ "$OUT" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "mini ip printed '$OUT'"
run "$MINI" logs -p t1 -n 5
expect_contains "$OUT" "control plane ready" "mini logs"
# The native node is this host: mount says so instead of sharing anything.
run "$MINI" mount -p t1 "$WORK:/mnt/x"
expect_code 81 "mount on the native driver"
expect_contains "$ERR" "whose node is this host" "mount on the native driver says why"

run "$MINI" start --driver=native -p t1 --apiserver-port="$port"
expect_code 0 "second start"
expect_contains "$OUT" "already running" "second start"

# Another profile on the same port: a clear error, no process left.
run "$MINI" start --driver=native -p t2 --apiserver-port="$port"
expect_code 31 "start on a used port"
expect_contains "$ERR" "already in use" "start on a used port"
run "$MINI" status -p t2
[ $((CODE & 1)) -eq 1 ] || fail "t2 host should not run (exit $CODE)"
run "$MINI" delete -p t2

run "$MINI" profile list -o json
[ "$(json_field "$OUT" valid 0 Name)" = t1 ] || fail "profile list json: $OUT"
[ "$(json_field "$OUT" valid 0 Status)" = OK ] || fail "profile list status: $OUT"

# Misconfigured kubeconfig is reported and repaired.
kubectl config set-cluster t1 --server=https://127.0.0.1:1 >/dev/null
run "$MINI" status -p t1
expect_contains "$OUT" "kubeconfig: Misconfigured" "misconfigured status"
[ $((CODE & 4)) -eq 4 ] || fail "misconfigured status exit code $CODE"
run "$MINI" update-context -p t1
expect_code 0 "update-context"
run "$MINI" status -p t1
expect_contains "$OUT" "kubeconfig: Configured" "repaired status"

# A malformed kubeconfig is never rewritten.
printf 'clusters: [unclosed\n' > "$WORK/bad-kubeconfig"
cp "$WORK/bad-kubeconfig" "$WORK/bad-kubeconfig.orig"
KUBECONFIG=$WORK/bad-kubeconfig run "$MINI" update-context -p t1
[ "$CODE" -ne 0 ] || fail "update-context into a malformed kubeconfig succeeded"
cmp -s "$WORK/bad-kubeconfig" "$WORK/bad-kubeconfig.orig" || fail "malformed kubeconfig was changed"

# A crashed control plane is never shown as Running, and start brings it back.
pid=$(json_field "$(cat "$MINI_HOME/machines/t1/control-plane.pid")" pid)
kill -9 "$pid"
sleep 0.2
run "$MINI" status -p t1
expect_contains "$OUT" "host: Error" "status after a crash"
[ $((CODE & 3)) -eq 3 ] || fail "status after a crash exit code $CODE"
run "$MINI" start -p t1
expect_code 0 "start after a crash"
run kubectl --context t1 get --raw /readyz
[ "$OUT" = "ok" ] || fail "readyz after restart: '$OUT'"

run "$MINI" stop -p t1
expect_code 0 "stop"
run "$MINI" status -p t1
expect_code 7 "status after stop"
expect_contains "$OUT" "host: Stopped" "status after stop"
pid=$(pgrep -f "control-plane.*machines/t1/" || true)
[ -z "$pid" ] || fail "control plane still running after stop: $pid"

run "$MINI" delete -p t1
expect_code 0 "delete"
[ ! -e "$MINI_HOME/profiles/t1" ] || fail "delete left profiles/t1"
[ ! -e "$MINI_HOME/machines/t1" ] || fail "delete left machines/t1"
run kubectl config get-contexts -o name
[ "$OUT" = "other" ] || fail "contexts after delete: '$OUT'"
run kubectl config view -o jsonpath='{.clusters[*].name} {.users[*].name}'
[ "$OUT" = "other other" ] || fail "entries after delete: '$OUT'"

run "$MINI" delete --all --purge
expect_code 0 "delete --all --purge"
[ ! -e "$MINI_HOME" ] || fail "--purge left MINI_HOME"

finish
