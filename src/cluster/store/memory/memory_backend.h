// The memory backend: the embedded store without a log, for unit tests.
#pragma once

#include "cluster/store/backend.h"

namespace mini::store::memory {

BackendPtr NewMemoryBackend();

}  // namespace mini::store::memory
