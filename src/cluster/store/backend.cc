#include "cluster/store/backend.h"

namespace mini::store {

std::string PrefixEnd(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

Status ValidateWrite(const std::string& key, const std::string& value) {
  if (key.empty()) {
    return Error(Code::kInvalidArgument, "the key is empty").WithReason("STORE_EMPTY_KEY");
  }
  if (value.size() > kMaxValueBytes) {
    return Error(Code::kResourceExhausted,
                 "a value of {} bytes exceeds the datastore's limit of {} bytes (1.5 MiB)",
                 value.size(), kMaxValueBytes)
        .WithReason("STORE_VALUE_TOO_LARGE");
  }
  return Status::Ok();
}

}  // namespace mini::store
