#!/usr/bin/env bash
# Real pods on `mini start --driver=native`, driven by the real kubectl: scheduled onto the
# node, run by crun from an image loaded with `mini image load`, with addresses on the pod
# network, restart policies and the crash-loop back-off, probes, lifecycle hooks, termination
# messages, image errors, volumes, runAsNonRoot, hostPorts, deletion, and a `mini delete` that
# leaves no container, mount, network namespace or port forward behind.
#
#   pods_test.sh MINI IMAGE_CACHE_DIR
source "$(dirname "$0")/lib.sh"

IMAGES=$2
REPO=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: the native driver needs root"
  exit 77
fi

run bash "$REPO/images/test/build.sh" "$IMAGES"
expect_code 0 "building the test images"
[ "$CODE" -eq 0 ] || finish

port=$(free_port)
run "$MINI" start --driver=native --apiserver-port="$port"
expect_code 0 "start"
[ "$CODE" -eq 0 ] || finish
run "$MINI" image load "$IMAGES/busybox.oci.tar"
expect_code 0 "image load"

k() {
  run kubectl "$@"
  if [ "$CODE" -ne 0 ]; then
    fail "kubectl $*: exit $CODE: $ERR"
  elif [ -n "$ERR" ]; then
    fail "kubectl $*: printed on stderr: $ERR"
  fi
}

k wait --for=condition=Ready node/mini --timeout=30s
IMAGE=mini-test/busybox:1

# A pod that runs to completion.
k run hello --image=$IMAGE --restart=Never -- sh -c 'echo hello from a pod'
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/hello --timeout=60s
k get pod hello -o jsonpath='{.status.containerStatuses[0].state.terminated.reason}'
expect_contains "$OUT" "Completed" "a finished container's reason"
k get pod hello
expect_contains "$OUT" "Completed" "get pods shows Completed"
k logs hello
[ "$OUT" = "hello from a pod" ] || fail "kubectl logs: '$OUT'"
# The kubelet's events, as `kubectl describe` lists them.
k describe pod hello
expect_contains "$OUT" "already present on machine" "describe shows the Pulled event"
expect_contains "$OUT" "Started container hello" "describe shows the Started event"

# Every namespace has its default ServiceAccount and the cluster's CA; a pod gets both, and a
# token, at the path in-cluster clients read.
k get serviceaccount default -o name
expect_contains "$OUT" "serviceaccount/default" "the default ServiceAccount"
k run account --image=$IMAGE --restart=Never -- sh -c \
  'd=/var/run/secrets/kubernetes.io/serviceaccount; cat $d/namespace; echo; head -c 3 $d/token; echo; head -1 $d/ca.crt'
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/account --timeout=60s
k logs account
expect_contains "$OUT" "default" "the mounted namespace"
expect_contains "$OUT" "eyJ" "the mounted token"
expect_contains "$OUT" "BEGIN CERTIFICATE" "the mounted CA"

# The environment from a ConfigMap and a Secret; a missing one holds the container back with
# the kubelet's reason until it appears.
k create configmap settings --from-literal=MODE=debug --from-literal=PORT=80
k create secret generic creds --from-literal=token=s3cret
cat >"$WORK/env.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: envy}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMAGE
    command: [sh, -c, 'echo "\$MODE \$PORT \$TOKEN \$APP_MEM"']
    resources: {limits: {memory: 32Mi}}
    envFrom: [{configMapRef: {name: settings}}]
    env:
    - {name: PORT, value: "8080"}
    - {name: TOKEN, valueFrom: {secretKeyRef: {name: creds, key: token}}}
    - {name: APP_MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
YAML
k apply -f "$WORK/env.yaml"
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/envy --timeout=60s
k logs envy
[ "$OUT" = "debug 8080 s3cret 32" ] || fail "environment from ConfigMap, Secret and resources: '$OUT'"
k run lacking --image=$IMAGE --restart=Never --overrides='{"spec":{"containers":[{"name":"lacking","image":"'$IMAGE'","command":["true"],"env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"later","key":"x"}}}]}]}}'
k wait --for=jsonpath='{.status.containerStatuses[0].state.waiting.reason}'=CreateContainerConfigError pod/lacking --timeout=60s
k get pod lacking -o jsonpath='{.status.containerStatuses[0].state.waiting.message}'
[ "$OUT" = 'configmap "later" not found' ] || fail "a missing ConfigMap's message: '$OUT'"
k create configmap later --from-literal=x=1
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/lacking --timeout=60s

# Logs: followed until the container ends, with tail and timestamps.
k run ticker --image=$IMAGE --restart=Never -- sh -c 'for i in 1 2 3; do echo tick $i; sleep 1; done; echo done >&2'
k wait --for=condition=Ready pod/ticker --timeout=60s
k logs -f ticker --request-timeout=20s
[ "$OUT" = "$(printf 'tick 1\ntick 2\ntick 3\ndone')" ] || fail "kubectl logs -f: '$OUT'"
k logs ticker --tail=1 --timestamps
case "$OUT" in 20*Z\ done) ;; *) fail "kubectl logs --tail=1 --timestamps: '$OUT'" ;; esac

# A server: Running, Ready, reachable on its pod address from the node.
k run web --image=$IMAGE --labels=app=web \
  --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":2}}' -- httpd -f -p 8080
k wait --for=condition=Ready pod/web --timeout=60s
k get pod web -o jsonpath='{.status.podIP}'
ip=$OUT
case "$ip" in 10.244.0.*) ;; *) fail "pod IP $ip is not in the pod CIDR" ;; esac
# Ready without a readiness probe means started, not yet listening: give httpd a moment.
for _ in $(seq 20); do
  reply=$(timeout 5 bash -c "exec 3<>/dev/tcp/$ip/8080; printf 'GET / HTTP/1.0\r\n\r\n' >&3; head -1 <&3" 2>/dev/null)
  case "$reply" in *HTTP/1*) break ;; esac
  sleep 0.25
done
expect_contains "$reply" "HTTP/1" "the pod's server answers on its address"
k get pods -o wide
expect_contains "$OUT" "$ip" "get pods -o wide shows the IP"
expect_contains "$OUT" "mini" "get pods -o wide shows the node"

# A crashing container restarts and backs off.
k run crash --image=$IMAGE -- sh -c 'exit 3'
for _ in $(seq 60); do
  restarts=$(kubectl get pod crash -o jsonpath='{.status.containerStatuses[0].restartCount}' 2>/dev/null)
  [ "${restarts:-0}" -ge 1 ] && break
  sleep 0.5
done
[ "${restarts:-0}" -ge 1 ] || fail "the crashing container was not restarted"
k get pod crash -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'
[ "$OUT" = "3" ] || fail "last state exit code: $OUT, want 3"
# Between its restarts the container runs for a moment: wait for the back-off to show.
for _ in $(seq 40); do
  k get pod crash
  [[ "$OUT" == *CrashLoopBackOff* ]] && break
  sleep 0.5
done
expect_contains "$OUT" "CrashLoopBackOff" "get pods shows the back-off"
for _ in $(seq 40); do
  events=$(kubectl get events --field-selector involvedObject.name=crash 2>/dev/null)
  [[ "$events" == *"Back-off restarting failed container crash"* ]] && break
  sleep 0.5
done
[[ "$events" == *"Back-off restarting failed container crash"* ]] ||
  fail "no BackOff event for the crashing container: $events"

# Probes and hooks. A readiness probe over HTTP on a named port makes the pod Ready; the
# postStart hook's file is served too. An exec readiness probe holds a pod at 0/1 while its
# file is missing. A failing liveness probe gets the container killed and restarted.
cat >"$WORK/probes.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: web
    image: $IMAGE
    command: [sh, -c, 'mkdir -p /www && echo ok >/www/index.html && exec httpd -f -p 8081 -h /www']
    ports: [{name: http, containerPort: 8081}]
    readinessProbe: {httpGet: {path: /index.html, port: http}, periodSeconds: 1}
    livenessProbe: {tcpSocket: {port: 8081}, periodSeconds: 1}
    lifecycle:
      postStart: {exec: {command: [sh, -c, 'mkdir -p /www && echo hooked >/www/hook.txt']}}
---
apiVersion: v1
kind: Pod
metadata: {name: later}
spec:
  containers:
  - name: c
    image: $IMAGE
    command: [sh, -c, 'sleep 8; touch /tmp/ready; exec sleep 3600']
    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: slowstart}
spec:
  containers:
  - name: c
    image: $IMAGE
    command: [sh, -c, 'sleep 5; touch /tmp/up; exec sleep 3600']
    startupProbe: {exec: {command: [cat, /tmp/up]}, periodSeconds: 1, failureThreshold: 30}
    livenessProbe: {exec: {command: [cat, /tmp/up]}, periodSeconds: 1, failureThreshold: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: unhealthy}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: $IMAGE
    command: [sh, -c, 'touch /tmp/alive; sleep 2; rm /tmp/alive; exec sleep 3600']
    livenessProbe: {exec: {command: [cat, /tmp/alive]}, periodSeconds: 1, failureThreshold: 2}
YAML
k apply -f "$WORK/probes.yaml"
k wait --for=jsonpath='{.status.phase}'=Running pod/later pod/slowstart --timeout=60s
k get pod later --no-headers
case "$OUT" in *" 0/1 "*Running*) ;; *) fail "a failing readiness probe: want 0/1 Running: $OUT" ;; esac
k get pod later -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
[ "$OUT" = "False" ] || fail "Ready while the readiness probe fails: '$OUT'"
k get pod slowstart -o jsonpath='{.status.containerStatuses[0].started}'
[ "$OUT" = "false" ] || fail "started before the startup probe succeeded: '$OUT'"
k wait --for=condition=Ready pod/later --timeout=60s
# The liveness probe would have killed it, had the startup probe not held it back.
k wait --for=condition=Ready pod/slowstart --timeout=60s
k get pod slowstart -o jsonpath='{.status.containerStatuses[0].started} {.status.containerStatuses[0].restartCount}'
[ "$OUT" = "true 0" ] || fail "after the startup probe: started and restarts '$OUT', want 'true 0'"
k wait --for=condition=Ready pod/probed --timeout=60s
k get pod probed -o jsonpath='{.status.containerStatuses[0].ready} {.status.containerStatuses[0].started} {.status.containerStatuses[0].restartCount}'
[ "$OUT" = "true true 0" ] || fail "the probed container's ready, started, restarts: '$OUT'"
k get pod probed -o jsonpath='{.status.podIP}'
hook=$(timeout 5 bash -c "exec 3<>/dev/tcp/$OUT/8081; printf 'GET /hook.txt HTTP/1.0\r\n\r\n' >&3; cat <&3")
expect_contains "$hook" "hooked" "the postStart hook's file"
for _ in $(seq 60); do
  restarts=$(kubectl get pod unhealthy -o jsonpath='{.status.containerStatuses[0].restartCount}' 2>/dev/null)
  [ "${restarts:-0}" -ge 1 ] && break
  sleep 0.5
done
[ "${restarts:-0}" -ge 1 ] || fail "a failing liveness probe did not restart the container"
k get pod unhealthy -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'
[ "$OUT" = "137" ] || fail "the liveness kill's exit code: '$OUT', want 137"
k get pod probed -o jsonpath='{.status.containerStatuses[0].restartCount}'
[ "$OUT" = "0" ] || fail "a passing liveness probe restarted the container: $OUT restarts"

# Termination messages: the file, or the log's tail for FallbackToLogsOnError.
cat >"$WORK/messages.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: farewell}
spec:
  restartPolicy: Never
  containers:
  - {name: c, image: $IMAGE, command: [sh, -c, 'echo so long >/dev/termination-log; exit 1']}
---
apiVersion: v1
kind: Pod
metadata: {name: lastwords}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: $IMAGE
    command: [sh, -c, 'echo noise; echo last words; exit 2']
    terminationMessagePolicy: FallbackToLogsOnError
YAML
k apply -f "$WORK/messages.yaml"
k wait --for=jsonpath='{.status.phase}'=Failed pod/farewell pod/lastwords --timeout=60s
k get pod farewell -o jsonpath='{.status.containerStatuses[0].state.terminated.message}'
[ "$OUT" = "so long" ] || fail "the termination message from the file: '$OUT'"
k get pod lastwords -o jsonpath='{.status.containerStatuses[0].state.terminated.message}'
[ "$OUT" = "$(printf 'noise\nlast words')" ] || fail "the termination message from the log: '$OUT'"

# A container over its memory limit is OOMKilled.
k run hog --image=$IMAGE --restart=Never --overrides='{"spec":{"containers":[{"name":"hog","image":"'$IMAGE'","command":["sh","-c","x=$(head -c 200000000 /dev/zero | tr \"\\0\" a)"],"resources":{"limits":{"memory":"20Mi"}}}]}}'
k wait --for=jsonpath='{.status.phase}'=Failed pod/hog --timeout=60s
k get pod hog -o jsonpath='{.status.containerStatuses[0].state.terminated.reason}'
[ "$OUT" = "OOMKilled" ] || fail "a container over its memory limit: reason '$OUT', want OOMKilled"

# A preStop hook runs before the container is stopped (it leaves a file on the node).
mkdir -p "$WORK/prestop" && chmod 777 "$WORK/prestop"
cat >"$WORK/prestop.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: stopper}
spec:
  terminationGracePeriodSeconds: 5
  volumes: [{name: out, hostPath: {path: $WORK/prestop}}]
  containers:
  - name: c
    image: $IMAGE
    command: [sleep, "3600"]
    volumeMounts: [{name: out, mountPath: /out}]
    lifecycle:
      preStop: {exec: {command: [sh, -c, 'echo stopping >/out/prestop']}}
YAML
k apply -f "$WORK/prestop.yaml"
k wait --for=condition=Ready pod/stopper --timeout=60s
[ -e "$WORK/prestop/prestop" ] && fail "the preStop hook ran before the pod was deleted"
k delete pod stopper --timeout=60s
for _ in $(seq 40); do
  [ -e "$WORK/prestop/prestop" ] && break
  sleep 0.5
done
[ "$(cat "$WORK/prestop/prestop" 2>/dev/null)" = "stopping" ] || fail "the preStop hook did not run"

# Graceful deletion: the pod shows Terminating while its container handles SIGTERM within the
# grace period, and goes once it has stopped.
mkdir -p "$WORK/graceful"
cat >"$WORK/graceful.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: graceful}
spec:
  terminationGracePeriodSeconds: 20
  volumes: [{name: out, hostPath: {path: $WORK/graceful}}]
  containers:
  - name: c
    image: $IMAGE
    command: [sh, -c, 'trap "echo term >/out/term; sleep 2; echo done >/out/done; exit 0" TERM; touch /out/trapped; while true; do sleep 0.2; done']
    volumeMounts: [{name: out, mountPath: /out}]
YAML
k apply -f "$WORK/graceful.yaml"
k wait --for=condition=Ready pod/graceful --timeout=60s
# A SIGTERM that comes before the trap is set is ignored by a container's PID 1.
for _ in $(seq 40); do
  [ -e "$WORK/graceful/trapped" ] && break
  sleep 0.25
done
k delete pod graceful --wait=false
k get pod graceful
expect_contains "$OUT" "Terminating" "a deleted pod shows Terminating while it stops"
k get pod graceful -o jsonpath='{.metadata.deletionGracePeriodSeconds}'
[ "$OUT" = "20" ] || fail "the grace period of a deleted pod: '$OUT'"
k wait --for=delete pod/graceful --timeout=30s
[ "$(cat "$WORK/graceful/term" 2>/dev/null)" = "term" ] || fail "the container never saw SIGTERM"
[ "$(cat "$WORK/graceful/done" 2>/dev/null)" = "done" ] ||
  fail "the pod was removed before its container finished handling SIGTERM"

# --force --grace-period=0 removes the pod at once; the kubelet then stops what still runs.
k run forced --image=$IMAGE --restart=Never -- sleep 3601
k wait --for=condition=Ready pod/forced --timeout=60s
run kubectl delete pod forced --grace-period=0 --force
expect_code 0 "a forced delete"
run kubectl get pod forced
expect_code 1 "get a force-deleted pod"
for _ in $(seq 40); do
  pgrep -f "sleep 3601" >/dev/null || break
  sleep 0.5
done
pgrep -f "sleep 3601" >/dev/null && fail "a force-deleted pod's container still runs"

# Deleting a namespace empties it, waits for its pods to stop, then removes it.
k create namespace doomed
k create configmap -n doomed settings --from-literal=a=b
k run -n doomed worker --image=$IMAGE --overrides='{"spec":{"terminationGracePeriodSeconds":2}}' \
  -- sleep 3602
k wait -n doomed --for=condition=Ready pod/worker --timeout=60s
k delete namespace doomed --wait=false
k get namespace doomed -o jsonpath='{.status.phase}'
[ "$OUT" = "Terminating" ] || fail "a deleted namespace's phase: '$OUT'"
run kubectl create configmap -n doomed late --from-literal=a=b
expect_code 1 "creating in a terminating namespace"
expect_contains "$ERR" "is being terminated" "creating in a terminating namespace"
k wait --for=delete namespace/doomed --timeout=60s
pgrep -f "sleep 3602" >/dev/null && fail "the pod of a deleted namespace still runs"
run kubectl delete namespace default
expect_code 1 "deleting the default namespace"
expect_contains "$ERR" "may not be deleted" "deleting the default namespace"

# An image the node does not have, with a policy that forbids pulling it.
k run missing --image=mini-test/none:1 --image-pull-policy=Never
for _ in $(seq 30); do
  reason=$(kubectl get pod missing -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}' 2>/dev/null)
  [ "$reason" = "ErrImageNeverPull" ] && break
  sleep 0.5
done
[ "$reason" = "ErrImageNeverPull" ] || fail "missing image reason: '$reason', want ErrImageNeverPull"

# Volumes: a ConfigMap whose new value reaches the running container, a Secret with items and
# defaultMode, an emptyDir two containers share, a memory-backed emptyDir, the pod's labels
# through the downward API; a missing ConfigMap holds the pod with the kubelet's words.
k create configmap site --from-literal=greeting=hello --save-config
k create secret generic vault --from-literal=user=admin --from-literal=pass=pw
cat >"$WORK/volumes.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: vols, labels: {app: vols, tier: back}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: writer
    image: $IMAGE
    command: [sh, -c, 'echo shared-data > /shared/note; grep " /ram " /proc/mounts; sleep 3600']
    volumeMounts:
    - {name: shared, mountPath: /shared}
    - {name: ram, mountPath: /ram}
  - name: reader
    image: $IMAGE
    command:
    - sh
    - -c
    - |
      while true; do
        echo "g=\$(cat /etc/site/greeting) n=\$(cat /shared/note) p=\$(cat /etc/vault/db/password) m=\$(stat -Lc %a /etc/vault/db/password) u=\$(ls /etc/vault) w=\$(touch /etc/site/x 2>/dev/null && echo yes || echo no) l=\$(tr '\n' ';' </etc/info/labels)"
        sleep 1
      done
    volumeMounts:
    - {name: shared, mountPath: /shared}
    - {name: site, mountPath: /etc/site}
    - {name: vault, mountPath: /etc/vault}
    - {name: info, mountPath: /etc/info}
  volumes:
  - {name: shared, emptyDir: {}}
  - {name: ram, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
  - {name: site, configMap: {name: site}}
  - name: vault
    secret: {secretName: vault, defaultMode: 0400, items: [{key: pass, path: db/password}]}
  - name: info
    downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
YAML
k apply -f "$WORK/volumes.yaml"
k wait --for=condition=Ready pod/vols --timeout=60s
# wait_log POD CONTAINER TEXT: polls the container's last line until it contains TEXT (30 s).
wait_log() {
  for _ in $(seq 60); do
    line=$(kubectl logs "$1" -c "$2" --tail=1 2>/dev/null)
    case "$line" in *"$3"*) return 0 ;; esac
    sleep 0.5
  done
  return 1
}
wait_log vols reader "g=" || fail "the volume reader printed nothing: '$line'"
expect_contains "$line" 'g=hello n=shared-data p=pw m=400 u=db w=no l=app="vols";tier="back"' \
  "ConfigMap, Secret, shared emptyDir and downward API volumes"
k logs vols -c writer
expect_contains "$OUT" "tmpfs /ram tmpfs" "a memory-backed emptyDir is a tmpfs"
# The pod's directory is in the node's memory (data/run); what the pod writes to a plain
# emptyDir is on disk (data/pods), and its secrets are not.
mount | grep "$MINI_HOME/machines/mini/data/run/pods/.*/volumes/ram" >/dev/null ||
  fail "the memory-backed emptyDir is not mounted on the node"
grep -rl shared-data "$MINI_HOME"/machines/mini/data/pods/*/volumes/shared >/dev/null 2>&1 ||
  fail "the emptyDir volume is not on the node's disk"
! grep -rqx pw "$MINI_HOME"/machines/mini/data/pods 2>/dev/null ||
  fail "a secret volume's content reached the node's disk"
kubectl create configmap site --from-literal=greeting=bonjour --dry-run=client -o yaml >"$WORK/site.yaml"
k apply -f "$WORK/site.yaml"
wait_log vols reader "g=bonjour " || fail "the ConfigMap's new value did not reach the container: '$line'"
k label pod vols tier=front --overwrite
wait_log vols reader 'tier="front"' || fail "the new label did not reach the downward API volume: '$line'"
k run unmounted --image=$IMAGE --restart=Never --overrides='{"spec":{"containers":[{"name":"unmounted","image":"'$IMAGE'","command":["true"],"volumeMounts":[{"name":"cfg","mountPath":"/cfg"}]}],"volumes":[{"name":"cfg","configMap":{"name":"absent"}}]}}'
want='ContainerCreating: MountVolume.SetUp failed for volume "cfg" : configmap "absent" not found'
for _ in $(seq 60); do
  waiting=$(kubectl get pod unmounted -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}: {.status.containerStatuses[0].state.waiting.message}' 2>/dev/null)
  [ "$waiting" = "$want" ] && break
  sleep 0.5
done
[ "$waiting" = "$want" ] || fail "a pod missing its ConfigMap waits as '$waiting', want '$want'"

# Resource metrics, as `kubectl top` reads them from metrics.k8s.io: the node's, and a pod
# burning a CPU shows its usage within seconds of starting (the node measures a first 1 s
# window at once, then every 10 s).
k api-resources
expect_contains "$OUT" "metrics.k8s.io/v1beta1" "api-resources lists the metrics API"
expect_contains "$OUT" "PodMetrics" "api-resources lists PodMetrics"
expect_contains "$OUT" "NodeMetrics" "api-resources lists NodeMetrics"
k top node
expect_contains "$OUT" "MEMORY(bytes)" "kubectl top node's columns"
[[ "$OUT" =~ (^|$'\n')mini\ +[0-9]+m\ +[0-9]+%\ +[0-9]+Mi\ +[0-9]+% ]] ||
  fail "kubectl top node shows no CPU and memory for the node: $OUT"
# A CPU request gives it a fair share (a best-effort pod gets the smallest cpu weight) while
# other tests keep the machine busy; 10m is far below what a busy loop gets then.
k run burn --image=$IMAGE --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1,
  "containers":[{"name":"burn","image":"'$IMAGE'","command":["sh","-c","while :; do :; done"],
  "resources":{"requests":{"cpu":"500m"}}}]}}'
k wait --for=condition=Ready pod/burn --timeout=60s
for _ in $(seq 60); do
  top=$(kubectl top pod burn --no-headers 2>/dev/null)
  [[ "$top" =~ ^burn\ +([0-9]+)m ]] && [ "${BASH_REMATCH[1]}" -ge 10 ] && break
  sleep 0.5
done
[[ "$top" =~ ^burn\ +([0-9]+)m\ +[0-9]+Mi ]] && [ "${BASH_REMATCH[1]}" -ge 10 ] ||
  fail "kubectl top pod shows no CPU for a busy pod within 30 s: '$top'"
k top pod burn --containers
[[ "$OUT" =~ $'\n'burn\ +burn\ +[0-9]+m\ +[0-9]+Mi ]] || fail "kubectl top pod --containers: $OUT"
k top pod -l run=burn
expect_contains "$OUT" "burn" "kubectl top pod -l selects the labelled pod"
case "$OUT" in *web*) fail "kubectl top pod -l run=burn shows other pods: $OUT" ;; esac
k top pod --all-namespaces
[[ "$OUT" =~ $'\n'default\ +burn\ + ]] || fail "kubectl top pod --all-namespaces: $OUT"
run kubectl top pod nothing
expect_code 1 "kubectl top of a pod that does not exist"
expect_contains "$ERR" 'podmetrics.metrics.k8s.io "default/nothing" not found' "top of a missing pod"
k delete pod burn

# runAsNonRoot: the kubelet refuses a container that would run as root, in its words, and
# runs one given a non-root user.
cat >"$WORK/nonroot.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: rootless}
spec:
  securityContext: {runAsNonRoot: true}
  containers:
  - {name: app, image: $IMAGE, command: [sleep, "300"]}
---
apiVersion: v1
kind: Pod
metadata: {name: nonroot}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 1000}
  containers:
  - {name: app, image: $IMAGE, command: [sh, -c, 'echo "uid=\$(id -u)"; exec sleep 300']}
YAML
k apply -f "$WORK/nonroot.yaml"
k get pod rootless -o jsonpath='{.metadata.uid}'
want="CreateContainerConfigError: container has runAsNonRoot and image will run as root (pod: \"rootless_default($OUT)\", container: app)"
for _ in $(seq 60); do
  waiting=$(kubectl get pod rootless -o jsonpath='{.status.containerStatuses[0].state.waiting.reason}: {.status.containerStatuses[0].state.waiting.message}' 2>/dev/null)
  [ "$waiting" = "$want" ] && break
  sleep 0.5
done
[ "$waiting" = "$want" ] || fail "a runAsNonRoot pod of a root image waits as '$waiting', want '$want'"
k wait --for=condition=Ready pod/nonroot --timeout=60s
wait_log nonroot app "uid=1000" || fail "the runAsUser 1000 container printed '$line', want uid=1000"
k delete pod rootless nonroot --wait=false

# hostPort: the node's port forwards to the pod; a second pod asking for it is not scheduled.
hostport=$(free_port)
node_ip=$(kubectl get node mini -o jsonpath='{.status.addresses[0].address}')
[ -n "$node_ip" ] || fail "the node reports no address"
hostport_pod() {
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: $IMAGE
    command: [sh, -c, 'mkdir -p /www && echo "served by $1" >/www/index.html && exec httpd -f -p 8082 -h /www']
    ports: [{containerPort: 8082, hostPort: $hostport}]
YAML
}
hostport_pod hostweb >"$WORK/hostweb.yaml"
k apply -f "$WORK/hostweb.yaml"
k wait --for=condition=Ready pod/hostweb --timeout=60s
served=""
for _ in $(seq 20); do
  served=$(wget -q -T 2 -O - "http://$node_ip:$hostport/" 2>/dev/null) && break
  sleep 0.5
done
[ "$served" = "served by hostweb" ] || fail "the node's $node_ip:$hostport answered '$served', want the pod's page"
nft list map ip mini-nat hostports 2>/dev/null | grep "tcp . $hostport : " >/dev/null ||
  fail "no nft forward for hostPort $hostport: $(nft list map ip mini-nat hostports 2>&1)"
hostport_pod hostweb2 >"$WORK/hostweb2.yaml"
k apply -f "$WORK/hostweb2.yaml"
scheduled=""
for _ in $(seq 30); do
  scheduled=$(kubectl get pod hostweb2 -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}' 2>/dev/null)
  [ -n "$scheduled" ] && break
  sleep 0.5
done
expect_contains "$scheduled" "node(s) didn't have free ports for the requested pod ports" \
  "the second pod asking for hostPort $hostport"
k get pod hostweb2 -o jsonpath='{.status.phase}'
[ "$OUT" = "Pending" ] || fail "the second pod with hostPort $hostport is '$OUT', want Pending"
k get events --field-selector involvedObject.name=hostweb2,reason=FailedScheduling -o name
[ -n "$OUT" ] || fail "no FailedScheduling event for the second pod with hostPort $hostport"
# The second pod goes first, or it would take the port as soon as the first is gone.
k delete pod hostweb2
k delete pod hostweb
for _ in $(seq 20); do
  nft list map ip mini-nat hostports 2>/dev/null | grep "tcp . $hostport : " >/dev/null || break
  sleep 0.5
done
wget -q -T 2 -O - "http://$node_ip:$hostport/" >/dev/null 2>&1 &&
  fail "the node's port $hostport still answers after its pod was deleted"
nft list map ip mini-nat hostports 2>/dev/null | grep "tcp . $hostport : " >/dev/null &&
  fail "the nft forward of hostPort $hostport outlived its pod"
# One left running for `mini delete` to clean up.
k apply -f "$WORK/hostweb.yaml"
k wait --for=condition=Ready pod/hostweb --timeout=60s

# Deleting a pod stops its container.
k delete pod web
for _ in $(seq 80); do
  pgrep -f "httpd -f -p 8080" >/dev/null || break
  sleep 0.5
done
pgrep -f "httpd -f -p 8080" >/dev/null && fail "the deleted pod's server still runs"

# Deleting the machine leaves the host as it was.
data=$MINI_HOME/machines/mini/data
# `mini-shim` beside `mini`, or `mini shim`: either way "shim --crun <crun> --crun-root <data>...".
shims="shim --crun [^ ]* --crun-root $data"
pgrep -f "$shims" >/dev/null || fail "no container shim runs before delete"
run "$MINI" delete
expect_code 0 "delete"
pgrep -f "$shims" >/dev/null && fail "shims outlived delete"
# Container roots, volumes and the pods' network namespace pins are all mounts under $data.
mount | grep "$data" >/dev/null && fail "mounts outlived delete: $(mount | grep "$data")"
nft list map ip mini-nat hostports 2>/dev/null | grep "tcp . $hostport : " >/dev/null &&
  fail "the nft forward of hostPort $hostport outlived delete"
ip link show mini0 >/dev/null 2>&1 && fail "the pods' bridge mini0 outlived delete"
nft list table ip mini-nat >/dev/null 2>&1 && fail "the NAT table mini-nat outlived delete"

finish
