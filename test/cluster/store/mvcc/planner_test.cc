#include "cluster/store/mvcc/planner.h"

#include <doctest/doctest.h>

namespace mini::store::mvcc {
namespace {

using namespace std::chrono_literals;

Op Write(Op::Kind kind, std::string key, int64_t revision = 0, LeaseId lease = 0) {
  return Op{
      .kind = kind, .key = std::move(key), .value = "v", .revision = revision, .lease = lease};
}

TEST_SUITE("store/mvcc/planner") {
  TEST_CASE("each write sees the batch's earlier ones, only successes take revisions") {
    Index index;
    Version existing;
    existing.revision = 10;
    existing.create_revision = 10;
    existing.version = 1;
    existing.value = std::make_shared<const std::string>("old");
    index.Apply("/old", existing);
    Lessor lessor;
    Planner planner(index, lessor, 1);

    Op create = Write(Op::Kind::kCreate, "/a");
    OpResult created = planner.Plan(create);
    REQUIRE(created.status.ok());
    CHECK(created.kv.mod_revision == 11);
    Op again = Write(Op::Kind::kCreate, "/a");
    CHECK(planner.Plan(again).status.code() == Code::kAlreadyExists);
    Op stale = Write(Op::Kind::kUpdate, "/a", 10);
    CHECK(planner.Plan(stale).status.code() == Code::kConflict);
    Op update = Write(Op::Kind::kUpdate, "/a", 11);
    OpResult updated = planner.Plan(update);
    CHECK(updated.kv.mod_revision == 12);
    CHECK(updated.kv.version == 2);
    Op remove = Write(Op::Kind::kDelete, "/old", 10);
    CHECK(planner.Plan(remove).kv.mod_revision == 13);
    Op gone = Write(Op::Kind::kUpdate, "/old", 10);
    CHECK(planner.Plan(gone).status.code() == Code::kNotFound);
    Op empty = Write(Op::Kind::kCreate, "");
    CHECK(planner.Plan(empty).status.code() == Code::kInvalidArgument);

    Batch batch = planner.ToBatch();
    REQUIRE(batch.records.size() == 3);
    CHECK(batch.records[0].revision == 11);
    CHECK(batch.records[2].revision == 13);
    CHECK(batch.records[2].deleted);
    REQUIRE(planner.changes().size() == 3);
    CHECK(planner.changes()[1].prev->revision == 11);
    CHECK(planner.changes()[2].prev->value->compare("old") == 0);
    CHECK(index.current() == 10);  // planning applies nothing
  }

  TEST_CASE("leases granted and revoked within a batch") {
    Index index;
    Lessor lessor;
    Planner planner(index, lessor, 5);
    Op unknown = Write(Op::Kind::kCreate, "/x", 0, 42);
    CHECK(planner.Plan(unknown).status.code() == Code::kNotFound);
    Op grant{.kind = Op::Kind::kGrant, .ttl = 10s};
    LeaseId lease = planner.Plan(grant).lease;
    CHECK(lease == 5);
    Op leased = Write(Op::Kind::kCreate, "/l", 0, lease);
    REQUIRE(planner.Plan(leased).status.ok());
    Op revoke{.kind = Op::Kind::kRevoke, .lease = lease};
    REQUIRE(planner.Plan(revoke).status.ok());
    CHECK(planner.changes().back().version.deleted);
    CHECK(planner.changes().back().key == "/l");
    Op late = Write(Op::Kind::kCreate, "/m", 0, lease);
    CHECK(planner.Plan(late).status.code() == Code::kNotFound);
    CHECK(planner.Plan(revoke).status.code() == Code::kNotFound);
    Op expire{.kind = Op::Kind::kExpire, .lease = lease};
    CHECK(planner.Plan(expire).status.ok());  // already gone: nothing to do
    Op short_ttl{.kind = Op::Kind::kGrant, .ttl = 0s};
    CHECK(planner.Plan(short_ttl).status.code() == Code::kInvalidArgument);
    CHECK(planner.next_lease() == 6);
    CHECK(planner.ToBatch().granted.size() == 1);
    CHECK(planner.ToBatch().revoked == std::vector<LeaseId>{5});
  }
}

}  // namespace
}  // namespace mini::store::mvcc
