// Graceful deletion through the generic storage: pods on a node are marked and wait for their
// kubelet, namespaces wait for the namespace controller's finalize, and everything else goes at
// once. Runs the real Registry over the memory datastore.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>

#include "cluster/api/meta/ids.h"
#include "cluster/registry/printing.h"
#include "test/cluster/registry/memory_registry.h"

namespace mini::cluster::registry {
namespace json = boost::json;

namespace {

json::object Json(std::string_view text) { return json::parse(text).as_object(); }

class Cluster : public testing::MemoryRegistry {
 public:
  Storage& Find(const std::string& resource) { return MemoryRegistry::Find("", "v1", resource); }
  Storage& pods() { return Find("pods"); }
  Storage& namespaces() { return Find("namespaces"); }

  /// A pod, bound to a node unless `node` is empty.
  json::object AddPod(const std::string& name, const std::string& node, int grace = 30) {
    json::object pod = Json(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
        "spec":{"containers":[{"name":"c","image":"busybox"}]}})");
    pod["metadata"].as_object()["name"] = name;
    json::object& spec = pod["spec"].as_object();
    spec["terminationGracePeriodSeconds"] = grace;
    if (!node.empty()) spec["nodeName"] = node;
    auto created = pods().Create("default", pod, WriteOptions());
    REQUIRE(created.ok());
    return *created;
  }

  bool Exists(Storage& storage, const std::string& name_space, const std::string& name) {
    return storage.Get(name_space, name).ok();
  }
};

DeleteOptions Grace(int64_t seconds) {
  DeleteOptions options;
  options.grace_period_seconds = seconds;
  return options;
}

// Seconds from now until the object's deletionTimestamp.
int64_t SecondsLeft(const json::object& object) {
  auto at = mini::api::meta::ParseRfc3339(StringAt(object, "metadata.deletionTimestamp"));
  REQUIRE(at.ok());
  return std::chrono::duration_cast<std::chrono::seconds>(*at - std::chrono::system_clock::now())
      .count();
}

}  // namespace

TEST_SUITE("registry/graceful_delete") {
  TEST_CASE("a pod on a node is marked with its grace period and stays until deleted at zero") {
    Cluster cluster;
    cluster.AddPod("web", "node-1");
    auto marked = cluster.pods().Delete("default", "web", DeleteOptions());
    REQUIRE(marked.ok());
    CHECK(IntAt(*marked, "metadata.deletionGracePeriodSeconds") == 30);
    CHECK(SecondsLeft(*marked) >= 28);
    CHECK(SecondsLeft(*marked) <= 30);
    auto stored = cluster.pods().Get("default", "web");
    REQUIRE(stored.ok());
    CHECK(StringAt(*stored, "metadata.deletionTimestamp") ==
          StringAt(*marked, "metadata.deletionTimestamp"));

    // The kubelet keeps writing status while it stops the containers; that deletes nothing.
    auto status = cluster.pods().Update(
        "default", "web",
        [](json::object pod) -> Result<json::object> {
          pod["status"].as_object()["phase"] = "Running";
          pod["metadata"].as_object().erase("resourceVersion");
          return pod;
        },
        true, WriteOptions());
    REQUIRE(status.ok());
    CHECK(cluster.Exists(cluster.pods(), "default", "web"));

    // A second delete without a shorter period changes nothing.
    auto again = cluster.pods().Delete("default", "web", DeleteOptions());
    REQUIRE(again.ok());
    CHECK(StringAt(*again, "metadata.resourceVersion") ==
          StringAt(*status, "metadata.resourceVersion"));

    REQUIRE(cluster.pods().Delete("default", "web", Grace(0)).ok());
    CHECK_FALSE(cluster.Exists(cluster.pods(), "default", "web"));
  }

  TEST_CASE("a shorter grace period replaces a longer one, never the reverse") {
    Cluster cluster;
    cluster.AddPod("web", "node-1", 300);
    REQUIRE(cluster.pods().Delete("default", "web", Grace(120)).ok());
    auto shorter = cluster.pods().Delete("default", "web", Grace(5));
    REQUIRE(shorter.ok());
    CHECK(IntAt(*shorter, "metadata.deletionGracePeriodSeconds") == 5);
    CHECK(SecondsLeft(*shorter) <= 5);
    auto longer = cluster.pods().Delete("default", "web", Grace(60));
    REQUIRE(longer.ok());
    CHECK(IntAt(*longer, "metadata.deletionGracePeriodSeconds") == 5);
  }

  TEST_CASE("pods that never reached a node, or have finished, go at once") {
    Cluster cluster;
    cluster.AddPod("pending", "");
    REQUIRE(cluster.pods().Delete("default", "pending", DeleteOptions()).ok());
    CHECK_FALSE(cluster.Exists(cluster.pods(), "default", "pending"));

    cluster.AddPod("done", "node-1");
    REQUIRE(cluster.pods()
                .Update(
                    "default", "done",
                    [](json::object pod) -> Result<json::object> {
                      pod["status"].as_object()["phase"] = "Succeeded";
                      return pod;
                    },
                    true, WriteOptions())
                .ok());
    REQUIRE(cluster.pods().Delete("default", "done", DeleteOptions()).ok());
    CHECK_FALSE(cluster.Exists(cluster.pods(), "default", "done"));
  }

  TEST_CASE("a uid precondition protects a pod recreated under the same name") {
    Cluster cluster;
    cluster.AddPod("web", "node-1");
    DeleteOptions stale = Grace(0);
    stale.precondition_uid = "00000000-0000-0000-0000-000000000000";
    auto refused = cluster.pods().Delete("default", "web", stale);
    CHECK(refused.status().code() == Code::kConflict);
    CHECK(cluster.Exists(cluster.pods(), "default", "web"));
  }

  TEST_CASE("a dry run shows the mark without storing it") {
    Cluster cluster;
    cluster.AddPod("web", "node-1");
    DeleteOptions dry;
    dry.dry_run = true;
    auto answer = cluster.pods().Delete("default", "web", dry);
    REQUIRE(answer.ok());
    CHECK(IntAt(*answer, "metadata.deletionGracePeriodSeconds") == 30);
    auto stored = cluster.pods().Get("default", "web");
    REQUIRE(stored.ok());
    CHECK(StringAt(*stored, "metadata.deletionTimestamp").empty());
  }

  TEST_CASE("finalizers hold a pod past a zero grace period until they are removed") {
    Cluster cluster;
    cluster.AddPod("held", "node-1");
    REQUIRE(cluster.pods()
                .Update(
                    "default", "held",
                    [](json::object pod) -> Result<json::object> {
                      pod["metadata"].as_object()["finalizers"] = json::array{"example.com/keep"};
                      pod["metadata"].as_object().erase("resourceVersion");
                      return pod;
                    },
                    false, WriteOptions())
                .ok());
    auto marked = cluster.pods().Delete("default", "held", Grace(0));
    REQUIRE(marked.ok());
    CHECK(IntAt(*marked, "metadata.deletionGracePeriodSeconds", -1) == 0);
    CHECK(cluster.Exists(cluster.pods(), "default", "held"));
    REQUIRE(cluster.pods()
                .Update(
                    "default", "held",
                    [](json::object pod) -> Result<json::object> {
                      pod["metadata"].as_object().erase("finalizers");
                      pod["metadata"].as_object().erase("resourceVersion");
                      return pod;
                    },
                    false, WriteOptions())
                .ok());
    CHECK_FALSE(cluster.Exists(cluster.pods(), "default", "held"));
  }

  TEST_CASE("a deleted namespace is Terminating until its finalizer is cleared") {
    Cluster cluster;
    REQUIRE(cluster.namespaces()
                .Create("", Json(R"({"metadata":{"name":"team"}})"), WriteOptions())
                .ok());
    auto marked = cluster.namespaces().Delete("", "team", DeleteOptions());
    REQUIRE(marked.ok());
    CHECK(StringAt(*marked, "status.phase") == "Terminating");
    CHECK_FALSE(StringAt(*marked, "metadata.deletionTimestamp").empty());
    REQUIRE(cluster.Exists(cluster.namespaces(), "", "team"));

    // Nothing new may be created in it meanwhile.
    json::object map = Json(R"({"metadata":{"name":"late"},"data":{"a":"b"}})");
    CHECK(cluster.Find("configmaps").Create("team", map, WriteOptions()).status().code() ==
          Code::kPermissionDenied);

    // What the finalize subresource does once the namespace is empty.
    auto finalized = cluster.namespaces().Update(
        "", "team",
        [](json::object ns) -> Result<json::object> {
          ns["spec"].as_object()["finalizers"] = json::array();
          ns["metadata"].as_object().erase("resourceVersion");
          return ns;
        },
        false, WriteOptions{.server_write = true});
    REQUIRE(finalized.ok());
    CHECK_FALSE(cluster.Exists(cluster.namespaces(), "", "team"));
  }

  TEST_CASE("the namespaces a cluster needs cannot be deleted") {
    Cluster cluster;
    for (const char* name : {"default", "kube-system", "kube-public"}) {
      auto refused = cluster.namespaces().Delete("", name, DeleteOptions());
      CHECK(refused.status().code() == Code::kPermissionDenied);
      CHECK(refused.status().message().find("may not be deleted") != std::string::npos);
    }
    CHECK(cluster.namespaces().Delete("", "kube-node-lease", DeleteOptions()).ok());
  }

  TEST_CASE("kinds without an owner to wait for go at once") {
    Cluster cluster;
    json::object map = Json(R"({"metadata":{"name":"settings"},"data":{"a":"b"}})");
    REQUIRE(cluster.Find("configmaps").Create("default", map, WriteOptions()).ok());
    REQUIRE(cluster.Find("configmaps").Delete("default", "settings", Grace(30)).ok());
    CHECK_FALSE(cluster.Exists(cluster.Find("configmaps"), "default", "settings"));
  }
}

}  // namespace mini::cluster::registry
