#include "common/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/files.h"
#include "common/poll_backoff.h"
#include "common/spawn.h"

namespace mini {
namespace fs = std::filesystem;

namespace {

// Parses the state and start time out of /proc/<pid>/stat. The command name (field 2) can hold
// spaces and parentheses, so fields are counted from the last ')'.
struct ProcStat {
  char state = '?';
  uint64_t start_time = 0;
};

Result<ProcStat> ReadProcStat(pid_t pid) {
  auto text = ReadFile(fmt::format("/proc/{}/stat", pid));
  if (!text.ok()) {
    return text.status();
  }
  auto close = text->rfind(')');
  if (close == std::string::npos) {
    return Error(Code::kInternal, "unreadable /proc/{}/stat", pid);
  }
  std::istringstream in(text->substr(close + 1));
  ProcStat stat;
  in >> stat.state;
  std::string skip;
  for (int field = 4; field < 22; ++field) {
    in >> skip;
  }
  in >> stat.start_time;
  if (!in) {
    return Error(Code::kInternal, "unreadable /proc/{}/stat", pid);
  }
  return stat;
}

class SystemProcesses : public Processes {
 public:
  Result<ProcessId> Spawn(const SpawnOptions& options) override {
    if (options.argv.empty()) {
      return Error(Code::kInvalidArgument, "no command to start");
    }
    MINI_RETURN_IF_ERROR(MakeDirs(options.log_file.parent_path()));
    // Appended, so the output of earlier runs (a crash's last words) is kept.
    int log_fd = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
      return ErrnoError(CodeFromErrno(errno), errno, "opening " + options.log_file.string());
    }
    // A new session detaches it from our terminal; "/" keeps no directory of ours busy.
    auto started =
        SpawnProcess({.argv = options.argv, .output_fd = log_fd, .new_session = true, .cwd = "/"});
    ::close(log_fd);
    if (!started.ok()) {
      return started.status();
    }
    pid_t pid = *started;
    auto id = Identify(pid);
    std::lock_guard lock(mu_);
    children_.insert(pid);
    return id.ok() ? id : ProcessId{pid, 0};
  }

  ChildState Poll(const ProcessId& id) override {
    std::lock_guard lock(mu_);
    if (!children_.contains(id.pid)) {
      return {Alive(id), 0};
    }
    int status = 0;
    pid_t reaped = ::waitpid(id.pid, &status, WNOHANG);
    if (reaped == 0) {
      return {true, 0};
    }
    children_.erase(id.pid);
    if (reaped < 0) {
      return {false, 0};  // reaped elsewhere: its code is lost
    }
    return {false, ExitCode(status)};
  }

  bool Alive(const ProcessId& id) override {
    auto stat = ReadProcStat(id.pid);
    if (!stat.ok() || stat->state == 'Z' || stat->state == 'X') {
      return false;
    }
    return id.start_time == 0 || stat->start_time == id.start_time;
  }

  Status Signal(const ProcessId& id, int signal) override {
    if (!Alive(id)) {
      return Error(Code::kNotFound, "process {} is not running", id.pid);
    }
    if (::kill(id.pid, signal) != 0) {
      return ErrnoError(CodeFromErrno(errno), errno, fmt::format("signalling process {}", id.pid));
    }
    return Status::Ok();
  }

  Result<ProcessId> Identify(pid_t pid) override {
    auto stat = ReadProcStat(pid);
    if (!stat.ok()) {
      return Error(Code::kNotFound, "process {} is not running", pid);
    }
    return ProcessId{pid, stat->start_time};
  }

  Result<std::vector<std::string>> CommandLine(pid_t pid) override {
    auto text = ReadFile(fmt::format("/proc/{}/cmdline", pid));
    if (!text.ok() || text->empty()) {
      return Error(Code::kNotFound, "process {} is not running", pid);
    }
    std::vector<std::string> argv;
    for (size_t start = 0; start < text->size();) {
      size_t end = text->find('\0', start);
      if (end == std::string::npos) end = text->size();
      argv.push_back(text->substr(start, end - start));
      start = end + 1;
    }
    return argv;
  }

 private:
  std::mutex mu_;
  std::set<pid_t> children_;  // started here and not reaped yet; they may outlive this object
};

}  // namespace

ProcessesPtr NewSystemProcesses() { return std::make_unique<SystemProcesses>(); }

Result<bool> TerminateProcess(Processes& processes, const ProcessId& id,
                              std::chrono::milliseconds grace) {
  auto wait_gone = [&](std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    PollBackoff backoff;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!processes.Poll(id).running) {
        return true;
      }
      backoff.Sleep();
    }
    return !processes.Poll(id).running;
  };
  Status term = processes.Signal(id, SIGTERM);
  if (term.code() == Code::kNotFound) {
    return false;
  }
  MINI_RETURN_IF_ERROR(term);
  if (wait_gone(grace)) {
    return false;
  }
  Status kill = processes.Signal(id, SIGKILL);
  if (!kill.ok() && kill.code() != Code::kNotFound) {
    return kill;
  }
  if (!wait_gone(std::chrono::seconds(5))) {
    return Error(Code::kDeadlineExceeded, "process {} survived SIGKILL", id.pid);
  }
  return true;
}

Result<fs::path> SelfExecutable() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return Error(Code::kInternal, "locating the mini executable: {}", ec.message());
  }
  return self;
}

}  // namespace mini
