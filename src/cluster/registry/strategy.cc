#include "cluster/registry/strategy.h"

#include <boost/json.hpp>

#include "cluster/api/meta/names.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry {
namespace json = boost::json;

void Strategy::Default(json::object&) const {}

void Strategy::PrepareForCreate(json::object& object) const {
  if (has_status_) object.erase("status");
}

void Strategy::PrepareForUpdate(json::object& object, const json::object& old) const {
  if (!has_status_) return;
  if (const json::value* status = old.if_contains("status")) {
    object["status"] = *status;
  } else {
    object.erase("status");
  }
}

void Strategy::PrepareForStatusUpdate(json::object& object, const json::object& old) const {
  json::value status = object.contains("status") ? object["status"] : json::value();
  json::object metadata = object.contains("metadata") && object["metadata"].is_object()
                              ? object["metadata"].as_object()
                              : json::object();
  object = old;
  if (status.is_null()) {
    object.erase("status");
  } else {
    object["status"] = std::move(status);
  }
  // A status write may still change labels and annotations, as in Kubernetes.
  json::object& merged = object["metadata"].as_object();
  for (const char* key : {"labels", "annotations"}) {
    if (const json::value* value = metadata.if_contains(key)) merged[key] = *value;
  }
}

std::vector<std::string> Strategy::ValidateName(std::string_view name) const {
  return mini::api::meta::IsDns1123Subdomain(name);
}

FieldErrors Strategy::Validate(const json::object&) const { return {}; }

FieldErrors Strategy::ValidateUpdate(const json::object& object, const json::object&) const {
  return Validate(object);
}

Status Strategy::BeforeCreate(json::object&) const { return Status::Ok(); }

Status Strategy::BeforeUpdate(json::object&, const json::object&) const { return Status::Ok(); }

std::optional<int64_t> Strategy::GracePeriod(const json::object&, std::optional<int64_t>) const {
  return std::nullopt;
}

Status Strategy::CheckDelete(const json::object&) const { return Status::Ok(); }

bool Strategy::DeletionHeld(const json::object&) const { return false; }

void Strategy::MarkDeleting(json::object&) const {}

bool Strategy::SpecChanged(const json::object& object, const json::object& old) const {
  for (const auto& [key, value] : object) {
    if (key == "metadata" || key == "status") continue;
    const json::value* before = old.if_contains(key);
    if (before == nullptr || *before != value) return true;
  }
  for (const auto& [key, value] : old) {
    if (key != "metadata" && key != "status" && !object.contains(key)) return true;
  }
  return false;
}

std::map<std::string, std::string> Strategy::SelectableFields(const json::object&) const {
  return {};
}

std::vector<Column> Strategy::Columns() const {
  return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
          {"Created At", "date", "", "When the object was created.", 0}};
}

json::array Strategy::Cells(const json::object& object,
                            std::chrono::system_clock::time_point) const {
  return {json::string(StringAt(object, "metadata.name")),
          json::string(StringAt(object, "metadata.creationTimestamp"))};
}

std::unique_ptr<Strategy> DefaultStrategy() { return std::make_unique<Strategy>(); }

}  // namespace mini::cluster::registry
