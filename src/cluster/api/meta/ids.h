// Identifiers and timestamps stamped on objects: metadata.uid, creationTimestamp and the
// microsecond times of managedFields and events, in the exact text forms Kubernetes uses.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mini::api::meta {

/// Fills `out` from OpenSSL's CSPRNG. Aborts if the generator fails: no object can be given
/// an unguessable identity then, and continuing with a weaker source would hide it.
void FillRandom(std::span<unsigned char> out);

/// A random (version 4, RFC 4122 variant) UUID in lowercase 8-4-4-4-12 hex, as metadata.uid.
std::string NewUid();

/// UTC with second precision, "2024-01-02T03:04:05Z" (metav1.Time, e.g. creationTimestamp).
/// Sub-second parts are dropped, never rounded up.
std::string Rfc3339(std::chrono::system_clock::time_point time);
std::string Rfc3339Now();
/// UTC with six fractional digits, "2024-01-02T03:04:05.123456Z" (metav1.MicroTime, used by
/// managedFields and events.k8s.io).
std::string Rfc3339Micro(std::chrono::system_clock::time_point time);

/// Parses RFC 3339 "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" with up to nine
/// fractional digits; 't' and 'z' may be lowercase. kInvalidArgument for anything else,
/// including impossible dates such as February 30 and leap seconds.
Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);

}  // namespace mini::api::meta
