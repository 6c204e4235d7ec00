#!/bin/sh
# PID 1 of the mini guest (busybox sh). It prepares the machine for `mini control-plane` and
# runs it: pseudo-filesystems and cgroup2, kernel modules, configuration from the host (fw_cfg,
# or a MINI_CONFIG ISO volume), network, the data disk (formatted on first boot), ssh; an ACPI
# power-button press stops the control plane and powers off. Lines starting "mini-guest:" mark the boot stages
# with the guest's uptime (the benchmark reads them). Non-busybox programs are called by
# absolute path: busybox sh runs its own applets before looking at PATH.
export PATH=/usr/sbin:/usr/bin HOME=/root
mark() { read up _ < /proc/uptime; echo "mini-guest: $1 at ${up}s"; }

if [ "$$" = 1 ] && [ ! -e /run/.stage2 ]; then
  mount -t proc proc /proc
  mount -t devtmpfs dev /dev
  # crun's pivot_root(2) refuses the initramfs root; a bind mount of it moved over / is a
  # normal mount that can be pivoted away from, without copying the image into a tmpfs.
  mkdir -p /run/newroot
  mount --bind / /run/newroot
  mount -t tmpfs -o mode=0755 run /run/newroot/run
  touch /run/newroot/run/.stage2
  mount --move /proc /run/newroot/proc
  mount --move /dev /run/newroot/dev
  cd /run/newroot
  mount --move . /
  exec chroot . /init
fi
mark userland
mount -t sysfs sys /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,gid=5,mode=620 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx 2>/dev/null
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
echo "+cpu +cpuset +io +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/mounts /etc/mtab

# The devices' modules are needed at once; pods' are loaded meanwhile on the other vCPU and
# waited for before the control plane starts. A module whose dependency the other list was
# still loading fails, and is loaded again after both.
kver=$(uname -r)
load() {
  while read -r m; do
    insmod "/lib/modules/$kver/$m.ko" 2>/dev/null || echo "$m" >> /run/modules.retry
  done < "/etc/mini/modules.$1"
}
load pods &
pods_modules=$!
load devices
echo /sbin/modprobe > /proc/sys/kernel/modprobe
mark modules

# ISO 9660 keeps "CD001" at byte 32769 and the volume label at 32808 (space-padded).
iso_label() {
  [ "$(dd if="$1" bs=1 skip=32769 count=5 2>/dev/null)" = CD001 ] &&
    dd if="$1" bs=1 skip=32808 count=32 2>/dev/null | tr -d ' '
}
# Whole disks only (/sys/block), CD drives first. A drive may show before its medium can be
# read: the caller asks again.
config_volume() {
  for b in /sys/block/sr* /sys/block/*; do
    d=/dev/${b##*/}
    [ -e "$b" ] && [ "$(iso_label "$d")" = MINI_CONFIG ] && { echo "$d"; return; }
  done
}
# SATA and IDE ports are probed asynchronously: wait for the devices, at most a minute.
wait_for() {
  i=0
  until found=$("$1") && [ -n "$found" ]; do
    i=$((i + 1))
    [ "$i" -le 600 ] || return 1
    sleep 0.1
  done
  echo "$found"
}

# The configuration: QEMU's fw_cfg (qemu, kvm2), else a volume labelled MINI_CONFIG holding
# the same file names (VirtualBox, which has no fw_cfg): then this is a PC, whose disks, CD
# drives and NIC need modules of their own.
cfg=/sys/firmware/qemu_fw_cfg/by_name/opt/mini
get() { cat "$cfg/$1/raw" 2>/dev/null; }
if [ ! -d "$cfg" ]; then
  load pc
  mark pc-modules
  volume=$(wait_for config_volume) || {
    echo "mini-guest: no configuration: neither fw_cfg's opt/mini nor a MINI_CONFIG volume"
    poweroff -f
  }
  mkdir -p /run/mini-config
  mount -t iso9660 -o ro "$volume" /run/mini-config ||
    { echo "mini-guest: cannot mount the configuration volume $volume"; poweroff -f; }
  cfg=/run/mini-config
  get() { cat "$cfg/$1" 2>/dev/null; }
  mark config
fi
hostname "$(get hostname || echo mini)"
hostname > /etc/hostname
get ca.crt > /etc/mini/ca.crt
get apiserver.crt > /etc/mini/apiserver.crt
(umask 077; get apiserver.key > /etc/mini/apiserver.key)

# The network as the driver describes it in opt/mini/network: "dhcp", or "ADDRESS/PREFIX
# GATEWAY DNS"; without it, QEMU's user network, whose addresses are fixed (no DHCP wait).
/usr/sbin/ip link set lo up
/usr/sbin/ip link set eth0 up
set -- $(get network)
if [ "$1" = dhcp ]; then
  udhcpc -i eth0 -q -n -t 10 -T 1 -s /etc/mini/udhcpc.sh
else
  /usr/sbin/ip addr add "${1:-10.0.2.15/24}" dev eth0
  /usr/sbin/ip route add default via "${2:-10.0.2.2}"
  echo "nameserver ${3:-10.0.2.3}" > /etc/resolv.conf
fi
sysctl -qw net.ipv4.ip_forward=1 2>/dev/null
mark network

# The data disk: the first whole disk that is neither a CD drive nor the configuration volume,
# virtio's (vda) before SATA's or IDE's (libata names both sda).
data_disk() {
  for b in /sys/block/vd* /sys/block/sd*; do
    d=/dev/${b##*/}
    [ -e "$b" ] && [ "$d" != "$volume" ] && { echo "$d"; return; }
  done
}
disk=$(wait_for data_disk) || { echo "mini-guest: no data disk"; poweroff -f; }
# An ext2/3/4 superblock has the magic 0xEF53 at byte 1080 of the disk.
magic=$(dd if="$disk" bs=1 skip=1080 count=2 2>/dev/null | od -An -tx1 | tr -d ' \n')
if [ "$magic" != "53ef" ]; then
  echo "mini-guest: formatting the data disk $disk"
  /usr/sbin/mke2fs -q -F -t ext4 -L mini-data -E lazy_itable_init=1,lazy_journal_init=1 "$disk"
fi
mount -t ext4 -o noatime "$disk" /var/lib/mini ||
  { echo "mini-guest: cannot mount the data disk $disk"; poweroff -f; }
mark disk

# Host directories shared over 9p (--mount-string): "tag guest-dir" per line.
get mounts | while read -r tag dir; do
  [ -n "$tag" ] || continue
  mkdir -p "$dir"
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 "$tag" "$dir" ||
    echo "mini-guest: cannot mount the host's share at $dir"
done

# ssh with the profile's key; the host key comes from the host, which knows it already.
mkdir -p -m 700 /root/.ssh /etc/dropbear
get authorized_keys > /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys
(umask 077; get ssh_host_key > /etc/dropbear/host_key)
/usr/sbin/dropbear -r /etc/dropbear/host_key -s -p 22 2>/dev/null

stop_on_power_button() {
  for ev in /sys/class/input/event*; do
    grep -q "Power Button" "$ev/device/name" 2>/dev/null && dev=/dev/input/${ev##*/}
  done
  [ -n "$dev" ] || return
  dd if="$dev" bs=24 count=1 of=/dev/null 2>/dev/null
  echo "mini-guest: power button pressed, stopping the control plane"
  kill -TERM "$1"
}

wait "$pods_modules"
if [ -f /run/modules.retry ]; then
  while read -r m; do
    grep -q "^$m " /proc/modules || insmod "/lib/modules/$kver/$m.ko"
  done < /run/modules.retry
fi
set -- $(get args)
mark control-plane
/usr/bin/mini control-plane --data-dir=/var/lib/mini \
  --tls-cert-file=/etc/mini/apiserver.crt --tls-private-key-file=/etc/mini/apiserver.key \
  --client-ca-file=/etc/mini/ca.crt "$@" &
cp=$!
stop_on_power_button "$cp" &
wait "$cp"
echo "mini-guest: the control plane exited ($?); powering off"
sync
umount -r /var/lib/mini 2>/dev/null
poweroff -f
