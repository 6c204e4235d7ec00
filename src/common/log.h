// Logging set-up. Components log through spdlog's default logger; this decides where it goes.
#pragma once

namespace mini {

/// Verbosity 0 logs warnings and errors only; 1 adds info, 2 debug, 3 and above trace.
/// Logs go to stderr, keeping stdout for the command's own output (tables, JSON).
void SetUpLogging(int verbosity, bool also_log_to_stderr);

}  // namespace mini
