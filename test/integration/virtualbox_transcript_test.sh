#!/usr/bin/env bash
# The virtualbox driver's VBoxManage sequence (start, stop, start, delete), recorded by a fake
# VBoxManage on PATH and compared with virtualbox/expected_transcript; state queries
# (showvminfo) are left out of the comparison, and paths and ports are normalised. The
# configuration ISO attached before each start must be one, and go with the machine. Also: a
# host without VBoxManage refused with the advice to install VirtualBox, and --mount-string
# (shared by a background mini mount once the guest is up, which a fake cannot boot) kept
# in the profile and out of VirtualBox's configuration, with a stale mount.pid dropped
# without a signal.
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

# --- --mount-string: the machine boots without it; the mount waits for a guest ---
export FAKE_VBOX=$WORK/vbox-share
mkdir -p "$FAKE_VBOX"
run "$MINI" start -p vbshare --driver=vbox --mount-string="$WORK/missing:/share" --wait=none
expect_code 35 "a missing host directory"
expect_contains "$ERR" "$WORK/missing is not a directory" "a missing host directory is named"
run "$MINI" start -p vbshare --driver=vbox --mount-string="$WORK/share:/share" --wait=none
expect_code 0 "start with --mount-string"
expect_contains "$OUT" "$WORK/share is not mounted yet" "--wait=none says the mount waits"
run python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Mounts"])' \
  "$MINI_HOME/profiles/vbshare/config.json"
expect_contains "$OUT" "$WORK/share:/share" "the profile keeps the mount"
grep -qi sharedfolder "$FAKE_VBOX/transcript" && fail "VirtualBox was given a shared folder"
[ ! -e "$MINI_HOME/profiles/vbshare/mount.pid" ] || fail "--wait=none started a mount"
# A mount.pid whose pid now runs something else is removed, and that process left alone.
sleep 300 &
other=$!
echo "{\"mounts\": [{\"pid\": $other, \"startTime\": $(cut -d' ' -f22 /proc/$other/stat), \
  \"mount\": \"$WORK/share:/share\"}]}" > "$MINI_HOME/profiles/vbshare/mount.pid"
run "$MINI" stop -p vbshare
expect_code 0 "stop with a stale mount.pid"
kill -0 "$other" 2>/dev/null || fail "stop signalled a process that is not its mount"
kill "$other"
[ ! -e "$MINI_HOME/profiles/vbshare/mount.pid" ] || fail "stop left a stale mount.pid"
run "$MINI" delete -p vbshare
expect_code 0 "delete"
finish
