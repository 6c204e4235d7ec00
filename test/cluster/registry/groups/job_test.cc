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

// The storage has set the uid by the time the strategy defaults a new Job.
constexpr const char* kJob = R"({
  "apiVersion": "batch/v1", "kind": "Job",
  "metadata": {"name": "pi", "namespace": "default", "uid": "8b2c7e3a-1111-2222-3333-444455556666",
               "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {"template": {"spec": {"restartPolicy": "Never",
                                 "containers": [{"name": "pi", "image": "perl:5.34"}]}}}})";

constexpr const char* kUid = "8b2c7e3a-1111-2222-3333-444455556666";

TEST_CASE("a minimal Job gets a real cluster's defaults, selector and labels") {
  auto strategy = StrategyFor("batch", "jobs", true);
  json::object object = Json(kJob);
  CHECK(Lines(Create(*strategy, object)).empty());
  const json::object& spec = object["spec"].as_object();
  CHECK(spec.at("parallelism") == 1);
  CHECK(spec.at("completions") == 1);
  CHECK(spec.at("backoffLimit") == 6);
  CHECK(spec.at("completionMode") == "NonIndexed");
  CHECK(spec.at("suspend") == false);
  CHECK(spec.at("podReplacementPolicy") == "TerminatingOrFailed");
  CHECK_FALSE(spec.contains("manualSelector"));
  CHECK(spec.at("selector") ==
        json::object{{"matchLabels", json::object{{"batch.kubernetes.io/controller-uid", kUid}}}});
  json::object labels = {{"batch.kubernetes.io/controller-uid", kUid},
                         {"batch.kubernetes.io/job-name", "pi"},
                         {"controller-uid", kUid},
                         {"job-name", "pi"}};
  CHECK(spec.at("template").at("metadata").at("labels") == labels);
  CHECK(object.at("metadata").at("labels") == labels);
}

TEST_CASE("Job defaults follow completions, parallelism and failure policies") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  object["spec"].as_object()["parallelism"] = 3;
  strategy->Default(object);
  CHECK_FALSE(object["spec"].as_object().contains("completions"));
  CHECK(object["spec"].at("parallelism") == 3);

  object = Json(kJob);
  object["spec"].as_object()["completions"] = 5;
  object["spec"].as_object()["completionMode"] = "Indexed";
  object["spec"].as_object()["backoffLimitPerIndex"] = 1;
  object["spec"].as_object()["podFailurePolicy"] = json::parse(
      R"({"rules":[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget"}]}]})");
  strategy->Default(object);
  const json::object& spec = object["spec"].as_object();
  CHECK(spec.at("parallelism") == 1);
  CHECK(spec.at("backoffLimit") == 2147483647);
  CHECK(spec.at("podReplacementPolicy") == "Failed");
  CHECK(spec.at("podFailurePolicy").at("rules").at(0).at("onPodConditions").at(0).at("status") ==
        "True");
}

TEST_CASE("a Job keeps its own labels and a manual selector") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  object["metadata"].as_object()["labels"] = json::parse(R"({"team":"a"})");
  object["spec"].as_object()["manualSelector"] = true;
  object["spec"].as_object()["selector"] = json::parse(R"({"matchLabels":{"app":"pi"}})");
  object["spec"].as_object()["template"].as_object()["metadata"] =
      json::parse(R"({"labels":{"app":"pi"}})");
  CHECK(Lines(Create(*strategy, object)).empty());
  CHECK(object.at("metadata").at("labels") == json::parse(R"({"team":"a"})"));
  CHECK(object.at("spec").at("template").at("metadata").at("labels") ==
        json::parse(R"({"app":"pi"})"));
}

TEST_CASE("a Job's restartPolicy must be OnFailure or Never") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  object["spec"].as_object()["template"].as_object()["spec"].as_object().erase("restartPolicy");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{R"(spec.template.spec.restartPolicy: Required value: valid )"
                                 R"(values: "OnFailure", "Never")"});
  object = Json(kJob);
  object["spec"].as_object()["podFailurePolicy"] = json::parse(
      R"({"rules":[{"action":"FailJob","onExitCodes":{"operator":"In","values":[42]}}]})");
  object["spec"].as_object()["template"].as_object()["spec"].as_object()["restartPolicy"] =
      "OnFailure";
  CHECK(Has(Create(*strategy, object), R"(spec.template.spec.restartPolicy: Invalid value: )"
                                       R"("OnFailure": only "Never" is supported when )"
                                       R"(podFailurePolicy is specified)"));
}

TEST_CASE("Job counts and completion modes are checked as upstream") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  json::object& spec = object["spec"].as_object();
  spec["parallelism"] = -1;
  spec["backoffLimit"] = -1;
  spec["activeDeadlineSeconds"] = -5;
  spec["maxFailedIndexes"] = 2;
  spec["completionMode"] = "Sometimes";
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, "spec.parallelism: Invalid value: -1: must be greater than or equal to 0"));
  CHECK(Has(errors, "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"));
  CHECK(Has(errors,
            "spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0"));
  CHECK(
      Has(errors, "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified"));
  CHECK(Has(errors, R"(spec.completionMode: Unsupported value: "Sometimes": supported values: )"
                    R"("NonIndexed", "Indexed")"));
  CHECK(Has(errors, "spec.maxFailedIndexes: Invalid value: 2: requires indexed completion mode"));

  object = Json(kJob);
  object["spec"].as_object()["completionMode"] = "Indexed";
  object["spec"].as_object()["parallelism"] = 2;
  CHECK(Has(Create(*strategy, object),
            "spec.completions: Required value: when completion mode is Indexed"));
}

TEST_CASE("Indexed Job names must leave room for the pods' index suffix") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  std::string name(62, 'a');
  object["metadata"].as_object()["name"] = name;
  object["spec"].as_object()["completionMode"] = "Indexed";
  object["spec"].as_object()["completions"] = 10;
  CHECK(Has(Create(*strategy, object),
            "metadata.name: Invalid value: \"" + name +
                "\": will not able to create pod with invalid DNS label: " + name + "-9"));
}

TEST_CASE("Job pod failure policies are checked as upstream") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  object["spec"].as_object()["podFailurePolicy"] = json::parse(R"({"rules":[
      {"action":"Panic","onExitCodes":{"operator":"In","values":[3,0,3],"containerName":"x"}},
      {"action":"Ignore"},
      {"action":"Count","onExitCodes":{"operator":"NotIn","values":[1]},
       "onPodConditions":[{"type":"DisruptionTarget","status":"Maybe"}]}]})");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, R"(spec.podFailurePolicy.rules[0].action: Unsupported value: "Panic": )"
                    R"(supported values: "Count", "FailIndex", "FailJob", "Ignore")"));
  CHECK(Has(errors, R"(spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: )"
                    R"("x": must be one of the container or initContainer names in the pod )"
                    R"(template)"));
  CHECK(Has(errors,
            "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: "
            "must not be 0 for the In operator"));
  CHECK(Has(errors, "spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3"));
  CHECK(Has(errors,
            "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: "
            "[]int32{3, 0, 3}: must be ordered"));
  CHECK(Has(errors,
            "spec.podFailurePolicy.rules[1]: Invalid value: specifying one of "
            "OnExitCodes and OnPodConditions is required"));
  CHECK(Has(errors, R"(spec.podFailurePolicy.rules[2].onPodConditions[0].status: Unsupported )"
                    R"(value: "Maybe": supported values: "False", "True", "Unknown")"));
  CHECK(Has(errors,
            "spec.podFailurePolicy.rules[2]: Invalid value: specifying both OnExitCodes "
            "and OnPodConditions is not supported"));
}

TEST_CASE("generated Job selectors and labels may not be tampered with") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  object["spec"].as_object()["template"].as_object()["metadata"] =
      json::parse(R"({"labels":{"job-name":"other"}})");
  FieldErrors errors = Create(*strategy, object);
  CHECK(Has(errors, std::string(R"(spec.template.metadata.labels[job-name]: Invalid value: )"
                                R"(map[string]string{"batch.kubernetes.io/controller-uid":")") +
                        kUid + R"(", "batch.kubernetes.io/job-name":"pi", "controller-uid":")" +
                        kUid + R"(", "job-name":"other"}: must be 'pi')"));

  object = Json(kJob);
  object["spec"].as_object()["selector"] = json::parse(R"({"matchLabels":{"app":"pi"}})");
  object["spec"].as_object()["template"].as_object()["metadata"] =
      json::parse(R"({"labels":{"app":"pi"}})");
  CHECK(Lines(Create(*strategy, object)) ==
        std::vector<std::string>{
            R"(spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string)"
            R"({"app":"pi", "batch.kubernetes.io/controller-uid":")" +
            std::string(kUid) +
            R"("}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not )"
            R"(auto-generated)"});

  object = Json(kJob);
  object["metadata"].as_object().erase("uid");
  CHECK(Has(Create(*strategy, object), "metadata.uid: Required value"));
}

TEST_CASE("a running Job's template, selector and completions may not change") {
  auto strategy = StrategyFor("batch", "jobs", true);
  json::object old = Json(kJob);
  Create(*strategy, old);
  old["status"] = json::parse(R"({"startTime":"2024-05-01T10:00:01Z","active":1})");

  json::object resumed = old;
  resumed["spec"].as_object()["parallelism"] = 2;
  resumed["spec"].as_object()["suspend"] = true;
  CHECK(Lines(testing::Update(*strategy, resumed, old)).empty());

  json::object changed = old;
  changed["spec"].as_object()["template"].as_object()["spec"].as_object()["containers"] =
      json::parse(R"([{"name":"pi","image":"perl:5.36"}])");
  changed["spec"].as_object()["completions"] = 2;
  changed["spec"].as_object()["completionMode"] = "Indexed";
  FieldErrors errors = testing::Update(*strategy, changed, old);
  std::vector<std::string> fields;
  for (const FieldError& error : errors) {
    if (error.detail == "field is immutable") fields.push_back(error.field);
  }
  CHECK(fields == std::vector<std::string>{"spec.template", "spec.completionMode"});
  CHECK(Has(errors,
            "spec.completions: Invalid value: 2: can only be modified in tandem with "
            "spec.parallelism"));
}

TEST_CASE("a suspended Job that never started may change its scheduling directives") {
  auto strategy = StrategyFor("batch", "jobs", true);
  json::object old = Json(kJob);
  old["spec"].as_object()["suspend"] = true;
  Create(*strategy, old);
  json::object moved = old;
  json::object& pod = moved["spec"].as_object()["template"].as_object()["spec"].as_object();
  pod["nodeSelector"] = json::parse(R"({"zone":"b"})");
  CHECK(Lines(testing::Update(*strategy, moved, old)).empty());
  pod["containers"] = json::parse(R"([{"name":"pi","image":"perl:5.36"}])");
  CHECK(Lines(testing::Update(*strategy, moved, old)).size() == 1);
}

TEST_CASE("Jobs select on status.successful") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  object["status"] = json::parse(R"({"succeeded":1})");
  CHECK(strategy->SelectableFields(object) ==
        std::map<std::string, std::string>{{"status.successful", "1"}});
}

TEST_CASE("kubectl get jobs: STATUS, COMPLETIONS, DURATION and the wide columns") {
  auto strategy = StrategyFor("batch", "jobs");
  json::object object = Json(kJob);
  strategy->Default(object);
  auto now = testing::Time("2024-05-01T10:02:00Z");
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Status", "Completions", "Duration", "Age",
                                          "Containers", "Images", "Selector"});
  json::array cells = strategy->Cells(object, now);
  CHECK(cells == json::array{"pi", "Running", "0/1", "", "2m", "pi", "perl:5.34",
                             std::string("batch.kubernetes.io/controller-uid=") + kUid});

  object["status"] = json::parse(R"({"startTime":"2024-05-01T10:00:01Z",
      "completionTime":"2024-05-01T10:00:41Z","succeeded":1,
      "conditions":[{"type":"SuccessCriteriaMet","status":"True"},
                    {"type":"Complete","status":"True"}]})");
  cells = strategy->Cells(object, now);
  CHECK(cells[1] == "Complete");
  CHECK(cells[2] == "1/1");
  CHECK(cells[3] == "40s");

  object["status"] = json::parse(R"({"startTime":"2024-05-01T10:00:00Z",
      "conditions":[{"type":"Suspended","status":"True"}]})");
  object["spec"].as_object().erase("completions");
  object["spec"].as_object()["parallelism"] = 3;
  cells = strategy->Cells(object, now);
  CHECK(cells[1] == "Suspended");
  CHECK(cells[2] == "0/1 of 3");
  CHECK(cells[3] == "2m");

  object["status"] = json::parse(R"({"conditions":[{"type":"Failed","status":"True"}]})");
  CHECK(strategy->Cells(object, now)[1] == "Failed");
}

}  // namespace
}  // namespace mini::cluster::registry
