#include "cluster/registry/core/quantity.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

namespace mini::cluster::registry::core {
namespace {

// Keeps every intermediate product far from the 128-bit limit (~1.7e38).
constexpr QuantityInt kLimit = static_cast<QuantityInt>(1000000000000000000LL) *
                               static_cast<QuantityInt>(1000000000000000000LL);

QuantityInt Pow10(int exponent) {
  QuantityInt out = 1;
  for (int i = 0; i < exponent; ++i) out *= 10;
  return out;
}

std::string ToDecimal(QuantityInt value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  if (negative) value = -value;
  std::string digits;
  while (value > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  }
  return negative ? "-" + digits : digits;
}

// Integer division rounding away from zero, as Kubernetes rounds precision it cannot keep up.
QuantityInt DivideUp(QuantityInt value, QuantityInt divisor) {
  QuantityInt quotient = value / divisor;
  if (value % divisor != 0) quotient += value > 0 ? 1 : -1;
  return quotient;
}

}  // namespace

std::optional<Quantity> ParseQuantity(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t pos = 0;
  bool negative = false;
  if (text[pos] == '+' || text[pos] == '-') negative = text[pos++] == '-';
  QuantityInt mantissa = 0;
  int fraction_digits = 0;
  int digits = 0;
  bool dot = false;
  bool any_digit = false;
  for (; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c == '.') {
      if (dot) return std::nullopt;
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any_digit = true;
    // Digits past what 10^-9 precision needs only round; keep the count bounded.
    if (digits < 36) {
      mantissa = mantissa * 10 + (c - '0');
      if (dot) ++fraction_digits;
      if (mantissa != 0) ++digits;
    } else if (!dot) {
      return std::nullopt;
    }
  }
  if (!any_digit) return std::nullopt;
  std::string_view suffix = text.substr(pos);

  Quantity out;
  int power10 = 0;
  int power1024 = 0;
  if (suffix.empty()) {
    out.format = Quantity::Format::kDecimalSI;
  } else if (suffix.size() == 2 && suffix[1] == 'i') {
    static constexpr std::string_view kBinary = "KMGTPE";
    size_t index = kBinary.find(suffix[0]);
    if (index == std::string_view::npos) return std::nullopt;
    power1024 = static_cast<int>(index) + 1;
    out.format = Quantity::Format::kBinarySI;
  } else if ((suffix[0] == 'e' || suffix[0] == 'E') && suffix.size() > 1) {
    std::string_view exponent = suffix.substr(1);
    bool exponent_negative = false;
    if (exponent[0] == '+' || exponent[0] == '-') {
      exponent_negative = exponent[0] == '-';
      exponent.remove_prefix(1);
    }
    if (exponent.empty() || exponent.size() > 3) return std::nullopt;
    for (char c : exponent) {
      if (c < '0' || c > '9') return std::nullopt;
      power10 = power10 * 10 + (c - '0');
    }
    if (exponent_negative) power10 = -power10;
    out.format = Quantity::Format::kDecimalExponent;
  } else if (suffix.size() == 1) {
    switch (suffix[0]) {
      case 'n':
        power10 = -9;
        break;
      case 'u':
        power10 = -6;
        break;
      case 'm':
        power10 = -3;
        break;
      case 'k':
        power10 = 3;
        break;
      case 'M':
        power10 = 6;
        break;
      case 'G':
        power10 = 9;
        break;
      case 'T':
        power10 = 12;
        break;
      case 'P':
        power10 = 15;
        break;
      case 'E':
        power10 = 18;
        break;
      default:
        return std::nullopt;
    }
    out.format = Quantity::Format::kDecimalSI;
  } else {
    return std::nullopt;
  }

  // nanos = mantissa * 10^(power10 + 9 - fraction_digits) * 1024^power1024
  QuantityInt value = mantissa;
  for (int i = 0; i < power1024; ++i) {
    value *= 1024;
    if (value > kLimit) return std::nullopt;
  }
  int shift = power10 + 9 - fraction_digits;
  if (shift >= 0) {
    if (shift > 38) {
      if (value != 0) return std::nullopt;
    } else {
      for (int i = 0; i < shift; ++i) {
        value *= 10;
        if (value > kLimit) return std::nullopt;
      }
    }
  } else {
    value = -shift > 38 ? (value == 0 ? 0 : 1) : DivideUp(value, Pow10(-shift));
  }
  out.nanos = negative ? -value : value;
  return out;
}

std::optional<Quantity> QuantityOf(const boost::json::value& value) {
  if (value.is_string()) return ParseQuantity(value.get_string());
  if (value.is_int64()) return ParseQuantity(std::to_string(value.get_int64()));
  if (value.is_uint64()) return ParseQuantity(std::to_string(value.get_uint64()));
  if (value.is_double() && std::isfinite(value.get_double())) {
    return ParseQuantity(fmt::format("{}", value.get_double()));
  }
  return std::nullopt;
}

int CompareQuantities(const Quantity& a, const Quantity& b) {
  if (a.nanos < b.nanos) return -1;
  return a.nanos > b.nanos ? 1 : 0;
}

std::string FormatQuantity(const Quantity& quantity) {
  QuantityInt nanos = quantity.nanos;
  if (nanos == 0) return "0";
  static constexpr QuantityInt kNano = 1000000000;
  QuantityInt magnitude = nanos < 0 ? -nanos : nanos;
  if (quantity.format == Quantity::Format::kBinarySI && magnitude % kNano == 0 &&
      magnitude / kNano >= 1024) {
    QuantityInt units = nanos / kNano;
    static constexpr const char* kSuffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int power = 0;
    while (power < 6 && units % 1024 == 0) {
      units /= 1024;
      ++power;
    }
    return ToDecimal(units) + kSuffixes[power];
  }
  // Largest exponent (a multiple of 3) that keeps the mantissa whole.
  int exponent = -9;
  QuantityInt mantissa = nanos;
  while (exponent < 18 && mantissa % 1000 == 0) {
    mantissa /= 1000;
    exponent += 3;
  }
  if (quantity.format == Quantity::Format::kDecimalExponent) {
    return exponent == 0 ? ToDecimal(mantissa)
                         : fmt::format("{}e{}", ToDecimal(mantissa), exponent);
  }
  const char* suffix = "";
  switch (exponent) {
    case -9:
      suffix = "n";
      break;
    case -6:
      suffix = "u";
      break;
    case -3:
      suffix = "m";
      break;
    case 3:
      suffix = "k";
      break;
    case 6:
      suffix = "M";
      break;
    case 9:
      suffix = "G";
      break;
    case 12:
      suffix = "T";
      break;
    case 15:
      suffix = "P";
      break;
    case 18:
      suffix = "E";
      break;
    default:
      break;
  }
  return ToDecimal(mantissa) + suffix;
}

}  // namespace mini::cluster::registry::core
