#include "cluster/registry/core/pod.h"
#include "cluster/registry/core/service_account_volume.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/core/pod_spec.h"
#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

constexpr const char* kUpdatableFields =
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
    "to 1 if it was previously negative)";

// The priorities of the two classes every cluster has (scheduling.k8s.io), which admission
// resolves without a lookup.
const std::map<std::string, int64_t>& SystemPriorities() {
  static const std::map<std::string, int64_t> kClasses = {{"system-node-critical", 2000001000},
                                                          {"system-cluster-critical", 2000000000}};
  return kClasses;
}

// Admission copies limits into missing requests, so "limits only" means Guaranteed.
void DefaultRequestsFromLimits(json::object& spec, const char* list) {
  json::value* containers = spec.if_contains(list);
  if (containers == nullptr || !containers->is_array()) return;
  for (json::value& container : containers->get_array()) {
    if (!container.is_object()) continue;
    json::value* resources = container.get_object().if_contains("resources");
    if (resources == nullptr || !resources->is_object()) continue;
    const json::object* limits = ObjectField(resources->get_object(), "limits");
    if (limits == nullptr) continue;
    json::object copy = *limits;
    json::object& requests = EnsureObject(resources->get_object(), "requests");
    for (const auto& [name, value] : copy) {
      if (!requests.contains(name)) requests[name] = value;
    }
  }
}

// With host networking a container port is a host port.
void DefaultHostPorts(json::object& spec, const char* list) {
  json::value* containers = spec.if_contains(list);
  if (containers == nullptr || !containers->is_array()) return;
  for (json::value& container : containers->get_array()) {
    if (!container.is_object()) continue;
    json::value* ports = container.get_object().if_contains("ports");
    if (ports == nullptr || !ports->is_array()) continue;
    for (json::value& port : ports->get_array()) {
      if (!port.is_object()) continue;
      int64_t host_port = 0;
      int64_t container_port = 0;
      IntField(port.get_object(), "containerPort", container_port);
      if (!IntField(port.get_object(), "hostPort", host_port) || host_port == 0) {
        port.get_object()["hostPort"] = container_port;
      }
    }
  }
}

// Upstream's cmp.Diff cannot be reproduced; naming the changed fields serves the same purpose.
std::string DescribeChanges(const json::object& before, const json::object& after) {
  std::string out;
  for (const auto& [key, value] : after) {
    const json::value* old = before.if_contains(key);
    if (old == nullptr || *old != value)
      out += fmt::format("  spec.{}: changed\n", std::string(key));
  }
  for (const auto& [key, value] : before) {
    if (!after.contains(key)) out += fmt::format("  spec.{}: removed\n", std::string(key));
  }
  return out;
}

void ValidateContainerImages(const json::array* after, const json::array* before,
                             const std::string& path, bool& stop, FieldErrors& errors) {
  size_t after_size = after ? after->size() : 0;
  size_t before_size = before ? before->size() : 0;
  if (after_size != before_size) {
    errors.push_back(Forbidden(path, "pod updates may not add or remove containers"));
    stop = true;
    return;
  }
  for (size_t i = 0; i < after_size; ++i) {
    if (!(*after)[i].is_object()) continue;
    std::string image = StringField((*after)[i].get_object(), "image");
    if (image.empty()) errors.push_back(Required(Child(Index(path, i), "image")));
  }
}

bool SameTolerationIgnoringSeconds(json::object a, json::object b) {
  a.erase("tolerationSeconds");
  b.erase("tolerationSeconds");
  return a == b;
}

class PodStrategy : public Strategy {
 public:
  explicit PodStrategy(StrategyContext context) : context_(std::move(context)) {}

  void PrepareForCreate(json::object& object) const override {
    Strategy::PrepareForCreate(object);
    object["status"] = json::object{{"phase", "Pending"}};
    AddServiceAccountVolume(EnsureObject(object, "spec"));
  }

  void Default(json::object& object) const override {
    json::object& spec = EnsureObject(object, "spec");
    DefaultPodSpec(spec);
    DefaultRequestsFromLimits(spec, "containers");
    DefaultRequestsFromLimits(spec, "initContainers");
    if (!spec.contains("enableServiceLinks") || spec["enableServiceLinks"].is_null()) {
      spec["enableServiceLinks"] = true;
    }
    if (BoolField(spec, "hostNetwork")) {
      DefaultHostPorts(spec, "containers");
      DefaultHostPorts(spec, "initContainers");
    }
    // What the ServiceAccount and Priority admission plugins add on a real cluster.
    DefaultString(spec, "serviceAccountName", "default");
    DefaultString(spec, "serviceAccount", StringField(spec, "serviceAccountName"));
    if (!spec.contains("preemptionPolicy") || spec["preemptionPolicy"].is_null()) {
      spec["preemptionPolicy"] = "PreemptLowerPriority";
    }
    if (!spec.contains("priority") || spec["priority"].is_null()) {
      auto known = SystemPriorities().find(StringField(spec, "priorityClassName"));
      if (known != SystemPriorities().end()) {
        spec["priority"] = known->second;
      } else if (StringField(spec, "priorityClassName").empty()) {
        spec["priority"] = 0;
      }
    }
    if (json::value* status = object.if_contains("status");
        status && status->is_object() && !status->get_object().contains("qosClass")) {
      status->get_object()["qosClass"] = PodQosClass(spec);
    }
  }

  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors = ValidateSpecOnly(object);
    const json::object* spec = ObjectField(object, "spec");
    if (spec == nullptr) return errors;
    const json::array* ephemeral = ArrayField(*spec, "ephemeralContainers");
    if (ephemeral && !ephemeral->empty()) {
      errors.push_back(Forbidden("spec.ephemeralContainers", "cannot be set on create"));
    }
    const json::array* gates = ArrayField(*spec, "schedulingGates");
    if (!StringField(*spec, "nodeName").empty() && gates && !gates->empty()) {
      errors.push_back(
          Forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
    }
    return errors;
  }

  FieldErrors ValidateUpdate(const json::object& object, const json::object& old) const override {
    FieldErrors errors = ValidateSpecOnly(object);
    static const json::object kEmpty;
    const json::object* spec_ptr = ObjectField(object, "spec");
    const json::object* old_spec_ptr = ObjectField(old, "spec");
    const json::object& spec = spec_ptr ? *spec_ptr : kEmpty;
    const json::object& old_spec = old_spec_ptr ? *old_spec_ptr : kEmpty;

    bool stop = false;
    ValidateContainerImages(ArrayField(spec, "containers"), ArrayField(old_spec, "containers"),
                            "spec.containers", stop, errors);
    if (stop) return errors;
    ValidateContainerImages(ArrayField(spec, "initContainers"),
                            ArrayField(old_spec, "initContainers"), "spec.initContainers", stop,
                            errors);
    if (stop) return errors;

    int64_t deadline = 0;
    int64_t old_deadline = 0;
    bool has_deadline = IntField(spec, "activeDeadlineSeconds", deadline);
    bool had_deadline = IntField(old_spec, "activeDeadlineSeconds", old_deadline);
    if (has_deadline) {
      if (deadline < 0 || deadline > 2147483647) {
        errors.push_back(
            Invalid("spec.activeDeadlineSeconds", deadline, InclusiveRangeError(0, 2147483647)));
        return errors;
      }
      if (had_deadline && old_deadline < deadline) {
        errors.push_back(Invalid("spec.activeDeadlineSeconds", deadline,
                                 "must be less than or equal to previous value"));
        return errors;
      }
    } else if (had_deadline) {
      errors.push_back(Invalid("spec.activeDeadlineSeconds", nullptr,
                               "must not update from a positive integer to nil value"));
    }

    const json::array* tolerations = ArrayField(spec, "tolerations");
    if (const json::array* old_tolerations = ArrayField(old_spec, "tolerations")) {
      for (const json::value& before : *old_tolerations) {
        bool kept = false;
        for (size_t i = 0; tolerations && i < tolerations->size() && !kept; ++i) {
          kept = before.is_object() && (*tolerations)[i].is_object() &&
                 SameTolerationIgnoringSeconds(before.get_object(), (*tolerations)[i].get_object());
        }
        if (!kept) {
          errors.push_back(Forbidden("spec.tolerations",
                                     "existing toleration can not be modified except its "
                                     "tolerationSeconds"));
          break;
        }
      }
    }

    if (spec == old_spec) return errors;
    // Put back what may change, then anything still different is forbidden.
    json::object munged = spec;
    for (const char* list : {"containers", "initContainers"}) {
      json::value* after = munged.if_contains(list);
      const json::array* before = ArrayField(old_spec, list);
      if (after == nullptr || !after->is_array() || before == nullptr) continue;
      for (size_t i = 0; i < after->get_array().size() && i < before->size(); ++i) {
        json::value& container = after->get_array()[i];
        if (!container.is_object() || !(*before)[i].is_object()) continue;
        const json::value* image = (*before)[i].get_object().if_contains("image");
        if (image) {
          container.get_object()["image"] = *image;
        } else {
          container.get_object().erase("image");
        }
      }
    }
    for (const char* field : {"activeDeadlineSeconds", "tolerations", "schedulingGates"}) {
      if (const json::value* value = old_spec.if_contains(field)) {
        munged[field] = *value;
      } else {
        munged.erase(field);
      }
    }
    int64_t old_grace = 0;
    int64_t grace = 0;
    if (IntField(old_spec, "terminationGracePeriodSeconds", old_grace) && old_grace < 0 &&
        IntField(munged, "terminationGracePeriodSeconds", grace) && grace == 1) {
      munged["terminationGracePeriodSeconds"] = old_grace;
    }
    if (munged != old_spec) {
      errors.push_back(Forbidden(
          "spec", fmt::format("{}\n{}", kUpdatableFields, DescribeChanges(old_spec, munged))));
    }
    return errors;
  }

  Status BeforeCreate(json::object& object) const override {
    json::object& spec = EnsureObject(object, "spec");
    std::string class_name = StringField(spec, "priorityClassName");
    if (class_name.empty() || SystemPriorities().count(class_name) != 0 || !context_.list_all) {
      return Status::Ok();
    }
    auto classes = context_.list_all("scheduling.k8s.io", "priorityclasses");
    if (!classes.ok()) return classes.status();
    for (const json::object& priority_class : *classes) {
      if (StringAt(priority_class, "metadata.name") != class_name) continue;
      if (!spec.contains("priority") || spec["priority"].is_null()) {
        spec["priority"] = IntAt(priority_class, "value");
      }
      std::string policy = StringAt(priority_class, "preemptionPolicy");
      if (!policy.empty()) spec["preemptionPolicy"] = policy;
      return Status::Ok();
    }
    return ForbiddenError({"", "pods", "Pod", StringAt(object, "metadata.name")},
                          fmt::format("no PriorityClass with name {} was found", class_name));
  }

  // A pod on a node gets its grace period for the kubelet to stop its containers; one that
  // never reached a node, or whose containers are done, has nothing to wait for.
  std::optional<int64_t> GracePeriod(const json::object& object,
                                     std::optional<int64_t> requested) const override {
    int64_t period = requested ? *requested : IntAt(object, "spec.terminationGracePeriodSeconds", 30);
    std::string phase = StringAt(object, "status.phase");
    if (StringAt(object, "spec.nodeName").empty() || phase == "Succeeded" || phase == "Failed") {
      period = 0;
    }
    return std::max<int64_t>(period, 0);
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    std::string ip;
    if (const json::object* status = ObjectField(object, "status")) {
      const json::array* ips = ArrayField(*status, "podIPs");
      if (ips && !ips->empty() && (*ips)[0].is_object()) {
        ip = StringField((*ips)[0].get_object(), "ip");
      } else {
        ip = StringField(*status, "podIP");
      }
    }
    return {
        {"spec.nodeName", StringAt(object, "spec.nodeName")},
        {"spec.restartPolicy", StringAt(object, "spec.restartPolicy")},
        {"spec.schedulerName", StringAt(object, "spec.schedulerName")},
        {"spec.serviceAccountName", StringAt(object, "spec.serviceAccountName")},
        {"spec.hostNetwork",
         ObjectAt(object, "spec") && BoolField(*ObjectAt(object, "spec"), "hostNetwork") ? "true"
                                                                                         : "false"},
        {"status.phase", StringAt(object, "status.phase")},
        {"status.podIP", ip},
        {"status.nominatedNodeName", StringAt(object, "status.nominatedNodeName")}};
  }

  std::vector<Column> Columns() const override { return PodColumns(); }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    return PodCells(object, now);
  }

 private:
  static FieldErrors ValidateSpecOnly(const json::object& object) {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* spec = ObjectField(object, "spec");
    ValidatePodSpecOfPod(spec ? *spec : kEmpty, errors);
    return errors;
  }

  StrategyContext context_;
};

// Adds `quantity` of a cpu/memory entry to `sums`, as the QoS computation totals containers.
void Accumulate(std::map<std::string, Quantity>& sums, const std::string& name,
                const Quantity& quantity) {
  auto [it, inserted] = sums.try_emplace(name, quantity);
  if (!inserted) it->second.nanos += quantity.nanos;
}

}  // namespace

std::string PodQosClass(const json::object& spec) {
  std::map<std::string, Quantity> requests;
  std::map<std::string, Quantity> limits;
  bool guaranteed = true;
  for (const char* list : {"containers", "initContainers"}) {
    const json::array* containers = ArrayField(spec, list);
    if (containers == nullptr) continue;
    for (const json::value& container : *containers) {
      if (!container.is_object()) continue;
      const json::object* resources = ObjectField(container.get_object(), "resources");
      const json::object* container_requests =
          resources ? ObjectField(*resources, "requests") : nullptr;
      const json::object* container_limits =
          resources ? ObjectField(*resources, "limits") : nullptr;
      for (const char* name : {"cpu", "memory"}) {
        if (const json::value* value =
                container_requests ? container_requests->if_contains(name) : nullptr) {
          std::optional<Quantity> quantity = QuantityOf(*value);
          if (quantity && quantity->nanos > 0) Accumulate(requests, name, *quantity);
        }
      }
      int limits_found = 0;
      for (const char* name : {"cpu", "memory"}) {
        if (const json::value* value =
                container_limits ? container_limits->if_contains(name) : nullptr) {
          std::optional<Quantity> quantity = QuantityOf(*value);
          if (quantity && quantity->nanos > 0) {
            ++limits_found;
            Accumulate(limits, name, *quantity);
          }
        }
      }
      if (limits_found != 2) guaranteed = false;
    }
  }
  if (requests.empty() && limits.empty()) return "BestEffort";
  if (guaranteed) {
    for (const auto& [name, request] : requests) {
      auto limit = limits.find(name);
      if (limit == limits.end() || CompareQuantities(limit->second, request) != 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
}

std::unique_ptr<Strategy> NewPodStrategy(const StrategyContext& context) {
  return std::make_unique<PodStrategy>(context);
}

}  // namespace mini::cluster::registry::core
