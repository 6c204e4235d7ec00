#include "cluster/registry/batch/job.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/api/meta/names.h"
#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/batch/job_spec.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::batch {
namespace json = boost::json;
using apps::SemanticEqual;
using apps::SetIfAbsent;
using apps::ValueAt;

namespace {

constexpr const char* kControllerUid = "batch.kubernetes.io/controller-uid";
constexpr const char* kJobName = "batch.kubernetes.io/job-name";
constexpr const char* kLegacyControllerUid = "controller-uid";
constexpr const char* kLegacyJobName = "job-name";

bool ManualSelector(const json::object& spec) { return core::BoolField(spec, "manualSelector"); }

// The pods of a Job carry its uid and name, and its selector picks them by uid, so no other
// Job's pods ever match. Labels the user already set are kept; validation refuses wrong ones.
void GenerateSelector(json::object& object, json::object& spec) {
  std::string uid = StringAt(object, "metadata.uid");
  std::string name = StringAt(object, "metadata.name");
  json::object& labels = core::EnsureObject(
      core::EnsureObject(core::EnsureObject(spec, "template"), "metadata"), "labels");
  for (const auto& [key, value] :
       {std::pair{kControllerUid, uid}, std::pair{kJobName, name},
        std::pair{kLegacyControllerUid, uid}, std::pair{kLegacyJobName, name}}) {
    if (!labels.contains(key)) labels[key] = value;
  }
  json::object& match = core::EnsureObject(core::EnsureObject(spec, "selector"), "matchLabels");
  if (!match.contains(kControllerUid)) match[kControllerUid] = uid;
}

void ValidateHasLabel(const json::object& object, const char* key, const std::string& expected,
                      FieldErrors& errors) {
  const json::value* labels = ValueAt(object, "spec.template.metadata.labels");
  const json::object* map = labels != nullptr ? labels->if_object() : nullptr;
  std::string path = fmt::format("spec.template.metadata.labels[{}]", key);
  std::string detail = fmt::format("must be '{}'", expected);
  const json::value* actual = map != nullptr ? map->if_contains(key) : nullptr;
  if (actual == nullptr) {
    errors.push_back(Required(path, detail));
  } else if (!actual->is_string() || actual->get_string() != expected) {
    errors.push_back(apps::InvalidGo(path, apps::GoStringMap(labels), detail));
  }
}

void ValidateGeneratedSelector(const json::object& object, bool require_prefixed,
                               FieldErrors& errors) {
  const json::object* spec = ObjectAt(object, "spec");
  if (spec == nullptr || ManualSelector(*spec)) return;
  const json::value* selector = spec->if_contains("selector");
  if (selector == nullptr || selector->is_null()) return;
  std::string uid = StringAt(object, "metadata.uid");
  std::string name = StringAt(object, "metadata.name");
  if (uid.empty()) errors.push_back(Required("metadata.uid"));
  ValidateHasLabel(object, kLegacyControllerUid, uid, errors);
  ValidateHasLabel(object, kLegacyJobName, name, errors);
  json::object expected = {{kLegacyControllerUid, uid}, {kLegacyJobName, name}};
  if (require_prefixed) {
    ValidateHasLabel(object, kControllerUid, uid, errors);
    ValidateHasLabel(object, kJobName, name, errors);
    expected[kControllerUid] = uid;
    expected[kJobName] = name;
  }
  apps::ParsedSelector parsed = apps::ParseSelector(selector);
  json::value expected_labels = std::move(expected);
  if (parsed.valid && !parsed.Matches(&expected_labels)) {
    errors.push_back(apps::InvalidGo("spec.selector", apps::GoLabelSelector(selector),
                                     "`selector` not auto-generated"));
  }
}

FieldErrors ValidateJob(const json::object& object, bool require_prefixed) {
  FieldErrors errors;
  ValidateGeneratedSelector(object, require_prefixed, errors);
  static const json::object kEmpty;
  const json::object* spec = ObjectAt(object, "spec");
  if (spec == nullptr) spec = &kEmpty;
  ValidateJobSpec(*spec, "spec", errors);
  const json::value* selector = spec->if_contains("selector");
  if (selector == nullptr || selector->is_null()) {
    errors.push_back(Required("spec.selector"));
  } else {
    apps::ValidateLabelSelector(selector, "spec.selector", errors);
  }
  apps::ParsedSelector parsed = apps::ParseSelector(selector);
  const json::value* labels = ValueAt(*spec, "template.metadata.labels");
  if (parsed.valid && !parsed.Matches(labels)) {
    errors.push_back(apps::InvalidGo("spec.template.metadata.labels", apps::GoStringMap(labels),
                                     "`selector` does not match template `labels`"));
  }
  int64_t completions = 0;
  if (core::StringField(*spec, "completionMode") == "Indexed" &&
      core::IntField(*spec, "completions", completions) && completions > 0) {
    // Indexed pods are named <job>-<index>, which must stay a DNS label.
    std::string name = StringAt(object, "metadata.name");
    std::string longest = fmt::format("{}-{}", name, completions - 1);
    if (!mini::api::meta::IsDns1123Label(longest).empty()) {
      errors.push_back(Invalid("metadata.name", json::string(name),
                               "will not able to create pod with invalid DNS label: " + longest));
    }
  }
  return errors;
}

// A suspended Job that never started may still move: its scheduling directives can change.
json::value TemplateWithDirectivesOf(const json::value* old_template,
                                     const json::value* new_template) {
  json::value result = old_template != nullptr ? *old_template : json::object();
  if (!result.is_object() || new_template == nullptr || !new_template->is_object()) return result;
  json::object& tmpl = result.get_object();
  const json::object& now = new_template->get_object();
  json::object& metadata = core::EnsureObject(tmpl, "metadata");
  json::object& spec = core::EnsureObject(tmpl, "spec");
  for (const char* key : {"labels", "annotations"}) {
    const json::value* value = ValueAt(now, std::string("metadata.") + key);
    if (value)
      metadata[key] = *value;
    else
      metadata.erase(key);
  }
  for (const char* key : {"nodeSelector", "tolerations", "schedulingGates"}) {
    const json::value* value = ValueAt(now, std::string("spec.") + key);
    if (value)
      spec[key] = *value;
    else
      spec.erase(key);
  }
  const json::value* affinity = ValueAt(now, "spec.affinity");
  if (affinity != nullptr && affinity->is_object()) {
    json::object& old_affinity = core::EnsureObject(spec, "affinity");
    const json::value* node = affinity->get_object().if_contains("nodeAffinity");
    if (node)
      old_affinity["nodeAffinity"] = *node;
    else
      old_affinity.erase("nodeAffinity");
  } else if (json::value* old_affinity = spec.if_contains("affinity");
             old_affinity != nullptr && old_affinity->is_object()) {
    old_affinity->get_object().erase("nodeAffinity");
    if (old_affinity->get_object().empty()) spec.erase("affinity");
  }
  return result;
}

void ValidateSpecUpdate(const json::object& object, const json::object& old, FieldErrors& errors) {
  const json::value* completions = ValueAt(object, "spec.completions");
  const json::value* old_completions = ValueAt(old, "spec.completions");
  if (StringAt(object, "spec.completionMode") != "Indexed") {
    apps::ValidateImmutable(completions, old_completions, "spec.completions", errors);
  } else if (!SemanticEqual(completions, old_completions) && completions != nullptr &&
             !completions->is_null() &&
             !SemanticEqual(completions, ValueAt(object, "spec.parallelism"))) {
    errors.push_back(Invalid("spec.completions", *completions,
                             "can only be modified in tandem with spec.parallelism"));
  }
  const json::value* selector = ValueAt(object, "spec.selector");
  apps::ValidateImmutable(selector, ValueAt(old, "spec.selector"), "spec.selector", errors,
                          apps::GoLabelSelector(selector));
  const json::value* tmpl = ValueAt(object, "spec.template");
  const json::value* old_tmpl = ValueAt(old, "spec.template");
  const json::value* suspend = ValueAt(old, "spec.suspend");
  bool suspended = suspend != nullptr && suspend->is_bool() && suspend->get_bool();
  const json::value* start = ValueAt(old, "status.startTime");
  bool started = start != nullptr && !start->is_null();
  json::value compared = suspended && !started ? TemplateWithDirectivesOf(old_tmpl, tmpl)
                                               : (old_tmpl ? *old_tmpl : json::value());
  apps::ValidateImmutable(tmpl, &compared, "spec.template", errors);
  for (const char* key : {"completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy",
                          "successPolicy"}) {
    std::string path = std::string("spec.") + key;
    apps::ValidateImmutable(ValueAt(object, path), ValueAt(old, path), path, errors);
  }
}

bool HasCondition(const json::object& object, std::string_view type) {
  const json::value* conditions = ValueAt(object, "status.conditions");
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const json::value& item : conditions->get_array()) {
    const json::object* condition = item.if_object();
    if (condition == nullptr || core::StringField(*condition, "type") != type) continue;
    return core::StringField(*condition, "status") == "True";
  }
  return false;
}

std::string Status(const json::object& object) {
  if (HasCondition(object, "Complete")) return "Complete";
  if (HasCondition(object, "Failed")) return "Failed";
  if (ValueAt(object, "metadata.deletionTimestamp") != nullptr) return "Terminating";
  if (HasCondition(object, "Suspended")) return "Suspended";
  if (HasCondition(object, "FailureTarget")) return "FailureTarget";
  return "Running";
}

std::string Completions(const json::object& object) {
  int64_t succeeded = IntAt(object, "status.succeeded");
  int64_t completions = 0;
  const json::object* spec = ObjectAt(object, "spec");
  if (spec != nullptr && core::IntField(*spec, "completions", completions)) {
    return fmt::format("{}/{}", succeeded, completions);
  }
  int64_t parallelism = IntAt(object, "spec.parallelism");
  if (parallelism > 1) return fmt::format("{}/1 of {}", succeeded, parallelism);
  return fmt::format("{}/1", succeeded);
}

std::string Duration(const json::object& object, std::chrono::system_clock::time_point now) {
  auto start = mini::api::meta::ParseRfc3339(StringAt(object, "status.startTime"));
  if (!start.ok()) return "";
  auto end = mini::api::meta::ParseRfc3339(StringAt(object, "status.completionTime"));
  return HumanDuration((end.ok() ? *end : now) - *start);
}

class JobStrategy : public Strategy {
 public:
  // The storage sets metadata.uid before Default runs on create, so the selector can be
  // generated here; upstream does it in PrepareForCreate, which in mini runs before uids exist.
  void Default(json::object& object) const override {
    json::object& spec = core::EnsureObject(object, "spec");
    if (!spec.contains("completions") && !spec.contains("parallelism")) {
      spec["completions"] = 1;
      spec["parallelism"] = 1;
    }
    SetIfAbsent(spec, "parallelism", 1);
    SetIfAbsent(spec, "backoffLimit", spec.contains("backoffLimitPerIndex") ? 2147483647 : 6);
    SetIfAbsent(spec, "completionMode", "NonIndexed");
    SetIfAbsent(spec, "suspend", false);
    DefaultFailurePolicy(spec);
    SetIfAbsent(spec, "podReplacementPolicy",
                core::ObjectField(spec, "podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
    apps::DefaultTemplate(spec);
    if (!ManualSelector(spec)) GenerateSelector(object, spec);
    // The Job is labelled like its pods unless it has labels of its own.
    json::object& metadata = core::EnsureObject(object, "metadata");
    const json::value* labels = ValueAt(spec, "template.metadata.labels");
    const json::object* own = core::ObjectField(metadata, "labels");
    if (labels != nullptr && labels->is_object() && (own == nullptr || own->empty())) {
      metadata["labels"] = *labels;
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    return ValidateJob(object, true);
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    // Jobs created before the prefixed labels existed keep validating without them.
    const json::value* old_labels = ValueAt(old, "spec.template.metadata.labels");
    bool prefixed = old_labels != nullptr && old_labels->is_object() &&
                    old_labels->get_object().contains(kControllerUid);
    FieldErrors errors = ValidateJob(object, prefixed);
    ValidateSpecUpdate(object, old, errors);
    return errors;
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    return {{"status.successful", std::to_string(IntAt(object, "status.succeeded"))}};
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Status", "string", "", "Where the Job stands: Running, Complete, Failed...", 0},
            {"Completions", "string", "", "Pods that succeeded out of those needed.", 0},
            {"Duration", "string", "", "How long the Job ran, or has been running.", 0},
            apps::AgeColumn(),
            apps::ContainersColumn(),
            apps::ImagesColumn(),
            apps::SelectorColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    auto [names, images] = apps::ContainerCells(ObjectAt(object, "spec.template.spec"));
    return {json::string(StringAt(object, "metadata.name")),
            json::string(Status(object)),
            json::string(Completions(object)),
            json::string(Duration(object, now)),
            json::string(Age(object, now)),
            json::string(names),
            json::string(images),
            json::string(apps::FormatSelector(ValueAt(object, "spec.selector")))};
  }

 private:
  static void DefaultFailurePolicy(json::object& spec) {
    json::value* rules = ValueAt(spec, "podFailurePolicy.rules");
    if (rules == nullptr || !rules->is_array()) return;
    for (json::value& rule : rules->get_array()) {
      json::value* patterns =
          rule.is_object() ? rule.get_object().if_contains("onPodConditions") : nullptr;
      if (patterns == nullptr || !patterns->is_array()) continue;
      for (json::value& pattern : patterns->get_array()) {
        if (pattern.is_object()) core::DefaultString(pattern.get_object(), "status", "True");
      }
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> NewJobStrategy() { return std::make_unique<JobStrategy>(); }

}  // namespace mini::cluster::registry::batch
