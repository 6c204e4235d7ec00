#include "cluster/apiserver/authn.h"

#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace mini::cluster::apiserver {
namespace {

std::vector<std::string> EntriesOf(X509_NAME* name, int nid) {
  std::vector<std::string> values;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, nid, i)) {
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length >= 0) {
      values.emplace_back(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
    }
    OPENSSL_free(utf8);
  }
  return values;
}

}  // namespace

UserInfo UserFromConnection(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) {
    return AnonymousUser();
  }
  X509_NAME* subject = X509_get_subject_name(cert);
  std::vector<std::string> names = EntriesOf(subject, NID_commonName);
  if (names.empty() || names.front().empty()) {
    return AnonymousUser();
  }
  UserInfo user;
  user.name = names.front();
  user.groups = EntriesOf(subject, NID_organizationName);
  user.groups.push_back("system:authenticated");
  user.authenticated = true;
  return user;
}

boost::json::object UserInfoJson(const UserInfo& user) {
  namespace json = boost::json;
  json::array groups;
  for (const std::string& group : user.groups) groups.emplace_back(group);
  json::object out{{"username", user.name}, {"groups", std::move(groups)}};
  if (!user.uid.empty()) out["uid"] = user.uid;
  if (!user.extra.empty()) {
    json::object extra;
    for (const auto& [key, values] : user.extra) {
      json::array items;
      for (const std::string& value : values) items.emplace_back(value);
      extra[key] = std::move(items);
    }
    out["extra"] = std::move(extra);
  }
  return out;
}

}  // namespace mini::cluster::apiserver
