// Registers the embedded SQLite backend with the conformance suite: every store is a fresh
// database in its own temporary directory, removed when the store is destroyed.
#include <doctest/doctest.h>

#include <memory>
#include <utility>

#include "cluster/store/sqlite/sqlite_backend.h"
#include "test/cluster/store/fixture.h"
#include "test/temp_dir.h"

namespace mini::store::testing {
namespace {

// The backend and the directory holding its file, torn down in that order: the store closes
// its database before the directory goes.
class TempDirBackend : public Backend {
 public:
  TempDirBackend(std::unique_ptr<mini::testing::TempDir> dir, BackendPtr backend)
      : dir_(std::move(dir)), backend_(std::move(backend)) {}

  Result<KeyValue> Get(const std::string& key, int64_t revision) override {
    return backend_->Get(key, revision);
  }
  Result<RangeResult> Range(const RangeRequest& request) override {
    return backend_->Range(request);
  }
  Result<KeyValue> Create(const std::string& key, const std::string& value,
                          LeaseId lease) override {
    return backend_->Create(key, value, lease);
  }
  Result<KeyValue> Update(const std::string& key, const std::string& value,
                          int64_t expected_mod_revision, LeaseId lease) override {
    return backend_->Update(key, value, expected_mod_revision, lease);
  }
  Result<KeyValue> Delete(const std::string& key, int64_t expected_mod_revision) override {
    return backend_->Delete(key, expected_mod_revision);
  }
  void CreateAsync(const std::string& key, const std::string& value, LeaseId lease,
                   WriteDone done) override {
    backend_->CreateAsync(key, value, lease, std::move(done));
  }
  void UpdateAsync(const std::string& key, const std::string& value, int64_t expected_mod_revision,
                   LeaseId lease, WriteDone done) override {
    backend_->UpdateAsync(key, value, expected_mod_revision, lease, std::move(done));
  }
  void DeleteAsync(const std::string& key, int64_t expected_mod_revision,
                   WriteDone done) override {
    backend_->DeleteAsync(key, expected_mod_revision, std::move(done));
  }
  Result<WatchPtr> Watch(const std::string& key, bool prefix, int64_t from_revision,
                         std::shared_ptr<WatchSink> sink) override {
    return backend_->Watch(key, prefix, from_revision, std::move(sink));
  }
  Status Compact(int64_t revision) override { return backend_->Compact(revision); }
  Result<LeaseId> GrantLease(std::chrono::seconds ttl) override {
    return backend_->GrantLease(ttl);
  }
  Status KeepAlive(LeaseId lease) override { return backend_->KeepAlive(lease); }
  Status RevokeLease(LeaseId lease) override { return backend_->RevokeLease(lease); }
  Result<int64_t> CurrentRevision() override { return backend_->CurrentRevision(); }
  Result<int64_t> CompactedRevision() override { return backend_->CompactedRevision(); }

 private:
  std::unique_ptr<mini::testing::TempDir> dir_;  // first: outlives the backend
  BackendPtr backend_;
};

class SqliteFixture : public StoreFixture {
 public:
  std::string Name() const override { return "sqlite"; }

  BackendPtr Open() override {
    auto dir = std::make_unique<mini::testing::TempDir>();
    REQUIRE_FALSE(dir->path().empty());
    Result<BackendPtr> backend = sqlite::NewSqliteBackend(*dir / "mini.db");
    REQUIRE_MESSAGE(backend.ok(), backend.status().ToString());
    return std::make_unique<TempDirBackend>(std::move(dir), std::move(backend).value());
  }
};

[[maybe_unused]] const bool kRegistered =
    RegisterFixture([] { return std::make_unique<SqliteFixture>(); });

}  // namespace
}  // namespace mini::store::testing
