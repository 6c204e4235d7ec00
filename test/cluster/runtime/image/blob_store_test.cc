#include "cluster/runtime/image/blob_store.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::image {
namespace fs = std::filesystem;

namespace {
size_t CountFiles(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    ++n;
  }
  return n;
}
}  // namespace

TEST_SUITE("runtime/image/blob_store") {
  TEST_CASE("sha256 digests match the known answers and parse strictly") {
    CHECK(Sha256Of("").hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 pieces;
    pieces.Update("ab");
    pieces.Update("c");
    CHECK(pieces.Finish().hex() ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(Digest::Parse("sha256:" + Sha256Of("x").hex()).ok());
    CHECK_FALSE(Digest::Parse("sha256:" + std::string(64, 'A')).ok());
    CHECK_FALSE(Digest::Parse("sha512:" + std::string(128, 'a')).ok());
    CHECK_FALSE(Digest::Parse(std::string(64, 'a')).ok());
  }

  TEST_CASE("Put stores content under its digest, read-only, and reads back verified") {
    testing::TempDir dir;
    BlobStore store(dir.path());
    auto digest = store.Put("hello");
    REQUIRE(digest.ok());
    CHECK(*digest == Sha256Of("hello"));
    CHECK(store.Has(*digest));
    CHECK(store.Path(*digest) == dir / ("blobs/sha256/" + digest->hex()));
    CHECK(store.ReadSmall(*digest, 100).value() == "hello");
    CHECK(store.Size(*digest).value() == 5);
    CHECK((fs::status(store.Path(*digest)).permissions() & fs::perms::owner_write) ==
          fs::perms::none);
    CHECK(store.ReadSmall(*digest, 4).status().code() == Code::kResourceExhausted);
    CHECK(store.List().value() == std::vector<Digest>{*digest});
  }

  TEST_CASE("a writer streaming content that does not match its digest stores nothing") {
    testing::TempDir dir;
    BlobStore store(dir.path());
    Digest claimed = Sha256Of("the real content");
    auto w = store.Writer(claimed, -1);
    REQUIRE(w.ok());
    REQUIRE((*w)->Write("forged ").ok());
    REQUIRE((*w)->Write("content").ok());
    auto committed = (*w)->Commit();
    REQUIRE_FALSE(committed.ok());
    CHECK(committed.status().code() == Code::kInvalidArgument);
    CHECK(committed.status().message().find("does not match") != std::string::npos);
    w->reset();
    CHECK_FALSE(store.Has(claimed));
    CHECK(CountFiles(dir / "ingest") == 0);
    CHECK(CountFiles(dir / "blobs/sha256") == 0);
  }

  TEST_CASE("sizes are enforced: more than announced stops at once, less fails the commit") {
    testing::TempDir dir;
    BlobStore store(dir.path());
    auto big = store.Writer(std::nullopt, 3);
    REQUIRE(big.ok());
    CHECK((*big)->Write("1234").code() == Code::kInvalidArgument);
    auto small = store.Writer(std::nullopt, 10);
    REQUIRE((*small)->Write("12").ok());
    CHECK((*small)->Commit().status().code() == Code::kInvalidArgument);
  }

  TEST_CASE("an abandoned writer leaves no temporary file") {
    testing::TempDir dir;
    BlobStore store(dir.path());
    {
      auto w = store.Writer();
      REQUIRE(w.ok());
      REQUIRE((*w)->Write("partial").ok());
      CHECK(CountFiles(dir / "ingest") == 1);
    }
    CHECK(CountFiles(dir / "ingest") == 0);
  }

  TEST_CASE("writing a blob that is present only verifies the stream") {
    testing::TempDir dir;
    BlobStore store(dir.path());
    Digest d = store.Put("same").value();
    auto w = store.Writer(d, 4);
    REQUIRE((*w)->Write("same").ok());
    CHECK(CountFiles(dir / "ingest") == 0);
    CHECK((*w)->Commit().value() == d);
    auto bad = store.Writer(d, 4);
    REQUIRE((*bad)->Write("diff").ok());
    CHECK_FALSE((*bad)->Commit().ok());
    CHECK(store.ReadSmall(d, 10).value() == "same");
  }

  TEST_CASE("a blob damaged on disk is reported, not returned") {
    testing::TempDir dir;
    BlobStore store(dir.path());
    Digest d = store.Put("{\"a\":1}").value();
    fs::permissions(store.Path(d), fs::perms::owner_write, fs::perm_options::add);
    REQUIRE(AtomicWriteFile(store.Path(d), "{\"a\":2}").ok());
    CHECK(store.ReadSmall(d, 100).status().code() == Code::kInternal);
    REQUIRE(store.Remove(d).ok());
    CHECK_FALSE(store.Has(d));
    CHECK(store.Remove(d).ok());
    CHECK(store.Size(d).status().code() == Code::kNotFound);
  }
}

}  // namespace mini::cluster::runtime::image
