// Exit codes in minikube's bands: the reason ID's prefix picks the band (what part of the
// system failed), the Status code the offset within it (how it failed). Scripts can then tell
// "bad flag" (14) from "profile not found" (85) without parsing text.
#include <string_view>

#include "cli/app.h"

namespace mini::cli {
namespace {

int Band(std::string_view reason) {
  struct Prefix {
    std::string_view prefix;
    int band;
  };
  static constexpr Prefix kBands[] = {
      {"MK_", 10},       {"RSRC_", 20},  {"HOST_", 30}, {"IF_", 40},   {"DRV_", 50},
      {"PROVIDER_", 60}, {"GUEST_", 80}, {"RT_", 90},   {"SVC_", 100},
  };
  for (const auto& b : kBands) {
    if (reason.substr(0, b.prefix.size()) == b.prefix) {
      return b.band;
    }
  }
  return 10;
}

int Offset(Code code) {
  switch (code) {
    case Code::kConflict:
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition:
      return 1;
    case Code::kDeadlineExceeded:
      return 2;
    case Code::kUnavailable:
      return 3;  // not running
    case Code::kInvalidArgument:
      return 4;
    case Code::kNotFound:
      return 5;
    case Code::kUnimplemented:
      return 6;
    case Code::kPermissionDenied:
      return 7;
    case Code::kResourceExhausted:
      return 9;
    default:
      return 0;
  }
}

}  // namespace

int ExitCodeFor(const Status& status) {
  if (status.ok()) {
    return 0;
  }
  if (status.code() == Code::kCancelled) {
    return 2;  // interrupted
  }
  return Band(status.reason()) + Offset(status.code());
}

}  // namespace mini::cli
