// Small validation and JSON-walking helpers the core group's strategies share, so each kind's file
// reads as its rules and not as plumbing. Messages follow Kubernetes' wording word for word,
// because users paste them into search engines.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/registry/errors.h"

namespace mini::cluster::registry::core {

/// Field paths as Kubernetes prints them: "spec.containers[0].name", "data[key]".
std::string Child(std::string_view path, std::string_view name);
std::string Index(std::string_view path, size_t index);
std::string Key(std::string_view path, std::string_view key);

/// Members of an object by type; nullptr / fallback when absent or of another type.
const boost::json::object* ObjectField(const boost::json::object& object, std::string_view key);
const boost::json::array* ArrayField(const boost::json::object& object, std::string_view key);
std::string StringField(const boost::json::object& object, std::string_view key,
                        std::string_view fallback = "");
/// Integer member (JSON integers, or doubles without a fraction); nullopt-like via `present`.
bool IntField(const boost::json::object& object, std::string_view key, int64_t& out);
bool BoolField(const boost::json::object& object, std::string_view key);
/// The member as an object, created (or replaced when not an object) if needed.
boost::json::object& EnsureObject(boost::json::object& object, std::string_view key);
/// Sets `key` to `value` when it is absent, null or an empty string.
void DefaultString(boost::json::object& object, std::string_view key, std::string_view value);
void DefaultInt(boost::json::object& object, std::string_view key, int64_t value);

/// One Invalid error per message, the way upstream reports a value that breaks several rules.
void AddInvalid(FieldErrors& errors, const std::string& path, const boost::json::value& value,
                const std::vector<std::string>& messages);

/// upstream's checks of common values, each returning its problems (empty: valid).
std::string InclusiveRangeError(int64_t lo, int64_t hi);
std::vector<std::string> IsValidPortNum(int64_t port);
std::vector<std::string> IsValidPortName(std::string_view name);
std::vector<std::string> IsConfigMapKey(std::string_view key);
std::vector<std::string> IsRelaxedEnvVarName(std::string_view name);
bool IsIPv4(std::string_view text);
bool IsIP(std::string_view text);

/// An enum-valued string field: Required when empty, NotSupported (listing `supported` in that
/// order) when unknown.
void ValidateEnum(const std::string& value, const std::string& path,
                  std::initializer_list<const char*> supported, FieldErrors& errors);
/// `value` must be >= 0: "must be greater than or equal to 0".
void ValidateNonnegative(int64_t value, const std::string& path, FieldErrors& errors);
/// Label maps (metadata.labels, selectors, nodeSelector): keys qualified names, values label
/// values. As upstream, both kinds of error name the map's own path.
void ValidateLabels(const boost::json::object* labels, const std::string& path,
                    FieldErrors& errors);
/// A port given as number or name (targetPort, probe ports).
void ValidatePortNumOrName(const boost::json::value& port, const std::string& path,
                           FieldErrors& errors);
/// A DNS-1123 label / subdomain field: Invalid per problem.
void ValidateDns1123Label(std::string_view value, const std::string& path, FieldErrors& errors);
void ValidateDns1123Subdomain(std::string_view value, const std::string& path, FieldErrors& errors);
void ValidateQualifiedName(std::string_view value, const std::string& path, FieldErrors& errors);

/// FieldValueNotFound ("Not found: \"x\""), for references to things that do not exist.
FieldError NotFound(std::string path, boost::json::value value);

/// Go's %#v of a string map, as upstream quotes label maps: map[string]string{"app":"web"}.
std::string GoStringMap(const boost::json::object* map);

/// "5m" since an RFC 3339 timestamp, or "<unknown>" when it is absent or malformed.
std::string Since(std::string_view timestamp, std::chrono::system_clock::time_point now);

/// "field is immutable", as Invalid with the new value.
inline constexpr const char* kFieldImmutable = "field is immutable";

}  // namespace mini::cluster::registry::core
