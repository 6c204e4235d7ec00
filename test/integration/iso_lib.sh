# Helpers of the tests that boot the guest ISO by hand under QEMU (no mini start): the
# certificates the host would make, the API server's answers, the node's readiness.
# Sourced after lib.sh.

# iso_setup VM_CACHE_DIR: skips the test without the tools, points MINI_HOME's cache at the
# suite's, kills the test's QEMU ($qemu) at exit, and writes the guest ISO to $WORK/mini.iso.
iso_setup() {
  for tool in qemu-system-x86_64 grub-mkrescue xorriso openssl curl; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed (scripts/setup)"; exit 77; }
  done
  mkdir -p "$1" "$MINI_HOME"
  ln -s "$(realpath "$1")" "$MINI_HOME/cache"
  qemu=""
  trap '[ -n "$qemu" ] && kill -9 "$qemu" 2>/dev/null; cleanup' EXIT
  run "$MINI" iso -o "$WORK/mini.iso"
  expect_code 0 "mini iso"
  [ -s "$WORK/mini.iso" ] || { fail "no ISO written"; finish; }
}

# make_pki DIR: a CA, the API server's certificate for 127.0.0.1, an admin client certificate.
make_pki() {
  (
    cd "$1" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=isoCA -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj /CN=apiserver -keyout apiserver.key -out s.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > s.ext
    openssl x509 -req -in s.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile s.ext -out apiserver.crt
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=admin" -keyout client.key -out c.csr
    openssl x509 -req -in c.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out client.crt
  ) >/dev/null 2>&1
}

api() {  # api PKI_DIR PORT PATH: the API server's answer, as the cluster's admin
  curl -s --max-time 3 --cacert "$1/ca.crt" --cert "$1/client.crt" --key "$1/client.key" \
    "https://127.0.0.1:$2$3"
}

# wait_readyz PKI_DIR PORT PID TRIES: whether /readyz said ok (every 0.5 s) while PID lived.
wait_readyz() {
  for _ in $(seq "$4"); do
    kill -0 "$3" 2>/dev/null || return 1
    [ "$(api "$1" "$2" /readyz)" = ok ] && return 0
    sleep 0.5
  done
  return 1
}

# node_ready PKI_DIR PORT NODE: "True" once the node's Ready condition is, within a minute.
node_ready() {
  local node=""
  for _ in $(seq 120); do
    node=$(api "$1" "$2" "/api/v1/nodes/$3" | python3 -c 'import json,sys
try:
  n=json.load(sys.stdin)
  print([c["status"] for c in n["status"]["conditions"] if c["type"]=="Ready"][0])
except Exception: print("")')
    [ "$node" = True ] && break
    sleep 0.5
  done
  echo "$node"
}
