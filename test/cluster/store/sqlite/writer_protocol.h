// What store_writer writes and prints, shared with the durability test that kills it.
//
// Every value checks itself: it ends with a checksum of everything before it, so a value that
// was half written (or mixed with another) is recognized without knowing what was intended.
// Every acknowledged write is printed as one line "ack <key> <revision> <checksum>".
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace mini::store::sqlite::testing {

inline uint64_t Fnv1a(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : bytes) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  return hash;
}

/// "<key>|<sequence>|<payload>|<checksum of what precedes it, 16 hex digits>".
inline std::string MakeValue(std::string_view key, uint64_t sequence, size_t payload,
                             std::mt19937_64& rng) {
  std::string value = fmt::format("{}|{}|", key, sequence);
  for (size_t i = 0; i < payload; ++i) {
    value.push_back(static_cast<char>(rng()));  // any byte, NULs included
  }
  value += fmt::format("|{:016x}", Fnv1a(value));
  return value;
}

inline bool SelfChecks(std::string_view value) {
  if (value.size() < 17 || value[value.size() - 17] != '|') {
    return false;
  }
  std::string_view body = value.substr(0, value.size() - 17);
  return fmt::format("{:016x}", Fnv1a(body)) == value.substr(value.size() - 16);
}

inline std::string AckLine(std::string_view key, int64_t revision, std::string_view value) {
  return fmt::format("ack {} {} {:016x}\n", key, revision, Fnv1a(value));
}

}  // namespace mini::store::sqlite::testing
