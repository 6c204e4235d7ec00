#include "cluster/registry/rbac/role.h"

#include <boost/json.hpp>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"

namespace mini::cluster::registry::rbac {
namespace json = boost::json;
using core::Child;
using core::Index;

namespace {

bool NonEmpty(const json::object& rule, std::string_view key) {
  const json::array* list = core::ArrayField(rule, key);
  return list != nullptr && !list->empty();
}

std::string GoStringSlice(const json::value* list) {
  if (list == nullptr || !list->is_array()) return "[]string(nil)";
  std::string out = "[]string{";
  for (size_t i = 0; i < list->get_array().size(); ++i) {
    const json::value& item = list->get_array()[i];
    out += (i == 0 ? "" : ", ") + apps::GoQuote(item.is_string() ? item.get_string() : "");
  }
  return out + "}";
}

void ValidateRule(const json::object& rule, bool namespaced, const std::string& path,
                  FieldErrors& errors) {
  if (!NonEmpty(rule, "verbs")) {
    errors.push_back(Required(Child(path, "verbs"), "verbs must contain at least one value"));
  }
  if (NonEmpty(rule, "nonResourceURLs")) {
    std::string shown = GoStringSlice(rule.if_contains("nonResourceURLs"));
    if (namespaced) {
      errors.push_back(apps::InvalidGo(Child(path, "nonResourceURLs"), shown,
                                       "namespaced rules cannot apply to non-resource URLs"));
    }
    if (NonEmpty(rule, "apiGroups") || NonEmpty(rule, "resources") ||
        NonEmpty(rule, "resourceNames")) {
      errors.push_back(
          apps::InvalidGo(Child(path, "nonResourceURLs"), shown,
                          "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return;
  }
  if (!NonEmpty(rule, "apiGroups")) {
    errors.push_back(
        Required(Child(path, "apiGroups"), "resource rules must supply at least one api group"));
  }
  if (!NonEmpty(rule, "resources")) {
    errors.push_back(
        Required(Child(path, "resources"), "resource rules must supply at least one resource"));
  }
}

void ValidateAggregation(const json::object& role, FieldErrors& errors) {
  const json::object* aggregation = core::ObjectField(role, "aggregationRule");
  if (aggregation == nullptr) return;
  const std::string path = "aggregationRule.clusterRoleSelectors";
  const json::array* selectors = core::ArrayField(*aggregation, "clusterRoleSelectors");
  if (selectors == nullptr || selectors->empty()) {
    errors.push_back(
        Required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
    return;
  }
  for (size_t i = 0; i < selectors->size(); ++i) {
    const json::value& selector = (*selectors)[i];
    apps::ValidateLabelSelector(&selector, Index(path, i), errors);
    if (!apps::ParseSelector(&selector).valid) {
      // upstream shows the selector it failed to build, which is nil.
      errors.push_back(Invalid(Index(path, i), nullptr, "invalid label selector."));
    }
  }
}

class RoleStrategy : public Strategy {
 public:
  explicit RoleStrategy(bool cluster) : cluster_(cluster) {}

  // Role names only end up in URL paths, so "system:controller:x" is fine.
  std::vector<std::string> ValidateName(std::string_view name) const override {
    return mini::api::meta::IsValidPathSegmentName(name);
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    if (const json::array* rules = core::ArrayField(object, "rules")) {
      for (size_t i = 0; i < rules->size(); ++i) {
        static const json::object kEmpty;
        const json::object* rule = (*rules)[i].if_object();
        ValidateRule(rule != nullptr ? *rule : kEmpty, !cluster_, Index("rules", i), errors);
      }
    }
    if (cluster_) ValidateAggregation(object, errors);
    return errors;
  }

 private:
  bool cluster_;
};

}  // namespace

std::unique_ptr<Strategy> NewRoleStrategy(bool cluster) {
  return std::make_unique<RoleStrategy>(cluster);
}

}  // namespace mini::cluster::registry::rbac
