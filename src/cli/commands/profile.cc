#include <boost/json.hpp>
#include <iostream>

#include "cli/commands/commands.h"
#include "cli/table.h"
#include "common/json.h"
#include "kubeconfig/kubeconfig.h"
#include "vm/settings.h"

namespace mini::cli {
namespace json = boost::json;
namespace {

struct Listing {
  vm::ClusterConfig config;
  std::string status;  // OK, Stopped, Error...
  bool active = false;
  bool active_context = false;
};

std::string Summary(const vm::Context& ctx, const std::string& name) {
  auto s = vm::GetStatus(ctx, name);
  if (!s.ok()) {
    return "Unknown";
  }
  if (s->host == "Running" && s->apiserver == "Running") {
    return "OK";
  }
  return s->host == "Running" ? "Degraded" : s->host;
}

Status RunList(const std::string& output, const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  MINI_ASSIGN_OR_RETURN(std::string active, ResolveProfile(globals));
  auto current = kubeconfig::CurrentContext(ctx.kubeconfig);
  std::vector<Listing> valid;
  std::vector<std::string> invalid;
  for (const auto& name : vm::ListProfiles(ctx.home)) {
    auto config = vm::LoadProfile(ctx.home, name);
    if (!config.ok()) {
      invalid.push_back(name);
      continue;
    }
    bool is_current = current.ok() && current->has_value() && **current == name;
    valid.push_back({*config, Summary(ctx, name), name == active, is_current});
  }
  if (output == "json") {
    json::array v, inv;
    for (const auto& l : valid) {
      v.push_back(json::object{{"Name", l.config.name},
                               {"Status", l.status},
                               {"Active", l.active},
                               {"ActiveKubeContext", l.active_context},
                               {"Config",
                                {{"Driver", l.config.driver},
                                 {"CPUs", l.config.cpus},
                                 {"Memory", l.config.memory_mb},
                                 {"APIServerPort", l.config.apiserver_port},
                                 {"KubernetesVersion", l.config.kubernetes_version},
                                 {"IP", l.config.node_ip}}}});
    }
    for (const auto& name : invalid) {
      inv.push_back(json::object{{"Name", name}});
    }
    std::cout << PrettyJson(json::object{{"invalid", inv}, {"valid", v}});
    return Status::Ok();
  }
  if (valid.empty() && invalid.empty()) {
    return Error(Code::kNotFound, "no profiles found")
        .WithAdvice("start a cluster with \"mini start\"")
        .WithReason("MK_PROFILE_NONE");
  }
  std::vector<Row> rows;
  for (const auto& l : valid) {
    rows.push_back({l.config.name, l.config.driver, "crun", l.config.node_ip,
                    std::to_string(l.config.apiserver_port), l.config.kubernetes_version, l.status,
                    "1", l.active ? "*" : "", l.active_context ? "*" : ""});
  }
  std::cout << RenderTable({"Profile", "Driver", "Runtime", "IP", "Port", "Version", "Status",
                            "Nodes", "Active Profile", "Active Kubecontext"},
                           rows);
  for (const auto& name : invalid) {
    std::cout << "! Profile \"" << name << "\" has a damaged config.json; delete it with "
              << "\"mini delete -p " << name << "\"\n";
  }
  return Status::Ok();
}

Status RunSwitch(const std::string& name) {
  MINI_ASSIGN_OR_RETURN(vm::Home home, vm::Home::FromEnvironment());
  MINI_ASSIGN_OR_RETURN(vm::Settings settings, vm::Settings::Load(home));
  if (name.empty()) {
    std::cout << settings.Get("profile").value_or(vm::kDefaultProfile) << "\n";
    return Status::Ok();
  }
  MINI_RETURN_IF_ERROR(settings.Set("profile", name));
  MINI_RETURN_IF_ERROR(settings.Save(home));
  Say(fmt::format("mini profile was successfully set to {}", name));
  return Status::Ok();
}

}  // namespace

void SetUpProfile(CLI::App& app, Globals& globals) {
  auto name = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("profile", "Show or set the active profile; list profiles");
  cmd->add_option("name", *name, "Profile to make active");
  cmd->callback([cmd, name, &globals] {
    if (cmd->get_subcommands().empty()) {
      globals.status = RunSwitch(*name);
    }
  });
  auto* list = cmd->add_subcommand("list", "List every profile and its state");
  AddOutputFlag(*list, *output);
  list->callback([output, &globals] { globals.status = RunList(*output, globals); });
}

}  // namespace mini::cli
