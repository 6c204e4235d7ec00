#include "cli/app.h"

#include <iostream>

#include "kubeconfig/kubeconfig.h"
#include "vm/driver_registry.h"
#include "vm/settings.h"

namespace mini::cli {

Result<std::string> ResolveProfile(const Globals& globals) {
  if (globals.profile_option != nullptr && globals.profile_option->count() > 0) {
    MINI_RETURN_IF_ERROR(vm::ValidateProfileName(globals.profile));
    return globals.profile;
  }
  MINI_ASSIGN_OR_RETURN(vm::Home home, vm::Home::FromEnvironment());
  MINI_ASSIGN_OR_RETURN(vm::Settings settings, vm::Settings::Load(home));
  return settings.Get("profile").value_or(vm::kDefaultProfile);
}

const vm::DriverRegistry& BuiltinDrivers() {
  static const vm::DriverRegistry registry = [] {
    vm::DriverRegistry r;
    vm::RegisterBuiltinDrivers(r);
    return r;
  }();
  return registry;
}

Result<vm::Context> MakeContext() {
  MINI_ASSIGN_OR_RETURN(vm::Home home, vm::Home::FromEnvironment());
  MINI_ASSIGN_OR_RETURN(std::filesystem::path kubeconfig, kubeconfig::DefaultPath());
  vm::Context ctx{std::move(home), &BuiltinDrivers(), std::move(kubeconfig), Say};
  return ctx;
}

void Say(const std::string& line) { std::cout << "* " << line << std::endl; }

void PrintError(const Status& status) {
  std::string reason = status.reason().empty() ? "MK_ERROR" : status.reason();
  std::cerr << "X Exiting due to " << reason << ": " << status.message();
  if (!status.advice().empty()) {
    std::cerr << "; " << status.advice();
  }
  std::cerr << std::endl;
}

CLI::Option* AddOutputFlag(CLI::App& command, std::string& output) {
  return command.add_option("-o,--output", output, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_val("text");
}

}  // namespace mini::cli
