#include "cluster/allinone/store_component.h"

#include <doctest/doctest.h>

#include <thread>

#include "test/temp_dir.h"

namespace mini::cluster {

TEST_SUITE("allinone/store") {
  TEST_CASE("the embedded store opens in the data directory by default") {
    testing::TempDir dir;
    ControlPlaneOptions options;
    options.data_dir = dir.path();
    StoreComponent store(options);
    REQUIRE(store.Start().ok());
    CHECK(store.Check().ok());
    CHECK(store.backend().Create("/registry/x", "1").ok());
    store.Stop();
    CHECK(std::filesystem::exists(dir / "state.db"));
    CHECK(store.Check().code() == Code::kUnavailable);
  }

  TEST_CASE("history older than one interval is compacted away") {
    testing::TempDir dir;
    ControlPlaneOptions options;
    options.data_dir = dir.path();
    options.datastore = "memory://";
    options.compaction_interval = std::chrono::milliseconds(50);
    StoreComponent store(options);
    REQUIRE(store.Start().ok());
    auto first = store.backend().Create("/registry/a", "1");
    REQUIRE(first.ok());
    int64_t compacted = 0;
    for (int i = 0; i < 100 && compacted < first->mod_revision; ++i) {
      REQUIRE(store.backend()
                  .Update("/registry/a", std::to_string(i),
                          store.backend().Get("/registry/a")->mod_revision)
                  .ok());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      compacted = store.backend().CompactedRevision().value();
    }
    CHECK(compacted >= first->mod_revision);
    CHECK(store.backend().Get("/registry/a").ok());  // the current state stays
    store.Stop();
  }

  TEST_CASE("an unknown datastore URL fails start with the accepted forms") {
    testing::TempDir dir;
    ControlPlaneOptions options;
    options.data_dir = dir.path();
    options.datastore = "mysql://db";
    StoreComponent store(options);
    Status s = store.Start();
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.advice().find("etcd://") != std::string::npos);
  }
}

}  // namespace mini::cluster
