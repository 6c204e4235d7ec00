#include "cluster/allinone/control_plane.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <exception>

#include "cluster/allinone/apiserver_component.h"
#include "cluster/allinone/component_runner.h"
#include "cluster/allinone/controllers_component.h"
#include "cluster/allinone/kubelet_component.h"
#include "cluster/allinone/scheduler_component.h"
#include "cluster/allinone/store_component.h"
#include "common/files.h"
#include "net/host.h"

namespace mini::cluster {
namespace {

namespace asio = boost::asio;

constexpr int kExitFailure = 1;
constexpr int kExitPortInUse = 3;

int Fail(const Status& status) {
  fmt::print(stderr, "mini control-plane: {}\n", status.message());
  return status.reason() == kReasonPortInUse ? kExitPortInUse : kExitFailure;
}

// Blocks until SIGINT, SIGTERM or a stop request. `signals` already catches the signals.
void WaitForStop(asio::io_context& waiter, asio::signal_set& signals, std::stop_token stop) {
  signals.async_wait([](const boost::system::error_code& ec, int signal) {
    if (!ec) {
      spdlog::info("received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
    }
  });
  // signal_set is not thread-safe: cancel it from the waiting thread.
  std::stop_callback on_stop(std::move(stop), [&waiter, &signals] {
    asio::post(waiter, [&signals] { signals.cancel(); });
  });
  waiter.run();
}

// Kubernetes names a node after its host, in lower case, unless told otherwise.
std::string DefaultNodeName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower;
}

int Run(const ControlPlaneOptions& given, const RunHooks& hooks) {
  ControlPlaneOptions options = given;
  if (options.node_name.empty()) options.node_name = DefaultNodeName();
  // In-cluster clients cannot use loopback; the host's own address reaches this node.
  if (options.advertise_address.empty() || options.advertise_address.starts_with("127.")) {
    options.advertise_address = net::PrimaryIPv4();
  }
  // Catch the signals before starting anything, so a SIGTERM during start-up still shuts
  // down in order instead of killing the process halfway.
  asio::io_context waiter;
  asio::signal_set signals(waiter, SIGINT, SIGTERM);
  if (options.data_dir.empty()) {
    return Fail(Error(Code::kInvalidArgument, "no data directory given"));
  }
  if (Status made = MakeDirs(options.data_dir, 0700); !made.ok()) {
    return Fail(made.WithContext("cannot create the data directory"));
  }
  std::atomic<bool> shutting_down{false};
  ComponentRunner runner;
  auto datastore = std::make_unique<StoreComponent>(options);
  StoreComponent& store = *datastore;
  auto apiserver = std::make_unique<ApiServerComponent>(
      options, shutting_down, [&store]() -> store::Backend& { return store.backend(); });
  ApiServerComponent& api = *apiserver;
  api.health_checks().Add("etcd", apiserver::Probe::kReadiness, [&store] { return store.Check(); });
  runner.Add(std::move(datastore));
  runner.Add(std::move(apiserver));
  // One CA signs the serving certificate and the clients': it is what pods must trust.
  runner.Add(std::make_unique<ControllersComponent>(api, options.client_ca_file));
  runner.Add(std::make_unique<SchedulerComponent>(api));
  runner.Add(std::make_unique<KubeletComponent>(options, api));
  if (Status started = runner.StartAll(); !started.ok()) {
    return Fail(started);
  }
  spdlog::info("control plane ready");
  if (hooks.on_ready) {
    hooks.on_ready(api.port());
  }
  WaitForStop(waiter, signals, hooks.stop);
  // Readiness goes red first so clients stop sending before anything stops serving.
  shutting_down = true;
  runner.StopAll();
  spdlog::info("control plane stopped");
  return 0;
}

}  // namespace

int RunControlPlane(const ControlPlaneOptions& options) {
  return RunControlPlane(options, RunHooks{});
}

int RunControlPlane(const ControlPlaneOptions& options, const RunHooks& hooks) {
  try {
    return Run(options, hooks);
  } catch (const std::exception& e) {
    return Fail(Error(Code::kInternal, "unexpected error: {}", e.what()));
  } catch (...) {
    return Fail(Error(Code::kInternal, "unexpected error"));
  }
}

}  // namespace mini::cluster
