#include "cluster/apiserver/rest/codec.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "cluster/api/protobuf/protobuf.h"

namespace mini::cluster::apiserver::rest {
namespace json = boost::json;
namespace {

const api::schema::Schema& Schema() { return api::schema::Builtin(); }

TEST_SUITE("apiserver/codec") {
  TEST_CASE("JSON, YAML and protobuf bodies decode to the same object") {
    json::object want{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", json::object{{"name", "settings"}}},
                      {"data", json::object{{"mode", "fast"}}}};
    CHECK(DecodeBody("application/json", json::serialize(want), Schema()).value() == want);
    CHECK(DecodeBody("application/yaml; charset=utf-8",
                     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"
                     "data:\n  mode: fast\n",
                     Schema())
              .value() == want);
    std::string protobuf = api::protobuf::EncodeKubernetesProtobuf(want, Schema()).value();
    CHECK(DecodeBody("application/vnd.kubernetes.protobuf", protobuf, Schema()).value() == want);
  }

  TEST_CASE("YAML scalars read as Kubernetes reads manifests") {
    json::value value = YamlToJson("a: yes\nb: 'yes'\nc: 10\nd: 1.5\ne: ~\nf: 0x1g\n").value();
    CHECK(value.at("a") == json::value(true));
    CHECK(value.at("b") == json::value("yes"));
    CHECK(value.at("c") == json::value(10));
    CHECK(value.at("d") == json::value(1.5));
    CHECK(value.at("e").is_null());
    CHECK(value.at("f") == json::value("0x1g"));
  }

  TEST_CASE("malformed bodies are 400 BadRequest, unknown media types 415") {
    for (auto [type, body] : {std::pair{"application/json", "{"},
                              std::pair{"application/json", "[1]"},
                              std::pair{"application/yaml", "a: [b"},
                              std::pair{"application/yaml", "- 1\n- 2\n"},
                              std::pair{"application/vnd.kubernetes.protobuf", "k8s"}}) {
      auto decoded = DecodeBody(type, body, Schema());
      INFO(type, " ", body);
      REQUIRE_FALSE(decoded.ok());
      CHECK(decoded.status().reason() == "BadRequest");
    }
    auto xml = DecodeBody("application/xml", "<a/>", Schema());
    REQUIRE_FALSE(xml.ok());
    CHECK(xml.status().reason() == "UnsupportedMediaType");
  }

  TEST_CASE("deeply nested YAML is refused, not a crash") {
    std::string nested = std::string(50'000, '[') + std::string(50'000, ']');
    auto decoded = DecodeBody("application/yaml", "a: " + nested, Schema());
    CHECK_FALSE(decoded.ok());
  }

  TEST_CASE("strings that are not UTF-8 never get in through YAML or protobuf") {
    auto yaml = DecodeBody("application/yaml", "name: \"caf\xe9\"\n", Schema());
    REQUIRE_FALSE(yaml.ok());
    CHECK(yaml.status().reason() == "BadRequest");

    json::object object{{"apiVersion", "v1"},
                        {"kind", "ConfigMap"},
                        {"metadata", json::object{{"name", "x"}}},
                        {"data", json::object{{"k", "\xc0\xaf"}}}};  // an overlong '/'
    std::string body = api::protobuf::EncodeKubernetesProtobuf(object, Schema()).value();
    auto protobuf = DecodeBody("application/vnd.kubernetes.protobuf", body, Schema());
    REQUIRE_FALSE(protobuf.ok());
    CHECK(protobuf.status().message().find("UTF-8") != std::string::npos);

    // Valid multi-byte text of every length passes.
    CHECK(DecodeBody("application/yaml", "name: \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"\n",
                     Schema())
              .ok());
  }

  TEST_CASE("unknown fields are pruned and reported with their paths") {
    const api::schema::Resource* resource = Schema().FindResource("apps", "v1", "deployments");
    REQUIRE(resource != nullptr);
    json::object object = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
        "metadata":{"name":"web","colour":"red"},
        "spec":{"replicaz":2,"template":{"spec":{"containers":[{"name":"c","imag":"x"}]}}}})")
                              .as_object();
    std::vector<std::string> unknown = PruneUnknownFields(object, *resource->type);
    CHECK(unknown == std::vector<std::string>{".metadata.colour", ".spec.replicaz",
                                              ".spec.template.spec.containers[0].imag"});
    CHECK_FALSE(object.at("spec").as_object().contains("replicaz"));
    CHECK(PruneUnknownFields(object, *resource->type).empty());
  }
}

}  // namespace
}  // namespace mini::cluster::apiserver::rest
