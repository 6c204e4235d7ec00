#!/usr/bin/env bash
# `mini image load|ls|rm` against a native cluster's image store, with the test images that
# images/test/build.sh makes offline; then, as the kubelet will, an overlay root from a stored
# image: busybox runs a shell in it, the echo image serves HTTP from it.
#
#   image_test.sh MINI OVERLAY_ROOT_TOOL IMAGE_CACHE_DIR
source "$(dirname "$0")/lib.sh"

TOOL=$(realpath "$2")
IMAGES=$3
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
STORE=$MINI_HOME/machines/mini/data/images

# Mounts and the echo server must not outlive the test, even a failing one.
mounted=()
server=""
teardown() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  for dir in "${mounted[@]}"; do
    "$TOOL" umount "$dir" >/dev/null 2>&1
  done
  cleanup
}
trap teardown EXIT

# A docker-archive (written by skopeo) loads, lists and goes.
if [ -f "$IMAGES/busybox.docker.tar" ]; then
  run "$MINI" image load "$IMAGES/busybox.docker.tar"
  expect_code 0 "load docker-archive"
  expect_contains "$OUT" "Loaded image: docker.io/mini-test/busybox:1" "load docker-archive"
  run "$MINI" image ls
  expect_contains "$OUT" "| docker.io/mini-test/busybox | 1   |" "ls after docker-archive"
  run "$MINI" image rm mini-test/busybox:1
  expect_code 0 "rm"
  expect_contains "$OUT" "Deleted: sha256:" "rm"
  run "$MINI" image ls -o json
  [ "$OUT" = "[]" ] || fail "ls after rm: $OUT"
  [ -z "$(ls "$STORE/blobs/sha256")" ] || fail "rm left blobs: $(ls "$STORE/blobs/sha256")"
else
  echo "note: no docker-archive variant (skopeo missing); testing OCI archives only"
fi

# OCI archives: two images sharing their base layer.
run "$MINI" image load "$IMAGES/busybox.oci.tar" "$IMAGES/echo.oci.tar"
expect_code 0 "load OCI archives"
expect_contains "$OUT" "Loaded image: docker.io/mini-test/echo:1" "load OCI archives"
[ "$(ls "$STORE/layers" | wc -l)" -eq 2 ] || fail "layers are not shared: $(ls "$STORE/layers")"
run "$MINI" image ls
expect_code 0 "ls"
for want in "| IMAGE " "| TAG |" "| IMAGE ID " "| SIZE " "| docker.io/mini-test/busybox | 1   |" \
  "| docker.io/mini-test/echo    | 1   |" "MB |"; do
  expect_contains "$OUT" "$want" "ls table"
done
run "$MINI" image ls -o json
tags=$(python3 -c 'import json, sys
print(" ".join(sorted(t for i in json.loads(sys.argv[1]) for t in i["repoTags"])))' "$OUT")
[ "$tags" = "docker.io/mini-test/busybox:1 docker.io/mini-test/echo:1" ] || fail "ls -o json: $OUT"
run "$MINI" image ls --format short
expect_contains "$OUT" "docker.io/mini-test/echo:1" "ls --format short"

# Bad input: one line, advice, minikube's bands, nothing left half-written.
run "$MINI" image load "$WORK/missing.tar"
expect_code 85 "load of a missing file"
expect_contains "$ERR" "X Exiting due to GUEST_IMAGE_LOAD:" "load of a missing file"
expect_contains "$ERR" "check the archive's path" "load of a missing file"
echo "not an archive" >"$WORK/text.tar"
run "$MINI" image load "$WORK/text.tar"
expect_code 84 "load of a text file"
expect_contains "$ERR" "docker save" "load of a text file"
tar -C "$REPO" -cf "$WORK/plain.tar" README.md
run "$MINI" image load "$WORK/plain.tar"
expect_code 84 "load of a tar that holds no image"
expect_contains "$ERR" "not an image archive" "load of a tar that holds no image"
[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] || fail "errors take one line: $ERR"
run "$MINI" image rm mini-test/nothing:1
expect_code 85 "rm of an unknown image"
expect_contains "$ERR" "X Exiting due to GUEST_IMAGE_REMOVE:" "rm of an unknown image"
run "$MINI" image ls -p nosuchprofile
expect_code 85 "ls of an unknown profile"
for d in ingest staging; do
  [ -z "$(ls -A "$STORE/$d" 2>/dev/null)" ] || fail "failed loads left $d/: $(ls "$STORE/$d")"
done
[ "$(ls "$STORE/blobs/sha256" | wc -l)" -eq 6 ] || fail "blobs: $(ls "$STORE/blobs/sha256")"

# The stored layers are a runnable root: a shell in busybox's overlay root.
root=$WORK/containers/busybox
run "$TOOL" mount "$STORE" mini-test/busybox:1 "$root"
expect_code 0 "mount busybox root ($ERR)"
mounted+=("$root")
run chroot "$root/rootfs" /bin/sh -c 'echo ok; touch /tmp/written'
[ "$OUT" = "ok" ] || fail "sh in the busybox root: $OUT $ERR"
[ -e "$root/upper/tmp/written" ] || fail "writes do not land in the container's upper layer"
"$TOOL" umount "$root"

# The echo image: its whiteout hides the base's docs, and its server answers.
root=$WORK/containers/echo
run "$TOOL" mount "$STORE" mini-test/echo:1 "$root"
expect_code 0 "mount echo root ($ERR)"
mounted+=("$root")
[ -e "$root/rootfs/bin/busybox" ] || fail "echo root lacks the base layer"
[ ! -e "$root/rootfs/usr/share/doc" ] || fail "the whiteout did not hide /usr/share/doc"
[ -d "$STORE/layers/$(ls "$STORE/layers" | head -n1)" ] || fail "layers vanished"
echo_port=$(free_port)
PORT=$echo_port chroot "$root/rootfs" /bin/echo-server >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  run curl -s --max-time 2 "http://127.0.0.1:$echo_port/hello?x=1"
  [ "$CODE" -eq 0 ] && break
  sleep 0.1
done
expect_contains "$OUT" "path=/hello?x=1" "echo server"
expect_contains "$OUT" "method=GET" "echo server"
kill "$server" 2>/dev/null
server=""
"$TOOL" umount "$root"

run "$MINI" image rm mini-test/echo:1
expect_code 0 "rm echo"
run "$MINI" image ls --format short
[ "$OUT" = "docker.io/mini-test/busybox:1" ] || fail "ls after rm echo: $OUT"
[ "$(ls "$STORE/layers" | wc -l)" -eq 1 ] || fail "rm left the echo layer: $(ls "$STORE/layers")"

# No container uses busybox here: prune removes it and the content only it held.
run "$MINI" image prune
expect_code 0 "prune"
expect_contains "$OUT" "Deleted: sha256:" "prune names what it deleted"
expect_contains "$OUT" "Total reclaimed space:" "prune says what it freed"
run "$MINI" image ls --format short
[ -z "$OUT" ] || fail "ls after prune: $OUT"
[ "$(ls "$STORE/layers" | wc -l)" -eq 0 ] || fail "prune left layers: $(ls "$STORE/layers")"

finish
