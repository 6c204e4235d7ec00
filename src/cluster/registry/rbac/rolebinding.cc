#include "cluster/registry/rbac/rolebinding.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::rbac {
namespace json = boost::json;
namespace meta = mini::api::meta;
using core::Child;
using core::Index;

namespace {

constexpr const char* kGroup = "rbac.authorization.k8s.io";

void ValidateSubject(const json::object& subject, bool namespaced, const std::string& path,
                     FieldErrors& errors) {
  std::string name = core::StringField(subject, "name");
  std::string kind = core::StringField(subject, "kind");
  std::string group = core::StringField(subject, "apiGroup");
  if (name.empty()) errors.push_back(Required(Child(path, "name")));
  if (kind == "ServiceAccount") {
    if (!name.empty()) core::ValidateDns1123Subdomain(name, Child(path, "name"), errors);
    if (!group.empty()) {
      errors.push_back(NotSupported(Child(path, "apiGroup"), json::string(group), {""}));
    }
    if (!namespaced && core::StringField(subject, "namespace").empty()) {
      errors.push_back(Required(Child(path, "namespace")));
    }
  } else if (kind == "User" || kind == "Group") {
    if (group != kGroup) {
      errors.push_back(NotSupported(Child(path, "apiGroup"), json::string(group), {kGroup}));
    }
  } else {
    errors.push_back(
        NotSupported(Child(path, "kind"), json::string(kind), {"ServiceAccount", "User", "Group"}));
  }
}

std::string GoRoleRef(const json::object& object) {
  const json::object* ref = ObjectAt(object, "roleRef");
  static const json::object kEmpty;
  if (ref == nullptr) ref = &kEmpty;
  return fmt::format("rbac.RoleRef{{APIGroup:{}, Kind:{}, Name:{}}}",
                     apps::GoQuote(core::StringField(*ref, "apiGroup")),
                     apps::GoQuote(core::StringField(*ref, "kind")),
                     apps::GoQuote(core::StringField(*ref, "name")));
}

// Users, groups and service accounts ("namespace/name") named by the subjects.
struct Subjects {
  std::string users;
  std::string groups;
  std::string service_accounts;
};

Subjects SubjectColumns(const json::object& object) {
  Subjects out;
  const json::array* subjects = core::ArrayField(object, "subjects");
  if (subjects == nullptr) return out;
  auto add = [](std::string& list, const std::string& item) {
    list += (list.empty() ? "" : ", ") + item;
  };
  for (const json::value& item : *subjects) {
    const json::object* subject = item.if_object();
    if (subject == nullptr) continue;
    std::string kind = core::StringField(*subject, "kind");
    std::string name = core::StringField(*subject, "name");
    if (kind == "User") {
      add(out.users, name);
    } else if (kind == "Group") {
      add(out.groups, name);
    } else if (kind == "ServiceAccount") {
      add(out.service_accounts, core::StringField(*subject, "namespace") + "/" + name);
    }
  }
  return out;
}

class RoleBindingStrategy : public Strategy {
 public:
  explicit RoleBindingStrategy(bool cluster) : cluster_(cluster) {}

  std::vector<std::string> ValidateName(std::string_view name) const override {
    return meta::IsValidPathSegmentName(name);
  }

  void Default(json::object& object) const override {
    core::DefaultString(core::EnsureObject(object, "roleRef"), "apiGroup", kGroup);
    json::value* subjects = object.if_contains("subjects");
    if (subjects == nullptr || !subjects->is_array()) return;
    for (json::value& item : subjects->get_array()) {
      json::object* subject = item.if_object();
      if (subject == nullptr) continue;
      std::string kind = core::StringField(*subject, "kind");
      if (kind == "User" || kind == "Group") {
        core::DefaultString(*subject, "apiGroup", kGroup);
      }
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* ref = ObjectAt(object, "roleRef");
    if (ref == nullptr) ref = &kEmpty;
    std::string group = core::StringField(*ref, "apiGroup");
    if (group != kGroup) {
      errors.push_back(NotSupported("roleRef.apiGroup", json::string(group), {kGroup}));
    }
    std::string kind = core::StringField(*ref, "kind");
    if (cluster_ && kind != "ClusterRole") {
      errors.push_back(NotSupported("roleRef.kind", json::string(kind), {"ClusterRole"}));
    } else if (!cluster_ && kind != "Role" && kind != "ClusterRole") {
      errors.push_back(NotSupported("roleRef.kind", json::string(kind), {"Role", "ClusterRole"}));
    }
    std::string name = core::StringField(*ref, "name");
    if (name.empty()) {
      errors.push_back(Required("roleRef.name"));
    } else {
      core::AddInvalid(errors, "roleRef.name", json::string(name),
                       meta::IsValidPathSegmentName(name));
    }
    if (const json::array* subjects = core::ArrayField(object, "subjects")) {
      for (size_t i = 0; i < subjects->size(); ++i) {
        const json::object* subject = (*subjects)[i].if_object();
        ValidateSubject(subject != nullptr ? *subject : kEmpty, !cluster_, Index("subjects", i),
                        errors);
      }
    }
    return errors;
  }

  // A binding grants what its role allows; pointing it elsewhere needs a new binding.
  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = Validate(object);
    if (!apps::SemanticEqual(object.if_contains("roleRef"), old.if_contains("roleRef"))) {
      errors.push_back(apps::InvalidGo("roleRef", GoRoleRef(object), "cannot change roleRef"));
    }
    return errors;
  }

  std::vector<Column> Columns() const override {
    return {
        apps::NameColumn(),
        {"Role", "string", "", "The role whose permissions are granted.", 0},
        apps::AgeColumn(),
        {"Users", "string", "", "Users the binding grants the role to.", 1},
        {"Groups", "string", "", "Groups the binding grants the role to.", 1},
        {"ServiceAccounts", "string", "", "Service accounts the binding grants the role to.", 1}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    Subjects subjects = SubjectColumns(object);
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StringAt(object, "roleRef.kind") + "/" + StringAt(object, "roleRef.name")),
            json::string(Age(object, now)),
            json::string(subjects.users),
            json::string(subjects.groups),
            json::string(subjects.service_accounts)};
  }

 private:
  bool cluster_;
};

}  // namespace

std::unique_ptr<Strategy> NewRoleBindingStrategy(bool cluster) {
  return std::make_unique<RoleBindingStrategy>(cluster);
}

}  // namespace mini::cluster::registry::rbac
