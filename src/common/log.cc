#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mini {

void SetUpLogging(int verbosity, bool also_log_to_stderr) {
  auto logger = spdlog::stderr_logger_mt("mini");
  logger->set_pattern("%^%L%m%d %H:%M:%S.%f %t]%$ %v");  // klog-like, as Kubernetes logs read
  spdlog::level::level_enum level = spdlog::level::off;
  if (verbosity >= 3) {
    level = spdlog::level::trace;
  } else if (verbosity == 2) {
    level = spdlog::level::debug;
  } else if (verbosity == 1 || also_log_to_stderr) {
    level = spdlog::level::info;
  } else {
    level = spdlog::level::warn;
  }
  logger->set_level(level);
  spdlog::set_default_logger(logger);
}

}  // namespace mini
