#include "cluster/registry/batch/job_spec.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>
#include <optional>
#include <set>
#include <vector>

#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod_spec.h"

namespace mini::cluster::registry::batch {
namespace json = boost::json;
using apps::ValidateNonnegativeAt;
using core::Child;
using core::Index;

namespace {

constexpr int64_t kMaxParallelismIndexed = 100000;
constexpr int64_t kMaxFailedIndexes = 100000;
constexpr int64_t kCompletionsSoftLimit = 100000;
constexpr int64_t kParallelismLimitForHighCompletions = 10000;
constexpr int64_t kMaxFailedIndexesForHighCompletions = 10000;
constexpr size_t kMaxPodFailurePolicyRules = 20;
constexpr size_t kMaxExitCodeValues = 255;
constexpr size_t kMaxPodConditionPatterns = 20;
constexpr size_t kMaxManagedByLength = 63;
constexpr size_t kMaxSuccessPolicyRules = 20;
constexpr size_t kMaxSucceededIndexesLength = 64 * 1024;

bool Has(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && !value->is_null();
}

std::optional<int64_t> IntOf(const json::object& object, std::string_view key) {
  int64_t value = 0;
  if (!core::IntField(object, key, value)) return std::nullopt;
  return value;
}

// "1,3-5" as upstream parses completed and succeeded indexes: ascending, below `completions`.
// Returns how many indexes the text names, or the problem.
std::string IndexesError(std::string_view text, int64_t completions, int64_t& total) {
  total = 0;
  if (text.empty()) return "";
  std::optional<int64_t> last;
  while (true) {
    size_t comma = text.find(',');
    std::string_view interval = text.substr(0, comma);
    std::vector<std::string_view> limits;
    for (size_t dash; (dash = interval.find('-')) != std::string_view::npos;) {
      limits.push_back(interval.substr(0, dash));
      interval.remove_prefix(dash + 1);
    }
    limits.push_back(interval);
    if (limits.size() > 2) {
      return fmt::format(
          "the fragment \"{}\" violates the requirement that an index interval can have at "
          "most two parts separated by '-'",
          text.substr(0, comma));
    }
    int64_t bounds[2] = {0, 0};
    for (size_t i = 0; i < limits.size(); ++i) {
      auto [end, ec] =
          std::from_chars(limits[i].data(), limits[i].data() + limits[i].size(), bounds[i]);
      if (ec != std::errc() || end != limits[i].data() + limits[i].size()) {
        return fmt::format("cannot convert string to integer for index: \"{}\"", limits[i]);
      }
      if (bounds[i] >= completions) return fmt::format("too large index: \"{}\"", limits[i]);
    }
    if (limits.size() == 1) bounds[1] = bounds[0];
    if (limits.size() == 2 && bounds[0] >= bounds[1]) {
      return fmt::format("non-increasing order, previous: {}, current: {}", bounds[0], bounds[1]);
    }
    if (last && *last >= bounds[0]) {
      return fmt::format("non-increasing order, previous: {}, current: {}", *last, bounds[0]);
    }
    total += bounds[1] - bounds[0] + 1;
    last = bounds[1];
    if (comma == std::string_view::npos) return "";
    text.remove_prefix(comma + 1);
  }
}

void ValidateCompletionMode(const json::object& spec, const std::string& path,
                            FieldErrors& errors) {
  auto completions = IntOf(spec, "completions");
  auto parallelism = IntOf(spec, "parallelism");
  auto max_failed = IntOf(spec, "maxFailedIndexes");
  bool per_index = Has(spec, "backoffLimitPerIndex");
  std::string mode = core::StringField(spec, "completionMode", "NonIndexed");
  if (Has(spec, "completionMode") && mode != "NonIndexed" && mode != "Indexed") {
    errors.push_back(
        NotSupported(Child(path, "completionMode"), json::string(mode), {"NonIndexed", "Indexed"}));
  }
  if (mode == "Indexed") {
    if (!completions) {
      errors.push_back(Required(Child(path, "completions"), "when completion mode is Indexed"));
    }
    if (parallelism && *parallelism > kMaxParallelismIndexed) {
      errors.push_back(Invalid(Child(path, "parallelism"), *parallelism,
                               fmt::format("must be less than or equal to {} when completion "
                                           "mode is Indexed",
                                           kMaxParallelismIndexed)));
    }
    if (completions && max_failed && *max_failed > *completions) {
      errors.push_back(Invalid(Child(path, "maxFailedIndexes"), *max_failed,
                               "must be less than or equal to completions"));
    }
    if (max_failed && *max_failed > kMaxFailedIndexes) {
      errors.push_back(Invalid(Child(path, "maxFailedIndexes"), *max_failed,
                               fmt::format("must be less than or equal to {}", kMaxFailedIndexes)));
    }
    if (completions && *completions > kCompletionsSoftLimit && per_index) {
      std::string suffix =
          fmt::format("when completions are above {} and used with backoff limit per index",
                      kCompletionsSoftLimit);
      if (!max_failed) {
        errors.push_back(Required(
            Child(path, "maxFailedIndexes"),
            fmt::format("must be specified when completions is above {}", kCompletionsSoftLimit)));
      }
      if (parallelism && *parallelism > kParallelismLimitForHighCompletions) {
        errors.push_back(Invalid(Child(path, "parallelism"), *parallelism,
                                 fmt::format("must be less than or equal to {} {}",
                                             kParallelismLimitForHighCompletions, suffix)));
      }
      if (max_failed && *max_failed > kMaxFailedIndexesForHighCompletions) {
        errors.push_back(Invalid(Child(path, "maxFailedIndexes"), *max_failed,
                                 fmt::format("must be less than or equal to {} {}",
                                             kMaxFailedIndexesForHighCompletions, suffix)));
      }
    }
  } else {
    if (auto limit = IntOf(spec, "backoffLimitPerIndex")) {
      errors.push_back(
          Invalid(Child(path, "backoffLimitPerIndex"), *limit, "requires indexed completion mode"));
    }
    if (max_failed) {
      errors.push_back(Invalid(Child(path, "maxFailedIndexes"), *max_failed,
                               "requires indexed completion mode"));
    }
  }
}

void ValidateExitCodes(const json::object& on_exit, const std::string& path,
                       const std::set<std::string>& containers, FieldErrors& errors) {
  std::string op = core::StringField(on_exit, "operator");
  if (op.empty()) {
    errors.push_back(Required(Child(path, "operator"), "valid values: [\"In\" \"NotIn\"]"));
  } else if (op != "In" && op != "NotIn") {
    errors.push_back(NotSupported(Child(path, "operator"), json::string(op), {"In", "NotIn"}));
  }
  if (const json::value* name = on_exit.if_contains("containerName");
      name != nullptr && name->is_string() && !containers.count(std::string(name->get_string()))) {
    errors.push_back(Invalid(Child(path, "containerName"), *name,
                             "must be one of the container or initContainer names in the pod "
                             "template"));
  }
  const json::value* values_value = on_exit.if_contains("values");
  const json::array* values = core::ArrayField(on_exit, "values");
  std::string values_path = Child(path, "values");
  if (values == nullptr || values->empty()) {
    errors.push_back(apps::InvalidGo(values_path, apps::GoInt32Slice(values_value),
                                     "at least one value is required"));
    return;
  }
  if (values->size() > kMaxExitCodeValues) {
    errors.push_back(TooMany(values_path, values->size(), kMaxExitCodeValues));
  }
  std::set<int64_t> seen;
  bool ordered = true;
  int64_t previous = 0;
  for (size_t j = 0; j < values->size(); ++j) {
    int64_t code = (*values)[j].is_int64() ? (*values)[j].get_int64() : 0;
    if (op == "In" && code == 0) {
      errors.push_back(Invalid(Index(values_path, j), 0, "must not be 0 for the In operator"));
    }
    if (!seen.insert(code).second) errors.push_back(Duplicate(Index(values_path, j), code));
    if (j > 0 && previous > code) ordered = false;
    previous = code;
  }
  if (!ordered) {
    errors.push_back(
        apps::InvalidGo(values_path, apps::GoInt32Slice(values_value), "must be ordered"));
  }
}

void ValidatePodConditions(const json::array& patterns, const std::string& path,
                           FieldErrors& errors) {
  if (patterns.size() > kMaxPodConditionPatterns) {
    errors.push_back(TooMany(path, patterns.size(), kMaxPodConditionPatterns));
  }
  for (size_t j = 0; j < patterns.size(); ++j) {
    const json::object* pattern = patterns[j].if_object();
    if (pattern == nullptr) continue;
    std::string at = Index(path, j);
    core::ValidateQualifiedName(core::StringField(*pattern, "type"), Child(at, "type"), errors);
    std::string status = core::StringField(*pattern, "status");
    if (status.empty()) {
      errors.push_back(
          Required(Child(at, "status"), "valid values: [\"False\" \"True\" \"Unknown\"]"));
    } else if (status != "True" && status != "False" && status != "Unknown") {
      errors.push_back(
          NotSupported(Child(at, "status"), json::string(status), {"False", "True", "Unknown"}));
    }
  }
}

std::set<std::string> ContainerNames(const json::object& spec) {
  std::set<std::string> names;
  const json::object* pod = apps::ValueAt(spec, "template.spec")
                                ? apps::ValueAt(spec, "template.spec")->if_object()
                                : nullptr;
  if (pod == nullptr) return names;
  for (const char* key : {"containers", "initContainers"}) {
    const json::array* list = core::ArrayField(*pod, key);
    if (list == nullptr) continue;
    for (const json::value& item : *list) {
      if (item.is_object()) names.insert(core::StringField(item.get_object(), "name"));
    }
  }
  return names;
}

void ValidatePodFailurePolicy(const json::object& spec, const json::object& policy,
                              const std::string& path, FieldErrors& errors) {
  const json::array* rules = core::ArrayField(policy, "rules");
  std::string rules_path = Child(path, "rules");
  if (rules == nullptr) return;
  if (rules->size() > kMaxPodFailurePolicyRules) {
    errors.push_back(TooMany(rules_path, rules->size(), kMaxPodFailurePolicyRules));
  }
  std::set<std::string> containers = ContainerNames(spec);
  for (size_t i = 0; i < rules->size(); ++i) {
    const json::object* rule = (*rules)[i].if_object();
    if (rule == nullptr) continue;
    std::string at = Index(rules_path, i);
    std::string action = core::StringField(*rule, "action");
    if (action.empty()) {
      errors.push_back(Required(Child(at, "action"),
                                "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]"));
    } else if (action == "FailIndex") {
      if (!Has(spec, "backoffLimitPerIndex")) {
        errors.push_back(Invalid(Child(at, "action"), json::string(action),
                                 "requires the backoffLimitPerIndex to be set"));
      }
    } else if (action != "Count" && action != "FailJob" && action != "Ignore") {
      errors.push_back(NotSupported(Child(at, "action"), json::string(action),
                                    {"Count", "FailIndex", "FailJob", "Ignore"}));
    }
    const json::object* on_exit = core::ObjectField(*rule, "onExitCodes");
    const json::array* on_conditions = core::ArrayField(*rule, "onPodConditions");
    bool has_conditions = on_conditions != nullptr && !on_conditions->empty();
    if (on_exit != nullptr)
      ValidateExitCodes(*on_exit, Child(at, "onExitCodes"), containers, errors);
    if (has_conditions) ValidatePodConditions(*on_conditions, Child(at, "onPodConditions"), errors);
    if (on_exit != nullptr && has_conditions) {
      errors.push_back(apps::InvalidOmitValue(
          at, "specifying both OnExitCodes and OnPodConditions is not supported"));
    }
    if (on_exit == nullptr && !has_conditions) {
      errors.push_back(apps::InvalidOmitValue(
          at, "specifying one of OnExitCodes and OnPodConditions is required"));
    }
  }
}

void ValidateSuccessPolicy(const json::object& spec, const json::object& policy,
                           const std::string& path, FieldErrors& errors) {
  if (core::StringField(spec, "completionMode", "NonIndexed") != "Indexed") {
    errors.push_back(Invalid(path, policy, "requires indexed completion mode"));
    return;
  }
  const json::array* rules = core::ArrayField(policy, "rules");
  std::string rules_path = Child(path, "rules");
  if (rules == nullptr || rules->empty()) {
    errors.push_back(Required(rules_path,
                              "at least one rules must be specified when the successPolicy is "
                              "specified"));
    return;
  }
  if (rules->size() > kMaxSuccessPolicyRules) {
    errors.push_back(TooMany(rules_path, rules->size(), kMaxSuccessPolicyRules));
  }
  int64_t completions = IntOf(spec, "completions").value_or(0);
  for (size_t i = 0; i < rules->size(); ++i) {
    const json::object* rule = (*rules)[i].if_object();
    if (rule == nullptr) continue;
    std::string at = Index(rules_path, i);
    auto count = IntOf(*rule, "succeededCount");
    const json::value* indexes = rule->if_contains("succeededIndexes");
    bool has_indexes = indexes != nullptr && indexes->is_string();
    if (!count && !has_indexes) {
      errors.push_back(
          Required(at, "at least one of succeededCount or succeededIndexes must be specified"));
    }
    int64_t total = 0;
    if (has_indexes) {
      std::string_view text = indexes->get_string();
      if (text.size() > kMaxSucceededIndexesLength) {
        errors.push_back(TooLong(Child(at, "succeededIndexes"), "", kMaxSucceededIndexesLength));
      }
      std::string problem = IndexesError(text, completions, total);
      if (!problem.empty()) {
        errors.push_back(Invalid(Child(at, "succeededIndexes"), *indexes,
                                 "error parsing succeededIndexes: " + problem));
      }
    }
    if (count) {
      std::string count_path = Child(at, "succeededCount");
      core::ValidateNonnegative(*count, count_path, errors);
      if (*count > completions) {
        errors.push_back(Invalid(count_path, *count,
                                 fmt::format("must be less than or equal to {} (the number of "
                                             "specified completions)",
                                             completions)));
      }
      if (has_indexes && *count > total) {
        errors.push_back(Invalid(count_path, *count,
                                 fmt::format("must be less than or equal to {} (the number of "
                                             "indexes in the specified succeededIndexes field)",
                                             total)));
      }
    }
  }
}

void ValidateReplacementPolicy(const json::object& spec, const std::string& path,
                               FieldErrors& errors) {
  if (!Has(spec, "podReplacementPolicy")) return;
  std::string policy = core::StringField(spec, "podReplacementPolicy");
  if (Has(spec, "podFailurePolicy")) {
    if (policy != "Failed") {
      errors.push_back(NotSupported(path, json::string(policy), {"Failed"}));
    }
  } else if (policy != "Failed" && policy != "TerminatingOrFailed") {
    errors.push_back(NotSupported(path, json::string(policy), {"Failed", "TerminatingOrFailed"}));
  }
}

void ValidateRestartPolicy(const json::object& spec, const std::string& path, FieldErrors& errors) {
  const json::value* value = apps::ValueAt(spec, "template.spec.restartPolicy");
  std::string policy =
      value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
  std::string at = Child(path, "template.spec.restartPolicy");
  // Pod defaulting turns a missing restartPolicy into Always, so both read as "not chosen".
  if (policy == "Always" || policy.empty()) {
    errors.push_back(Required(at, "valid values: \"OnFailure\", \"Never\""));
  } else if (policy != "OnFailure" && policy != "Never") {
    errors.push_back(NotSupported(at, json::string(policy), {"OnFailure", "Never"}));
  } else if (Has(spec, "podFailurePolicy") && policy != "Never") {
    errors.push_back(Invalid(at, json::string(policy),
                             "only \"Never\" is supported when podFailurePolicy is specified"));
  }
}

}  // namespace

void ValidateJobSpec(const json::object& spec, const std::string& path, FieldErrors& errors) {
  for (const char* key : {"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                          "ttlSecondsAfterFinished", "backoffLimitPerIndex"}) {
    ValidateNonnegativeAt(spec, key, Child(path, key), errors);
  }
  if (Has(spec, "maxFailedIndexes")) {
    ValidateNonnegativeAt(spec, "maxFailedIndexes", Child(path, "maxFailedIndexes"), errors);
    if (!Has(spec, "backoffLimitPerIndex")) {
      errors.push_back(
          Required(Child(path, "backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
    }
  }
  if (const json::value* managed = spec.if_contains("managedBy");
      managed != nullptr && managed->is_string()) {
    std::string_view text = managed->get_string();
    std::string at = Child(path, "managedBy");
    size_t slash = text.find('/');
    if (text.empty()) {
      errors.push_back(Required(at));
    } else if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) {
      errors.push_back(
          Invalid(at, *managed, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
    } else {
      core::ValidateDns1123Subdomain(text.substr(0, slash), at, errors);
    }
    if (text.size() > kMaxManagedByLength) errors.push_back(TooLong(at, "", kMaxManagedByLength));
  }
  ValidateCompletionMode(spec, path, errors);
  if (const json::object* policy = core::ObjectField(spec, "podFailurePolicy")) {
    ValidatePodFailurePolicy(spec, *policy, Child(path, "podFailurePolicy"), errors);
  }
  if (const json::object* policy = core::ObjectField(spec, "successPolicy")) {
    ValidateSuccessPolicy(spec, *policy, Child(path, "successPolicy"), errors);
  }
  ValidateReplacementPolicy(spec, Child(path, "podReplacementPolicy"), errors);
  static const json::object kEmpty;
  const json::object* tmpl = core::ObjectField(spec, "template");
  core::ValidatePodTemplate(tmpl != nullptr ? *tmpl : kEmpty, Child(path, "template"), errors);
  ValidateRestartPolicy(spec, path, errors);
}

}  // namespace mini::cluster::registry::batch
