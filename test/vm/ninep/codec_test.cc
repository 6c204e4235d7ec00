#include "vm/ninep/codec.h"

#include <doctest/doctest.h>

namespace mini::vm::ninep {

TEST_SUITE("vm/ninep/codec") {
  TEST_CASE("fields written come back in order, little-endian, with the size filled in") {
    Writer w(kTwalk, 0x1234);
    w.U8(0xab).U16(0xbeef).U32(0xdeadbeef).U64(0x0102030405060708).Str("name");
    w.WriteQid(Qid{kQidDir, 7, 99});
    std::string m = std::move(w).Finish();
    REQUIRE(m.size() == kHeaderSize + 1 + 2 + 4 + 8 + 2 + 4 + kQidSize);
    Header h = ParseHeader(m);
    CHECK(h.size == m.size());
    CHECK(h.type == kTwalk);
    CHECK(h.tag == 0x1234);
    CHECK(static_cast<uint8_t>(m[7]) == 0xab);
    CHECK(static_cast<uint8_t>(m[8]) == 0xef);  // low byte first

    Reader r(std::string_view(m).substr(kHeaderSize));
    CHECK(r.U8() == 0xab);
    CHECK(r.U16() == 0xbeef);
    CHECK(r.U32() == 0xdeadbeef);
    CHECK(r.U64() == 0x0102030405060708);
    CHECK(r.Str() == "name");
    CHECK(r.ReadQid() == Qid{kQidDir, 7, 99});
    CHECK(r.ok());
    CHECK(r.remaining() == 0);
  }

  TEST_CASE("reading past the end marks the reader bad and yields zeros") {
    std::string m = std::move(Writer(kTread, 1).U32(5)).Finish();
    Reader r(std::string_view(m).substr(kHeaderSize));
    CHECK(r.U32() == 5);
    CHECK(r.ok());
    CHECK(r.U64() == 0);
    CHECK_FALSE(r.ok());
    CHECK(r.U8() == 0);  // stays bad
  }

  TEST_CASE("a string whose size runs past the message is refused") {
    Writer w(kTattach, 1);
    w.U16(10).Bytes("abc");
    std::string m = std::move(w).Finish();
    Reader r(std::string_view(m).substr(kHeaderSize));
    CHECK(r.Str().empty());
    CHECK_FALSE(r.ok());
  }

  TEST_CASE("a patched count lands where it was reserved") {
    Writer w(kTreaddir + 1, 3);
    size_t at = w.size();
    w.U32(0).Bytes("xyz");
    w.PatchU32(at, 3);
    std::string m = std::move(w).Finish();
    Reader r(std::string_view(m).substr(kHeaderSize));
    CHECK(r.U32() == 3);
    CHECK(r.Bytes(3) == "xyz");
  }
}

}  // namespace mini::vm::ninep
