// What every controller offers the control plane: start once its informers have listed, stop
// with nothing left running. Each controller lives in its own folder beside this file.
#pragma once

#include <chrono>

#include "common/status.h"

namespace mini::cluster::controllers {

class Controller {
 public:
  virtual ~Controller() = default;
  /// Lists what it watches, then works on its own threads. kDeadlineExceeded when the lists
  /// did not arrive in time (nothing keeps running then).
  virtual Status Start(std::chrono::milliseconds sync_timeout) = 0;
  /// Idempotent; no work runs after it returns.
  virtual void Stop() = 0;
};

}  // namespace mini::cluster::controllers
