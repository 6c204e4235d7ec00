// The values the embedded store keeps in memory: one Version per change of a key, and the
// Change that records it for watchers. Values are shared between the index, the watch history
// and the batch being committed, so a large value is stored once however many holders it has.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cluster/store/backend.h"
#include "cluster/store/mvcc/log.h"

namespace mini::store::mvcc {

using SharedValue = std::shared_ptr<const std::string>;

/// A key's state after one change, or its tombstone.
struct Version {
  int64_t revision = 0;  // the mod_revision: the revision of this change
  int64_t create_revision = 0;
  int64_t version = 0;
  LeaseId lease = 0;
  SharedValue value;  // never null
  bool deleted = false;
};

/// One revision's change, as watchers see it.
struct Change {
  std::string key;
  Version version;
  /// The live version this change replaced; unset for a creation.
  std::optional<Version> prev;
};

KeyValue ToKeyValue(const std::string& key, const Version& version);
/// kPut with the new value, or kDelete whose kv carries only the key and the deleting revision.
Event ToEvent(const Change& change);
Record ToRecord(const std::string& key, const Version& version);
Version FromRecord(const Record& record);

/// The key for error messages: printable ASCII as is, every other byte as \xNN, because keys
/// are arbitrary bytes and messages end up in logs and terminals.
std::string PrintableKey(const std::string& key);

}  // namespace mini::store::mvcc
