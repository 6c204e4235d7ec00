#include "cluster/store/open.h"

#include "cluster/store/etcd/etcd_backend.h"
#include "cluster/store/memory/memory_backend.h"
#include "cluster/store/sqlite/sqlite_backend.h"

namespace mini::store {
namespace {

Status BadUrl(const std::string& url, const std::string& why) {
  return Error(Code::kInvalidArgument, "cannot use the datastore \"{}\": {}", url, why)
      .WithAdvice(
          "use sqlite (the default), sqlite:///path/state.db, memory://, "
          "etcd://host:2379[,host2:2379] or etcds://host:2379")
      .WithReason("MK_USAGE");
}

std::vector<std::string> SplitEndpoints(const std::string& list) {
  std::vector<std::string> endpoints;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (!item.empty()) {
      endpoints.push_back(item);
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return endpoints;
}

Result<BackendPtr> OpenEtcd(const std::string& url, const std::string& rest, bool tls,
                            const OpenOptions& options) {
  etcd::EtcdOptions etcd_options;
  etcd_options.endpoints = SplitEndpoints(rest);
  if (etcd_options.endpoints.empty()) {
    return BadUrl(url, "it names no endpoint");
  }
  if (tls) {
    if (options.etcd_ca_file.empty()) {
      return BadUrl(url, "etcds:// needs the CA that signed etcd's certificate");
    }
    etcd_options.ca_file = options.etcd_ca_file;
    etcd_options.cert_file = options.etcd_cert_file;
    etcd_options.key_file = options.etcd_key_file;
  }
  etcd_options.key_prefix = options.etcd_key_prefix;
  return etcd::NewEtcdBackend(etcd_options);
}

}  // namespace

Result<BackendPtr> OpenBackend(const std::string& url, const OpenOptions& options) {
  if (url.empty() || url == "sqlite") {
    return sqlite::NewSqliteBackend(options.data_dir / "state.db");
  }
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return BadUrl(url, "it has no scheme");
  }
  std::string scheme = url.substr(0, scheme_end);
  std::string rest = url.substr(scheme_end + 3);
  if (scheme == "sqlite") {
    if (rest.empty() || rest[0] != '/') {
      return BadUrl(url, "the database path must be absolute (sqlite:///path/state.db)");
    }
    return sqlite::NewSqliteBackend(rest);
  }
  if (scheme == "memory") {
    return memory::NewMemoryBackend();
  }
  if (scheme == "etcd" || scheme == "etcds") {
    return OpenEtcd(url, rest, scheme == "etcds", options);
  }
  return BadUrl(url, "unknown scheme \"" + scheme + "\"");
}

}  // namespace mini::store
