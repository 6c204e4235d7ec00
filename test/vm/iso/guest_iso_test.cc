#include "vm/iso/guest_iso.h"

#include <doctest/doctest.h>

namespace mini::vm::iso {

TEST_SUITE("vm/iso") {
  TEST_CASE("GRUB boots the one entry at once, on the serial console, with the given line") {
    std::string cfg = GrubConfig("console=ttyS0 quiet");
    CHECK(cfg.find("set timeout=0\n") != std::string::npos);
    CHECK(cfg.find("terminal_output serial\n") != std::string::npos);
    CHECK(cfg.find("  linux /boot/vmlinuz console=ttyS0 quiet\n") != std::string::npos);
    CHECK(cfg.find("  initrd /boot/initrd.cpio\n") != std::string::npos);
  }
}

}  // namespace mini::vm::iso
