#include "vm/image/archive.h"

#include <doctest/doctest.h>

#include "common/command.h"
#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::vm::image {

TEST_CASE("the initramfs is a cpio newc archive the kernel can unpack") {
  testing::TempDir dir;
  std::string path = (dir / "initrd.cpio").string();
  auto w = CpioWriter::Create(path);
  REQUIRE(w.ok());
  CHECK((*w)->AddDir("usr").ok());
  CHECK((*w)->AddDir("usr/bin").ok());
  CHECK((*w)->AddFile("init", "#!/bin/sh\necho hi\n", 0755).ok());
  CHECK((*w)->AddSymlink("bin", "usr/bin").ok());
  REQUIRE((*w)->Close().ok());

  auto bytes = ReadFile(path);
  REQUIRE(bytes.ok());
  CHECK(bytes->starts_with("070701"));  // newc's magic, the only format the kernel reads
  CHECK(bytes->find("TRAILER!!!") != std::string::npos);

  // cpio itself reads it back: names, modes and the symlink's target.
  auto listing = RunCommand({"sh", "-c", "cd \"$0\" && cpio -tv < initrd.cpio", dir.path().string()});
  REQUIRE(listing.ok());
  if (listing->exit_code == 0) {
    CHECK(listing->output.find("-rwxr-xr-x") != std::string::npos);
    CHECK(listing->output.find("bin -> usr/bin") != std::string::npos);
  }
}

TEST_CASE("a file that is not a Debian package is refused with its name") {
  testing::TempDir dir;
  REQUIRE(AtomicWriteFile(dir / "x.deb", "not an ar archive").ok());
  Status s = ForEachDebFile((dir / "x.deb").string(),
                            [](const DebEntry&, const auto&) { return Status::Ok(); });
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("x.deb") != std::string::npos);
}

}  // namespace mini::vm::image
