#include "vm/driver_registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace mini::vm {

std::string_view StateName(MachineState state) {
  switch (state) {
    case MachineState::kNonexistent:
      return "Nonexistent";
    case MachineState::kStopped:
      return "Stopped";
    case MachineState::kRunning:
      return "Running";
    case MachineState::kError:
      return "Error";
  }
  return "Error";
}

Status DriverRegistry::Register(DriverDef def) {
  std::vector<std::string> names = def.aliases;
  names.push_back(def.name);
  for (const auto& n : names) {
    if (Find(n) != nullptr) {
      return Error(Code::kAlreadyExists, "driver name \"{}\" is registered twice", n);
    }
  }
  defs_.push_back(std::move(def));
  return Status::Ok();
}

const DriverDef* DriverRegistry::Find(const std::string& name) const {
  for (const auto& def : defs_) {
    if (def.name == name ||
        std::find(def.aliases.begin(), def.aliases.end(), name) != def.aliases.end()) {
      return &def;
    }
  }
  return nullptr;
}

std::vector<const DriverDef*> DriverRegistry::All() const {
  std::vector<const DriverDef*> all;
  for (const auto& def : defs_) {
    all.push_back(&def);
  }
  std::stable_sort(all.begin(), all.end(), [](const DriverDef* a, const DriverDef* b) {
    return a->priority > b->priority;
  });
  return all;
}

Result<const DriverDef*> DriverRegistry::Choose(const std::string& requested,
                                                const HostContext& host) const {
  if (!requested.empty()) {
    const DriverDef* def = Find(requested);
    if (def == nullptr) {
      std::string known;
      for (const auto* d : All()) {
        known += (known.empty() ? "" : ", ") + d->name;
      }
      return Error(Code::kNotFound, "the driver \"{}\" is not supported", requested)
          .WithAdvice("choose one of: " + known)
          .WithReason("DRV_UNSUPPORTED");
    }
    HostCheck check = def->check_host(host);
    if (!check.healthy) {
      return Error(Code::kFailedPrecondition, "the {} driver cannot run here: {}", def->name,
                   check.reason)
          .WithAdvice(check.fix)
          .WithReason("DRV_NOT_HEALTHY");
    }
    return def;
  }
  std::string rejected;
  const DriverDef* best = nullptr;
  int best_priority = 0;
  for (const auto* def : All()) {
    if (best != nullptr && def->priority <= best_priority) {
      break;  // no driver after this one can rank higher: checks only ever lower a priority
    }
    HostCheck check = def->check_host(host);
    int priority = check.priority >= 0 ? check.priority : def->priority;
    if (check.healthy && (best == nullptr || priority > best_priority)) {
      best = def;
      best_priority = priority;
    } else if (!check.healthy) {
      spdlog::info("not using the {} driver: {} ({})", def->name, check.reason, check.fix);
      rejected += fmt::format("{}{}: {}", rejected.empty() ? "" : "; ", def->name, check.reason);
    }
  }
  if (best != nullptr) {
    return best;
  }
  return Error(Code::kFailedPrecondition, "no driver can run on this host ({})", rejected)
      .WithAdvice("fix one of the drivers above, or choose one with --driver")
      .WithReason("DRV_NOT_DETECTED");
}

}  // namespace mini::vm
