// Backends under test, for the conformance suite: each backend's test file registers a
// fixture that opens fresh, empty stores, and every conformance case runs against all of them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cluster/store/backend.h"

namespace mini::store::testing {

class StoreFixture {
 public:
  virtual ~StoreFixture() = default;
  virtual std::string Name() const = 0;
  /// A new store with no keys. Revisions need not start at 1 (etcd's are global), but they
  /// only grow.
  virtual BackendPtr Open() = 0;
};

/// Every registered fixture, in registration order; each is created on first use.
std::vector<StoreFixture*> Fixtures();

/// Registers a fixture at static-initialization time:
///   const bool kRegistered = RegisterFixture([] { return std::make_unique<MemoryFixture>(); });
bool RegisterFixture(std::function<std::unique_ptr<StoreFixture>()> make);

}  // namespace mini::store::testing
