#include "test/cluster/store/fixture.h"

#include <mutex>

namespace mini::store::testing {
namespace {

struct Registry {
  std::mutex mu;
  std::vector<std::function<std::unique_ptr<StoreFixture>()>> makers;
  std::vector<std::unique_ptr<StoreFixture>> fixtures;  // made on the first Fixtures() call
};

// A function-local static: registrations run during static initialization, in an order
// across translation units that C++ does not define.
Registry& TheRegistry() {
  static Registry registry;
  return registry;
}

}  // namespace

std::vector<StoreFixture*> Fixtures() {
  Registry& registry = TheRegistry();
  std::lock_guard lock(registry.mu);
  while (registry.fixtures.size() < registry.makers.size()) {
    registry.fixtures.push_back(registry.makers[registry.fixtures.size()]());
  }
  std::vector<StoreFixture*> out;
  for (const std::unique_ptr<StoreFixture>& fixture : registry.fixtures) {
    out.push_back(fixture.get());
  }
  return out;
}

bool RegisterFixture(std::function<std::unique_ptr<StoreFixture>()> make) {
  Registry& registry = TheRegistry();
  std::lock_guard lock(registry.mu);
  registry.makers.push_back(std::move(make));
  return true;
}

}  // namespace mini::store::testing
