#include "vm/profile.h"

#include <doctest/doctest.h>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::vm {

TEST_SUITE("vm/profile") {
  TEST_CASE("a saved profile loads back field for field") {
    testing::TempDir dir;
    Home home(dir.path());
    ClusterConfig c{"t1", "native", 4, 8192, 30000, 9443, "v1.32.4", "10.0.0.5"};
    c.datastore = "etcds://10.0.0.9:2379";
    c.datastore_ca_file = "/etc/etcd/ca.crt";
    c.registry_mirrors = {"https://mirror-a.example", "http://10.0.0.2:5000"};
    c.insecure_registries = {"10.0.0.2:5000"};
    REQUIRE(SaveProfile(home, c).ok());
    auto loaded = LoadProfile(home, "t1");
    REQUIRE(loaded.ok());
    CHECK(loaded->driver == "native");
    CHECK(loaded->cpus == 4);
    CHECK(loaded->memory_mb == 8192);
    CHECK(loaded->disk_size_mb == 30000);
    CHECK(loaded->apiserver_port == 9443);
    CHECK(loaded->node_ip == "10.0.0.5");
    CHECK(loaded->datastore == "etcds://10.0.0.9:2379");
    CHECK(loaded->datastore_ca_file == "/etc/etcd/ca.crt");
    CHECK(loaded->datastore_key_file.empty());
    CHECK(loaded->registry_mirrors == c.registry_mirrors);
    CHECK(loaded->insecure_registries == c.insecure_registries);
    CHECK(ListProfiles(home) == std::vector<std::string>{"t1"});
  }

  TEST_CASE("the machine's network is kept under minikube's names") {
    testing::TempDir dir;
    Home home(dir.path());
    ClusterConfig c{"t2", "qemu"};
    c.network = "bridge";
    c.kvm_network = "default";
    REQUIRE(SaveProfile(home, c).ok());
    auto text = ReadFile(home.ProfileConfig("t2"));
    REQUIRE(text.ok());
    CHECK(text->find("\"Network\": \"bridge\"") != std::string::npos);
    CHECK(text->find("\"KVMNetwork\": \"default\"") != std::string::npos);
    auto loaded = LoadProfile(home, "t2");
    REQUIRE(loaded.ok());
    CHECK(loaded->network == "bridge");
    CHECK(loaded->kvm_network == "default");
  }

  TEST_CASE("a missing profile is NotFound with advice to list profiles") {
    testing::TempDir dir;
    auto r = LoadProfile(Home(dir.path()), "nope");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kNotFound);
    CHECK(r.status().reason() == "GUEST_PROFILE_NOT_FOUND");
    CHECK(r.status().advice().find("mini profile list") != std::string::npos);
  }

  TEST_CASE("a corrupt config.json is refused, named, and left as it was") {
    testing::TempDir dir;
    Home home(dir.path());
    REQUIRE(AtomicWriteFile(home.ProfileConfig("bad"), "{\"Name\": \"bad\", ").ok());
    auto r = LoadProfile(home, "bad");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message().find(home.ProfileConfig("bad").string()) != std::string::npos);
    CHECK(r.status().advice().find("mini delete -p bad") != std::string::npos);
    CHECK(ReadFile(home.ProfileConfig("bad")).value() == "{\"Name\": \"bad\", ");

    REQUIRE(AtomicWriteFile(home.ProfileConfig("typed"), R"({"Name":"typed","Driver":3})").ok());
    CHECK(LoadProfile(home, "typed").status().code() == Code::kInvalidArgument);
  }

  TEST_CASE("profile names that cannot name a directory are rejected") {
    for (const char* bad : {"", "../x", "a/b", "-x", ".hidden", "a b"}) {
      CAPTURE(bad);
      CHECK(ValidateProfileName(bad).code() == Code::kInvalidArgument);
    }
    for (const char* good : {"mini", "t1", "dev.cluster_2-a"}) {
      CAPTURE(good);
      CHECK(ValidateProfileName(good).ok());
    }
    CHECK_FALSE(ValidateProfileName(std::string(64, 'a')).ok());
  }
}

}  // namespace mini::vm
