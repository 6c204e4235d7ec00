#include "cluster/registry/core/pod_spec.h"

#include <doctest/doctest.h>

#include "test/cluster/registry/core/test_util.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;
using testing::Describe;
using testing::HasError;
using testing::Parse;

namespace {

FieldErrors Validate(json::object spec) {
  DefaultPodSpec(spec);
  FieldErrors errors;
  ValidatePodSpec(spec, "spec", errors);
  return errors;
}

}  // namespace

TEST_SUITE("registry/core/pod_spec") {
  TEST_CASE("a minimal pod spec gets the defaults of a real cluster") {
    json::object spec = Parse(R"({"containers":[{"name":"web","image":"nginx"}]})");
    DefaultPodSpec(spec);
    CHECK(spec["restartPolicy"] == "Always");
    CHECK(spec["dnsPolicy"] == "ClusterFirst");
    CHECK(spec["schedulerName"] == "default-scheduler");
    CHECK(spec["terminationGracePeriodSeconds"] == 30);
    CHECK(spec["securityContext"] == json::object());
    const json::object& container = spec["containers"].as_array()[0].as_object();
    CHECK(container.at("imagePullPolicy") == "Always");
    CHECK(container.at("terminationMessagePath") == "/dev/termination-log");
    CHECK(container.at("terminationMessagePolicy") == "File");
    CHECK(container.at("resources") == json::object());
    CHECK_FALSE(spec.contains("enableServiceLinks"));

    json::object again = spec;
    DefaultPodSpec(again);
    CHECK(again == spec);
  }

  TEST_CASE("imagePullPolicy follows the image tag") {
    auto policy = [](const char* image) {
      json::object spec = Parse(R"({"containers":[{"name":"a"}]})");
      spec["containers"].as_array()[0].as_object()["image"] = image;
      DefaultPodSpec(spec);
      return std::string(
          spec["containers"].as_array()[0].as_object()["imagePullPolicy"].as_string());
    };
    CHECK(policy("nginx") == "Always");
    CHECK(policy("nginx:latest") == "Always");
    CHECK(policy("nginx:1.27") == "IfNotPresent");
    CHECK(policy("localhost:5000/app") == "Always");
    CHECK(policy("localhost:5000/app:v1") == "IfNotPresent");
    CHECK(policy("nginx@sha256:0123456789abcdef") == "IfNotPresent");
  }

  TEST_CASE("ports, probes, env and volumes get their defaults") {
    json::object spec = Parse(R"({"containers":[{"name":"a","image":"busybox:1",
        "ports":[{"containerPort":80}],
        "livenessProbe":{"httpGet":{"port":80}},
        "env":[{"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}],
      "volumes":[{"name":"s","secret":{"secretName":"x"}},{"name":"c","configMap":{"name":"y"}},
                 {"name":"e"}]})");
    DefaultPodSpec(spec);
    const json::object& container = spec["containers"].as_array()[0].as_object();
    CHECK(container.at("ports").as_array()[0].at("protocol") == "TCP");
    const json::object& probe = container.at("livenessProbe").as_object();
    CHECK(probe.at("timeoutSeconds") == 1);
    CHECK(probe.at("periodSeconds") == 10);
    CHECK(probe.at("successThreshold") == 1);
    CHECK(probe.at("failureThreshold") == 3);
    CHECK(probe.at("httpGet").at("scheme") == "HTTP");
    CHECK(probe.at("httpGet").at("path") == "/");
    CHECK(container.at("env").as_array()[0].at("valueFrom").at("fieldRef").at("apiVersion") ==
          "v1");
    const json::array& volumes = spec["volumes"].as_array();
    CHECK(volumes[0].at("secret").at("defaultMode") == 420);
    CHECK(volumes[1].at("configMap").at("defaultMode") == 420);
    CHECK(volumes[2].at("emptyDir") == json::object());
    CHECK(Validate(spec).empty());
  }

  TEST_CASE("containers are required") {
    FieldErrors errors = Validate(Parse(R"({"containers":[]})"));
    CHECK_MESSAGE(HasError(errors, "spec.containers: Required value"), Describe(errors));
  }

  TEST_CASE("container names are unique DNS labels and images are required") {
    FieldErrors errors = Validate(Parse(R"({"containers":[
        {"name":"web","image":"nginx"},{"name":"web","image":"nginx"},
        {"name":"Bad_Name","image":"x"},{"name":"noimage"}]})"));
    INFO(Describe(errors));
    CHECK(HasError(errors, "spec.containers[1].name: Duplicate value: \"web\""));
    CHECK(HasError(errors,
                   "spec.containers[2].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 "
                   "label must consist of lower case alphanumeric characters or '-', and must "
                   "start and end with an alphanumeric character (e.g. 'my-name',  or "
                   "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
    CHECK(HasError(errors, "spec.containers[3].image: Required value"));
  }

  TEST_CASE("container ports are checked for range, protocol and unique names") {
    FieldErrors errors = Validate(Parse(R"({"containers":[{"name":"a","image":"x","ports":[
        {"containerPort":70000},{"containerPort":80,"protocol":"HTTP"},
        {"name":"http","containerPort":81},{"name":"http","containerPort":82},
        {"name":"x","containerPort":0}]}]})"));
    INFO(Describe(errors));
    CHECK(HasError(errors,
                   "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must "
                   "be between 1 and 65535, inclusive"));
    CHECK(HasError(errors,
                   "spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": "
                   "supported values: \"SCTP\", \"TCP\", \"UDP\""));
    CHECK(HasError(errors, "spec.containers[0].ports[3].name: Duplicate value: \"http\""));
    CHECK(HasError(errors, "spec.containers[0].ports[4].containerPort: Required value"));
  }

  TEST_CASE("restartPolicy and dnsPolicy are enums") {
    FieldErrors errors = Validate(Parse(R"({"restartPolicy":"Sometimes","dnsPolicy":"Google",
        "containers":[{"name":"a","image":"x"}]})"));
    INFO(Describe(errors));
    CHECK(HasError(errors,
                   "spec.restartPolicy: Unsupported value: \"Sometimes\": supported "
                   "values: \"Always\", \"OnFailure\", \"Never\""));
    CHECK(HasError(errors,
                   "spec.dnsPolicy: Unsupported value: \"Google\": supported values: "
                   "\"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""));
  }

  TEST_CASE("volumes are unique, have one source, and mounts name existing volumes") {
    FieldErrors errors = Validate(Parse(R"({"containers":[{"name":"a","image":"x",
        "volumeMounts":[{"name":"data","mountPath":"/d"},{"name":"missing","mountPath":"/m"},
                        {"name":"data","mountPath":"/d"}]}],
      "volumes":[{"name":"data","emptyDir":{}},{"name":"data","emptyDir":{}},
                 {"name":"two","emptyDir":{},"secret":{"secretName":"s"}}]})"));
    INFO(Describe(errors));
    CHECK(HasError(errors, "spec.volumes[1].name: Duplicate value: \"data\""));
    CHECK(HasError(errors,
                   "spec.volumes[2].secret: Forbidden: may not specify more than 1 "
                   "volume type"));
    CHECK(HasError(errors, "spec.containers[0].volumeMounts[1].name: Not found: \"missing\""));
    CHECK(HasError(errors,
                   "spec.containers[0].volumeMounts[2].mountPath: Invalid value: \"/d\": "
                   "must be unique"));
  }

  TEST_CASE("requests may not exceed limits") {
    FieldErrors errors = Validate(Parse(R"({"containers":[{"name":"a","image":"x",
        "resources":{"requests":{"cpu":"1"},"limits":{"cpu":"500m"}}}]})"));
    CHECK_MESSAGE(HasError(errors,
                           "spec.containers[0].resources.requests: Invalid value: \"1\": "
                           "must be less than or equal to cpu limit of 500m"),
                  Describe(errors));
  }

  TEST_CASE("env vars need a name and exactly one source") {
    FieldErrors errors = Validate(Parse(R"({"containers":[{"name":"a","image":"x","env":[
        {"value":"x"},{"name":"A","valueFrom":{}},
        {"name":"B","value":"v","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
        {"name":"C","valueFrom":{"fieldRef":{"fieldPath":"status.phase"}}}]}]})"));
    INFO(Describe(errors));
    CHECK(HasError(errors, "spec.containers[0].env[0].name: Required value"));
    CHECK(HasError(errors,
                   "spec.containers[0].env[1].valueFrom: Invalid value: \"\": must specify "
                   "one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                   "`secretKeyRef`"));
    CHECK(HasError(errors,
                   "spec.containers[0].env[2].valueFrom: Invalid value: \"\": may not be "
                   "specified when `value` is not empty"));
    CHECK(HasError(errors,
                   "spec.containers[0].env[3].valueFrom.fieldRef.fieldPath: Unsupported "
                   "value: \"status.phase\": supported values: \"metadata.name\", "
                   "\"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", "
                   "\"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", "
                   "\"status.podIP\", \"status.podIPs\""));
  }

  TEST_CASE("probes need exactly one handler and liveness must succeed once") {
    FieldErrors errors = Validate(Parse(R"({"containers":[{"name":"a","image":"x",
        "livenessProbe":{"successThreshold":2,"exec":{"command":["true"]}},
        "readinessProbe":{}}]})"));
    INFO(Describe(errors));
    CHECK(HasError(
        errors, "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"));
    CHECK(HasError(
        errors, "spec.containers[0].readinessProbe: Required value: must specify a handler type"));
  }

  TEST_CASE("init containers share the name space of containers") {
    FieldErrors errors = Validate(Parse(R"({"containers":[{"name":"a","image":"x"}],
        "initContainers":[{"name":"a","image":"x","livenessProbe":{"exec":{"command":["x"]}}}]})"));
    INFO(Describe(errors));
    CHECK(HasError(errors, "spec.initContainers[0].name: Duplicate value: \"a\""));
    CHECK(HasError(errors,
                   "spec.initContainers[0].livenessProbe: Forbidden: may not be set for "
                   "init containers without restartPolicy=Always"));
  }

  TEST_CASE("templates refuse ephemeral containers and check their labels") {
    json::object tmpl = Parse(R"({"metadata":{"labels":{"app":"-bad-"}},
        "spec":{"containers":[{"name":"a","image":"x"}],
                "ephemeralContainers":[{"name":"d","image":"busybox"}]}})");
    DefaultPodSpec(tmpl["spec"].as_object());
    FieldErrors errors;
    ValidatePodTemplate(tmpl, "spec.template", errors);
    INFO(Describe(errors));
    CHECK(HasError(errors,
                   "spec.template.spec.ephemeralContainers: Forbidden: ephemeral "
                   "containers not allowed in pod template"));
    CHECK(errors.size() == 2);
  }
}

}  // namespace mini::cluster::registry::core
