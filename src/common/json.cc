#include "common/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mini {
namespace json = boost::json;

namespace {
void Indent(std::string& out, int depth) { out.append(static_cast<size_t>(depth) * 2, ' '); }

void Pretty(const json::value& v, std::string& out, int depth) {
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    size_t i = 0;
    for (const auto& [key, member] : o) {
      Indent(out, depth + 1);
      out += json::serialize(json::string_view(key));
      out += ": ";
      Pretty(member, out, depth + 1);
      out += ++i < o.size() ? ",\n" : "\n";
    }
    Indent(out, depth);
    out += "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < a.size(); ++i) {
      Indent(out, depth + 1);
      Pretty(a[i], out, depth + 1);
      out += i + 1 < a.size() ? ",\n" : "\n";
    }
    Indent(out, depth);
    out += "]";
  } else {
    out += json::serialize(v);
  }
}
}  // namespace

Result<json::value> ParseJson(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    return Error(Code::kInvalidArgument, "{} is not valid JSON: {}", what, ec.message());
  }
  return v;
}

std::string PrettyJson(const json::value& value) {
  std::string out;
  Pretty(value, out, 0);
  out += "\n";
  return out;
}

Result<std::string> GetString(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr || !v->is_string()) {
    return Error(Code::kInvalidArgument, "field \"{}\" is missing or not a string", key);
  }
  return std::string(v->get_string());
}

Result<int64_t> GetInt(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr || !(v->is_int64() || v->is_uint64())) {
    return Error(Code::kInvalidArgument, "field \"{}\" is missing or not an integer", key);
  }
  return v->is_int64() ? v->get_int64() : static_cast<int64_t>(v->get_uint64());
}

}  // namespace mini
