#include <iostream>

#include "cli/commands/commands.h"
#include "vm/settings.h"

namespace mini::cli {
namespace {

struct Args {
  std::string key, value;
};

Result<vm::Settings> Load(vm::Home* home) {
  MINI_ASSIGN_OR_RETURN(*home, vm::Home::FromEnvironment());
  return vm::Settings::Load(*home);
}

Status RunSet(const Args& a) {
  vm::Home home("");
  MINI_ASSIGN_OR_RETURN(vm::Settings settings, Load(&home));
  if (a.key == "driver") {
    if (BuiltinDrivers().Find(a.value) == nullptr) {
      return BuiltinDrivers().Choose(a.value).status();  // says which drivers exist
    }
  }
  MINI_RETURN_IF_ERROR(settings.Set(a.key, a.value));
  return settings.Save(home);
}

Status RunGet(const Args& a) {
  vm::Home home("");
  MINI_ASSIGN_OR_RETURN(vm::Settings settings, Load(&home));
  auto value = settings.Get(a.key);
  if (!value) {
    return Error(Code::kNotFound, "config key \"{}\" is not set", a.key).WithReason("MK_USAGE");
  }
  std::cout << *value << "\n";
  return Status::Ok();
}

Status RunUnset(const Args& a) {
  vm::Home home("");
  MINI_ASSIGN_OR_RETURN(vm::Settings settings, Load(&home));
  MINI_RETURN_IF_ERROR(settings.Unset(a.key));
  return settings.Save(home);
}

Status RunView() {
  vm::Home home("");
  MINI_ASSIGN_OR_RETURN(vm::Settings settings, Load(&home));
  for (const auto& [key, value] : settings.values()) {
    std::cout << "- " << key << ": " << value << "\n";
  }
  return Status::Ok();
}

std::string KeyHelp() {
  std::string help = "Keys:\n";
  for (const auto& k : vm::SettingKeys()) {
    help += "  " + k.name + std::string(16 - k.name.size(), ' ') + k.description + "\n";
  }
  return help;
}

}  // namespace

void SetUpConfig(CLI::App& app, Globals& globals) {
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("config", "Persistent defaults for mini's commands");
  cmd->require_subcommand(1);
  cmd->footer(KeyHelp());
  auto* set = cmd->add_subcommand("set", "Set a default: mini config set memory 8g");
  set->add_option("key", a->key)->required();
  set->add_option("value", a->value)->required();
  set->callback([a, &globals] { globals.status = RunSet(*a); });
  auto* get = cmd->add_subcommand("get", "Print a default");
  get->add_option("key", a->key)->required();
  get->callback([a, &globals] { globals.status = RunGet(*a); });
  auto* unset = cmd->add_subcommand("unset", "Remove a default");
  unset->add_option("key", a->key)->required();
  unset->callback([a, &globals] { globals.status = RunUnset(*a); });
  auto* view = cmd->add_subcommand("view", "Print every default that is set");
  view->callback([&globals] { globals.status = RunView(); });
}

}  // namespace mini::cli
