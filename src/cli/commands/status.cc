#include <boost/json.hpp>
#include <iostream>

#include "cli/commands/commands.h"
#include "common/json.h"

namespace mini::cli {
namespace {

void PrintText(const vm::ClusterStatus& s) {
  std::cout << s.name << "\n"
            << "type: Control Plane\n"
            << "host: " << s.host << "\n"
            << "kubelet: " << s.kubelet << "\n"
            << "apiserver: " << s.apiserver << "\n"
            << "kubeconfig: " << s.kubeconfig << "\n\n";
  if (s.kubeconfig == "Misconfigured") {
    std::cout << "WARNING: Your kubectl is pointing to stale mini-vm.\n"
              << "To fix the kubectl context, run `mini update-context`\n";
  }
}

void PrintJson(const vm::ClusterStatus& s) {
  boost::json::value v = {{"Name", s.name},
                          {"Host", s.host},
                          {"Kubelet", s.kubelet},
                          {"APIServer", s.apiserver},
                          {"Kubeconfig", s.kubeconfig},
                          {"Worker", s.worker}};
  std::cout << PrettyJson(v);
}

Status RunStatus(const std::string& output, Globals& globals) {
  MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  MINI_ASSIGN_OR_RETURN(vm::ClusterStatus status, vm::GetStatus(ctx, profile));
  output == "json" ? PrintJson(status) : PrintText(status);
  globals.exit_code = status.ExitCode();
  return Status::Ok();
}

}  // namespace

void SetUpStatus(CLI::App& app, Globals& globals) {
  auto output = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("status", "Show the state of a cluster's components");
  AddOutputFlag(*cmd, *output);
  cmd->footer(
      "Exit status is a bit field, right to left: 1 host, 2 cluster (kubelet or apiserver),\n"
      "4 kubeconfig; 0 means every component is running and configured.");
  cmd->callback([output, &globals] { globals.status = RunStatus(*output, globals); });
}

}  // namespace mini::cli
