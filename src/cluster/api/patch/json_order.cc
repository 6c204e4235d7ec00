#include "cluster/api/patch/json_order.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mini::cluster::api::patch {
namespace json = boost::json;

namespace {

int Rank(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return 0;
    case json::kind::string:
      return 1;
    case json::kind::bool_:
      return 2;
    case json::kind::array:
      return 3;
    case json::kind::object:
      return 4;
    case json::kind::null:
      return 5;
  }
  return 5;
}

template <typename T>
int Sign(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareNumbers(const json::value& a, const json::value& b) {
  if (a.is_double() || b.is_double()) {
    return Sign(a.to_number<double>(), b.to_number<double>());
  }
  // Both integers, one possibly beyond int64's range.
  if (a.is_uint64() && b.is_uint64()) return Sign(a.get_uint64(), b.get_uint64());
  if (a.is_int64() && b.is_int64()) return Sign(a.get_int64(), b.get_int64());
  if (a.is_uint64()) {  // b is int64
    return b.get_int64() < 0 ? 1 : Sign(a.get_uint64(), static_cast<uint64_t>(b.get_int64()));
  }
  return a.get_int64() < 0 ? -1 : Sign(static_cast<uint64_t>(a.get_int64()), b.get_uint64());
}

std::vector<std::string_view> SortedKeys(const json::object& o) {
  std::vector<std::string_view> keys;
  keys.reserve(o.size());
  for (const auto& member : o) keys.emplace_back(member.key().data(), member.key().size());
  std::sort(keys.begin(), keys.end());
  return keys;
}

int CompareObjects(const json::object& a, const json::object& b) {
  std::vector<std::string_view> ka = SortedKeys(a);
  std::vector<std::string_view> kb = SortedKeys(b);
  for (size_t i = 0; i < ka.size() && i < kb.size(); ++i) {
    if (int c = ka[i].compare(kb[i]); c != 0) return c < 0 ? -1 : 1;
    json::string_view key(ka[i].data(), ka[i].size());
    if (int c = CompareJson(a.at(key), b.at(key)); c != 0) return c;
  }
  return Sign(ka.size(), kb.size());
}

}  // namespace

int CompareJson(const json::value& a, const json::value& b) {
  int ra = Rank(a);
  int rb = Rank(b);
  if (ra != rb) return Sign(ra, rb);
  switch (a.kind()) {
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return CompareNumbers(a, b);
    case json::kind::string: {
      int c = a.get_string().subview().compare(b.get_string().subview());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case json::kind::bool_:
      return Sign(a.get_bool(), b.get_bool());
    case json::kind::array: {
      const json::array& x = a.get_array();
      const json::array& y = b.get_array();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = CompareJson(x[i], y[i]); c != 0) return c;
      }
      return Sign(x.size(), y.size());
    }
    case json::kind::object:
      return CompareObjects(a.get_object(), b.get_object());
    case json::kind::null:
      return 0;
  }
  return 0;
}

}  // namespace mini::cluster::api::patch
