// A scriptable Processes: records what was started and signalled, and lets a test decide
// which processes are alive, so drivers can be tested without starting anything.
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "common/process.h"

namespace mini::testing {

class FakeProcesses : public Processes {
 public:
  struct Record {
    std::vector<SpawnOptions> spawned;
    std::vector<std::pair<pid_t, int>> signals;
    std::map<pid_t, bool> alive;
    /// Whether SIGTERM ends a process (false: only SIGKILL does).
    bool obeys_sigterm = true;
    pid_t next_pid = 4000;
    /// Command lines of processes a test pretends exist (e.g. one that reused a pid).
    std::map<pid_t, std::vector<std::string>> command_lines;
    /// Called as a process starts, e.g. to write what it would print into its log.
    std::function<void(const SpawnOptions&)> on_spawn;
  };

  explicit FakeProcesses(std::shared_ptr<Record> record) : record_(std::move(record)) {}

  Result<ProcessId> Spawn(const SpawnOptions& options) override {
    record_->spawned.push_back(options);
    pid_t pid = record_->next_pid++;
    record_->alive[pid] = true;
    if (record_->on_spawn) record_->on_spawn(options);
    return ProcessId{pid, 1000u + static_cast<uint64_t>(pid)};
  }
  ChildState Poll(const ProcessId& id) override { return {Alive(id), 0}; }
  bool Alive(const ProcessId& id) override {
    auto it = record_->alive.find(id.pid);
    return it != record_->alive.end() && it->second &&
           id.start_time == 1000u + static_cast<uint64_t>(id.pid);
  }
  Status Signal(const ProcessId& id, int signal) override {
    if (!Alive(id)) {
      return Status(Code::kNotFound, "not running");
    }
    record_->signals.emplace_back(id.pid, signal);
    if (signal == 9 || (signal == 15 && record_->obeys_sigterm)) {
      record_->alive[id.pid] = false;
    }
    return Status::Ok();
  }
  Result<ProcessId> Identify(pid_t pid) override {
    return ProcessId{pid, 1000u + static_cast<uint64_t>(pid)};
  }
  /// What a process was started with, unless a test says otherwise in `command_lines`.
  Result<std::vector<std::string>> CommandLine(pid_t pid) override {
    if (auto it = record_->command_lines.find(pid); it != record_->command_lines.end()) {
      return it->second;
    }
    pid_t first = record_->next_pid - static_cast<pid_t>(record_->spawned.size());
    if (pid < first || pid >= record_->next_pid || !record_->alive[pid]) {
      return Status(Code::kNotFound, "not running");
    }
    return record_->spawned[static_cast<size_t>(pid - first)].argv;
  }

 private:
  std::shared_ptr<Record> record_;
};

}  // namespace mini::testing
