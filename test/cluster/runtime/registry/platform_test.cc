// Choosing the manifest of an index the way a pull does: linux on this machine's architecture,
// the variant-less entry first, attestations never.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cluster/runtime/image/manifest.h"

namespace mini::cluster::runtime::image {
namespace {

std::string Entry(char digit, std::string_view os, std::string_view arch,
                  std::string_view variant = "") {
  std::string platform = fmt::format(R"("os":"{}","architecture":"{}")", os, arch);
  if (!variant.empty()) {
    platform += fmt::format(R"(,"variant":"{}")", variant);
  }
  return fmt::format(R"({{"mediaType":"{}","digest":"sha256:{}","size":1,"platform":{{{}}}}})",
                     media_type::kOciManifest, std::string(64, digit), platform);
}

Result<Descriptor> Select(const std::vector<std::string>& entries) {
  std::string json = fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","manifests":[{}]}})",
                                 media_type::kOciIndex, fmt::join(entries, ","));
  MINI_ASSIGN_OR_RETURN(ImageIndex index, ParseIndex(json, "index"));
  return SelectPlatform(index, "index");
}

}  // namespace

TEST_SUITE("runtime/registry/platform") {
  TEST_CASE("linux on this architecture wins over others, the variant-less entry first") {
    std::string arch = HostArchitecture();
    auto chosen = Select({Entry('1', "linux", "arm", "v7"), Entry('2', "windows", arch),
                          Entry('3', "linux", arch, "v3"), Entry('4', "linux", arch),
                          Entry('5', "linux", "s390x")});
    REQUIRE(chosen.ok());
    CHECK(chosen->digest.hex() == std::string(64, '4'));
  }

  TEST_CASE("a variant is taken when it is all there is") {
    auto chosen = Select({Entry('1', "linux", HostArchitecture(), "v2")});
    REQUIRE(chosen.ok());
    CHECK(chosen->digest.hex() == std::string(64, '1'));
  }

  TEST_CASE("no image for this platform is kNotFound naming it") {
    auto chosen = Select({Entry('1', "linux", "riscv64"), Entry('2', "unknown", "unknown")});
    REQUIRE_FALSE(chosen.ok());
    CHECK(chosen.status().code() == Code::kNotFound);
    CHECK(chosen.status().message().find("linux/" + HostArchitecture()) != std::string::npos);
  }
}

}  // namespace mini::cluster::runtime::image
