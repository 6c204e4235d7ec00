#include "drivers/qemu/guest_config.h"

#include <doctest/doctest.h>

#include <map>

#include "common/files.h"
#include "drivers/qemu/machine_files.h"
#include "test/temp_dir.h"

namespace mini::drivers::qemu {
namespace {

vm::MachineSpec Spec(const testing::TempDir& dir) {
  vm::MachineSpec spec;
  spec.name = "node1";
  spec.machine_dir = dir / "m";
  spec.ca_cert = dir / "ca.crt";
  spec.serving_cert = dir / "apiserver.crt";
  spec.serving_key = dir / "apiserver.key";
  spec.control_plane_flags = {"--node-name=node1", "--datastore=memory"};
  spec.mounts = {{dir / "src", "/data"}, {dir / "more", "/more"}};
  REQUIRE(AtomicWriteFile(SshKey(spec).string() + ".pub", "ssh-ed25519 AAAA me\n", 0600).ok());
  return spec;
}

std::map<std::string, std::filesystem::path> ByName(const GuestConfig& c) {
  std::map<std::string, std::filesystem::path> m;
  for (const GuestFile& f : c.files) m[f.name] = f.file;
  return m;
}

}  // namespace

TEST_CASE("the guest gets its flags, name, keys and certificates as named files") {
  testing::TempDir dir;
  vm::MachineSpec spec = Spec(dir);
  auto c = WriteGuestConfig(spec, {8443, ""});
  REQUIRE(c.ok());
  auto files = ByName(*c);
  CHECK(files.size() == 8);
  CHECK(*ReadFile(files["args"]) == "--secure-port=8443\n--node-name=node1\n--datastore=memory\n");
  CHECK(*ReadFile(files["hostname"]) == "node1\n");
  CHECK(*ReadFile(files["authorized_keys"]) == "ssh-ed25519 AAAA me\n");
  CHECK(*ReadFile(files["mounts"]) == "mini0 /data\nmini1 /more\n");
  CHECK(files.count("network") == 0);
  CHECK(files["ssh_host_key"] == HostKey(spec));
  CHECK(files["ca.crt"] == spec.ca_cert);
  CHECK(files["apiserver.crt"] == spec.serving_cert);
  CHECK(files["apiserver.key"] == spec.serving_key);
  REQUIRE(c->shares.size() == 2);
  CHECK(c->shares[1].host == dir / "more");
  CHECK(c->shares[1].tag == "mini1");
}

TEST_CASE("a network line and another API server port when the driver asks") {
  testing::TempDir dir;
  vm::MachineSpec spec = Spec(dir);
  auto c = WriteGuestConfig(spec, {6443, "dhcp"});
  REQUIRE(c.ok());
  auto files = ByName(*c);
  CHECK(*ReadFile(files["network"]) == "dhcp\n");
  CHECK(ReadFile(files["args"])->starts_with("--secure-port=6443\n"));
}

TEST_CASE("without the machine's ssh key there is no configuration") {
  testing::TempDir dir;
  vm::MachineSpec spec;
  spec.machine_dir = dir / "m";
  CHECK(!WriteGuestConfig(spec, {}).ok());
}

}  // namespace mini::drivers::qemu
