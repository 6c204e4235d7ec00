#!/usr/bin/env bash
# The real kubectl against `mini start --driver=native`: discovery, OpenAPI, every way of
# creating, reading, changing and deleting objects that a developer uses, and no warnings.
source "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: the native driver needs root"
  exit 77
fi
if ! command -v kubectl >/dev/null; then
  echo "skipped: kubectl is not installed"
  exit 77
fi

port=$(free_port)
run "$MINI" start --driver=native --apiserver-port="$port"
expect_code 0 "start"
[ "$CODE" -eq 0 ] || finish

# k: kubectl against the profile; every call must print nothing on stderr (no warnings).
k() {
  run kubectl "$@"
  if [ "$CODE" -ne 0 ]; then
    fail "kubectl $*: exit $CODE: $ERR"
  elif [ -n "$ERR" ]; then
    fail "kubectl $*: printed on stderr: $ERR"
  fi
}
# k_out EXPECTED ARGS...: kubectl succeeds and its stdout contains EXPECTED.
k_out() {
  local want=$1
  shift
  k "$@"
  expect_contains "$OUT" "$want" "kubectl $*"
}

# Discovery and server facts.
k_out "Server Version: v1.32" version
k_out "deployments" api-resources
expect_contains "$OUT" "deploy" "api-resources short names"
k_out "apps/v1" api-versions
k_out "Kubernetes control plane is running at https://" cluster-info
k get namespaces -o name
for ns in default kube-system kube-public kube-node-lease; do
  expect_contains "$OUT" "namespace/$ns" "initial namespaces"
done
k_out "10.96.0.1" get service kubernetes
k_out "443/TCP" get service kubernetes

# Manifests: create -f, apply -f twice and after an edit, server-side apply.
manifests=$WORK/manifests
mkdir -p "$manifests"
cat > "$manifests/web.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
YAML
k_out "deployment.apps/web created" apply -f "$manifests/web.yaml"
k_out "deployment.apps/web unchanged" apply -f "$manifests/web.yaml"
sed -i 's/nginx:1.27/nginx:1.28/; s/tier: front/tier: back/' "$manifests/web.yaml"
k_out "deployment.apps/web configured" apply -f "$manifests/web.yaml"
k_out "nginx:1.28" get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}'
k_out "back" get deployment web -o jsonpath='{.metadata.labels.tier}'
k_out "IfNotPresent" get deployment web \
  -o jsonpath='{.spec.template.spec.containers[0].imagePullPolicy}'
k_out "RollingUpdate" get deployment web -o jsonpath='{.spec.strategy.type}'
k get deployment web -o jsonpath='{.metadata.generation}'
[ "$OUT" = "2" ] || fail "generation after one spec change is '$OUT', want 2"

cat > "$manifests/settings.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
YAML
k_out "configmap/settings created" create -f "$manifests/settings.yaml"
run kubectl create -f "$manifests/settings.yaml"
expect_code 1 "create -f twice"
expect_contains "$ERR" 'configmaps "settings" already exists' "create -f twice"
k_out "fast" get configmap settings -o jsonpath='{.data.mode}'

cat > "$manifests/ssa.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: applied
data:
  color: blue
YAML
k_out "configmap/applied serverside-applied" apply --server-side -f "$manifests/ssa.yaml"
k_out "blue" get configmap applied -o jsonpath='{.data.color}'

# Strict validation refuses unknown fields, naming them.
sed 's/replicas: 2/replicaz: 2/' "$manifests/web.yaml" > "$manifests/typo.yaml"
run kubectl apply -f "$manifests/typo.yaml"
expect_code 1 "apply with an unknown field"
expect_contains "$ERR" 'unknown field "spec.replicaz"' "apply with an unknown field"

# Every generator (protobuf bodies).
k_out "deployment.apps/api created" create deployment api --image=nginx:1.27 --replicas=3 --port=8080
k_out "3" get deployment api -o jsonpath='{.spec.replicas}'
k_out "8080" get deployment api -o jsonpath='{.spec.template.spec.containers[0].ports[0].containerPort}'
k_out "configmap/cm created" create configmap cm --from-literal=a=1 --from-literal=b=2
k_out "secret/token created" create secret generic token --from-literal=key=s3cret
k_out "czNjcmV0" get secret token -o jsonpath='{.data.key}'
k_out "service/front created" create service clusterip front --tcp=80:8080
k_out "8080" get service front -o jsonpath='{.spec.ports[0].targetPort}'
k get service front -o jsonpath='{.spec.clusterIP}'
case "$OUT" in 10.9[6-9].* | 10.1[01][0-9].*) ;; *) fail "front's cluster IP '$OUT' is outside 10.96.0.0/12" ;; esac
k_out "service/edge created" create service nodeport edge --tcp=80:80
k get service edge -o jsonpath='{.spec.ports[0].nodePort}'
[ "$OUT" -ge 30000 ] 2>/dev/null && [ "$OUT" -le 32767 ] || fail "edge's node port '$OUT' is outside 30000-32767"
k_out "namespace/team created" create namespace team
k_out "job.batch/once created" create job once --image=busybox:1.36 -- true
k_out "cronjob.batch/tick created" create cronjob tick --image=busybox:1.36 --schedule='*/5 * * * *' -- true
k_out "serviceaccount/robot created" create serviceaccount robot
k_out "role.rbac.authorization.k8s.io/reader created" create role reader --verb=get --resource=pods
k_out "rolebinding.rbac.authorization.k8s.io/reader created" create rolebinding reader --role=reader --serviceaccount=default:robot
k_out "clusterrole.rbac.authorization.k8s.io/viewer created" create clusterrole viewer --verb=list --resource=nodes
k_out "clusterrolebinding.rbac.authorization.k8s.io/viewer created" create clusterrolebinding viewer --clusterrole=viewer --user=alice
k_out "resourcequota/small created" create quota small --hard=pods=10
k_out "priorityclass.scheduling.k8s.io/high created" create priorityclass high --value=1000
k_out "poddisruptionbudget.policy/web created" create pdb web --selector=app=web --min-available=1
k_out "ingress.networking.k8s.io/site created" create ingress site --rule="example.test/*=front:80"

# Reading: tables, wide, formats, selectors, paging, all namespaces.
k get deployments
expect_contains "$OUT" "READY" "get deployments header"
expect_contains "$OUT" "UP-TO-DATE" "get deployments header"
k get services -o wide
expect_contains "$OUT" "SELECTOR" "get services -o wide"
k_out "deployment.apps/api" get deployments -o name
k get deployments --chunk-size=1 -o name
expect_contains "$OUT" "deployment.apps/web" "chunked list"
expect_contains "$OUT" "deployment.apps/api" "chunked list"
k get configmaps -A
expect_contains "$OUT" "NAMESPACE" "get -A"
k_out "deployment.apps/web" get deployments -l app=web -o name
k get deployments -l 'app notin (web)' -o name
case "$OUT" in *deployment.apps/web*) fail "label selector notin matched web" ;; esac
k_out "settings" get configmaps --field-selector=metadata.name=settings
k get deployments -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas
expect_contains "$OUT" "REPLICAS" "custom-columns"
k get deployment web -o json
[ "$(json_field "$OUT" kind)" = "Deployment" ] || fail "get -o json kind"
k_out "kind: Deployment" get deployment web -o yaml

# Events: one object served by core/v1 and events.k8s.io/v1, each under its own field names.
cat > "$manifests/event.yaml" <<'YAML'
apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: web.scheduled
eventTime: "2024-05-01T10:00:00.000000Z"
reportingController: example.com/scheduler
reportingInstance: scheduler-1
action: Binding
reason: Scheduled
type: Normal
regarding: {kind: Deployment, namespace: default, name: web}
note: Bound web to mini
YAML
k_out "event.events.k8s.io/web.scheduled created" create -f "$manifests/event.yaml"
k_out "Bound web to mini" get events
expect_contains "$OUT" "deployment/web" "get events"
k_out "Bound web to mini" get events.v1.events.k8s.io web.scheduled -o jsonpath='{.note}'
k_out "example.com/scheduler" get event web.scheduled -o jsonpath='{.reportingComponent}'
k get event web.scheduled -o jsonpath='{.metadata.uid}/{.metadata.resourceVersion}'
core_id=$OUT
k get events.v1.events.k8s.io web.scheduled -o jsonpath='{.metadata.uid}/{.metadata.resourceVersion}'
[ "$OUT" = "$core_id" ] || fail "the event's uid/resourceVersion differ between APIs: $core_id, $OUT"
k_out "web.scheduled" get events.v1.events.k8s.io --field-selector=regarding.name=web -o name

# Labels and annotations.
k_out "deployment.apps/web labeled" label deployment web stage=test
k_out "stage=test" get deployment web --show-labels
k_out "STAGE" get deployment web -L stage
k_out "deployment.apps/web annotated" annotate deployment web owner=me
k_out "me" get deployment web -o jsonpath='{.metadata.annotations.owner}'
k_out "deployment.apps/web scaled" scale deployment web --replicas=4
k_out "4" get deployment web -o jsonpath='{.spec.replicas}'
k_out "Replicas:" describe deployment web

# Autoscaling: `kubectl autoscale` writes autoscaling/v1, stored once as v2; discovery prefers v2.
k_out "horizontalpodautoscaler.autoscaling/web autoscaled" \
  autoscale deployment web --min=1 --max=3 --cpu-percent=50
k get hpa
expect_contains "$OUT" "Deployment/web" "get hpa"
expect_contains "$OUT" "cpu: <unknown>/50%" "get hpa"
k_out "autoscaling/v2" get hpa web -o jsonpath='{.apiVersion}'
hpa_v1=horizontalpodautoscalers.v1.autoscaling
k_out "50" get "$hpa_v1" web -o jsonpath='{.spec.targetCPUUtilizationPercentage}'
k get hpa web -o jsonpath='{.metadata.uid}/{.metadata.resourceVersion}'
v2_id=$OUT
k get "$hpa_v1" web -o jsonpath='{.metadata.uid}/{.metadata.resourceVersion}'
[ "$OUT" = "$v2_id" ] || fail "the autoscaler's uid/resourceVersion differ by version: $v2_id, $OUT"
k api-resources --api-group=autoscaling --no-headers
[ "$(echo "$OUT" | grep -c horizontalpodautoscalers)" -eq 1 ] ||
  fail "api-resources lists hpa more than once: $OUT"
expect_contains "$OUT" "autoscaling/v2" "api-resources prefers autoscaling/v2"
k_out 'horizontalpodautoscaler.autoscaling "web" deleted' delete hpa web

# Identity and access.
k_out "yes" auth can-i create pods
k_out "mini-user" auth whoami
k_out "replicas" explain deployment.spec.replicas

# Service-account tokens: issued by `create token`, accepted as bearer tokens, verifiable
# with the published key, refused once the account is gone.
k create serviceaccount builder
k create token builder --duration=20m --audience=https://kubernetes.default.svc.cluster.local
token=$OUT
k config view --minify --raw -o jsonpath='{.clusters[0].cluster.server}'
server=$OUT
k config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority}'
ca=$OUT
as_builder() { KUBECONFIG=/dev/null kubectl --server="$server" --certificate-authority="$ca" "$@"; }
run as_builder --token="$token" auth whoami
expect_code 0 "whoami with a service-account token"
expect_contains "$OUT" "system:serviceaccount:default:builder" "whoami with a service-account token"
expect_contains "$OUT" "system:serviceaccounts:default" "whoami with a service-account token"
run as_builder --token="$token" get namespace default -o name
expect_contains "$OUT" "namespace/default" "a service-account token reads the API"
k get --raw /openid/v1/jwks
expect_contains "$OUT" '"alg":"RS256"' "published service-account key"
run as_builder --token="not-a-token" get namespaces
expect_code 1 "a bogus token"
expect_contains "$ERR" "Unauthorized" "a bogus token"
k delete serviceaccount builder
run as_builder --token="$token" get namespaces
expect_code 1 "a token of a deleted service account"
expect_contains "$ERR" "Unauthorized" "a token of a deleted service account"

# Watch: an event for a change made while watching.
kubectl get configmaps -w --request-timeout=8s >"$WORK/watch.out" 2>"$WORK/watch.err" &
watcher=$!
sleep 2
k create configmap watched --from-literal=x=y
wait "$watcher"
expect_contains "$(cat "$WORK/watch.out")" "watched" "get -w"

# Optimistic concurrency: a stale resourceVersion is a conflict with kubectl's wording.
k get configmap settings -o json
stale=$(echo "$OUT" | python3 -c 'import json,sys; o=json.load(sys.stdin); o["data"]["mode"]="slow"; print(json.dumps(o))')
k patch configmap settings --type=merge -p '{"data":{"mode":"medium"}}'
echo "$stale" > "$manifests/stale.json"
run kubectl replace -f "$manifests/stale.json"
expect_code 1 "replace with a stale resourceVersion"
expect_contains "$ERR" "the object has been modified" "replace with a stale resourceVersion"

# Validation errors name the field.
run kubectl create deployment bad --image=nginx --replicas=-1
expect_code 1 "negative replicas"
expect_contains "$ERR" "spec.replicas" "negative replicas"

# Deleting: by name, by label, by file, --all.
k_out 'configmap "cm" deleted' delete configmap cm
k_out 'deployment.apps "web" deleted' delete deployments -l app=web
k_out 'configmap "settings" deleted' delete -f "$manifests/settings.yaml"
k delete services --all
k_out 'namespace "team" deleted' delete namespace team
run kubectl get deployment web
expect_code 1 "get a deleted deployment"
expect_contains "$ERR" 'deployments.apps "web" not found' "get a deleted deployment"

finish
