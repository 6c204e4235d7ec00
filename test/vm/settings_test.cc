#include "vm/settings.h"

#include <doctest/doctest.h>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::vm {

TEST_SUITE("vm/settings") {
  TEST_CASE("sizes accept minikube's units and a bare number means MiB") {
    struct Case {
      const char* text;
      int64_t mib;
    };
    for (auto [text, mib] :
         {Case{"4096", 4096}, Case{"4096mb", 4096}, Case{"4g", 4096}, Case{"4GiB", 4096},
          Case{"512M", 512}, Case{"1t", 1048576}, Case{"2097152k", 2048}}) {
      CAPTURE(text);
      CHECK(ParseMegabytes(text, "memory").value() == mib);
    }
  }

  TEST_CASE("invalid sizes, counts and ports are usage errors naming the input") {
    for (const char* bad : {"abc", "", "4x", "-1", "0", "0g", "4.5g", "1kb"}) {
      CAPTURE(bad);
      auto r = ParseMegabytes(bad, "memory");
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().reason() == "MK_USAGE");
      CHECK(r.status().message() == std::string("invalid memory \"") + bad + "\"");
    }
    for (const char* bad : {"0", "-2", "two", "1.5", ""}) {
      CAPTURE(bad);
      CHECK(ParseCpus(bad).status().code() == Code::kInvalidArgument);
    }
    CHECK(ParseCpus("3").value() == 3);
    CHECK(ParseCpus("max").value() >= 1);
    CHECK(ParsePort("8443", "port").value() == 8443);
    CHECK_FALSE(ParsePort("65536", "port").ok());
    CHECK_FALSE(ParsePort("0", "port").ok());
  }

  TEST_CASE("settings persist, validate and unset") {
    testing::TempDir dir;
    Home home(dir.path());
    auto s = Settings::Load(home);
    REQUIRE(s.ok());
    CHECK(s->values().empty());
    CHECK(s->Set("memory", "8g").ok());
    CHECK(s->Set("cpus", "0").code() == Code::kInvalidArgument);
    auto unknown = s->Set("colour", "blue");
    CHECK(unknown.code() == Code::kInvalidArgument);
    CHECK(unknown.advice().find("memory") != std::string::npos);
    REQUIRE(s->Save(home).ok());

    auto again = Settings::Load(home);
    REQUIRE(again.ok());
    CHECK(again->Get("memory") == std::optional<std::string>("8g"));
    CHECK_FALSE(again->Get("cpus").has_value());
    CHECK(again->Unset("memory").ok());
    CHECK(again->Unset("memory").code() == Code::kNotFound);
  }

  TEST_CASE("a damaged global config is reported with the file to fix") {
    testing::TempDir dir;
    Home home(dir.path());
    REQUIRE(AtomicWriteFile(home.GlobalConfig(), "[1,2").ok());
    auto s = Settings::Load(home);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().advice().find(home.GlobalConfig().string()) != std::string::npos);
  }
}

}  // namespace mini::vm

namespace mini::vm {
TEST_CASE("--memory=max is the host's memory less 1 GiB for the host") {
  auto mb = ParseMegabytes("max", "memory");
  REQUIRE(mb.ok());
  CHECK(*mb > 0);
  CHECK_FALSE(ParseMegabytes("max", "disk-size").ok());
}
}  // namespace mini::vm
