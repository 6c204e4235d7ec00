#include <doctest/doctest.h>

#include "test/cluster/registry/groups/helpers.h"

namespace mini::cluster::registry {
namespace {

namespace json = boost::json;
using testing::Create;
using testing::Json;
using testing::Lines;
using testing::StrategyFor;

constexpr const char* kRevision = R"({
  "apiVersion": "apps/v1", "kind": "ControllerRevision",
  "metadata": {"name": "db-7b9d8f", "creationTimestamp": "2024-05-01T10:00:00Z",
               "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db",
                                    "uid": "u1", "controller": true}]},
  "data": {"spec": {"template": {}}}, "revision": 2})";

TEST_CASE("a ControllerRevision needs data and a non-negative revision") {
  auto strategy = StrategyFor("apps", "controllerrevisions");
  json::object object = Json(kRevision);
  CHECK(Lines(Create(*strategy, object)).empty());
  object.erase("data");
  object["revision"] = -1;
  CHECK(
      Lines(Create(*strategy, object)) ==
      std::vector<std::string>{"data: Required value: data is mandatory",
                               "revision: Invalid value: -1: must be greater than or equal to 0"});
}

TEST_CASE("a ControllerRevision's data may never change") {
  auto strategy = StrategyFor("apps", "controllerrevisions");
  json::object old = Json(kRevision);
  json::object object = Json(kRevision);
  object["revision"] = 3;
  CHECK(Lines(testing::Update(*strategy, object, old)).empty());
  object["data"] = json::parse(R"({"spec":{}})");
  FieldErrors errors = testing::Update(*strategy, object, old);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].ToString() == R"(data: Invalid value: {"spec":{}}: field is immutable)");
}

TEST_CASE("kubectl get controllerrevisions: CONTROLLER and REVISION") {
  auto strategy = StrategyFor("apps", "controllerrevisions");
  json::object object = Json(kRevision);
  std::vector<std::string> names;
  for (const Column& column : strategy->Columns()) names.push_back(column.name);
  CHECK(names == std::vector<std::string>{"Name", "Controller", "Revision", "Age"});
  CHECK(strategy->Cells(object, testing::Time("2024-05-01T10:00:00Z")) ==
        json::array{"db-7b9d8f", "statefulset.apps/db", 2, "0s"});
  object["metadata"].as_object().erase("ownerReferences");
  CHECK(strategy->Cells(object, testing::Time("2024-05-01T10:00:00Z"))[1] == "<none>");
}

}  // namespace
}  // namespace mini::cluster::registry
