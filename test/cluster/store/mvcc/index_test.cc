#include "cluster/store/mvcc/index.h"

#include <doctest/doctest.h>

namespace mini::store::mvcc {
namespace {

Version V(int64_t revision, int64_t create_revision, int64_t version, std::string value,
          bool deleted = false) {
  Version v;
  v.revision = revision;
  v.create_revision = create_revision;
  v.version = version;
  v.value = std::make_shared<const std::string>(std::move(value));
  v.deleted = deleted;
  return v;
}

// /a: created 1, updated 3, deleted 5, created again 6. /b: created 2. /c: created 4, deleted 7.
Index Sample() {
  Index index;
  index.Apply("/a", V(1, 1, 1, "a1"));
  index.Apply("/b", V(2, 2, 1, "b1"));
  index.Apply("/a", V(3, 1, 2, "a2"));
  index.Apply("/c", V(4, 4, 1, "c1"));
  index.Apply("/a", V(5, 0, 0, "", true));
  index.Apply("/a", V(6, 6, 1, "a3"));
  index.Apply("/c", V(7, 0, 0, "", true));
  return index;
}

RangeRequest All(int64_t revision = 0, int64_t limit = 0) {
  RangeRequest request;
  request.key = "/";
  request.prefix = true;
  request.revision = revision;
  request.limit = limit;
  return request;
}

TEST_SUITE("store/mvcc/index") {
  TEST_CASE("Get sees each key's version as of the revision asked for") {
    Index index = Sample();
    CHECK(index.current() == 7);
    CHECK(index.Get("/a", 1)->value == "a1");
    CHECK(index.Get("/a", 2)->value == "a1");
    CHECK(index.Get("/a", 4)->value == "a2");
    CHECK(index.Get("/a", 4)->version == 2);
    CHECK(index.Get("/a", 5).status().code() == Code::kNotFound);
    CHECK(index.Get("/a", 0)->create_revision == 6);
    CHECK(index.Get("/b", 1).status().code() == Code::kNotFound);
    CHECK(index.Get("/c", 0).status().code() == Code::kNotFound);
    CHECK(index.Latest("/c") == nullptr);
    CHECK(index.Latest("/a")->revision == 6);
  }

  TEST_CASE("revisions outside the history are OutOfRange with a reason, negative ones invalid") {
    Index index = Sample();
    CHECK(index.Get("/a", 8).status().reason() == kReasonFutureRevision);
    CHECK(index.Get("/a", 8).status().code() == Code::kOutOfRange);
    CHECK(index.Resolve(-1).status().code() == Code::kInvalidArgument);
    index.SetCompacted(3);
    CHECK(index.Get("/a", 2).status().reason() == kReasonCompacted);
    CHECK(index.Range(All(2)).status().reason() == kReasonCompacted);
    CHECK(index.Get("/a", 3)->value == "a2");
  }

  TEST_CASE("Range counts every key of the range and pages with limit and start_key") {
    Index index = Sample();
    RangeResult at4 = index.Range(All(4)).value();
    CHECK(at4.revision == 4);
    CHECK(at4.count == 3);
    CHECK(!at4.more);
    REQUIRE(at4.kvs.size() == 3);
    CHECK(at4.kvs[0].value == "a2");
    RangeResult page = index.Range(All(4, 2)).value();
    CHECK(page.kvs.size() == 2);
    CHECK(page.count == 3);
    CHECK(page.more);
    RangeRequest next = All(4, 2);
    next.start_key = page.kvs.back().key + std::string(1, '\0');
    RangeResult last = index.Range(next).value();
    CHECK(last.count == 1);
    CHECK(!last.more);
    CHECK(last.kvs[0].key == "/c");
    RangeRequest count = All();
    count.count_only = true;
    RangeResult counted = index.Range(count).value();
    CHECK(counted.count == 2);
    CHECK(counted.kvs.empty());
    CHECK(!counted.more);
  }

  TEST_CASE("Range refuses malformed requests") {
    Index index = Sample();
    RangeRequest empty;
    CHECK(index.Range(empty).status().code() == Code::kInvalidArgument);
    RangeRequest negative = All(0, -1);
    CHECK(index.Range(negative).status().code() == Code::kInvalidArgument);
    RangeRequest outside = All();
    outside.key = "/b";
    outside.start_key = "/a";
    CHECK(index.Range(outside).status().code() == Code::kInvalidArgument);
    outside.start_key = "/c";
    CHECK(index.Range(outside).status().code() == Code::kInvalidArgument);
    RangeRequest single;
    single.key = "/b";
    CHECK(index.Range(single)->count == 1);
    CHECK(index.Get("", 0).status().code() == Code::kInvalidArgument);
  }

  TEST_CASE("trimming drops only versions no read at or after the compaction point can see") {
    Index index = Sample();
    index.SetCompacted(5);
    std::string cursor;
    int steps = 1;
    while (!index.TrimStep(&cursor, 1)) {
      ++steps;
    }
    CHECK(steps == 3);
    CHECK(index.VersionCount("/a") == 1);  // the tombstone at 5 and everything before go
    CHECK(index.VersionCount("/b") == 1);
    CHECK(index.VersionCount("/c") == 2);  // created 4 (visible at 5), deleted 7
    CHECK(index.Get("/c", 5)->value == "c1");
    CHECK(index.Get("/a", 5).status().code() == Code::kNotFound);
    CHECK(index.Get("/a", 6)->value == "a3");

    index.SetCompacted(7);
    cursor.clear();
    while (!index.TrimStep(&cursor, 100)) {
    }
    CHECK(index.KeyCount() == 2);  // /c was deleted at 7: nothing of it is visible any more
    CHECK(index.Range(All(7))->count == 2);
  }
}

}  // namespace
}  // namespace mini::store::mvcc
