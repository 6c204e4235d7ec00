#include "cluster/store/mvcc/version.h"

#include <fmt/format.h>

namespace mini::store::mvcc {

KeyValue ToKeyValue(const std::string& key, const Version& version) {
  KeyValue kv;
  kv.key = key;
  kv.value = *version.value;
  kv.create_revision = version.create_revision;
  kv.mod_revision = version.revision;
  kv.version = version.version;
  kv.lease = version.lease;
  return kv;
}

Event ToEvent(const Change& change) {
  Event event;
  if (change.version.deleted) {
    // etcd's tombstone shape: only the key and the revision that deleted it.
    event.type = Event::Type::kDelete;
    event.kv.key = change.key;
    event.kv.mod_revision = change.version.revision;
  } else {
    event.type = Event::Type::kPut;
    event.kv = ToKeyValue(change.key, change.version);
  }
  if (change.prev) {
    event.prev_kv = ToKeyValue(change.key, *change.prev);
  }
  return event;
}

Record ToRecord(const std::string& key, const Version& version) {
  Record record;
  record.revision = version.revision;
  record.key = key;
  record.value = *version.value;
  record.create_revision = version.create_revision;
  record.version = version.version;
  record.lease = version.lease;
  record.deleted = version.deleted;
  return record;
}

Version FromRecord(const Record& record) {
  Version version;
  version.revision = record.revision;
  version.create_revision = record.create_revision;
  version.version = record.version;
  version.lease = record.lease;
  version.value = std::make_shared<const std::string>(record.deleted ? "" : record.value);
  version.deleted = record.deleted;
  return version;
}

std::string PrintableKey(const std::string& key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", byte);
    }
  }
  return out;
}

}  // namespace mini::store::mvcc
