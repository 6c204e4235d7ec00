// Kubernetes resource quantities ("500m", "1Gi", "2e3"): enough to compare them exactly (QoS
// classes, requests <= limits, PVC growth) and to print them in canonical form as kubectl shows.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mini::cluster::registry::core {

__extension__ using QuantityInt = __int128;

struct Quantity {
  enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };
  /// The value in units of 10^-9, rounded up as Kubernetes rounds sub-nano precision.
  QuantityInt nanos = 0;
  Format format = Format::kDecimalSI;
};

/// Parses the quantity syntax; nullopt when it does not match or overflows.
std::optional<Quantity> ParseQuantity(std::string_view text);
/// Quantities arrive as strings, or as JSON numbers from some clients.
std::optional<Quantity> QuantityOf(const boost::json::value& value);
/// <0, 0, >0.
int CompareQuantities(const Quantity& a, const Quantity& b);
/// The canonical form ("1500m", "1536Mi", "1k"), as Quantity.String() prints it.
std::string FormatQuantity(const Quantity& quantity);

inline constexpr const char* kQuantityRegexError =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

}  // namespace mini::cluster::registry::core
