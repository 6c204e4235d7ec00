// Text forms of the Kubernetes "well-known" protobuf messages as their JSON shows them: times
// (RFC 3339), Go durations ("1h2m3.5s") and byte strings (standard base64 with padding).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mini::cluster::api::protobuf {

struct Timestamp {
  int64_t seconds = 0;  // since the Unix epoch
  int32_t nanos = 0;    // 0..999999999
};

/// RFC 3339 in UTC: "2006-01-02T15:04:05Z" (metav1.Time keeps whole seconds only), or with
/// exactly six fractional digits, truncated, when `micro` (metav1.MicroTime). kInvalidArgument
/// for years outside 0000..9999, which RFC 3339 cannot write, and nanos outside 0..999999999.
Result<std::string> FormatTime(Timestamp time, bool micro);
/// Reads "2006-01-02T15:04:05Z", with an optional fraction and a "Z" or "+07:00" offset.
Result<Timestamp> ParseTime(std::string_view text);

/// Go's time.Duration text: "0s", "1.5µs", "2ms", "1h0m0s", "-3m4.000000005s".
std::string FormatDuration(int64_t nanoseconds);
/// The inverse, accepting what Go's time.ParseDuration accepts ("90m", "1.5h", "-2h3m", "0").
Result<int64_t> ParseDuration(std::string_view text);

std::string Base64Encode(std::string_view bytes);
/// Standard alphabet with padding, as Go's encoding/json writes []byte; line breaks ignored.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace mini::cluster::api::protobuf
