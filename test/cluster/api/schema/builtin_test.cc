// Checks the compiled-in schema against facts of Kubernetes' API that the rest of the server
// relies on; a slip in data/*.yaml shows up here rather than as a kubectl failure.
#include <doctest/doctest.h>

#include <set>

#include "cluster/api/schema/schema.h"

namespace mini::cluster::api::schema {
namespace {

TEST_SUITE("api/schema/builtin") {
  TEST_CASE("the builtin schema serves the kinds the API server promises") {
    const Schema& schema = Builtin();
    for (auto [group, plural] : std::vector<std::pair<std::string, std::string>>{
             {"", "pods"},
             {"", "services"},
             {"", "namespaces"},
             {"", "configmaps"},
             {"", "secrets"},
             {"", "serviceaccounts"},
             {"", "nodes"},
             {"", "events"},
             {"apps", "deployments"},
             {"apps", "statefulsets"},
             {"batch", "cronjobs"},
             {"networking.k8s.io", "ingresses"},
             {"rbac.authorization.k8s.io", "roles"},
             {"coordination.k8s.io", "leases"},
             {"discovery.k8s.io", "endpointslices"},
             {"policy", "poddisruptionbudgets"},
             {"autoscaling", "horizontalpodautoscalers"},
             {"authorization.k8s.io", "selfsubjectaccessreviews"}}) {
      CAPTURE(plural);
      const std::string version = plural == "horizontalpodautoscalers" ? "v2" : "v1";
      CHECK(schema.FindResource(group, version, plural) != nullptr);
    }
    CHECK(schema.resources().front().group.empty());  // the core group comes first
  }

  TEST_CASE("protobuf numbers are unique within every type") {
    for (const Type* type : Builtin().types()) {
      std::set<int> numbers;
      std::set<std::string> names;
      for (const Field& field : type->fields) {
        CAPTURE(type->name);
        CAPTURE(field.name);
        CHECK(field.proto > 0);
        CHECK(numbers.insert(field.proto).second);
        CHECK(names.insert(field.name).second);
      }
    }
  }

  TEST_CASE("containers merge by name and keep Kubernetes' protobuf numbers") {
    const Type* pod_spec = Builtin().FindType("core/v1", "PodSpec");
    REQUIRE(pod_spec != nullptr);
    const Field* containers = pod_spec->FindField("containers");
    REQUIRE(containers != nullptr);
    CHECK(containers->proto == 2);
    CHECK(containers->required);
    CHECK(containers->patch_merge);
    CHECK(containers->patch_merge_key == "name");
    CHECK(containers->list_keys == std::vector<std::string>{"name"});
    REQUIRE(containers->object != nullptr);
    CHECK(containers->object->name == "Container");
    CHECK(containers->object->FindField("image")->proto == 2);
  }

  TEST_CASE("inlined volume sources are visible from Volume") {
    const Type* volume = Builtin().FindType("core/v1", "Volume");
    REQUIRE(volume != nullptr);
    const Field* config_map = volume->FindField("configMap");
    REQUIRE(config_map != nullptr);
    CHECK(config_map->object->name == "ConfigMapVolumeSource");
  }

  TEST_CASE("scale subresources answer with autoscaling v1 Scale") {
    const Resource* deployments = Builtin().FindResource("apps", "v1", "deployments");
    REQUIRE(deployments != nullptr);
    const Subresource* scale = deployments->FindSubresource("scale");
    REQUIRE(scale != nullptr);
    CHECK(scale->group == "autoscaling");
    CHECK(scale->version == "v1");
    CHECK(scale->type->name == "Scale");
    CHECK(deployments->short_names == std::vector<std::string>{"deploy"});
  }
}

}  // namespace
}  // namespace mini::cluster::api::schema
