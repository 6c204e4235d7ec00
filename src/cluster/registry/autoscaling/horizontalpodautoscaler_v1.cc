#include "cluster/registry/autoscaling/horizontalpodautoscaler_v1.h"

#include <boost/json.hpp>

#include "cluster/registry/autoscaling/horizontalpodautoscaler.h"
#include "cluster/registry/autoscaling/v1_conversion.h"
#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::autoscaling {
namespace json = boost::json;

namespace {

// The v2 form puts v1's CPU target last among the metrics (v1_conversion.h); an error about its
// utilization is about v1's field.
FieldErrors InV1Terms(const json::object& v1, const json::object& v2, FieldErrors errors) {
  const json::object* spec = ObjectAt(v1, "spec");
  const json::value* target = spec ? spec->if_contains("targetCPUUtilizationPercentage") : nullptr;
  const json::object* v2_spec = ObjectAt(v2, "spec");
  const json::array* metrics = v2_spec ? core::ArrayField(*v2_spec, "metrics") : nullptr;
  if (target == nullptr || target->is_null() || metrics == nullptr || metrics->empty()) {
    return errors;
  }
  std::string path =
      core::Index("spec.metrics", metrics->size() - 1) + ".resource.target.averageUtilization";
  for (FieldError& error : errors) {
    if (error.field == path) error.field = "spec.targetCPUUtilizationPercentage";
  }
  return errors;
}

class HorizontalPodAutoscalerV1Strategy : public Strategy {
 public:
  HorizontalPodAutoscalerV1Strategy() : v2_(NewHorizontalPodAutoscalerStrategy()) {}

  // The generic preparations, on the v2 form so that the spec and status v1 keeps in
  // annotations are kept or replaced with the fields they stand for.
  void PrepareForCreate(json::object& object) const override {
    json::object v2 = AutoscalerToV2(std::move(object));
    Strategy::PrepareForCreate(v2);
    object = AutoscalerFromV2(std::move(v2));
  }

  void PrepareForUpdate(json::object& object, const json::object& old) const override {
    json::object v2 = AutoscalerToV2(std::move(object));
    Strategy::PrepareForUpdate(v2, AutoscalerToV2(old));
    object = AutoscalerFromV2(std::move(v2));
  }

  void PrepareForStatusUpdate(json::object& object, const json::object& old) const override {
    json::object v2 = AutoscalerToV2(std::move(object));
    Strategy::PrepareForStatusUpdate(v2, AutoscalerToV2(old));
    object = AutoscalerFromV2(std::move(v2));
  }

  void Default(json::object& object) const override {
    json::object v2 = AutoscalerToV2(std::move(object));
    v2_->Default(v2);
    object = AutoscalerFromV2(std::move(v2));
  }

  FieldErrors Validate(const json::object& object) const override {
    json::object v2 = AutoscalerToV2(object);
    return InV1Terms(object, v2, v2_->Validate(v2));
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    json::object v2 = AutoscalerToV2(object);
    return InV1Terms(object, v2, v2_->ValidateUpdate(v2, AutoscalerToV2(old)));
  }

  // A change to the metrics or behavior v1 keeps in annotations changes the spec too.
  bool SpecChanged(const json::object& object, const json::object& old) const override {
    return v2_->SpecChanged(AutoscalerToV2(object), AutoscalerToV2(old));
  }

  std::vector<Column> Columns() const override { return v2_->Columns(); }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return v2_->Cells(AutoscalerToV2(object), now);
  }

 private:
  std::unique_ptr<Strategy> v2_;
};

}  // namespace

std::unique_ptr<Strategy> NewHorizontalPodAutoscalerV1Strategy() {
  return std::make_unique<HorizontalPodAutoscalerV1Strategy>();
}

}  // namespace mini::cluster::registry::autoscaling
