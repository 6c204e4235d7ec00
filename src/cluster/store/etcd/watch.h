// Watches over the gateway's streaming /v3/watch, one stream per watch, resumed from the next
// undelivered revision on another connection (or member) when the stream breaks.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cluster/store/backend.h"
#include "cluster/store/etcd/transport.h"

namespace mini::store::etcd {

struct WatchTarget {
  std::string key;         // with the backend's key prefix
  std::string range_end;   // etcd's: empty for the one key
  std::string key_prefix;  // removed from the keys of delivered events
};

struct WatchTiming {
  /// How long a broken stream is retried before the sink gets kUnavailable.
  std::chrono::milliseconds give_up_after{30000};
  std::chrono::milliseconds first_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
};

/// Opens the stream from `from_revision` (> 0) and starts the thread that reads it. Fails when
/// no member accepts the watch.
Result<WatchPtr> StartWatch(std::shared_ptr<Transport> transport, WatchTarget target,
                            int64_t from_revision, std::shared_ptr<WatchSink> sink,
                            WatchTiming timing = {});

}  // namespace mini::store::etcd
