// Shared by the patch tests: JSON literals, and a small schema whose lists and maps cover every
// merge rule without depending on the built-in API data.
#pragma once

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "cluster/api/schema/schema.h"
#include "common/json.h"

namespace mini::cluster::api::patch::testing {

inline boost::json::value J(std::string_view text) {
  auto parsed = ParseJson(text, "test JSON");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().message(), " in ", text);
  return *parsed;
}

/// Compact JSON, member order kept: tests compare exact bytes where order matters.
inline std::string S(const boost::json::value& v) { return boost::json::serialize(v); }

inline constexpr char kTestTypes[] = R"(
group: test.mini.dev
version: v1
types:
  App:
    fields:
      metadata: {proto: 1, type: meta/v1.ObjectMeta}
      spec: {proto: 2, type: AppSpec}
      status: {proto: 3, type: AppStatus}
  AppSpec:
    fields:
      replicas: {proto: 1, type: int32, pointer: true}
      containers: {proto: 2, type: "[]Container", required: true, list: map, keys: [name],
        patch: merge, mergeKey: name}
      gates: {proto: 3, type: "[]string", list: set, patch: merge}
      args: {proto: 4, type: "[]string", list: atomic}
      strategy: {proto: 5, type: Strategy, patch: retainKeys}
      volumes: {proto: 6, type: "[]Volume", list: map, keys: [name], patch: "merge,retainKeys",
        mergeKey: name}
      selector: {proto: 7, type: "map[string]string", mapType: atomic}
      settings: {proto: 8, type: "map[string]string"}
      target: {proto: 9, type: Target, pointer: true}
  AppStatus:
    fields:
      ready: {proto: 1, type: int32}
  Container:
    fields:
      name: {proto: 1, type: string, required: true}
      image: {proto: 2, type: string}
      ports: {proto: 3, type: "[]Port", list: map, keys: [containerPort, protocol], patch: merge,
        mergeKey: containerPort}
      env: {proto: 4, type: "[]EnvVar", list: map, keys: [name], patch: merge, mergeKey: name}
      resources: {proto: 5, type: Resources}
  Port:
    fields:
      containerPort: {proto: 1, type: int32, required: true}
      protocol: {proto: 2, type: string, default: "TCP"}
      name: {proto: 3, type: string}
  EnvVar:
    fields:
      name: {proto: 1, type: string, required: true}
      value: {proto: 2, type: string}
  Resources:
    fields:
      limits: {proto: 1, type: "map[string]Quantity"}
  Strategy:
    fields:
      type: {proto: 1, type: string}
      rollingUpdate: {proto: 2, type: RollingUpdate, pointer: true}
  RollingUpdate:
    fields:
      maxSurge: {proto: 1, type: IntOrString, pointer: true}
      maxUnavailable: {proto: 2, type: IntOrString, pointer: true}
  Volume:
    fields:
      name: {proto: 1, type: string, required: true}
      volumeSource: {proto: 2, type: VolumeSource, inline: true}
  VolumeSource:
    fields:
      emptyDir: {proto: 1, type: EmptyDir, pointer: true}
      configMap: {proto: 2, type: ConfigMapSource, pointer: true}
  EmptyDir:
    fields:
      medium: {proto: 1, type: string}
  ConfigMapSource:
    fields:
      name: {proto: 1, type: string}
  Target:
    structType: atomic
    fields:
      host: {proto: 1, type: string}
      port: {proto: 2, type: int32}
)";

inline constexpr char kTestMeta[] = R"(
group: meta.k8s.io
version: v1
types:
  ObjectMeta:
    fields:
      name: {proto: 1, type: string}
      namespace: {proto: 3, type: string}
      uid: {proto: 5, type: string}
      resourceVersion: {proto: 6, type: string}
      generation: {proto: 7, type: int64}
      creationTimestamp: {proto: 8, type: Time}
      labels: {proto: 11, type: "map[string]string"}
      annotations: {proto: 12, type: "map[string]string"}
      finalizers: {proto: 14, type: "[]string", list: set, patch: merge}
      managedFields: {proto: 17, type: "[]ManagedFieldsEntry", list: atomic}
  ManagedFieldsEntry:
    fields:
      manager: {proto: 1, type: string}
      operation: {proto: 2, type: string}
      apiVersion: {proto: 3, type: string}
      time: {proto: 4, type: Time, pointer: true}
      fieldsType: {proto: 6, type: string}
      fieldsV1: {proto: 7, type: FieldsV1, pointer: true}
      subresource: {proto: 8, type: string}
)";

/// The App kind of kTestTypes.
inline const schema::Type* TestApp() {
  static const std::shared_ptr<const schema::Schema> kSchema = [] {
    auto loaded = schema::Schema::Load({{"test_v1.yaml", kTestTypes}, {"meta_v1.yaml", kTestMeta}});
    REQUIRE_MESSAGE(loaded.ok(), loaded.status().message());
    return *loaded;
  }();
  const schema::Type* app = kSchema->FindType("test/v1", "App");
  REQUIRE(app != nullptr);
  return app;
}

/// A kind of the built-in schema, e.g. BuiltinType("apps/v1", "Deployment").
inline const schema::Type* BuiltinType(std::string_view package, std::string_view name) {
  const schema::Type* type = schema::Builtin().FindType(package, name);
  REQUIRE(type != nullptr);
  return type;
}

}  // namespace mini::cluster::api::patch::testing
