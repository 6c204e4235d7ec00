#!/usr/bin/env bash
# Builds the images the tests run, offline, from Debian packages (see README.md):
#
#   OUT/busybox.oci.tar      mini-test/busybox:1  busybox-static: sh, httpd, nc, nslookup, wget...
#   OUT/echo.oci.tar         mini-test/echo:1     the same base layer + an HTTP echo server
#   OUT/busybox.docker.tar   mini-test/busybox:1  as a docker-archive (made by skopeo)
#
#   images/test/build.sh OUT
#
# Timestamps, owners and entry order are fixed, so a rebuild gives the same digests. Nothing is
# rebuilt while this script, the echo server and the .deb are unchanged; the .deb is fetched
# once (apt-get download, or apt's own cache) and kept in OUT/debs.
set -euo pipefail
umask 022

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: images/test/build.sh OUT_DIR}
mkdir -p "$out/debs"
out=$(cd "$out" && pwd)
# Tests build the images on first use, several at once: one build at a time, and the others
# then find it done.
exec 9>"$out/.lock"
flock 9
arch=$(dpkg --print-architecture)
epoch=1704067200 # 2024-01-01T00:00:00Z
created=2024-01-01T00:00:00Z
path_env=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
applets="sh ash cat chmod cp cut date dd df echo env false grep head hostname httpd id ifconfig
  ip kill ln ls mkdir mktemp mount mv nc netstat nslookup ping printf ps pwd readlink rm rmdir sed
  seq sleep sort stat tail tar tee test timeout touch tr true umount uname vi wc wget which xargs"

# deb PACKAGE: the path of the package's .deb, fetched into OUT/debs the first time only.
deb() {
  local found
  found=$(find "$out/debs" -name "${1}_*_${arch}.deb" | sort | tail -n1)
  if [ -z "$found" ]; then
    if ! (cd "$out/debs" && apt-get download -q "$1" >/dev/null 2>&1); then
      local cached
      cached=$(find /var/cache/apt/archives -name "${1}_*_${arch}.deb" 2>/dev/null | sort |
        tail -n1)
      if [ -z "$cached" ]; then
        echo "build.sh: cannot fetch $1: apt-get download failed and apt's cache lacks it" >&2
        exit 1
      fi
      cp "$cached" "$out/debs/"
    fi
    found=$(find "$out/debs" -name "${1}_*_${arch}.deb" | sort | tail -n1)
  fi
  echo "$found"
}

busybox_deb=$(deb busybox-static)
stamp=$( (cat "$0" "$here"/echo/*; basename "$busybox_deb"; command -v skopeo || true) | sha256sum)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
  echo "test images in $out are up to date"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# layer DIR: packs DIR as a gzip'd layer; sets diff_id (of the tar) and layer (the blob).
layer() {
  local tar=$work/layers/$(basename "$1").tar
  mkdir -p "$work/layers"
  chmod 755 "$1"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --format=gnu \
    -C "$1" -cf "$tar" .
  diff_id=$(sha256sum <"$tar" | cut -d' ' -f1)
  gzip -n -9 <"$tar" >"$tar.gz"
  layer=$tar.gz
}

# blob LAYOUT FILE: stores FILE in the OCI layout; prints "<hex> <size>".
blob() {
  local hex
  hex=$(sha256sum <"$2" | cut -d' ' -f1)
  mkdir -p "$1/blobs/sha256"
  cp "$2" "$1/blobs/sha256/$hex"
  echo "$hex $(stat -c %s "$2")"
}

oci=application/vnd.oci.image

# descriptor MEDIA_TYPE HEX SIZE [MEMBERS]: an OCI descriptor, MEMBERS appended inside it.
descriptor() {
  printf '{"mediaType":"%s","digest":"sha256:%s","size":%s%s}' "$1" "$2" "$3" "${4:+,$4}"
}

# image NAME TAG EXTRA_CONFIG LAYER...: writes $work/NAME.oci.tar; each LAYER is "tgz:diff_id".
image() {
  local name=$1 tag=$2 extra=$3 layout=$work/$1.layout layers="" diff_ids="" hex size
  local config=$work/$1.config.json manifest=$work/$1.manifest.json
  shift 3
  for l in "$@"; do
    read -r hex size < <(blob "$layout" "${l%%:*}")
    layers+="${layers:+,}$(descriptor "$oci.layer.v1.tar+gzip" "$hex" "$size")"
    diff_ids+="${diff_ids:+,}\"sha256:${l##*:}\""
  done
  {
    printf '{"architecture":"%s","os":"linux","created":"%s",' "$arch" "$created"
    printf '"config":{"Env":["PATH=%s"],"WorkingDir":"/"%s},' "$path_env" "$extra"
    printf '"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diff_ids"
  } >"$config"
  read -r hex size < <(blob "$layout" "$config")
  printf '{"schemaVersion":2,"mediaType":"%s","config":%s,"layers":[%s]}' \
    "$oci.manifest.v1+json" "$(descriptor "$oci.config.v1+json" "$hex" "$size")" "$layers" \
    >"$manifest"
  read -r hex size < <(blob "$layout" "$manifest")
  local names="\"io.containerd.image.name\":\"docker.io/mini-test/$name:$tag\","
  names+="\"org.opencontainers.image.ref.name\":\"$tag\""
  printf '{"schemaVersion":2,"mediaType":"%s","manifests":[%s]}' "$oci.index.v1+json" \
    "$(descriptor "$oci.manifest.v1+json" "$hex" "$size" "\"annotations\":{$names}")" \
    >"$layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --format=gnu \
    -C "$layout" -cf "$work/$name.oci.tar" oci-layout index.json blobs
}

# The base layer: busybox-static as Debian ships it, its applets linked, a minimal /etc.
base=$work/base
dpkg-deb -x "$busybox_deb" "$base"
rm -rf "$base/usr/share/initramfs-tools" "$base/usr/share/lintian"
for applet in $applets; do
  ln -s busybox "$base/bin/$applet"
done
mkdir -p "$base"/{etc,root,proc,sys,dev,tmp,var/www}
chmod 1777 "$base/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
  >"$base/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$base/etc/group"
layer "$base"
base_layer=$layer:$diff_id

# The echo layer: the server, and a whiteout that drops the base's documentation (so the
# image also exercises whiteouts).
echo_dir=$work/echo
mkdir -p "$echo_dir/bin" "$echo_dir/usr/share"
install -m 755 "$here/echo/echo-server" "$here/echo/echo-handler" "$echo_dir/bin/"
: >"$echo_dir/usr/share/.wh.doc"
layer "$echo_dir"
echo_layer=$layer:$diff_id

image busybox 1 ',"Cmd":["sh"]' "$base_layer"
image echo 1 ',"Entrypoint":["/bin/echo-server"],"ExposedPorts":{"8080/tcp":{}}' \
  "$base_layer" "$echo_layer"

if command -v skopeo >/dev/null; then
  skopeo --insecure-policy copy --quiet "oci-archive:$work/busybox.oci.tar" \
    "docker-archive:$work/busybox.docker.tar:mini-test/busybox:1"
else
  echo "build.sh: no skopeo (scripts/setup installs it): skipping busybox.docker.tar" >&2
fi

# Each archive is replaced by a rename, so a reader never finds it missing or half written.
rm -f "$out/.stamp"
mv -f "$work"/*.tar "$out/"
echo "$stamp" >"$out/.stamp"
echo "test images built in $out: $(cd "$out" && echo *.tar)"
