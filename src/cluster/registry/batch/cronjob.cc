#include "cluster/registry/batch/cronjob.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/apps/columns.h"
#include "cluster/registry/apps/go_values.h"
#include "cluster/registry/apps/workload.h"
#include "cluster/registry/batch/cron_schedule.h"
#include "cluster/registry/batch/job_spec.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::batch {
namespace json = boost::json;
using apps::SetIfAbsent;
using apps::ValueAt;

namespace {

// Jobs are named <cronjob>-<11-character timestamp> and must fit in 63 characters.
constexpr size_t kMaxNameLength = 63 - 11;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void ValidateSchedule(const json::object& spec, const json::object* old_spec, FieldErrors& errors) {
  std::string schedule = core::StringField(spec, "schedule");
  if (schedule.empty()) {
    errors.push_back(Required("spec.schedule"));
    return;
  }
  std::string problem = CronScheduleError(schedule);
  if (!problem.empty()) errors.push_back(Invalid("spec.schedule", json::string(schedule), problem));
  bool has_tz = schedule.find("TZ") != std::string::npos;
  // Objects stored with a TZ= schedule before the timeZone field existed stay updatable.
  bool allow_tz = old_spec != nullptr &&
                  core::StringField(*old_spec, "schedule").find("TZ") != std::string::npos;
  const json::value* zone = spec.if_contains("timeZone");
  if (allow_tz && has_tz && zone != nullptr && !zone->is_null()) {
    errors.push_back(Invalid("spec.schedule", json::string(schedule),
                             "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
  } else if (!allow_tz && has_tz) {
    errors.push_back(Invalid("spec.schedule", json::string(schedule),
                             "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  }
}

void ValidateTimeZone(const json::value& value, FieldErrors& errors) {
  const std::string path = "spec.timeZone";
  std::string zone = value.is_string() ? std::string(value.get_string()) : "";
  if (zone.empty()) {
    errors.push_back(Invalid(path, json::string(zone), "timeZone must be nil or non-empty string"));
    return;
  }
  if (EqualsIgnoringCase(zone, "Local")) {
    errors.push_back(Invalid(path, json::string(zone),
                             "timeZone must be an explicit time zone as defined in "
                             "https://www.iana.org/time-zones"));
  }
  if (zone == "Local") return;
  std::string problem = TimeZoneError(zone);
  if (!problem.empty()) errors.push_back(Invalid(path, json::string(zone), problem));
}

void ValidateJobTemplate(const json::object& spec, FieldErrors& errors) {
  static const json::object kEmpty;
  const json::value* job_spec_value = ValueAt(spec, "jobTemplate.spec");
  const json::object* job_spec = job_spec_value ? job_spec_value->if_object() : nullptr;
  if (job_spec == nullptr) job_spec = &kEmpty;
  const std::string path = "spec.jobTemplate.spec";
  ValidateJobSpec(*job_spec, path, errors);
  const json::value* selector = job_spec->if_contains("selector");
  if (selector != nullptr && !selector->is_null()) {
    errors.push_back(apps::InvalidGo(path + ".selector", apps::GoLabelSelector(selector),
                                     "`selector` will be auto-generated"));
  }
  if (core::BoolField(*job_spec, "manualSelector")) {
    errors.push_back(NotSupported(path + ".manualSelector", true, {"nil", "false"}));
  }
}

FieldErrors ValidateSpec(const json::object& object, const json::object* old) {
  FieldErrors errors;
  static const json::object kEmpty;
  const json::object* spec = ObjectAt(object, "spec");
  if (spec == nullptr) spec = &kEmpty;
  const json::object* old_spec = old != nullptr ? ObjectAt(*old, "spec") : nullptr;
  ValidateSchedule(*spec, old_spec, errors);
  apps::ValidateNonnegativeAt(*spec, "startingDeadlineSeconds", "spec.startingDeadlineSeconds",
                              errors);
  const json::value* zone = spec->if_contains("timeZone");
  if (zone != nullptr && !zone->is_null() &&
      (old_spec == nullptr || !apps::SemanticEqual(zone, old_spec->if_contains("timeZone")))) {
    ValidateTimeZone(*zone, errors);
  }
  std::string policy = core::StringField(*spec, "concurrencyPolicy");
  if (policy.empty()) {
    errors.push_back(Required("spec.concurrencyPolicy"));
  } else if (policy != "Allow" && policy != "Forbid" && policy != "Replace") {
    errors.push_back(NotSupported("spec.concurrencyPolicy", json::string(policy),
                                  {"Allow", "Forbid", "Replace"}));
  }
  ValidateJobTemplate(*spec, errors);
  apps::ValidateNonnegativeAt(*spec, "successfulJobsHistoryLimit",
                              "spec.successfulJobsHistoryLimit", errors);
  apps::ValidateNonnegativeAt(*spec, "failedJobsHistoryLimit", "spec.failedJobsHistoryLimit",
                              errors);
  return errors;
}

std::string BoolText(const json::value* value) {
  if (value == nullptr || !value->is_bool()) return "<unset>";
  return value->get_bool() ? "True" : "False";
}

std::string LastSchedule(const json::object& object, std::chrono::system_clock::time_point now) {
  const json::value* last = ValueAt(object, "status.lastScheduleTime");
  if (last == nullptr || last->is_null()) return "<none>";
  auto time = mini::api::meta::ParseRfc3339(last->is_string() ? last->get_string() : "");
  return time.ok() ? HumanDuration(now - *time) : "<unknown>";
}

class CronJobStrategy : public Strategy {
 public:
  void Default(json::object& object) const override {
    json::object& spec = core::EnsureObject(object, "spec");
    core::DefaultString(spec, "concurrencyPolicy", "Allow");
    SetIfAbsent(spec, "suspend", false);
    SetIfAbsent(spec, "successfulJobsHistoryLimit", 3);
    SetIfAbsent(spec, "failedJobsHistoryLimit", 1);
    // Only the pod template is defaulted: the Job defaults apply when the Job is created.
    apps::DefaultTemplate(core::EnsureObject(core::EnsureObject(spec, "jobTemplate"), "spec"));
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors = ValidateSpec(object, nullptr);
    std::string name = StringAt(object, "metadata.name");
    if (name.size() > kMaxNameLength) {
      errors.push_back(Invalid("metadata.name", json::string(name),
                               fmt::format("must be no more than {} characters", kMaxNameLength)));
    }
    return errors;
  }

  // Longer names from before the limit stay updatable, as upstream.
  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    return ValidateSpec(object, &old);
  }

  std::vector<Column> Columns() const override {
    return {apps::NameColumn(),
            {"Schedule", "string", "", "When Jobs are started, in cron syntax.", 0},
            {"Timezone", "string", "", "The time zone the schedule is read in.", 0},
            {"Suspend", "boolean", "", "Whether new runs are held back.", 0},
            {"Active", "integer", "", "Jobs of this CronJob that are still running.", 0},
            {"Last Schedule", "string", "", "How long ago a Job was last started.", 0},
            apps::AgeColumn(),
            apps::ContainersColumn(),
            apps::ImagesColumn(),
            apps::SelectorColumn()};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    auto [names, images] =
        apps::ContainerCells(ObjectAt(object, "spec.jobTemplate.spec.template.spec"));
    const json::value* zone = ValueAt(object, "spec.timeZone");
    const json::value* active = ValueAt(object, "status.active");
    int64_t running = active != nullptr && active->is_array()
                          ? static_cast<int64_t>(active->get_array().size())
                          : 0;
    return {json::string(StringAt(object, "metadata.name")),
            json::string(StringAt(object, "spec.schedule")),
            json::string(zone != nullptr && zone->is_string() ? zone->get_string() : "<none>"),
            json::string(BoolText(ValueAt(object, "spec.suspend"))),
            running,
            json::string(LastSchedule(object, now)),
            json::string(Age(object, now)),
            json::string(names),
            json::string(images),
            json::string(apps::FormatSelector(ValueAt(object, "spec.jobTemplate.spec.selector")))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewCronJobStrategy() { return std::make_unique<CronJobStrategy>(); }

}  // namespace mini::cluster::registry::batch
