#include "test/cluster/api/protobuf/test_support.h"

namespace mini::cluster::api::protobuf::testing {
namespace {

constexpr std::string_view kWidgets = R"(
group: widgets.example.com
version: v1
resources:
  widgets: {kind: Widget}
types:
  Widget:
    fields:
      metadata: {proto: 1, type: Meta}
      spec: {proto: 2, type: WidgetSpec}
      status: {proto: 3, type: WidgetStatus, pointer: true}
  Meta:
    fields:
      name: {proto: 1, type: string}
      labels: {proto: 11, type: "map[string]string"}
      created: {proto: 8, type: Time}
  WidgetStatus:
    fields:
      phase: {proto: 1, type: string}
  WidgetSpec:
    fields:
      text: {proto: 1, type: string}
      count: {proto: 2, type: int32}
      total: {proto: 3, type: int64}
      ratio: {proto: 4, type: double}
      enabled: {proto: 5, type: boolean}
      replicas: {proto: 6, type: int32, pointer: true}
      blob: {proto: 7, type: bytes}
      ints: {proto: 8, type: "[]int32"}
      longs: {proto: 9, type: "[]int64"}
      flags: {proto: 10, type: "[]boolean"}
      ratios: {proto: 11, type: "[]double"}
      names: {proto: 12, type: "[]string"}
      port: {proto: 13, type: IntOrString}
      maybePort: {proto: 14, type: IntOrString, pointer: true}
      when: {proto: 15, type: Time}
      whenMicro: {proto: 16, type: MicroTime}
      timeout: {proto: 17, type: Duration}
      size: {proto: 18, type: Quantity}
      extension: {proto: 19, type: RawExtension}
      managed: {proto: 20, type: FieldsV1, pointer: true}
      extra: {proto: 21, type: "map[string]StringList"}
      secrets: {proto: 22, type: "map[string]bytes"}
      limits: {proto: 23, type: "map[string]Quantity"}
      parts: {proto: 24, type: "[]Part"}
      source: {proto: 25, type: Source, inline: true}
      child: {proto: 26, type: WidgetSpec, pointer: true}
      counted: {proto: 27, type: int32, emitZero: true}
      stamp: {proto: 28, type: Time, emitZero: true}
      tags: {proto: 29, type: "[]string", emitZero: true}
      options: {proto: 30, type: Options}
      maybeOptions: {proto: 31, type: Options, pointer: true}
      maybeText: {proto: 32, type: string, pointer: true}
      jsonOnly: {type: string}
      byName: {proto: 33, type: "map[string]int32"}
      stamps: {proto: 34, type: "[]Time"}
      parted: {proto: 35, type: "map[string]Part"}
      maybeStamp: {proto: 36, type: Time, pointer: true}
  Part:
    fields:
      name: {proto: 1, type: string}
      value: {proto: 2, type: int32}
  Source:
    fields:
      hostPath: {proto: 1, type: HostPath, pointer: true}
      emptyDir: {proto: 2, type: EmptyDir, pointer: true}
  HostPath:
    fields:
      path: {proto: 1, type: string}
  EmptyDir:
    fields:
      medium: {proto: 1, type: string}
      sizeLimit: {proto: 2, type: Quantity, pointer: true}
  Options:
    fields:
      verbose: {proto: 1, type: boolean}
)";

// ObjectMeta as kubectl writes it.
std::string KubectlMeta(std::string_view name, std::string_view labels) {
  return Cat({BytesField(1, name), BytesField(2, ""), BytesField(3, ""), BytesField(4, ""),
              BytesField(5, ""), BytesField(6, ""), VarintField(7, 0), BytesField(8, ""), labels});
}

}  // namespace

std::string KubectlDeploymentBody() {
  const std::string labels = StringEntry(11, "app", "nginx");
  const std::string port = Cat({BytesField(1, ""), VarintField(2, 0), VarintField(3, 80),
                                BytesField(4, ""), BytesField(5, "")});
  const std::string container =
      Cat({BytesField(1, "nginx"), BytesField(2, "nginx:1.27"), BytesField(5, ""),
           BytesField(6, port), BytesField(8, ""), BytesField(13, ""), BytesField(14, ""),
           VarintField(16, 0), VarintField(17, 0), VarintField(18, 0), BytesField(20, "")});
  const std::string pod_spec = Cat({BytesField(2, container), BytesField(3, ""), BytesField(6, ""),
                                    BytesField(8, ""), VarintField(11, 0)});
  const std::string spec =
      Cat({VarintField(1, 2), BytesField(2, StringEntry(1, "app", "nginx")),
           BytesField(3, Cat({BytesField(1, KubectlMeta("", labels)), BytesField(2, pod_spec)})),
           BytesField(4, ""), VarintField(5, 0), VarintField(7, 0)});
  const std::string status = Cat({VarintField(1, 0), VarintField(2, 0), VarintField(3, 0),
                                  VarintField(4, 0), VarintField(5, 0), VarintField(7, 0)});
  return Body("apps/v1", "Deployment",
              Cat({BytesField(1, KubectlMeta("nginx", labels)), BytesField(2, spec),
                   BytesField(3, status)}));
}

const schema::Schema& WidgetSchema() {
  static const std::shared_ptr<const schema::Schema> schema = [] {
    auto loaded = schema::Schema::Load({{"widgets_v1.yaml", std::string(kWidgets)}});
    REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
    return *loaded;
  }();
  return *schema;
}

const schema::Type& WidgetSpec() {
  const schema::Type* type = WidgetSchema().FindType("widgets/v1", "WidgetSpec");
  REQUIRE(type != nullptr);
  return *type;
}

boost::json::object DecodeSpec(std::string_view bytes) {
  auto decoded = DecodeMessage(bytes, WidgetSpec());
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
  return *decoded;
}

std::string SpecError(std::string_view bytes) {
  auto decoded = DecodeMessage(bytes, WidgetSpec());
  REQUIRE_MESSAGE(!decoded.ok(), boost::json::serialize(*decoded));
  CHECK(decoded.status().code() == Code::kInvalidArgument);
  return decoded.status().message();
}

}  // namespace mini::cluster::api::protobuf::testing
