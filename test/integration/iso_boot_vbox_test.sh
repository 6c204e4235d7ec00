#!/usr/bin/env bash
# The guest ISO booted under QEMU on VirtualBox's kind of hardware and without fw_cfg's
# opt/mini, to a Ready node: both CDs on the PIIX IDE controller (the ISO, then the MINI_CONFIG
# volume `mini iso --config-from` writes, the virtualbox driver's writer), the data disk on an
# AHCI controller (so /dev/sda), an e1000 NIC on QEMU's user network. The guest must find its
# configuration on the volume and its disk among the SATA ones.
#
#   iso_boot_vbox_test.sh MINI VM_CACHE_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/iso_lib.sh"

iso_setup "$2"

# --- the configuration volume, from the files the host would hand over ---
c=$WORK/pki
g=$WORK/guest
mkdir -p "$c" "$g"
make_pki "$c" || { fail "openssl could not make the certificates"; finish; }
cp "$c/ca.crt" "$c/apiserver.crt" "$c/apiserver.key" "$g/"
printf -- '--secure-port=8443\n--node-name=vboxnode\n' > "$g/args"
echo vboxnode > "$g/hostname"
run "$MINI" iso --config-from=/nonexistent -o "$WORK/bad.iso"
[ "$CODE" -ne 0 ] || fail "--config-from a missing directory succeeded"
expect_contains "$ERR" "not a directory" "a missing --config-from directory is named"
run "$MINI" iso --config-from="$g" -o "$WORK/config.iso"
expect_code 0 "mini iso --config-from"
run file "$WORK/config.iso"
expect_contains "$OUT" "MINI_CONFIG" "the configuration volume is labelled MINI_CONFIG"
truncate -s 4G "$WORK/disk.raw"
port=$(free_port)

t0=$(date +%s.%N)
qemu-system-x86_64 -machine pc -accel tcg -cpu qemu64 -smp 2 -m 2048 -nodefaults -display none \
  -no-reboot -boot d -serial "file:$WORK/console.log" \
  -drive "file=$WORK/mini.iso,format=raw,if=ide,index=0,media=cdrom,readonly=on" \
  -drive "file=$WORK/config.iso,format=raw,if=ide,index=1,media=cdrom,readonly=on" \
  -device ahci,id=ahci -drive "id=data,file=$WORK/disk.raw,format=raw,if=none" \
  -device ide-hd,drive=data,bus=ahci.0 \
  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8443" -device e1000,netdev=n0 \
  >"$WORK/qemu.log" 2>&1 &
qemu=$!

if ! wait_readyz "$c" "$port" "$qemu" 400; then
  fail "the API server never answered: $(tail -5 "$WORK/console.log") $(cat "$WORK/qemu.log")"
  finish
fi
took=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
echo "ISO boot on VirtualBox-like hardware to /readyz: $took s"
grep -a "mini-guest" "$WORK/console.log"
console=$(cat "$WORK/console.log")
expect_contains "$console" "mini-guest: config at" "the configuration came from the volume"
expect_contains "$console" "formatting the data disk /dev/sda" "the data disk is the SATA disk"

node=$(node_ready "$c" "$port" vboxnode)
[ "$node" = True ] || fail "the node vboxnode is not Ready: '$node'"
kill "$qemu" 2>/dev/null
finish
