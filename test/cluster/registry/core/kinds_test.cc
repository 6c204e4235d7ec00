// The smaller core kinds: namespaces, config maps, secrets, nodes, events, endpoints, volumes,
// quotas, limit ranges, templates and replication controllers.
#include <doctest/doctest.h>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/groups.h"
#include "test/cluster/registry/core/test_util.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;
using testing::Describe;
using testing::HasError;
using testing::Parse;

namespace {

using Clock = std::chrono::system_clock;
const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1700000000));

std::string Ago(std::chrono::seconds seconds) { return mini::api::meta::Rfc3339(kNow - seconds); }

std::unique_ptr<Strategy> For(const std::string& resource, bool has_status = false) {
  std::unique_ptr<Strategy> strategy = NewStrategy(resource, {});
  REQUIRE_MESSAGE(strategy != nullptr, resource);
  strategy->set_has_status(has_status);
  return strategy;
}

json::object Created(Strategy& strategy, std::string_view text) {
  json::object object = Parse(text);
  strategy.PrepareForCreate(object);
  strategy.Default(object);
  return object;
}

std::vector<std::string> Names(const std::vector<Column>& columns) {
  std::vector<std::string> out;
  for (const Column& column : columns) out.push_back(column.name + (column.priority ? "*" : ""));
  return out;
}

}  // namespace

TEST_SUITE("registry/core/kinds") {
  TEST_CASE("every core kind with behaviour has a strategy, the rest the default") {
    for (const char* resource :
         {"pods", "services", "endpoints", "nodes", "namespaces", "configmaps", "secrets",
          "serviceaccounts", "events", "persistentvolumes", "persistentvolumeclaims", "limitranges",
          "resourcequotas", "podtemplates", "replicationcontrollers"}) {
      CAPTURE(resource);
      std::unique_ptr<Strategy> strategy = NewStrategy(resource, {});
      REQUIRE(strategy != nullptr);
      std::vector<Column> columns = strategy->Columns();
      CHECK(strategy->Cells(json::object(), kNow).size() == columns.size());
    }
    CHECK(NewStrategy("bindings", {}) == nullptr);
  }

  TEST_CASE("namespaces get the finalizer, phase and name label") {
    auto strategy = For("namespaces", true);
    json::object ns = Created(*strategy, R"({"metadata":{"name":"team-a","labels":{
        "kubernetes.io/metadata.name":"wrong"}},"status":{"phase":"Terminating"}})");
    CHECK(ns["spec"] == Parse(R"({"finalizers":["kubernetes"]})"));
    CHECK(ns["status"] == Parse(R"({"phase":"Active"})"));
    CHECK(ns["metadata"].at("labels").at("kubernetes.io/metadata.name") == "team-a");
    CHECK_FALSE(strategy->ValidateName("Team_A").empty());
    CHECK_FALSE(strategy->ValidateName("a.b").empty());
    CHECK(strategy->ValidateName("team-a").empty());
    CHECK(strategy->SelectableFields(ns)["status.phase"] == "Active");
    ns["metadata"].as_object()["creationTimestamp"] = Ago(std::chrono::hours(50));
    CHECK(strategy->Cells(ns, kNow) == json::array{"team-a", "Active", "2d2h"});
    CHECK(Names(strategy->Columns()) == std::vector<std::string>{"Name", "Status", "Age"});
  }

  TEST_CASE("config map keys and size are checked, and immutable ones stay put") {
    auto strategy = For("configmaps");
    FieldErrors errors = strategy->Validate(Parse(R"({"data":{"bad key":"x","..":"y","ok":"z"},
        "binaryData":{"ok":"eA=="}})"));
    INFO(Describe(errors));
    CHECK(HasError(errors,
                   "data[bad key]: Invalid value: \"bad key\": a valid config key must "
                   "consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', "
                   " or 'KEY_NAME',  or 'key-name', regex used for validation is "
                   "'[-._a-zA-Z0-9]+')"));
    CHECK(HasError(errors, "data[..]: Invalid value: \"..\": must not be '..'"));
    CHECK(HasError(errors,
                   "data[ok]: Invalid value: \"ok\": duplicate of key present in "
                   "binaryData"));

    json::object big;
    big["data"] = json::object{{"blob", std::string(1024 * 1024 + 1, 'x')}};
    CHECK(HasError(strategy->Validate(big), "[]: Too long: may not be more than 1048576 bytes"));

    json::object old = Parse(R"({"immutable":true,"data":{"a":"1"}})");
    json::object changed = Parse(R"({"immutable":true,"data":{"a":"2"}})");
    CHECK(HasError(strategy->ValidateUpdate(changed, old),
                   "data: Forbidden: field is immutable when `immutable` is set"));
    json::object unlocked = Parse(R"({"immutable":false,"data":{"a":"1"}})");
    CHECK(HasError(strategy->ValidateUpdate(unlocked, old),
                   "immutable: Forbidden: field is immutable when `immutable` is set"));
    CHECK(strategy->Cells(Parse(R"({"metadata":{"name":"c"},"data":{"a":"1"},
        "binaryData":{"b":"eA=="}})"),
                          kNow)[1] == 2);
  }

  TEST_CASE("secrets default to Opaque, fold stringData and need their type's keys") {
    auto strategy = For("secrets");
    json::object secret = Created(*strategy, R"({"metadata":{"name":"s"},
        "stringData":{"password":"hunter2"}})");
    CHECK(secret["type"] == "Opaque");
    CHECK(secret["data"] == Parse(R"({"password":"aHVudGVyMg=="})"));
    CHECK_FALSE(secret.contains("stringData"));
    CHECK(strategy->Validate(secret).empty());
    CHECK(strategy->Cells(secret, kNow)[1] == "Opaque");
    CHECK(strategy->Cells(secret, kNow)[2] == 1);

    FieldErrors errors = strategy->Validate(Parse(R"({"type":"kubernetes.io/tls","data":{}})"));
    INFO(Describe(errors));
    CHECK(HasError(errors, "data[tls.crt]: Required value"));
    CHECK(HasError(errors, "data[tls.key]: Required value"));
    CHECK(HasError(strategy->Validate(Parse(R"({"type":"kubernetes.io/dockerconfigjson"})")),
                   "data[.dockerconfigjson]: Required value"));
    CHECK(strategy
              ->Validate(Parse(R"({"type":"kubernetes.io/dockerconfigjson",
        "data":{".dockerconfigjson":"eyJhdXRocyI6e319"}})"))
              .empty());
    CHECK(HasError(strategy->ValidateUpdate(Parse(R"({"type":"kubernetes.io/tls"})"),
                                            Parse(R"({"type":"Opaque"})")),
                   "type: Invalid value: \"kubernetes.io/tls\": field is immutable"));
    CHECK(strategy->SelectableFields(secret)["type"] == "Opaque");
  }

  TEST_CASE("nodes keep the status they register with and print it") {
    auto strategy = For("nodes", true);
    json::object node = Created(*strategy, R"js({"metadata":{"name":"mini","labels":{
        "node-role.kubernetes.io/control-plane":"","kubernetes.io/hostname":"mini"}},
      "spec":{"unschedulable":true},
      "status":{"capacity":{"cpu":"2"},"conditions":[{"type":"Ready","status":"True"}],
        "addresses":[{"type":"InternalIP","address":"192.168.49.2"}],
        "nodeInfo":{"kubeletVersion":"v1.32.4","osImage":"Debian GNU/Linux 12 (bookworm)"
  }
}
})js");
    CHECK(node["status"].at("allocatable") == Parse(R"({"cpu":"2"})"));
    node["metadata"].as_object()["creationTimestamp"] = Ago(std::chrono::minutes(12));
    json::array row = strategy->Cells(node, kNow);
    CHECK(row == json::array{"mini", "Ready,SchedulingDisabled", "control-plane", "12m", "v1.32.4",
                             "192.168.49.2", "<none>", "Debian GNU/Linux 12 (bookworm)",
                             "<unknown>", "<unknown>"});
    CHECK(strategy->SelectableFields(node)["spec.unschedulable"] == "true");
    json::object not_ready =
        Parse(R"({"status":{"conditions":[{"type":"Ready","status":"False"}]}})");
    CHECK(strategy->Cells(not_ready, kNow)[1] == "NotReady");
    CHECK(strategy->Cells(json::object(), kNow)[1] == "Unknown");
    CHECK(strategy->Cells(json::object(), kNow)[2] == "<none>");
    FieldErrors errors = strategy->Validate(Parse(R"({"spec":{"taints":[
        {"key":"k","effect":"Sometimes"}]}})"));
    CHECK_MESSAGE(HasError(errors,
                           "metadata.taints[0].effect: Unsupported value: \"Sometimes\": "
                           "supported values: \"NoSchedule\", \"PreferNoSchedule\", "
                           "\"NoExecute\""),
                  Describe(errors));
  }

  TEST_CASE("events print like kubectl get events") {
    auto strategy = For("events");
    json::object event =
        Parse(std::string(R"({"metadata":{"name":"web-1.17a","namespace":"default"},
        "involvedObject":{"kind":"Pod","name":"web-1","namespace":"default",
          "fieldPath":"spec.containers{web}"},
        "reason":"Pulled","message":"Successfully pulled image  ","type":"Normal",
        "source":{"component":"kubelet","host":"mini"},"count":4,
        "firstTimestamp":")") +
              Ago(std::chrono::minutes(30)) + R"(","lastTimestamp":")" +
              Ago(std::chrono::seconds(45)) + R"("})");
    CHECK(strategy->Validate(event).empty());
    CHECK(strategy->Cells(event, kNow) ==
          json::array{"45s", "Normal", "Pulled", "pod/web-1", "spec.containers{web}",
                      "kubelet, mini", "Successfully pulled image", "30m", 4, "web-1.17a"});
    std::vector<Column> columns = strategy->Columns();
    CHECK(Names(columns) == std::vector<std::string>{"Last Seen", "Type", "Reason", "Object",
                                                     "Subobject*", "Source*", "Message",
                                                     "First Seen*", "Count*", "Name*"});
    CHECK(columns.back().format == "name");
    auto fields = strategy->SelectableFields(event);
    CHECK(fields["involvedObject.name"] == "web-1");
    CHECK(fields["involvedObject.kind"] == "Pod");
    CHECK(fields["source"] == "kubelet");
    CHECK(fields["reason"] == "Pulled");
    json::object elsewhere = event;
    elsewhere["metadata"].as_object()["namespace"] = "other";
    CHECK(HasError(strategy->Validate(elsewhere),
                   "involvedObject.namespace: Invalid value: \"default\": does not match "
                   "event.namespace"));
  }

  TEST_CASE("endpoints show three addresses and count the rest") {
    auto strategy = For("endpoints");
    json::object endpoints = Created(*strategy, R"({"metadata":{"name":"web"},"subsets":[
        {"addresses":[{"ip":"10.244.0.1"},{"ip":"10.244.0.2"}],"ports":[{"port":80},{"port":443,
          "name":"https"}]}]})");
    CHECK(endpoints["subsets"].as_array()[0].at("ports").as_array()[0].at("protocol") == "TCP");
    CHECK(strategy->Cells(endpoints, kNow)[1] ==
          "10.244.0.1:80,10.244.0.2:80,10.244.0.1:443 + 1 more...");
    CHECK(strategy->Cells(Parse(R"({"metadata":{"name":"e"}})"), kNow)[1] == "<none>");
    FieldErrors errors = strategy->Validate(endpoints);
    CHECK_MESSAGE(HasError(errors, "subsets[0].ports[0].name: Required value"), Describe(errors));
    CHECK(HasError(strategy->Validate(Parse(R"({"subsets":[{}]})")),
                   "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"));
  }

  TEST_CASE("persistent volumes default their policy and phase") {
    auto strategy = For("persistentvolumes", true);
    json::object pv = Created(*strategy, R"({"metadata":{"name":"pv1"},"spec":{
        "capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce","ReadOnlyMany"],
        "hostPath":{"path":"/data"},"storageClassName":"standard",
        "claimRef":{"namespace":"default","name":"data"}}})");
    CHECK(pv["spec"].at("persistentVolumeReclaimPolicy") == "Retain");
    CHECK(pv["spec"].at("volumeMode") == "Filesystem");
    CHECK(pv["status"].at("phase") == "Pending");
    CHECK(strategy->Validate(pv).empty());
    json::array row = strategy->Cells(pv, kNow);
    CHECK(row[1] == "1Gi");
    CHECK(row[2] == "RWO,ROX");
    CHECK(row[3] == "Retain");
    CHECK(row[4] == "Pending");
    CHECK(row[5] == "default/data");
    CHECK(row[6] == "standard");
    CHECK(row[7] == "<unset>");
    CHECK(row[10] == "Filesystem");
    FieldErrors errors = strategy->Validate(Parse(R"({"spec":{"capacity":{"storage":"1Gi"},
        "accessModes":["ReadWriteOnce"]}})"));
    CHECK(HasError(errors, "spec: Required value: must specify a volume type"));
  }

  TEST_CASE("claims need storage and may only grow it once bound") {
    auto strategy = For("persistentvolumeclaims", true);
    json::object pvc = Created(*strategy, R"({"metadata":{"name":"data"},"spec":{
        "accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}})");
    CHECK(pvc["status"] == Parse(R"({"phase":"Pending"})"));
    CHECK(pvc["spec"].at("volumeMode") == "Filesystem");
    CHECK(strategy->Validate(pvc).empty());
    json::array row = strategy->Cells(pvc, kNow);
    CHECK(row[1] == "Pending");
    CHECK(row[2] == "");
    CHECK(row[3] == "");
    CHECK(row[8] == "Filesystem");

    FieldErrors errors = strategy->Validate(Parse(R"({"spec":{}})"));
    CHECK(HasError(errors, "spec.accessModes: Required value: at least 1 access mode is required"));
    CHECK(HasError(errors, "spec.resources[storage]: Required value"));

    json::object bound = pvc;
    bound["status"] = Parse(R"({"phase":"Bound","capacity":{"storage":"1Gi"},
        "accessModes":["ReadWriteOnce"]})");
    bound["spec"].as_object()["volumeName"] = "pv1";
    json::object grown = bound;
    grown["spec"].as_object()["resources"] = Parse(R"({"requests":{"storage":"2Gi"}})");
    CHECK_MESSAGE(strategy->ValidateUpdate(grown, bound).empty(),
                  Describe(strategy->ValidateUpdate(grown, bound)));
    json::object shrunk = bound;
    shrunk["spec"].as_object()["resources"] = Parse(R"({"requests":{"storage":"512Mi"}})");
    CHECK(HasError(strategy->ValidateUpdate(shrunk, bound),
                   "spec.resources.requests.storage: Forbidden: field can not be less than "
                   "status.capacity"));
    json::object modes = bound;
    modes["spec"].as_object()["accessModes"] = json::array{"ReadWriteMany"};
    errors = strategy->ValidateUpdate(modes, bound);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].ToString() ==
          "spec: Forbidden: spec is immutable after creation except "
          "resources.requests and volumeAttributesClassName for bound "
          "claims");
    CHECK(strategy->Cells(bound, kNow)[3] == "1Gi");
    CHECK(strategy->Cells(bound, kNow)[4] == "RWO");
  }

  TEST_CASE("replication controllers default replicas and selector from the template") {
    auto strategy = For("replicationcontrollers", true);
    json::object rc = Created(*strategy, R"({"metadata":{"name":"web"},"spec":{"template":{
        "metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"},
        {"name":"log","image":"busybox"}]}}}})");
    CHECK(rc["spec"].at("replicas") == 1);
    CHECK(rc["spec"].at("selector") == Parse(R"({"app":"web"})"));
    CHECK(rc["metadata"].at("labels") == Parse(R"({"app":"web"})"));
    CHECK(strategy->Validate(rc).empty());
    CHECK(strategy->Cells(rc, kNow) ==
          json::array{"web", 1, 0, 0, "<unknown>", "web,log", "nginx,busybox", "app=web"});
    json::object mismatch = rc;
    mismatch["spec"].as_object()["selector"] = Parse(R"({"app":"other"})");
    CHECK(HasError(strategy->Validate(mismatch),
                   "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":"
                   "\"web\"}: `selector` does not match template `labels`"));
  }

  TEST_CASE("pod templates are defaulted and printed") {
    auto strategy = For("podtemplates");
    json::object tmpl = Created(*strategy, R"({"metadata":{"name":"t"},"template":{
        "metadata":{"labels":{"b":"2","a":"1"}},"spec":{"containers":[{"name":"c","image":"i"}]}}})");
    CHECK(tmpl["template"].at("spec").at("restartPolicy") == "Always");
    CHECK(strategy->Validate(tmpl).empty());
    CHECK(strategy->Cells(tmpl, kNow) == json::array{"t", "c", "i", "a=1,b=2"});
  }

  TEST_CASE("resource quotas print requests and limits from their status") {
    auto strategy = For("resourcequotas", true);
    json::object quota = Parse(R"({"metadata":{"name":"q"},"spec":{"hard":{"pods":"10"}},
        "status":{"hard":{"pods":"10","limits.cpu":"2","requests.memory":"1Gi"},
                  "used":{"pods":"1","requests.memory":"512Mi"}}})");
    CHECK(strategy->Validate(quota).empty());
    CHECK(strategy->Cells(quota, kNow) == json::array{"q", "<unknown>",
                                                      "pods: 1/10, requests.memory: 512Mi/1Gi",
                                                      "limits.cpu: 0/2"});
    FieldErrors errors = strategy->Validate(Parse(R"({"spec":{"hard":{"widgets":"1",
        "pods":"1.5"}}})"));
    INFO(Describe(errors));
    CHECK(HasError(errors,
                   "spec.hard[widgets]: Invalid value: \"widgets\": must be a standard "
                   "resource for quota"));
    CHECK(HasError(errors, "spec.hard[pods]: Invalid value: \"1500m\": must be an integer"));
  }

  TEST_CASE("limit ranges fill container defaults from max and min") {
    auto strategy = For("limitranges");
    json::object range = Created(*strategy, R"({"spec":{"limits":[{"type":"Container",
        "max":{"cpu":"2"},"min":{"memory":"64Mi"}}]}})");
    const json::object& item = range["spec"].at("limits").as_array()[0].as_object();
    CHECK(item.at("default") == Parse(R"({"cpu":"2"})"));
    CHECK(item.at("defaultRequest") == Parse(R"({"cpu":"2","memory":"64Mi"})"));
    CHECK(strategy->Validate(range).empty());
    CHECK(Names(strategy->Columns()) == std::vector<std::string>{"Name", "Created At"});
  }

  TEST_CASE("service accounts count their secrets") {
    auto strategy = For("serviceaccounts");
    json::object account = Parse(std::string(R"({"metadata":{"name":"default",
        "creationTimestamp":")") +
                                 Ago(std::chrono::hours(24 * 400)) + R"("}})");
    CHECK(strategy->Cells(account, kNow) == json::array{"default", 0, "400d"});
  }
}

}  // namespace mini::cluster::registry::core
