#include "vm/image/packages.h"

#include <doctest/doctest.h>

namespace mini::vm::image {

TEST_CASE("dpkg -S owners: one package per file, shared directories and diversions skipped") {
  auto owners = ParseDpkgOwners(
      "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6\n"
      "crun: /usr/bin/crun\n"
      "dpkg-query: no path found matching pattern /usr/sbin/ip\n"
      "libc6:amd64, libc6-dev:amd64: /usr/lib/x86_64-linux-gnu\n"
      "diversion by foo from: /usr/bin/bar\n");
  CHECK(owners.size() == 2);
  CHECK(owners["/lib/x86_64-linux-gnu/libc.so.6"] == "libc6:amd64");
  CHECK(owners["/usr/bin/crun"] == "crun");
}

TEST_CASE("the .deb apt-get download writes is named with the epoch escaped") {
  CHECK(DebFileName("busybox-static", "1:1.35.0-4+deb12u1+b1", "amd64") ==
        "busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb");
  CHECK(DebFileName("crun", "1.8.1-1+deb12u1", "amd64") == "crun_1.8.1-1+deb12u1_amd64.deb");
}

}  // namespace mini::vm::image
