// Writes the seed corpus of request_decoders_fuzz into a directory: for every built-in kind a
// body with every field set and an empty one, as protobuf and as JSON text (which is YAML too),
// the same messages in the fuzzer's "type index + message" form, and a YAML manifest.
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cluster/api/protobuf/protobuf.h"
#include "cluster/api/schema/schema.h"
#include "test/cluster/api/protobuf/sample.h"

namespace {

namespace json = boost::json;
namespace protobuf = mini::cluster::api::protobuf;
namespace schema = mini::cluster::api::schema;

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus directory, which must exist>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const schema::Schema& builtin = schema::Builtin();
  int written = 0;
  for (const schema::Resource& resource : builtin.resources()) {
    for (bool full : {true, false}) {
      json::object object{{"apiVersion", resource.ApiVersion()}, {"kind", resource.kind}};
      if (full) {
        for (const auto& member : mini::cluster::api::protobuf::testing::Sample(*resource.type)) {
          object.insert_or_assign(member.key(), member.value());
        }
      }
      auto body = protobuf::EncodeKubernetesProtobuf(object, builtin);
      if (!body.ok()) {
        std::fprintf(stderr, "%s: %s\n", resource.kind.c_str(), body.status().ToString().c_str());
        return 1;
      }
      const std::string name = resource.plural + (full ? "-full" : "-empty");
      written += Write(dir + "/body-" + name, *body);
      written += Write(dir + "/json-" + name, json::serialize(object));
    }
  }
  written += Write(dir + "/yaml-deployment", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}, annotations: {note: "yes"}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
        env: [{name: A, value: '1'}, {name: B, value: no}]
        resources: {limits: {cpu: 500m, memory: 64Mi}}
---
kind: Ignored
)");
  const std::vector<const schema::Type*> types = builtin.types();
  for (size_t i = 0; i < types.size(); ++i) {
    auto message = protobuf::EncodeMessage(mini::cluster::api::protobuf::testing::Sample(*types[i]),
                                           *types[i]);
    if (!message.ok()) continue;
    std::string input{static_cast<char>(i >> 8), static_cast<char>(i & 0xff)};
    std::string package = types[i]->package;
    package[package.find('/')] = '-';
    written += Write(dir + "/message-" + package + "-" + types[i]->name, input + *message);
  }
  std::printf("wrote %d seeds to %s\n", written, dir.c_str());
  return 0;
}
