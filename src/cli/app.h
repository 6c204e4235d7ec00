// What every command shares: global flags, the resolved profile, the lifecycle context, and
// how results reach the user (progress on stdout, one error line on stderr, an exit code).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "vm/lifecycle/lifecycle.h"

namespace mini::cli {

struct Globals {
  std::string profile;
  CLI::Option* profile_option = nullptr;
  int verbosity = 0;
  bool also_log_to_stderr = false;
  /// Arguments handed through untouched (`mini kubectl -- ARGS`).
  std::vector<std::string> passthrough;

  /// Set by the command that ran; main() turns it into the exit code.
  Status status;
  /// A command whose exit code is not derived from a Status (status's bit field).
  std::optional<int> exit_code;
};

/// The profile to act on: -p, else `mini config set profile`, else "mini".
Result<std::string> ResolveProfile(const Globals& globals);

/// The drivers compiled into this binary.
const vm::DriverRegistry& BuiltinDrivers();

/// Home, built-in drivers and kubeconfig path, with progress printed to stdout.
Result<vm::Context> MakeContext();

/// One progress line on stdout.
void Say(const std::string& line);

/// The one line a failure prints on stderr: what failed, why, and what to do.
void PrintError(const Status& status);

/// Exit code for a failure, in minikube's bands (see reason.cc).
int ExitCodeFor(const Status& status);

/// Adds `--output/-o` accepting text or json to `command`.
CLI::Option* AddOutputFlag(CLI::App& command, std::string& output);

}  // namespace mini::cli
