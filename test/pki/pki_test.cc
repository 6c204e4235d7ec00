#include "pki/pki.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::pki {
namespace {
namespace fs = std::filesystem;
using std::chrono::hours;

template <typename T>
T Must(Result<T> result) {
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return std::move(result).value();
}

std::string Slurp(const fs::path& path) { return Must(ReadFile(path)); }

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

fs::perms Mode(const fs::path& path) { return fs::status(path).permissions() & fs::perms::mask; }

// A MINI_HOME-like layout: one CA, and a profile directory that does not exist yet.
struct Layout {
  testing::TempDir dir;
  KeyPair ca{dir / "ca.crt", dir / "ca.key"};
  KeyPair server{dir / "profiles/p1/apiserver.crt", dir / "profiles/p1/apiserver.key"};
  KeyPair client{dir / "profiles/p1/client.crt", dir / "profiles/p1/client.key"};
  Subject ca_subject{"miniCA", {}};
  Subject server_subject{"kube-apiserver", {}};
  Subject admin_subject{"mini-admin", {"system:masters"}};
  Names names{{"localhost", "kubernetes.default.svc"}, {"127.0.0.1", "10.96.0.1", "::1"}};

  void MakeCa() { CHECK(Must(EnsureCa(ca, ca_subject)) == Outcome::kCreated); }
  Outcome Serve(const Names& n, Validity v = kLeafValidity) {
    return Must(EnsureServingCert(ca, server, server_subject, n, v));
  }
};

TEST_SUITE("pki") {
  TEST_CASE("a CA is created on the first call and kept byte for byte on the second") {
    Layout l;
    l.MakeCa();
    std::string cert = Slurp(l.ca.cert);
    std::string key = Slurp(l.ca.key);
    CHECK(Must(EnsureCa(l.ca, l.ca_subject)) == Outcome::kKept);
    CHECK(Slurp(l.ca.cert) == cert);
    CHECK(Slurp(l.ca.key) == key);
    CertInfo info = Must(ReadCert(l.ca.cert));
    CHECK(info.is_ca);
    CHECK(info.subject.common_name == "miniCA");
    CHECK(info.issuer_common_name == "miniCA");
    CHECK(Must(SignedBy(l.ca.cert, l.ca.cert)));
  }

  TEST_CASE("a serving certificate carries every requested name and verifies against its CA") {
    Layout l;
    l.MakeCa();
    auto before = std::chrono::system_clock::now();
    CHECK(l.Serve(l.names) == Outcome::kCreated);
    CertInfo info = Must(ReadCert(l.server.cert));
    CHECK(info.subject.common_name == "kube-apiserver");
    CHECK(info.issuer_common_name == "miniCA");
    CHECK_FALSE(info.is_ca);
    for (const std::string& dns : l.names.dns) {
      CHECK_MESSAGE(Contains(info.names.dns, dns), dns);
    }
    for (const std::string& ip : l.names.ips) {
      CHECK_MESSAGE(Contains(info.names.ips, ip), ip);
    }
    CHECK(info.not_before < before - std::chrono::minutes(2));  // back-dated for clock skew
    CHECK(info.not_after > before + kLeafValidity.lifetime - hours(1));
    CHECK(info.not_after < before + kLeafValidity.lifetime + hours(1));
    CHECK(Must(SignedBy(l.server.cert, l.ca.cert)));
    CHECK(l.Serve(l.names) == Outcome::kKept);
  }

  TEST_CASE("a certificate does not verify against an unrelated CA") {
    Layout l;
    l.MakeCa();
    KeyPair other{l.dir / "other-ca.crt", l.dir / "other-ca.key"};
    CHECK(Must(EnsureCa(other, {"otherCA", {}})) == Outcome::kCreated);
    l.Serve(l.names);
    CHECK_FALSE(Must(SignedBy(l.server.cert, other.cert)));
    CHECK(Must(SignedBy(l.server.cert, l.ca.cert)));
  }

  TEST_CASE("a client certificate carries its organizations as O entries") {
    Layout l;
    l.MakeCa();
    CHECK(Must(EnsureClientCert(l.ca, l.client, l.admin_subject)) == Outcome::kCreated);
    CertInfo info = Must(ReadCert(l.client.cert));
    CHECK(info.subject.common_name == "mini-admin");
    CHECK(info.subject.organizations == std::vector<std::string>{"system:masters"});
    CHECK_FALSE(info.is_ca);
    CHECK(Must(SignedBy(l.client.cert, l.ca.cert)));
    CHECK(Must(EnsureClientCert(l.ca, l.client, l.admin_subject)) == Outcome::kKept);
  }

  TEST_CASE("private keys are written 0600 and certificates 0644") {
    Layout l;
    l.MakeCa();
    l.Serve(l.names);
    Must(EnsureClientCert(l.ca, l.client, l.admin_subject));
    for (const KeyPair* pair : {&l.ca, &l.server, &l.client}) {
      CHECK_MESSAGE(Mode(pair->key) == (fs::perms::owner_read | fs::perms::owner_write),
                    pair->key.string());
      CHECK_MESSAGE(Mode(pair->cert) == (fs::perms::owner_read | fs::perms::owner_write |
                                         fs::perms::group_read | fs::perms::others_read),
                    pair->cert.string());
    }
  }

  TEST_CASE("leaf certificates are regenerated when the CA is replaced") {
    Layout l;
    l.MakeCa();
    l.Serve(l.names);
    Must(EnsureClientCert(l.ca, l.client, l.admin_subject));
    fs::remove(l.ca.cert);
    l.MakeCa();
    CHECK_FALSE(Must(SignedBy(l.server.cert, l.ca.cert)));
    CHECK(l.Serve(l.names) == Outcome::kCreated);
    CHECK(Must(EnsureClientCert(l.ca, l.client, l.admin_subject)) == Outcome::kCreated);
    CHECK(Must(SignedBy(l.server.cert, l.ca.cert)));
    CHECK(Must(SignedBy(l.client.cert, l.ca.cert)));
  }

  TEST_CASE("a certificate expiring within renew_before is regenerated") {
    Layout l;
    Validity short_lived{hours(1), hours(2)};
    CHECK(Must(EnsureCa(l.ca, l.ca_subject, short_lived)) == Outcome::kCreated);
    std::string first_ca = Slurp(l.ca.cert);
    CHECK(Must(EnsureCa(l.ca, l.ca_subject, short_lived)) == Outcome::kCreated);
    CHECK(Slurp(l.ca.cert) != first_ca);

    CHECK(l.Serve(l.names, short_lived) == Outcome::kCreated);
    std::string first_leaf = Slurp(l.server.cert);
    CHECK(l.Serve(l.names, short_lived) == Outcome::kCreated);
    CHECK(Slurp(l.server.cert) != first_leaf);
    // The same certificate is fine for a caller who renews later.
    CHECK(l.Serve(l.names, {hours(1), hours(0)}) == Outcome::kKept);
  }

  TEST_CASE("a serving certificate is regenerated for a new name and kept for fewer names") {
    Layout l;
    l.MakeCa();
    CHECK(l.Serve({{"localhost"}, {"127.0.0.1"}}) == Outcome::kCreated);
    CHECK(l.Serve({{"localhost", "mini.local"}, {"127.0.0.1"}}) == Outcome::kCreated);
    CHECK(Contains(Must(ReadCert(l.server.cert)).names.dns, "mini.local"));
    CHECK(l.Serve({{"localhost", "mini.local"}, {"127.0.0.1", "192.168.49.2"}}) ==
          Outcome::kCreated);
    CHECK(Contains(Must(ReadCert(l.server.cert)).names.ips, "192.168.49.2"));
    // Equivalent spellings and subsets need no new certificate.
    CHECK(l.Serve({{"LOCALHOST"}, {"192.168.49.2"}}) == Outcome::kKept);
    CHECK(l.Serve({{}, {"0:0:0:0:0:0:0:1"}}) == Outcome::kCreated);
    CHECK(l.Serve({{}, {"::1"}}) == Outcome::kKept);
  }

  TEST_CASE("a corrupt certificate file is replaced") {
    Layout l;
    l.MakeCa();
    l.Serve(l.names);
    REQUIRE(AtomicWriteFile(l.server.cert, "-----BEGIN CERTIFICATE-----\ngarbage\n").ok());
    CHECK_FALSE(ReadCert(l.server.cert).ok());
    CHECK(l.Serve(l.names) == Outcome::kCreated);
    CHECK(Must(SignedBy(l.server.cert, l.ca.cert)));

    REQUIRE(AtomicWriteFile(l.ca.key, "not a key", 0600).ok());
    CHECK(Must(EnsureCa(l.ca, l.ca_subject)) == Outcome::kCreated);
    CHECK(Must(ReadCert(l.ca.cert)).is_ca);
  }

  TEST_CASE("a certificate whose key was swapped out is regenerated") {
    Layout l;
    l.MakeCa();
    l.Serve(l.names);
    Must(EnsureClientCert(l.ca, l.client, l.admin_subject));
    REQUIRE(AtomicWriteFile(l.server.key, Slurp(l.client.key), 0600).ok());
    CHECK(l.Serve(l.names) == Outcome::kCreated);
    CHECK(l.Serve(l.names) == Outcome::kKept);
  }

  TEST_CASE("a CA path holding a non-CA certificate gets a real CA") {
    Layout l;
    l.MakeCa();
    Must(EnsureClientCert(l.ca, l.client, l.admin_subject));
    REQUIRE(AtomicWriteFile(l.ca.cert, Slurp(l.client.cert)).ok());
    REQUIRE(AtomicWriteFile(l.ca.key, Slurp(l.client.key), 0600).ok());
    Result<Outcome> leaf = EnsureServingCert(l.ca, l.server, l.server_subject, l.names);
    CHECK(leaf.status().code() == Code::kFailedPrecondition);
    CHECK(Must(EnsureCa(l.ca, l.ca_subject)) == Outcome::kCreated);
    CHECK(Must(ReadCert(l.ca.cert)).is_ca);
  }

  TEST_CASE("a malformed IP address is rejected as an invalid argument") {
    Layout l;
    l.MakeCa();
    for (const char* bad : {"300.1.1.1", "not-an-ip", "10.0.0", "fe80::1%eth0", ""}) {
      Result<Outcome> r = EnsureServingCert(l.ca, l.server, l.server_subject, {{}, {bad}});
      CHECK_MESSAGE(r.status().code() == Code::kInvalidArgument, bad);
      CHECK_MESSAGE(r.status().message().find(fmt::format("'{}'", bad)) != std::string::npos,
                    r.status().message());
    }
    CHECK_FALSE(fs::exists(l.server.cert));
    CHECK_FALSE(fs::exists(l.server.key));
  }

  TEST_CASE("a leaf cannot be made before its CA exists") {
    Layout l;
    Result<Outcome> r = EnsureServingCert(l.ca, l.server, l.server_subject, l.names);
    CHECK(r.status().code() == Code::kNotFound);
    CHECK(r.status().message().find(l.ca.cert.string()) != std::string::npos);
    CHECK_FALSE(fs::exists(l.server.cert));
  }

  TEST_CASE("an unwritable directory gives an error naming the path") {
    Layout l;
    // A regular file where a directory should be defeats even root, unlike chmod.
    REQUIRE(AtomicWriteFile(l.dir / "blocker", "").ok());
    KeyPair ca{l.dir / "blocker/sub/ca.crt", l.dir / "blocker/sub/ca.key"};
    Result<Outcome> r = EnsureCa(ca, l.ca_subject);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(ca.cert.string()) != std::string::npos);
    CHECK(r.status().message().find("Not a directory") != std::string::npos);

    l.MakeCa();
    KeyPair leaf{l.dir / "blocker/p/apiserver.crt", l.dir / "blocker/p/apiserver.key"};
    r = EnsureServingCert(l.ca, leaf, l.server_subject, l.names);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(leaf.cert.string()) != std::string::npos);
  }

  TEST_CASE("reading a file that is not a certificate fails with the file's name") {
    Layout l;
    REQUIRE(AtomicWriteFile(l.dir / "junk.crt", "hello").ok());
    Result<CertInfo> r = ReadCert(l.dir / "junk.crt");
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK(r.status().message().find("junk.crt") != std::string::npos);
    CHECK(ReadCert(l.dir / "missing.crt").status().code() == Code::kNotFound);
  }
}

}  // namespace
}  // namespace mini::pki
