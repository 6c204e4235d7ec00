#include "cluster/store/memory/memory_backend.h"

#include "cluster/store/mvcc/kv_store.h"

namespace mini::store::memory {

BackendPtr NewMemoryBackend() {
  // Without a log there is nothing to load, so opening cannot fail.
  return std::move(mvcc::NewKvStore(nullptr).value());
}

}  // namespace mini::store::memory
