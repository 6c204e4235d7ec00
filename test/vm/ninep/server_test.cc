// The server driven through a real socket with encoded messages, as the kernel's client
// drives it, against a temporary directory.
#include "vm/ninep/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>

#include "test/temp_dir.h"
#include "vm/ninep/codec.h"

namespace mini::vm::ninep {
namespace {

namespace fs = std::filesystem;
constexpr uint32_t kRoot = 1;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A blocking client: each Call sends one message and returns the reply's body.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Client() { ::close(fd_); }

  void Send(std::string_view m) {
    while (!m.empty()) {
      ssize_t n = ::write(fd_, m.data(), m.size());
      REQUIRE(n > 0);
      m.remove_prefix(n);
    }
  }
  // The whole reply, or "" when the server closed the connection.
  std::string Receive() {
    std::string m(4, '\0');
    if (!ReadAll(m.data(), 4)) return "";
    m.resize(ParseHeader(m + std::string(3, '\0')).size);
    if (m.size() < kHeaderSize || !ReadAll(m.data() + 4, m.size() - 4)) return "";
    return m;
  }
  // Sends `w` and expects reply type `want`; the reply's body, valid until the next call.
  std::string_view Call(Writer&& w, uint8_t want) {
    Send(std::move(w).Finish());
    last_ = Receive();
    REQUIRE(last_.size() >= kHeaderSize);
    Header h = ParseHeader(last_);
    if (h.type == kRlerror && want != kRlerror) {
      FAIL("Rlerror " << Reader(std::string_view(last_).substr(kHeaderSize)).U32());
    }
    CHECK(h.type == want);
    return std::string_view(last_).substr(kHeaderSize);
  }
  // Sends `w` and expects Rlerror; its errno.
  uint32_t Fails(Writer&& w) {
    std::string_view body = Call(std::move(w), kRlerror);
    return Reader(body).U32();
  }

  void Handshake() {
    Call(std::move(Writer(kTversion, kNoTag).U32(8192).Str("9P2000.L")), kTversion + 1);
    Call(std::move(Writer(kTattach, 1).U32(kRoot).U32(kNoFid).Str("root").Str("").U32(0)),
         kTattach + 1);
  }
  Qid WalkTo(uint32_t newfid, std::initializer_list<std::string_view> names) {
    Writer w(kTwalk, 2);
    w.U32(kRoot).U32(newfid).U16(static_cast<uint16_t>(names.size()));
    for (auto n : names) w.Str(n);
    Reader r(Call(std::move(w), kTwalk + 1));
    uint16_t n = r.U16();
    REQUIRE(n == names.size());
    Qid q;
    for (uint16_t i = 0; i < n; ++i) q = r.ReadQid();
    return q;
  }

 private:
  bool ReadAll(char* p, size_t n) {
    while (n > 0) {
      ssize_t got = ::read(fd_, p, n);
      if (got <= 0) return false;
      p += got;
      n -= got;
    }
    return true;
  }

  int fd_ = -1;
  std::string last_;
};

struct Fixture {
  testing::TempDir tmp;
  fs::path root = tmp / "export";
  ServerPtr server;

  Fixture() {
    fs::create_directories(root / "sub");
    fs::create_directories(tmp / "outside");
    std::ofstream(root / "hello") << "hello from the host\n";
    std::ofstream(tmp / "outside" / "secret") << "not yours";
    auto s = NewServer({.root = root});
    REQUIRE(s.ok());
    server = std::move(s).value();
  }
};

}  // namespace

TEST_SUITE("vm/ninep/server") {
  TEST_CASE("version negotiates the smaller msize and 9P2000.L only") {
    Fixture f;
    Client c(f.server->port());
    Reader r(c.Call(std::move(Writer(kTversion, kNoTag).U32(1 << 30).Str("9P2000.L")),
                    kTversion + 1));
    CHECK(r.U32() == 512 * 1024);
    CHECK(r.Str() == "9P2000.L");
    Reader old(c.Call(std::move(Writer(kTversion, kNoTag).U32(8192).Str("9P2000")),
                      kTversion + 1));
    CHECK(old.U32() == 8192);
    CHECK(old.Str() == "unknown");
    CHECK(c.Fails(std::move(Writer(kTversion, kNoTag).U32(100).Str("9P2000.L"))) == EINVAL);
  }

  TEST_CASE("a host file is walked to, opened and read") {
    Fixture f;
    Client c(f.server->port());
    c.Handshake();
    Qid q = c.WalkTo(2, {"hello"});
    CHECK(q.type == kQidFile);
    c.Call(std::move(Writer(kTlopen, 3).U32(2).U32(0)), kTlopen + 1);
    Reader r(c.Call(std::move(Writer(kTread, 4).U32(2).U64(0).U32(100)), kTread + 1));
    uint32_t n = r.U32();
    CHECK(r.Bytes(n) == "hello from the host\n");
    Reader attr(c.Call(std::move(Writer(kTgetattr, 5).U32(2).U64(0x7ff)), kTgetattr + 1));
    attr.U64();
    attr.ReadQid();
    CHECK((attr.U32() & S_IFMT) == S_IFREG);
    attr.U32();  // uid
    attr.U32();  // gid
    attr.U64();  // nlink
    attr.U64();  // rdev
    CHECK(attr.U64() == 20);
    c.Call(std::move(Writer(kTclunk, 6).U32(2)), kTclunk + 1);
    CHECK(c.Fails(std::move(Writer(kTclunk, 7).U32(2))) == EBADF);
  }

  TEST_CASE("a file created and written by the client lands on the host") {
    Fixture f;
    Client c(f.server->port());
    c.Handshake();
    c.WalkTo(2, {"sub"});
    c.Call(std::move(Writer(kTlcreate, 3).U32(2).Str("new").U32(02 | 0100).U32(0640).U32(0)),
           kTlcreate + 1);
    Reader r(c.Call(std::move(Writer(kTwrite, 4).U32(2).U64(0).U32(5).Bytes("guest")),
                    kTwrite + 1));
    CHECK(r.U32() == 5);
    c.Call(std::move(Writer(kTfsync, 5).U32(2).U32(0)), kTfsync + 1);
    c.Call(std::move(Writer(kTclunk, 6).U32(2)), kTclunk + 1);
    CHECK(Slurp(f.root / "sub" / "new") == "guest");
    CHECK((fs::status(f.root / "sub" / "new").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));

    // Truncated through setattr's size.
    c.WalkTo(7, {"sub", "new"});
    c.Call(std::move(Writer(kTsetattr, 8).U32(7).U32(0x8).U32(0).U32(0).U32(0).U64(2)
                         .U64(0).U64(0).U64(0).U64(0)),
           kTsetattr + 1);
    CHECK(Slurp(f.root / "sub" / "new") == "gu");
  }

  TEST_CASE("readdir lists the directory, . and .. included") {
    Fixture f;
    Client c(f.server->port());
    c.Handshake();
    c.WalkTo(2, {});
    c.Call(std::move(Writer(kTlopen, 3).U32(2).U32(0)), kTlopen + 1);
    std::set<std::string> names;
    uint64_t offset = 0;
    for (;;) {
      Reader r(c.Call(std::move(Writer(kTreaddir, 4).U32(2).U64(offset).U32(40)), kTreaddir + 1));
      uint32_t count = r.U32();
      if (count == 0) break;
      Reader entries(r.Bytes(count));
      while (entries.remaining() > 0) {
        entries.ReadQid();
        offset = entries.U64();
        entries.U8();
        names.emplace(entries.Str());
      }
      REQUIRE(entries.ok());
    }
    CHECK(names == std::set<std::string>{".", "..", "hello", "sub"});
  }

  TEST_CASE("mkdir, renameat and unlinkat change the host's tree") {
    Fixture f;
    Client c(f.server->port());
    c.Handshake();
    Reader q(c.Call(std::move(Writer(kTmkdir, 2).U32(kRoot).Str("made").U32(0755).U32(0)),
                    kTmkdir + 1));
    CHECK(q.ReadQid().type == kQidDir);
    CHECK(fs::is_directory(f.root / "made"));
    c.WalkTo(3, {"made"});
    c.Call(std::move(Writer(kTrenameat, 4).U32(kRoot).Str("hello").U32(3).Str("moved")),
           kTrenameat + 1);
    CHECK(Slurp(f.root / "made" / "moved") == "hello from the host\n");
    CHECK_FALSE(fs::exists(f.root / "hello"));
    c.Call(std::move(Writer(kTunlinkat, 5).U32(3).Str("moved").U32(0)), kTunlinkat + 1);
    c.Call(std::move(Writer(kTunlinkat, 6).U32(kRoot).Str("made").U32(0x200)), kTunlinkat + 1);
    CHECK_FALSE(fs::exists(f.root / "made"));
    CHECK(c.Fails(std::move(Writer(kTunlinkat, 7).U32(kRoot).Str("made").U32(0x200))) == ENOENT);
  }

  TEST_CASE("nothing outside the export is reached: .., names with /, symlinks") {
    Fixture f;
    fs::create_directory_symlink(f.tmp / "outside", f.root / "out");
    Client c(f.server->port());
    c.Handshake();
    Qid root = c.WalkTo(2, {});
    (void)root;
    Reader self(c.Call(std::move(Writer(kTgetattr, 3).U32(2).U64(0x7ff)), kTgetattr + 1));
    self.U64();
    Qid root_qid = self.ReadQid();
    CHECK(c.WalkTo(4, {".."}) == root_qid);
    CHECK(c.WalkTo(5, {"..", "..", "hello"}).type == kQidFile);
    CHECK(c.Fails(std::move(Writer(kTwalk, 6).U32(kRoot).U32(7).U16(1).Str("../outside"))) ==
          ENOENT);
    // The symlink itself is visible; walking or opening through it is not allowed.
    CHECK(c.WalkTo(8, {"out"}).type == kQidSymlink);
    Reader partial(c.Call(std::move(Writer(kTwalk, 9).U32(kRoot).U32(10).U16(2).Str("out")
                                        .Str("secret")),
                          kTwalk + 1));
    CHECK(partial.U16() == 1);
    CHECK(c.Fails(std::move(Writer(kTlopen, 11).U32(8).U32(0))) == ELOOP);
    CHECK(c.Fails(std::move(Writer(kTlcreate, 12).U32(8).Str("x").U32(0101).U32(0644).U32(0))) ==
          ENOTDIR);
    // A symlink the client plants is stored as it is and never followed by the server.
    c.Call(std::move(Writer(kTsymlink, 13).U32(kRoot).Str("etc").Str("/etc").U32(0)),
           kTsymlink + 1);
    c.WalkTo(14, {"etc"});
    Reader link(c.Call(std::move(Writer(kTreadlink, 15).U32(14)), kTreadlink + 1));
    CHECK(link.Str() == "/etc");
    CHECK(c.Fails(std::move(Writer(kTlopen, 16).U32(14).U32(0))) == ELOOP);
    CHECK(Slurp(f.tmp / "outside" / "secret") == "not yours");
  }

  TEST_CASE("a truncated message closes that connection, and the server serves on") {
    Fixture f;
    {
      Client c(f.server->port());
      c.Handshake();
      // Twalk announcing two names but carrying one.
      c.Send(std::move(Writer(kTwalk, 2).U32(kRoot).U32(2).U16(2).Str("hello")).Finish());
      CHECK(c.Receive().empty());
    }
    {
      Client c(f.server->port());
      c.Handshake();
      // A size below the header's.
      c.Send(std::string("\x03\x00\x00\x00", 4));
      CHECK(c.Receive().empty());
    }
    Client c(f.server->port());
    c.Handshake();
    CHECK(c.WalkTo(2, {"hello"}).type == kQidFile);
    // An unknown message is answered, not fatal.
    CHECK(c.Fails(Writer(200, 3)) == EOPNOTSUPP);
  }
}

}  // namespace mini::vm::ninep
