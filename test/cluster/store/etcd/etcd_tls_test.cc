// The etcd backend over TLS, with client certificates, using certificates made by mini_pki.
#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "pki/pki.h"
#include "test/cluster/store/etcd/etcd_test_util.h"
#include "test/temp_dir.h"

namespace mini::store::etcd::testing {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

X509Ptr ReadCert(const std::filesystem::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  X509Ptr cert(f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr, X509_free);
  if (f) std::fclose(f);
  return cert;
}

KeyPtr ReadKey(const std::filesystem::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  KeyPtr key(f ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  if (f) std::fclose(f);
  return key;
}

template <typename Write>
bool WritePem(const std::filesystem::path& path, Write write) {
  FILE* f = std::fopen(path.c_str(), "w");
  bool ok = f != nullptr && write(f) == 1;
  if (f) std::fclose(f);
  return ok;
}

// etcd 3.4's gateway dials its own gRPC port with the serving certificate as its client
// certificate, so under --client-cert-auth that certificate needs clientAuth too (kubeadm's
// etcd certificates have both); mini_pki makes single-purpose ones, so this one is made here.
bool MakeDualUseCert(const std::filesystem::path& ca_cert, const std::filesystem::path& ca_key,
                     const std::filesystem::path& cert_path,
                     const std::filesystem::path& key_path) {
  X509Ptr ca = ReadCert(ca_cert);
  KeyPtr signer = ReadKey(ca_key);
  KeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  X509Ptr cert(X509_new(), X509_free);
  if (!ca || !signer || !key || !cert) {
    return false;
  }
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("etcd"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca.get(), cert.get(), nullptr, nullptr, 0);
  bool ok = true;
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                            std::pair{NID_ext_key_usage, "serverAuth,clientAuth"},
                            std::pair{NID_key_usage, "critical,digitalSignature"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ok = ok && ext != nullptr && X509_add_ext(cert.get(), ext, -1) == 1;
    X509_EXTENSION_free(ext);
  }
  return ok && X509_sign(cert.get(), signer.get(), EVP_sha256()) > 0 &&
         WritePem(cert_path, [&](FILE* f) { return PEM_write_X509(f, cert.get()); }) &&
         WritePem(key_path, [&](FILE* f) {
           return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
         });
}

// A CA with a serving certificate for 127.0.0.1 and a client certificate, and a second CA.
class Certs {
 public:
  Certs() {
    ok_ = pki::EnsureCa(Pair("ca"), {"etcd-ca", {}}).ok() &&
          pki::EnsureCa(Pair("other-ca"), {"other-ca", {}}).ok() &&
          MakeDualUseCert(Cert("ca"), Key("ca"), Cert("server"), Key("server")) &&
          pki::EnsureClientCert(Pair("ca"), Pair("client"), {"mini", {}}).ok();
  }
  bool ok() const { return ok_; }
  std::filesystem::path Cert(const std::string& name) const { return dir_ / (name + ".crt"); }
  std::filesystem::path Key(const std::string& name) const { return dir_ / (name + ".key"); }

 private:
  pki::KeyPair Pair(const std::string& name) const { return {Cert(name), Key(name)}; }
  mini::testing::TempDir dir_;
  bool ok_ = false;
};

// NewEtcdBackend fails with `code`, naming the endpoint and saying `why`.
void CheckRefused(const EtcdOptions& options, Code code, const std::string& why) {
  Result<BackendPtr> store = NewEtcdBackend(options);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == code);
  CHECK(store.status().message().find(why) != std::string::npos);
  CHECK(store.status().message().find(options.endpoints[0]) != std::string::npos);
}

TEST_CASE("TLS with client certificates: trusted works, untrusted is refused with the reason") {
  Certs certs;
  REQUIRE(certs.ok());
  EtcdServer server({.cert_file = certs.Cert("server"),
                     .key_file = certs.Key("server"),
                     .client_ca = certs.Cert("ca")});
  StartOrFail(server);
  EtcdOptions options{.endpoints = {server.endpoint()},
                      .ca_file = certs.Cert("ca"),
                      .cert_file = certs.Cert("client"),
                      .key_file = certs.Key("client"),
                      .key_prefix = "/tls/",
                      .request_timeout = std::chrono::seconds(2)};

  SUBCASE("with the right CA and client certificate") {
    Result<BackendPtr> store = NewEtcdBackend(options);
    REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    REQUIRE((*store)->Create("a", "1").ok());
    CHECK((*store)->Get("a")->value == "1");
  }
  SUBCASE("a server certificate from another CA does not verify") {
    options.ca_file = certs.Cert("other-ca");
    CheckRefused(options, Code::kPermissionDenied, "does not verify");
  }
  SUBCASE("without a client certificate") {
    options.cert_file.clear();
    options.key_file.clear();
    CheckRefused(options, Code::kPermissionDenied, "refused our client certificate");
  }
  SUBCASE("plain HTTP to a TLS port") {
    options.ca_file.clear();
    options.cert_file.clear();
    options.key_file.clear();
    CheckRefused(options, Code::kUnavailable, "cannot reach etcd");
  }
}

}  // namespace
}  // namespace mini::store::etcd::testing
