// Validation of the names Kubernetes gives objects, labels and annotations, and generateName.
//
// Each Is* function returns the list of problems with a value, empty when it is valid, worded
// as upstream words them: kubectl prints them after the field path of an `Invalid` cause
// ("metadata.name: Invalid value: \"Foo\": a lowercase RFC 1123 subdomain must ..."), and users
// search the web for those exact sentences. The caller adds the field path and the value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mini::api::meta {

inline constexpr size_t kDns1123SubdomainMaxLength = 253;
inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1035LabelMaxLength = 63;
inline constexpr size_t kQualifiedNameMaxLength = 63;
inline constexpr size_t kLabelValueMaxLength = 63;

/// generateName appends this many random characters; the base is cut so the result fits a
/// DNS-1123 label (63), whatever kind the name is for, as upstream does.
inline constexpr size_t kGeneratedSuffixLength = 5;
inline constexpr size_t kMaxGenerateNameBaseLength = 63 - kGeneratedSuffixLength;

/// Object names of most kinds (ConfigMap, Deployment, Pod...): at most 253 characters,
/// dot-separated DNS-1123 labels.
std::vector<std::string> IsDns1123Subdomain(std::string_view value);
/// Names that become one DNS label or a hostname part (Namespace, container names): at most 63
/// lowercase alphanumerics or '-', starting and ending alphanumeric.
std::vector<std::string> IsDns1123Label(std::string_view value);
/// Service names, port names: a DNS-1123 label that starts with a letter.
std::vector<std::string> IsDns1035Label(std::string_view value);
/// Names that only have to fit in a URL path segment (RBAC roles and bindings).
std::vector<std::string> IsValidPathSegmentName(std::string_view value);
/// Label and annotation keys: `[prefix/]name`, prefix a DNS-1123 subdomain, name at most 63
/// alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
std::vector<std::string> IsQualifiedName(std::string_view value);
/// Label values: empty, or like the name part of a qualified name.
std::vector<std::string> IsValidLabelValue(std::string_view value);

/// generateName is a prefix, so it may end with '-' where a full name may not: validate
/// `MaskTrailingDash(generate_name)` with the kind's name validator, as upstream does.
std::string MaskTrailingDash(std::string_view value);

/// `base` (cut to kMaxGenerateNameBaseLength bytes) followed by kGeneratedSuffixLength random
/// characters from Kubernetes' alphabet, which has no vowels (no accidental words) and no
/// look-alikes such as 0/o, 1/l.
std::string GenerateName(std::string_view base);

}  // namespace mini::api::meta
