// The real Registry over the memory datastore, with the "default" namespace, for tests of the
// generic storage and of kinds that share storage across API versions.
#pragma once

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <string>

#include "cluster/api/schema/schema.h"
#include "cluster/registry/registry.h"
#include "cluster/store/memory/memory_backend.h"

namespace mini::cluster::registry::testing {

class MemoryRegistry {
 public:
  MemoryRegistry()
      : backend_(store::memory::NewMemoryBackend()), registry_(api::schema::Builtin(), *backend_) {
    REQUIRE(registry_.Bootstrap({"10.0.0.5", 8443}).ok());
  }

  Registry& registry() { return registry_; }
  Storage& Find(const std::string& group, const std::string& version,
                const std::string& resource) {
    Storage* storage = registry_.Find(group, version, resource);
    REQUIRE(storage != nullptr);
    return *storage;
  }
  /// The object as the datastore holds it.
  boost::json::object Raw(const std::string& key) {
    auto kv = backend_->Get(key);
    REQUIRE(kv.ok());
    return boost::json::parse(kv->value).as_object();
  }

 private:
  store::BackendPtr backend_;
  Registry registry_;
};

}  // namespace mini::cluster::registry::testing
