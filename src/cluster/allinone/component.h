// A part of the all-in-one control plane (datastore, API server, controllers, scheduler,
// kubelet) as the runner sees it: started in a fixed order, stopped in the reverse one.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"

namespace mini::cluster {

/// Status reason a component gives when a port it must listen on is taken; `mini
/// control-plane` exits with 3 for it, so callers can tell it from other failures.
inline constexpr std::string_view kReasonPortInUse = "CONTROL_PLANE_PORT_IN_USE";

class Component {
 public:
  virtual ~Component() = default;
  Component() = default;
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;

  /// Short lowercase name for logs ("apiserver").
  virtual std::string_view Name() const = 0;
  /// Starts the component and returns once the components after it may rely on it. Blocks.
  /// On error nothing of the component keeps running; the message says why in one line.
  virtual Status Start() = 0;
  /// Stops what Start started. Called once, only after a successful Start; blocks until done.
  virtual void Stop() = 0;
};
using ComponentPtr = std::unique_ptr<Component>;

}  // namespace mini::cluster
