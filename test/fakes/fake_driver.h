// A driver whose "machine" is an in-process API server: real TLS and health endpoints, so the
// lifecycle can be tested end to end without processes or hypervisors. Scriptable: a test can
// make the machine die during boot, and every call is recorded.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/apiserver/health.h"
#include "cluster/apiserver/server.h"
#include "common/files.h"
#include "vm/driver_registry.h"

namespace mini::testing {

class FakeDriver : public vm::Driver {
 public:
  /// Shared by every FakeDriver a registry creates, as a host is shared by driver instances.
  struct World {
    std::vector<std::string> calls;  // "Start t1", "Kill t1"...
    std::map<std::string, std::unique_ptr<cluster::apiserver::Server>> servers;
    std::map<std::string, bool> crashed;
    bool die_on_start = false;                // Start "succeeds" but the machine is dead at once
    int shell_exit = 0;                       // what commands run through ShellCommand exit with
    bool shares_at_start = true;              // what SharesAtStart answers
    std::vector<std::string> started_mounts;  // "HOST:GUEST" of every Start's spec.mounts
    std::shared_ptr<cluster::apiserver::Router> router = MakeRouter();
  };

  explicit FakeDriver(std::shared_ptr<World> world) : world_(std::move(world)) {}

  static vm::DriverDef Definition(std::shared_ptr<World> world) {
    return {"fake",
            {"pretend"},
            1,
            [](const vm::HostContext&) {
              return vm::HostCheck{true, "", ""};
            },
            [world] { return std::make_unique<FakeDriver>(world); }};
  }

  Status Create(const vm::MachineSpec& spec) override {
    world_->calls.push_back("Create " + spec.name);
    return MakeDirs(spec.machine_dir);
  }
  Status Start(const vm::MachineSpec& spec) override {
    world_->calls.push_back("Start " + spec.name);
    for (const vm::SharedDir& m : spec.mounts) {
      world_->started_mounts.push_back(m.host.string() + ":" + m.guest);
    }
    MINI_RETURN_IF_ERROR(Create(spec));
    if (world_->die_on_start) {
      world_->crashed[spec.name] = true;
      return AtomicWriteFile(spec.console_log, "booting\nfatal: out of pretend memory\n");
    }
    cluster::apiserver::ServerOptions options;
    options.bind_address = "127.0.0.1";
    options.port = 0;
    options.cert_file = spec.serving_cert;
    options.key_file = spec.serving_key;
    options.client_ca_file = spec.ca_cert;
    auto server = cluster::apiserver::Server::Create(options, world_->router);
    MINI_RETURN_IF_ERROR(server.status());
    (*server)->Start();
    world_->servers[spec.name] = std::move(server).value();
    world_->crashed[spec.name] = false;
    return Status::Ok();
  }
  Status Stop(const vm::MachineSpec& spec) override {
    world_->calls.push_back("Stop " + spec.name);
    return Halt(spec);
  }
  Status Kill(const vm::MachineSpec& spec) override {
    world_->calls.push_back("Kill " + spec.name);
    return Halt(spec);
  }
  Status Delete(const vm::MachineSpec& spec) override {
    world_->calls.push_back("Delete " + spec.name);
    MINI_RETURN_IF_ERROR(Halt(spec));
    return RemoveAll(spec.machine_dir);
  }
  Result<vm::MachineState> State(const vm::MachineSpec& spec) override {
    if (!std::filesystem::exists(spec.machine_dir)) {
      return vm::MachineState::kNonexistent;
    }
    if (world_->crashed[spec.name]) {
      return vm::MachineState::kError;
    }
    return world_->servers.count(spec.name) ? vm::MachineState::kRunning
                                            : vm::MachineState::kStopped;
  }
  Result<std::string> NodeIP(const vm::MachineSpec&) override { return std::string("127.0.0.1"); }
  Result<vm::Endpoint> ApiEndpoint(const vm::MachineSpec& spec) override {
    auto it = world_->servers.find(spec.name);
    return vm::Endpoint{"127.0.0.1",
                        it == world_->servers.end() ? uint16_t{1} : it->second->port()};
  }
  // Commands "run in the machine" are recorded and run nothing.
  Result<std::vector<std::string>> ShellCommand(const vm::MachineSpec&,
                                                const std::vector<std::string>& command) override {
    std::string line = "Shell";
    for (const auto& word : command) line += " " + word;
    world_->calls.push_back(line);
    return std::vector<std::string>{"sh", "-c", "exit " + std::to_string(world_->shell_exit)};
  }
  bool SharesAtStart() const override { return world_->shares_at_start; }
  Result<vm::HostRoute> RouteToHost(const vm::MachineSpec&) override {
    return vm::HostRoute{"127.0.0.1", "127.0.0.1"};
  }

 private:
  static std::shared_ptr<cluster::apiserver::Router> MakeRouter() {
    static cluster::apiserver::HealthChecks checks;
    auto router = std::make_shared<cluster::apiserver::Router>();
    cluster::apiserver::InstallHealthHandlers(*router, checks);
    return router;
  }

  Status Halt(const vm::MachineSpec& spec) {
    auto it = world_->servers.find(spec.name);
    if (it != world_->servers.end()) {
      it->second->Stop(std::chrono::milliseconds(100));
      world_->servers.erase(it);
    }
    world_->crashed[spec.name] = false;
    return Status::Ok();
  }

  std::shared_ptr<World> world_;
};

}  // namespace mini::testing
