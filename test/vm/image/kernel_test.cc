#include "vm/image/kernel.h"

#include <doctest/doctest.h>

#include <map>

namespace mini::vm::image {

TEST_CASE("module names are spelt as the kernel spells them") {
  CHECK(ModuleName("kernel/net/ipv4/netfilter/nf-nat.ko") == "nf_nat");
  CHECK(ModuleName("virtio-rng") == "virtio_rng");
}

TEST_CASE("an appended module signature is cut off, an unsigned module kept whole") {
  std::string body = "\x7f" "ELF module body";
  std::string sig(20, 'S');
  // struct module_signature: 8 bytes, then the signature's length big-endian.
  std::string info = std::string(8, '\0') + std::string("\0\0\0\x14", 4);
  std::string signed_ko = body + sig + info + "~Module signature appended~\n";
  CHECK(StripModuleSignature(signed_ko) == body);
  CHECK(StripModuleSignature(body) == body);
}

TEST_CASE("modules come after what they depend on, softdeps by alias included") {
  std::map<std::string, ModuleDeps> mods = {
      {"nft_masq", {{"nf_tables", "nf_nat"}, {}}},
      {"nf_nat", {{"nf_conntrack", "libcrc32c"}, {}}},
      {"nf_conntrack", {{"libcrc32c"}, {}}},
      {"libcrc32c", {{}, {"crc32c"}}},
      {"crc32c_generic", {}},
      {"nf_tables", {{"nfnetlink"}, {}}},
      {"nfnetlink", {}},
  };
  auto lookup = [&](const std::string& n) -> std::optional<ModuleDeps> {
    auto it = mods.find(n);
    return it == mods.end() ? std::nullopt : std::optional(it->second);
  };
  auto alias = [](const std::string& n) -> std::optional<std::string> {
    return n == "crc32c" ? std::optional<std::string>("crc32c_generic") : std::nullopt;
  };
  auto order = OrderModules({"nft_masq", "nf_tables"}, lookup, alias);
  REQUIRE(order.ok());
  std::vector<std::string> want = {"nfnetlink", "nf_tables", "crc32c_generic", "libcrc32c",
                                   "nf_conntrack", "nf_nat", "nft_masq"};
  CHECK(*order == want);

  auto missing = OrderModules({"nope"}, lookup, alias);
  CHECK(missing.status().code() == Code::kNotFound);
}

TEST_CASE("a bzImage without an XZ-compressed ELF is refused") {
  CHECK_FALSE(ExtractVmlinux("MZ not a kernel").ok());
  CHECK_FALSE(ReadModInfo("not ELF").ok());
}

}  // namespace mini::vm::image
