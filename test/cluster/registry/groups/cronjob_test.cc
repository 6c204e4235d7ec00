#include <doctest/doctest.h>

#include "test/cluster/registry/groups/helpers.h"

namespace mini::cluster::registry {
namespace {

namespace json = boost::json;
using testing::Create;
using testing::Has;
using testing::Json;
using testing::Lines;
using testing::StrategyFor;

constexpr const char* kCronJob = R"({
  "apiVersion": "batch/v1", "kind": "CronJob",
  "metadata": {"name": "backup", "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"schedule": "*/5 * * * *",
           "jobTemplate": {"spec": {"template": {"spec": {
               "restartPolicy": "OnFailure",
               "containers": [{"name": "backup", "image": "busybox"}]}}}}}})";

TEST_CASE("a minimal CronJob gets a real cluster's defaults and is valid") {
  auto strategy = StrategyFor("batch", "cronjobs", true);
  json::object object = Json(kCronJob);
  CHECK(Lines(Create(*strategy, object)).empty());
  const json::object& spec = object["spec"].as_object();
  CHECK(spec.at("concurrencyPolicy") == "Allow");
  CHECK(spec.at("suspend") == false);
  CHECK(spec.at("successfulJobsHistoryLimit") == 3);
  CHECK(spec.at("failedJobsHistoryLimit") == 1);
  const json::object& job_spec = spec.at("jobTemplate").at("spec").as_object();
  // Job defaults wait for the Job; only the pod template is defaulted.
  CHECK_FALSE(job_spec.contains("backoffLimit"));
  CHECK(job_spec.at("template").at("spec").at("dnsPolicy") == "ClusterFirst");
}

TEST_CASE("a CronJob needs a schedule cron can parse") {
  auto strategy = StrategyFor("batch", "cronjobs");
  json::object object = Json(kCronJob);
  object["spec"].as_object().erase("schedule");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{"spec.schedule: Required value"});
  object = Json(kCronJob);
  object["spec"].as_object()["schedule"] = "every day";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(spec.schedule: Invalid value: "every day": expected exactly )"
                                 R"(5 fields, found 2: [every day])"});
  object = Json(kCronJob);
  object["spec"].as_object()["schedule"] = "CRON_TZ=UTC 0 * * * *";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": )"
                                 R"(cannot use TZ or CRON_TZ in schedule, use timeZone field )"
                                 R"(instead)"});
}

TEST_CASE("a CronJob's time zone must be a known IANA zone") {
  auto strategy = StrategyFor("batch", "cronjobs");
  json::object object = Json(kCronJob);
  object["spec"].as_object()["timeZone"] = "Europe/Berlin";
  CHECK(Lines(Create(*strategy, object)).empty());
  object["spec"].as_object()["timeZone"] = "Mars/Base";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base)"});
  object["spec"].as_object()["timeZone"] = "";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string)"});
  object["spec"].as_object()["timeZone"] = "Local";
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(spec.timeZone: Invalid value: "Local": timeZone must be an )"
                                 R"(explicit time zone as defined in )"
                                 R"(https://www.iana.org/time-zones)"});
}

TEST_CASE("CronJob policies, limits, job template and name length") {
  auto strategy = StrategyFor("batch", "cronjobs");
  json::object object = Json(kCronJob);
  json::object& spec = object["spec"].as_object();
  spec["concurrencyPolicy"] = "Sometimes";
  spec["startingDeadlineSeconds"] = -1;
  spec["failedJobsHistoryLimit"] = -1;
  json::object& job_spec = spec["jobTemplate"].as_object()["spec"].as_object();
  job_spec["selector"] = json::parse(R"({"matchLabels":{"a":"b"}})");
  job_spec["manualSelector"] = true;
  job_spec["template"].as_object()["spec"].as_object()["restartPolicy"] = "Always";
  std::string name(53, 'c');
  object["metadata"].as_object()["name"] = name;
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, R"(spec.concurrencyPolicy: Unsupported value: "Sometimes": supported )"
                    R"(values: "Allow", "Forbid", "Replace")"));
  CHECK(Has(errors,
            "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"));
  CHECK(Has(errors,
            "spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"));
  CHECK(Has(errors, R"(spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{)"
                    R"(MatchLabels:map[string]string{"a":"b"}, )"
                    R"(MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be )"
                    R"(auto-generated)"));
  CHECK(Has(errors, R"(spec.jobTemplate.spec.manualSelector: Unsupported value: true: )"
                    R"(supported values: "nil", "false")"));
  CHECK(Has(errors, R"(spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid )"
                    R"(values: "OnFailure", "Never")"));
  CHECK(Has(errors,
            "metadata.name: Invalid value: \"" + name + "\": must be no more than 52 characters"));
}

TEST_CASE("CronJob updates keep older names and TZ schedules working") {
  auto strategy = StrategyFor("batch", "cronjobs", true);
  json::object old = Json(kCronJob);
  std::string name(60, 'c');
  old["metadata"].as_object()["name"] = name;
  old["spec"].as_object()["schedule"] = "TZ=UTC 0 * * * *";
  strategy->Default(old);
  json::object object = old;
  object["spec"].as_object()["suspend"] = true;
  CHECK(Lines(testing::Update(*strategy, object, old)).empty());
  object["spec"].as_object()["timeZone"] = "UTC";
  CHECK(Lines(testing::Update(*strategy, object, old)) ==
        std::vector<std::string>{R"(spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use )"
                                 R"(both timeZone field and TZ or CRON_TZ in schedule)"});
}

TEST_CASE("kubectl get cronjobs: SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE") {
  auto strategy = StrategyFor("batch", "cronjobs");
  json::object object = Json(kCronJob);
  strategy->Default(object);
  auto now = testing::Time("2024-05-01T11:00:00Z");
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Schedule", "Timezone", "Suspend", "Active",
                                          "Last Schedule", "Age", "Containers", "Images",
                                          "Selector"});
  CHECK(strategy->Cells(object, now) == json::array{"backup", "*/5 * * * *", "<none>", "False", 0,
                                                    "<none>", "60m", "backup", "busybox",
                                                    "<none>"});
  object["spec"].as_object()["timeZone"] = "Etc/UTC";
  object["status"] = json::parse(R"({"active":[{"name":"backup-1"}],
      "lastScheduleTime":"2024-05-01T10:55:00Z"})");
  json::array cells = strategy->Cells(object, now);
  CHECK(cells[2] == "Etc/UTC");
  CHECK(cells[4] == 1);
  CHECK(cells[5] == "5m");
}

}  // namespace
}  // namespace mini::cluster::registry
