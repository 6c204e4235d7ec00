#include "cluster/allinone/component_runner.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace mini::cluster {

ComponentRunner::~ComponentRunner() { StopAll(); }

void ComponentRunner::Add(ComponentPtr component) { components_.push_back(std::move(component)); }

Status ComponentRunner::StartAll() {
  while (started_ < components_.size()) {
    Component& component = *components_[started_];
    auto begin = std::chrono::steady_clock::now();
    Status status = component.Start();
    if (!status.ok()) {
      // Not logged: the caller prints the one line a user sees.
      StopAll();
      return status;
    }
    auto elapsed = std::chrono::steady_clock::now() - begin;
    spdlog::debug("{} started in {} us", component.Name(),
                  std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
    ++started_;
  }
  return Status::Ok();
}

void ComponentRunner::StopAll() {
  while (started_ > 0) {
    Component& component = *components_[--started_];
    spdlog::debug("stopping {}", component.Name());
    component.Stop();
  }
}

}  // namespace mini::cluster
