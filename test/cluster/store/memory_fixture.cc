// Registers the memory backend with the conformance suite.
#include "cluster/store/memory/memory_backend.h"
#include "test/cluster/store/fixture.h"

namespace mini::store::testing {
namespace {

class MemoryFixture : public StoreFixture {
 public:
  std::string Name() const override { return "memory"; }
  BackendPtr Open() override { return memory::NewMemoryBackend(); }
};

[[maybe_unused]] const bool kRegistered =
    RegisterFixture([] { return std::make_unique<MemoryFixture>(); });

}  // namespace
}  // namespace mini::store::testing
