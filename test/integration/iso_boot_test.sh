#!/usr/bin/env bash
# The guest ISO (`mini iso`, made for VirtualBox) booted under QEMU, as a BIOS machine boots a
# CD, to a Ready node: GRUB, the compressed kernel, the same initramfs as the direct-boot
# drivers, the configuration over fw_cfg, certificates made here with openssl.
#
#   iso_boot_test.sh MINI VM_CACHE_DIR
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/iso_lib.sh"

iso_setup "$2"
run file "$WORK/mini.iso"
expect_contains "$OUT" "ISO 9660" "the ISO is an ISO 9660 image"
expect_contains "$OUT" "(bootable)" "the ISO is bootable"

# --- what the host gives the guest: certificates and the control plane's flags ---
c=$WORK/cfg
mkdir -p "$c"
make_pki "$c" || { fail "openssl could not make the certificates"; finish; }
printf -- '--secure-port=8443\n--node-name=isonode\n' > "$c/args"
echo isonode > "$c/hostname"
truncate -s 4G "$WORK/disk.raw"
port=$(free_port)

fwcfg=()
for f in args hostname ca.crt apiserver.crt apiserver.key; do
  fwcfg+=(-fw_cfg "name=opt/mini/$f,file=$c/$f")
done
t0=$(date +%s.%N)
qemu-system-x86_64 -machine pc -accel tcg -cpu qemu64 -smp 2 -m 2048 -nodefaults -display none \
  -no-reboot -cdrom "$WORK/mini.iso" -boot d -serial "file:$WORK/console.log" \
  -drive "file=$WORK/disk.raw,format=raw,if=virtio" \
  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8443" -device virtio-net-pci,netdev=n0 \
  "${fwcfg[@]}" >"$WORK/qemu.log" 2>&1 &
qemu=$!

wait_readyz "$c" "$port" "$qemu" 300 ||
  { fail "the API server never answered: $(tail -5 "$WORK/console.log")"; finish; }
echo "ISO boot to /readyz: $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
grep -a "mini-guest" "$WORK/console.log"

node=$(node_ready "$c" "$port" isonode)
[ "$node" = True ] || fail "the node isonode is not Ready: '$node'"
kill "$qemu" 2>/dev/null
finish
