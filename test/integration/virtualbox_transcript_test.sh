#!/usr/bin/env bash
# The virtualbox driver's VBoxManage sequence (start, stop, start, delete), recorded by a fake
# VBoxManage on PATH and compared with virtualbox/expected_transcript; state queries
# (showvminfo) are left out of the comparison, and paths and ports are normalised. The
# configuration ISO attached before each start must be one, and go with the machine. Also: a
# host without VBoxManage refused with the advice to install VirtualBox.
#
#   virtualbox_transcript_test.sh MINI VM_CACHE_DIR
source "$(dirname "$0")/lib.sh"

VM_CACHE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
command -v grub-mkrescue >/dev/null || { echo "skipped: grub-mkrescue is not installed"; exit 77; }
mkdir -p "$VM_CACHE" "$MINI_HOME"
ln -s "$(realpath "$VM_CACHE")" "$MINI_HOME/cache"

run env PATH=/usr/bin:/bin "$MINI" start --driver=virtualbox -p novbox
[ "$CODE" -ne 0 ] || fail "start without VBoxManage succeeded"
expect_contains "$ERR" "VBoxManage was not found" "a missing VirtualBox is named"
expect_contains "$ERR" "virtualbox.org" "a missing VirtualBox gives the advice"

export FAKE_VBOX=$WORK/vbox PATH=$HERE/virtualbox:$PATH
mkdir -p "$FAKE_VBOX" "$WORK/share"
# 9p shares are QEMU's: refused before VirtualBox is asked to do anything.
run "$MINI" start -p vbshare --driver=vbox --mount-string="$WORK/share:/share" --wait=none
[ "$CODE" -ne 0 ] || fail "start with --mount-string succeeded"
expect_contains "$ERR" "cannot share host directories" "the refused --mount-string is explained"
expect_contains "$ERR" "mini mount HOST:GUEST" "the refusal points to mini mount"
run "$MINI" delete -p vbshare
expect_code 0 "delete after the refused start"
run "$MINI" start -p vb --driver=vbox --memory=2g --cpus=2 --disk-size=4g --wait=none
expect_code 0 "start"
run "$MINI" status -p vb -o json
[ "$(json_field "$OUT" Host)" = Running ] || fail "status after start: $OUT"
config=$MINI_HOME/machines/vb/config.iso
run file "$config"
expect_contains "$OUT" "ISO 9660" "the configuration volume is an ISO 9660 image"
expect_contains "$OUT" "MINI_CONFIG" "the configuration volume is labelled MINI_CONFIG"
ports=$MINI_HOME/machines/vb/ports.json
api=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["apiserver"])' "$ports")
ssh=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ssh"])' "$ports")
run "$MINI" stop -p vb
expect_code 0 "stop"
run "$MINI" status -p vb -o json
[ "$(json_field "$OUT" Host)" = Stopped ] || fail "status after stop: $OUT"
run "$MINI" start -p vb --wait=none
expect_code 0 "start again"
run "$MINI" delete -p vb
expect_code 0 "delete"
[ ! -e "$MINI_HOME/machines/vb" ] || fail "delete left the machine directory"
[ ! -e "$config" ] || fail "delete left the configuration ISO"

grep -v '^showvminfo ' "$FAKE_VBOX/transcript" |
  sed -e "s|$MINI_HOME|MINI_HOME|g" -e "s|,$api,,8443|,API_PORT,,8443|" -e "s|,$ssh,,22|,SSH_PORT,,22|" \
      -e "s|--medium [^ ]*/iso/mini-[0-9a-f]*\.iso|--medium ISO|" > "$WORK/got"
diff -u "$HERE/virtualbox/expected_transcript" "$WORK/got" || fail "the VBoxManage sequence differs"
finish
