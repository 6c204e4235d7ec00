#include "cluster/kubelet/prober/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace mini::cluster::kubelet::prober {

namespace {

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

ActionResult NodeActionRunner::Run(const Action& action, const ActionTarget& target,
                                   std::chrono::milliseconds timeout) {
  const std::string& host = action.host.empty() ? target.pod_ip : action.host;
  switch (action.kind) {
    case Action::Kind::kExec: {
      runtime::containers::ExecRequest request;
      request.id = target.container_id;
      request.argv = action.command;
      request.timeout = timeout;
      auto ran = containers_.Exec(request);
      if (!ran.ok()) {
        return {false, ran.status().code() == Code::kDeadlineExceeded
                           ? fmt::format("command timed out after {} ms", timeout.count())
                           : ran.status().message()};
      }
      if (ran->exit_code == 0) return {true, Trimmed(ran->output)};
      return {false,
              fmt::format("command exited with {}: {}", ran->exit_code, Trimmed(ran->output))};
    }
    case Action::Kind::kHttpGet:
      return HttpGet(action, host, timeout);
    case Action::Kind::kTcpSocket:
      return TcpConnect(host, action.port, timeout);
    case Action::Kind::kSleep:
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(action.sleep, timeout));
      return {true, ""};
  }
  return {false, "unknown action"};
}

}  // namespace mini::cluster::kubelet::prober
