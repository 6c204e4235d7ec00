// Starts the control plane's components in registration order and stops them in reverse, the
// way k3s brings up its embedded components. Not thread-safe: one owner drives it.
#pragma once

#include <cstddef>
#include <vector>

#include "cluster/allinone/component.h"

namespace mini::cluster {

class ComponentRunner {
 public:
  ComponentRunner() = default;
  ComponentRunner(const ComponentRunner&) = delete;
  ComponentRunner& operator=(const ComponentRunner&) = delete;
  /// Stops whatever is still running.
  ~ComponentRunner();

  /// Appends `component`; it starts after every component added before it.
  void Add(ComponentPtr component);
  /// Starts each component in order. On the first failure, stops the ones already started (in
  /// reverse) and returns that component's error unchanged.
  Status StartAll();
  /// Stops the started components in reverse order. Idempotent.
  void StopAll();

 private:
  std::vector<ComponentPtr> components_;
  size_t started_ = 0;  // components_[0, started_) are running
};

}  // namespace mini::cluster
