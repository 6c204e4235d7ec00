#include "cluster/scheduler/resources.h"

#include <algorithm>
#include <boost/json.hpp>

#include "cluster/registry/core/quantity.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::scheduler {
namespace json = boost::json;
namespace {

using registry::core::QuantityInt;

constexpr QuantityInt kNanosPerMilli = 1'000'000;
constexpr QuantityInt kNanosPerUnit = 1'000'000'000;
// What scoring assumes for a container that requests no cpu / memory.
constexpr int64_t kDefaultMilliCpu = 100;
constexpr int64_t kDefaultMemory = 200LL * 1024 * 1024;

// Quantity.Value() and MilliValue() round up, so a request of 1.5 bytes needs 2.
int64_t Ceil(QuantityInt nanos, QuantityInt unit) {
  QuantityInt whole = nanos / unit;
  if (nanos % unit > 0) {
    ++whole;
  }
  return static_cast<int64_t>(whole);
}

void AddOne(Resources& into, std::string_view name, const json::value& value) {
  auto quantity = registry::core::QuantityOf(value);
  QuantityInt nanos = quantity ? quantity->nanos : 0;
  if (name == "cpu") {
    into.milli_cpu += Ceil(nanos, kNanosPerMilli);
  } else if (name == "memory") {
    into.memory += Ceil(nanos, kNanosPerUnit);
  } else if (name == "ephemeral-storage") {
    into.ephemeral_storage += Ceil(nanos, kNanosPerUnit);
  } else if (name == "pods") {
    into.pods += Ceil(nanos, kNanosPerUnit);
  } else if (IsScalarResource(name)) {
    into.scalar[std::string(name)] += Ceil(nanos, kNanosPerUnit);
  }
}

Resources ContainerRequests(const json::object& container, bool non_zero) {
  Resources out;
  const json::object* requests = registry::ObjectAt(container, "resources.requests");
  if (requests != nullptr) {
    out = FromResourceList(*requests);
  }
  if (non_zero) {
    if (requests == nullptr || !requests->contains("cpu")) {
      out.milli_cpu = kDefaultMilliCpu;
    }
    if (requests == nullptr || !requests->contains("memory")) {
      out.memory = kDefaultMemory;
    }
  }
  return out;
}

const json::array* Containers(const json::object& spec, std::string_view key) {
  const json::value* list = spec.if_contains(key);
  return list != nullptr ? list->if_array() : nullptr;
}

Resources Requests(const json::object& pod, bool non_zero) {
  Resources total;
  const json::object* spec = registry::ObjectAt(pod, "spec");
  if (spec == nullptr) {
    return total;
  }
  if (const json::array* containers = Containers(*spec, "containers")) {
    for (const json::value& c : *containers) {
      if (c.is_object()) {
        total.Add(ContainerRequests(c.get_object(), non_zero));
      }
    }
  }
  // Sidecars start before later init containers and keep running beside the app, so each
  // init container runs next to the sidecars declared before it.
  Resources sidecars;
  Resources init_peak;
  if (const json::array* inits = Containers(*spec, "initContainers")) {
    for (const json::value& c : *inits) {
      if (!c.is_object()) {
        continue;
      }
      Resources own = ContainerRequests(c.get_object(), non_zero);
      Resources phase;
      if (registry::StringAt(c.get_object(), "restartPolicy") == "Always") {
        total.Add(own);
        sidecars.Add(own);
        phase = sidecars;
      } else {
        phase = own;
        phase.Add(sidecars);
      }
      init_peak.Max(phase);
    }
  }
  total.Max(init_peak);
  if (const json::object* overhead = registry::ObjectAt(*spec, "overhead")) {
    total.Add(FromResourceList(*overhead));
  }
  return total;
}

}  // namespace

void Resources::Add(const Resources& other) {
  milli_cpu += other.milli_cpu;
  memory += other.memory;
  ephemeral_storage += other.ephemeral_storage;
  pods += other.pods;
  for (const auto& [name, value] : other.scalar) {
    scalar[name] += value;
  }
}

void Resources::Max(const Resources& other) {
  milli_cpu = std::max(milli_cpu, other.milli_cpu);
  memory = std::max(memory, other.memory);
  ephemeral_storage = std::max(ephemeral_storage, other.ephemeral_storage);
  pods = std::max(pods, other.pods);
  for (const auto& [name, value] : other.scalar) {
    int64_t& mine = scalar[name];
    mine = std::max(mine, value);
  }
}

bool IsScalarResource(std::string_view name) {
  return name.find('/') != std::string_view::npos || name.starts_with("hugepages-") ||
         name.starts_with("attachable-volumes-");
}

Resources FromResourceList(const json::object& list) {
  Resources out;
  for (const auto& [name, value] : list) {
    AddOne(out, name, value);
  }
  return out;
}

Resources PodRequests(const json::object& pod) { return Requests(pod, false); }

Resources NonZeroPodRequests(const json::object& pod) { return Requests(pod, true); }

Resources NodeAllocatable(const json::object& node) {
  const json::object* allocatable = registry::ObjectAt(node, "status.allocatable");
  return allocatable != nullptr ? FromResourceList(*allocatable) : Resources{};
}

}  // namespace mini::cluster::scheduler
