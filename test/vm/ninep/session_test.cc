// The session alone, fed messages that are cut short or made of noise: each is either answered
// or refused as malformed, never read past its end, and nothing outside the export changes.
#include "vm/ninep/session.h"

#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include "test/temp_dir.h"

namespace mini::vm::ninep {
namespace {

namespace fs = std::filesystem;

// One valid message of every type the server knows, on fids 1 (the root) and 2 ("f").
std::vector<std::string> ValidMessages() {
  std::vector<Writer> w;
  w.emplace_back(kTwalk, 1);
  w.back().U32(1).U32(2).U16(1).Str("f");
  w.emplace_back(kTgetattr, 1);
  w.back().U32(2).U64(0x7ff);
  w.emplace_back(kTsetattr, 1);
  w.back().U32(2).U32(0x1).U32(0644).U32(0).U32(0).U64(0).U64(0).U64(0).U64(0).U64(0);
  w.emplace_back(kTlopen, 1);
  w.back().U32(2).U32(2);
  w.emplace_back(kTread, 1);
  w.back().U32(2).U64(0).U32(10);
  w.emplace_back(kTwrite, 1);
  w.back().U32(2).U64(0).U32(3).Bytes("abc");
  w.emplace_back(kTlcreate, 1);
  w.back().U32(1).Str("g").U32(0102).U32(0644).U32(0);
  w.emplace_back(kTreaddir, 1);
  w.back().U32(2).U64(0).U32(100);
  w.emplace_back(kTmkdir, 1);
  w.back().U32(1).Str("d").U32(0755).U32(0);
  w.emplace_back(kTrenameat, 1);
  w.back().U32(1).Str("d").U32(1).Str("e");
  w.emplace_back(kTrename, 1);
  w.back().U32(2).U32(1).Str("h");
  w.emplace_back(kTsymlink, 1);
  w.back().U32(1).Str("s").Str("/etc").U32(0);
  w.emplace_back(kTreadlink, 1);
  w.back().U32(2);
  w.emplace_back(kTlink, 1);
  w.back().U32(1).U32(2).Str("l");
  w.emplace_back(kTmknod, 1);
  w.back().U32(1).Str("n").U32(0644).U32(0).U32(0).U32(0);
  w.emplace_back(kTstatfs, 1);
  w.back().U32(1);
  w.emplace_back(kTfsync, 1);
  w.back().U32(2).U32(0);
  w.emplace_back(kTflush, 1);
  w.back().U16(7);
  w.emplace_back(kTxattrwalk, 1);
  w.back().U32(2).U32(3).Str("");
  w.emplace_back(kTxattrcreate, 1);
  w.back().U32(2).Str("user.x").U64(1).U32(0);
  w.emplace_back(kTlock, 1);
  w.back().U32(2).U8(0).U32(0).U64(0).U64(0).U32(1).Str("c");
  w.emplace_back(kTgetlock, 1);
  w.back().U32(2).U8(0).U64(0).U64(0).U32(1).Str("c");
  w.emplace_back(kTunlinkat, 1);
  w.back().U32(1).Str("e").U32(0x200);
  w.emplace_back(kTremove, 1);
  w.back().U32(2);
  w.emplace_back(kTclunk, 1);
  w.back().U32(1);
  std::vector<std::string> out;
  for (Writer& m : w) out.push_back(std::move(m).Finish());
  return out;
}

std::string Attach() {
  Writer w(kTattach, 0);
  w.U32(1).U32(kNoFid).Str("").Str("").U32(0);
  return std::move(w).Finish();
}

// A well-formed reply: complete, and of the request's type plus one or Rlerror.
void CheckReply(const Result<std::string>& reply, uint8_t type) {
  if (!reply.ok()) return;
  REQUIRE(reply->size() >= kHeaderSize);
  Header h = ParseHeader(*reply);
  CHECK(h.size == reply->size());
  CHECK((h.type == type + 1 || h.type == kRlerror));
}

struct Export {
  testing::TempDir tmp;
  fs::path root = tmp / "export";
  ExportDir dir = [this] {
    fs::create_directories(root);
    fs::create_directories(tmp / "outside");
    std::ofstream(root / "f") << "file";
    std::ofstream(tmp / "outside" / "keep") << "keep";
    auto d = ExportDir::Open(root);
    REQUIRE(d.ok());
    return std::move(d).value();
  }();
};

}  // namespace

TEST_SUITE("vm/ninep/session") {
  TEST_CASE("every message cut at every length is answered or refused, never overread") {
    Export e;
    for (const std::string& full : ValidMessages()) {
      for (size_t len = kHeaderSize; len <= full.size(); ++len) {
        Session s(e.dir, 8192, {});
        REQUIRE(s.Handle(Attach()).ok());
        // The size field says the cut length, as a client that got its fields wrong would.
        std::string cut = full.substr(0, len);
        for (int i = 0; i < 4; ++i) cut[i] = static_cast<char>((len >> (8 * i)) & 0xff);
        auto reply = s.Handle(cut);
        CheckReply(reply, ParseHeader(full).type);
        if (len == full.size()) CHECK(reply.ok());
      }
    }
  }

  TEST_CASE("a size field that disagrees with the message is refused") {
    Export e;
    Session s(e.dir, 8192, {});
    std::string m = Attach();
    m[0] = static_cast<char>(m[0] + 1);
    CHECK_FALSE(s.Handle(m).ok());
    CHECK_FALSE(s.Handle(std::string("\x07\x00", 2)).ok());
  }

  TEST_CASE("noise never reaches outside the export") {
    Export e;
    std::mt19937 rng(42);
    std::vector<std::string> valid = ValidMessages();
    for (int round = 0; round < 3000; ++round) {
      Session s(e.dir, 8192, {});
      REQUIRE(s.Handle(Attach()).ok());
      for (int i = 0; i < 8; ++i) {
        // Valid messages with a few bytes flipped reach deeper than random bytes would.
        std::string m = valid[rng() % valid.size()];
        for (int flips = 1 + rng() % 3; flips > 0; --flips) {
          size_t at = kHeaderSize + rng() % (m.size() - kHeaderSize);
          m[at] = static_cast<char>(rng());
        }
        CheckReply(s.Handle(m), ParseHeader(m).type);
      }
    }
    std::ifstream keep(e.tmp / "outside" / "keep");
    std::stringstream text;
    text << keep.rdbuf();
    CHECK(text.str() == "keep");
  }
}

}  // namespace mini::vm::ninep
