#include "cluster/scheduler/plugins/plugins.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "cluster/scheduler/algorithm.h"
#include "cluster/scheduler/plugins/node_selector.h"
#include "cluster/scheduler/plugins/tolerations.h"

namespace mini::cluster::scheduler::plugins {
namespace {

boost::json::object Parse(const std::string& text) { return boost::json::parse(text).as_object(); }

NodeInfo Node(const std::string& extra = "") {
  return MakeNodeInfo(Parse(R"({"metadata":{"name":"n1","labels":{"zone":"a","gen":"5"}},
    "status":{"allocatable":{"cpu":"2","memory":"1Gi","pods":"3"}})" +
                            extra + "}"));
}

PodInfo Pod(const std::string& spec) {
  return MakePodInfo(
      Parse(R"({"metadata":{"name":"p","namespace":"default"},"spec":{)" + spec + "}}"));
}

TEST_SUITE("scheduler plugins") {
  TEST_CASE("tolerations: operator, key and effect") {
    struct Case {
      const char* toleration;
      bool tolerated;
    };
    auto taint = Parse(R"({"key":"k","value":"v","effect":"NoSchedule"})");
    for (const Case& c : {
             Case{R"({"key":"k","operator":"Equal","value":"v"})", true},
             Case{R"({"key":"k","value":"v"})", true},
             Case{R"({"key":"k","value":"w"})", false},
             Case{R"({"key":"k","operator":"Exists"})", true},
             Case{R"({"operator":"Exists"})", true},
             Case{R"({"operator":"Exists","effect":"NoExecute"})", false},
             Case{R"({"key":"other","operator":"Exists"})", false},
             Case{R"({"key":"k","operator":"Exists","effect":"NoSchedule"})", true},
         }) {
      CAPTURE(c.toleration);
      CHECK(Tolerates(Parse(c.toleration), taint) == c.tolerated);
    }
  }

  TEST_CASE("TaintToleration names the first untolerated hard taint") {
    NodeInfo node = Node(R"(,"spec":{"taints":[
      {"key":"soft","effect":"PreferNoSchedule"},
      {"key":"dedicated","value":"gpu","effect":"NoSchedule"},
      {"key":"node.kubernetes.io/not-ready","effect":"NoExecute"}]})");
    TaintToleration filter;
    FilterStatus status = filter.Filter(Pod(R"("containers":[])"), node);
    CHECK(status.code == FilterStatus::Code::kUnschedulableAndUnresolvable);
    CHECK(status.reasons ==
          std::vector<std::string>{"node(s) had untolerated taint {dedicated: gpu}"});
    status = filter.Filter(Pod(R"("tolerations":[{"key":"dedicated","operator":"Exists"}])"), node);
    CHECK(status.reasons == std::vector<std::string>{
                                "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"});
    CHECK(filter.Filter(Pod(R"("tolerations":[{"operator":"Exists"}])"), node).ok());
  }

  TEST_CASE("NodeUnschedulable: cordoned nodes take only pods tolerating it") {
    NodeInfo node = Node(R"(,"spec":{"unschedulable":true})");
    NodeUnschedulable filter;
    CHECK(filter.Filter(Pod(""), node).reasons ==
          std::vector<std::string>{"node(s) were unschedulable"});
    CHECK(filter
              .Filter(Pod(R"("tolerations":[{"key":"node.kubernetes.io/unschedulable",
      "operator":"Exists","effect":"NoSchedule"}])"),
                      node)
              .ok());
    CHECK(filter.Filter(Pod(""), Node()).ok());
  }

  TEST_CASE("node selector requirements") {
    struct Case {
      const char* requirement;
      bool matches;
    };
    auto labels = Parse(R"({"zone":"a","gen":"5","word":"x"})");
    for (const Case& c : {
             Case{R"({"key":"zone","operator":"In","values":["a","b"]})", true},
             Case{R"({"key":"zone","operator":"In","values":["b"]})", false},
             Case{R"({"key":"missing","operator":"In","values":["a"]})", false},
             Case{R"({"key":"zone","operator":"NotIn","values":["b"]})", true},
             Case{R"({"key":"missing","operator":"NotIn","values":["a"]})", true},
             Case{R"({"key":"zone","operator":"Exists"})", true},
             Case{R"({"key":"zone","operator":"DoesNotExist"})", false},
             Case{R"({"key":"missing","operator":"DoesNotExist"})", true},
             Case{R"({"key":"gen","operator":"Gt","values":["4"]})", true},
             Case{R"({"key":"gen","operator":"Gt","values":["5"]})", false},
             Case{R"({"key":"gen","operator":"Lt","values":["10"]})", true},
             Case{R"({"key":"word","operator":"Lt","values":["10"]})", false},
             Case{R"({"key":"missing","operator":"Gt","values":["1"]})", false},
         }) {
      CAPTURE(c.requirement);
      CHECK(RequirementMatches(Parse(c.requirement), labels) == c.matches);
    }
  }

  TEST_CASE("NodeAffinity: nodeSelector and required terms") {
    struct Case {
      std::string spec;
      bool fits;
    };
    // The required node affinity with these nodeSelectorTerms.
    auto terms = [](const std::string& list) {
      return R"("affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":)"
             R"({"nodeSelectorTerms":[)" +
             list + "]}}}";
    };
    const std::string zone_b = R"({"matchExpressions":[{"key":"zone","operator":"In",)"
                               R"("values":["b"]}]})";
    const std::string gen_over_3 = R"({"matchExpressions":[{"key":"gen","operator":"Gt",)"
                                   R"("values":["3"]}]})";
    const std::string named_n1 = R"({"matchFields":[{"key":"metadata.name","operator":"In",)"
                                 R"("values":["n1"]}]})";
    const std::string not_n1 = R"({"matchFields":[{"key":"metadata.name","operator":"NotIn",)"
                               R"("values":["n1"]}]})";
    const std::string not_zone_a = R"({"matchExpressions":[{"key":"zone","operator":"NotIn",)"
                                   R"("values":["a"]}]})";
    NodeAffinity filter;
    for (const Case& c : {
             Case{R"("nodeSelector":{"zone":"a"})", true},
             Case{R"("nodeSelector":{"zone":"b"})", false},
             Case{R"("nodeSelector":{"zone":"a","disk":"ssd"})", false},
             Case{terms(zone_b + "," + gen_over_3), true},  // terms are ORed
             Case{terms(named_n1), true}, Case{terms(not_n1), false},
             Case{terms("{}"), false},  // an empty term matches nothing
             Case{R"("nodeSelector":{"zone":"a"},)" + terms(not_zone_a), false},  // both apply
         }) {
      CAPTURE(c.spec);
      FilterStatus status = filter.Filter(Pod(c.spec), Node());
      CHECK(status.ok() == c.fits);
      if (!c.fits) {
        CHECK(status.reasons ==
              std::vector<std::string>{"node(s) didn't match Pod's node affinity/selector"});
      }
    }
  }

  TEST_CASE("NodeResourcesFit lists every shortfall") {
    NodeResourcesFit filter;
    NodeInfo node = Node();
    AddPod(node, Parse(R"({"spec":{"containers":[{"resources":{"requests":{"cpu":"1500m"}}}]}})"));
    CHECK(filter.Filter(Pod(R"("containers":[{"resources":{"requests":{"cpu":"500m"}}}])"), node)
              .ok());
    FilterStatus status =
        filter.Filter(Pod(R"("containers":[{"resources":{"requests":)"
                          R"({"cpu":"501m","memory":"2Gi","example.com/gpu":"1"}}}])"),
                      node);
    CHECK(status.code == FilterStatus::Code::kUnschedulable);
    CHECK(status.reasons == std::vector<std::string>{"Insufficient cpu", "Insufficient memory",
                                                     "Insufficient example.com/gpu"});
    AddPod(node, Parse(R"({"spec":{}})"));
    AddPod(node, Parse(R"({"spec":{}})"));
    CHECK(filter.Filter(Pod(""), node).reasons == std::vector<std::string>{"Too many pods"});
  }

  TEST_CASE("NodePorts: a hostPort is taken per protocol and overlapping address") {
    NodePorts filter;
    NodeInfo node = Node();
    AddPod(node, Parse(R"({"spec":{"containers":[{"ports":[
      {"containerPort":80,"hostPort":8080},
      {"containerPort":53,"hostPort":5353,"protocol":"UDP","hostIP":"10.0.0.1"}]}]}})"));
    auto wants = [&](const std::string& port) {
      return filter.Filter(Pod(R"("containers":[{"ports":[)" + port + "]}]"), node);
    };
    FilterStatus taken = wants(R"({"containerPort":81,"hostPort":8080})");
    CHECK(taken.code == FilterStatus::Code::kUnschedulable);
    CHECK(taken.reasons ==
          std::vector<std::string>{"node(s) didn't have free ports for the requested pod ports"});
    CHECK_FALSE(wants(R"({"containerPort":80,"hostPort":8080,"hostIP":"10.0.0.2"})").ok());
    CHECK(wants(R"({"containerPort":80,"hostPort":8080,"protocol":"UDP"})").ok());
    CHECK(wants(R"({"containerPort":80,"hostPort":8081})").ok());
    CHECK(wants(R"({"containerPort":80})").ok());  // no hostPort: nothing of the node's
    CHECK_FALSE(wants(R"({"containerPort":1,"hostPort":5353,"protocol":"UDP"})").ok());
    CHECK(wants(R"({"containerPort":1,"hostPort":5353,"protocol":"UDP","hostIP":"10.0.0.2"})")
              .ok());
    CHECK(filter.Filter(Pod(""), node).ok());
  }

  TEST_CASE("NodePorts runs among the default filters") {
    std::vector<FilterPluginPtr> filters = DefaultFilters();
    std::vector<ScorePluginPtr> scorers = DefaultScorers();
    NodeInfo node = Node();
    AddPod(node,
           Parse(R"({"spec":{"containers":[{"ports":[{"containerPort":80,"hostPort":18080}]}]}})"));
    PodInfo second = Pod(R"("containers":[{"ports":[{"containerPort":80,"hostPort":18080}]}])");
    CHECK(Schedule(second, {node}, filters, scorers).message.starts_with(
        "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."));
  }

  TEST_CASE("failure messages as Kubernetes words them") {
    std::vector<FilterPluginPtr> filters = DefaultFilters();
    std::vector<ScorePluginPtr> scorers = DefaultScorers();
    PodInfo big = Pod(R"("containers":[{"resources":{"requests":{"memory":"4Gi"}}}])");
    CHECK(Schedule(big, {}, filters, scorers).message == "no nodes available to schedule pods");
    CHECK(Schedule(big, {Node()}, filters, scorers).message ==
          "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: "
          "1 No preemption victims found for incoming pod.");
    NodeInfo tainted =
        Node(R"(,"spec":{"taints":[{"key":"a","value":"b","effect":"NoSchedule"}]})");
    tainted.name = "n2";
    CHECK(Schedule(big, {Node(), tainted}, filters, scorers).message ==
          "0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {a: b}. "
          "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
          "1 Preemption is not helpful for scheduling.");
    PodInfo never = Pod(R"("preemptionPolicy":"Never","nodeSelector":{"zone":"z"})");
    CHECK(Schedule(never, {Node()}, filters, scorers).message ==
          "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. "
          "preemption: not eligible due to preemptionPolicy=Never.");
  }

  TEST_CASE("the emptiest node wins, ties by name") {
    std::vector<FilterPluginPtr> filters = DefaultFilters();
    std::vector<ScorePluginPtr> scorers = DefaultScorers();
    NodeInfo a = Node();
    a.name = "b-busy";
    AddPod(a, Parse(R"({"spec":{"containers":[{"resources":{"requests":{"cpu":"1"}}}]}})"));
    NodeInfo b = Node();
    b.name = "c-idle";
    NodeInfo c = Node();
    c.name = "d-idle";
    CHECK(Schedule(Pod(""), {a, c, b}, filters, scorers).node == "c-idle");
  }
}

}  // namespace
}  // namespace mini::cluster::scheduler::plugins
