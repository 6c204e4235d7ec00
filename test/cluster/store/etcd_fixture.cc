// Registers the etcd backend with the conformance suite: one real etcd per test process,
// started on first use, and a fresh key prefix per store so cases never see each other's keys.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <memory>
#include <mutex>

#include "cluster/store/etcd/etcd_backend.h"
#include "test/cluster/store/etcd/etcd_server.h"
#include "test/cluster/store/fixture.h"

namespace mini::store::testing {
namespace {

class EtcdFixture : public StoreFixture {
 public:
  std::string Name() const override { return "etcd"; }

  BackendPtr Open() override {
    std::string endpoint;
    int store = 0;
    {
      std::lock_guard lock(mutex_);
      if (server_ == nullptr) {
        server_ = std::make_unique<mini::testing::EtcdServer>();
        started_ = server_->Start();
      }
      endpoint = server_->endpoint();
      store = ++stores_;
    }
    REQUIRE_MESSAGE(started_.ok(), started_.ToString());
    etcd::EtcdOptions options{.endpoints = {endpoint},
                              .key_prefix = fmt::format("/conformance/{}/", store)};
    Result<BackendPtr> backend = etcd::NewEtcdBackend(options);
    REQUIRE_MESSAGE(backend.ok(), backend.status().ToString());
    return std::move(backend).value();
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<mini::testing::EtcdServer> server_;  // lives until the process exits
  Status started_;
  int stores_ = 0;
};

[[maybe_unused]] const bool kRegistered =
    RegisterFixture([] { return std::make_unique<EtcdFixture>(); });

}  // namespace
}  // namespace mini::store::testing
