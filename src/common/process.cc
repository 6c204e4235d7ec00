#include "common/process.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/start_dir.hpp>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/files.h"

namespace mini {
namespace bp = boost::process;
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

// Runs in the child between fork and exec. A new session detaches it from the terminal; every
// inherited descriptor above stderr is marked close-on-exec so the child holds no pipe or
// socket of ours (a test harness waiting for our output would otherwise wait for it too).
// Boost's limit_handles would close them outright, including the pipe that reports a failed
// exec, so that failure would go unnoticed.
struct DetachedChild : bp::extend::handler {
  template <typename Executor>
  void on_exec_setup(Executor& /*exec*/) const {
    ::setsid();
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      long max_fd = std::min(::sysconf(_SC_OPEN_MAX), 65536L);
      for (int fd = 3; fd < max_fd; ++fd) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
      }
    }
  }
};

class SystemProcesses : public Processes {
 public:
  Result<ProcessId> Spawn(const SpawnOptions& options) override {
    if (options.argv.empty()) {
      return Error(Code::kInvalidArgument, "no command to start");
    }
    MINI_RETURN_IF_ERROR(MakeDirs(options.log_file.parent_path()));
    std::vector<std::string> args(options.argv.begin() + 1, options.argv.end());
    // Appended, so the output of earlier runs (a crash's last words) is kept.
    int log_fd = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
      return ErrnoError(CodeFromErrno(errno), errno, "opening " + options.log_file.string());
    }
    std::unique_ptr<FILE, int (*)(FILE*)> log(::fdopen(log_fd, "a"), &::fclose);
    if (!log) {
      ::close(log_fd);
      return ErrnoError(CodeFromErrno(errno), errno, "opening " + options.log_file.string());
    }
    std::error_code ec;
    bp::child child(bp::exe = options.argv[0], bp::args = args,
                    bp::std_in<bp::null, (bp::std_out & bp::std_err)> log.get(),
                    bp::start_dir = "/", DetachedChild{}, ec);
    if (ec) {
      return Error(CodeFromErrno(ec.value()), "starting {}: {}", options.argv[0], ec.message());
    }
    pid_t pid = child.id();
    auto id = Identify(pid);
    std::lock_guard lock(mu_);
    children_.emplace(pid, std::move(child));
    return id.ok() ? id : ProcessId{pid, 0};
  }

  ChildState Poll(const ProcessId& id) override {
    std::lock_guard lock(mu_);
    auto it = children_.find(id.pid);
    if (it == children_.end()) {
      return {Alive(id), 0};
    }
    std::error_code ec;
    if (it->second.running(ec)) {
      return {true, 0};
    }
    int code = it->second.native_exit_code();
    ChildState state{false, WIFSIGNALED(code) ? 128 + WTERMSIG(code) : WEXITSTATUS(code)};
    children_.erase(it);
    return state;
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

  ~SystemProcesses() override {
    // Children outlive this object by design: they are supervised through their pid file.
    std::lock_guard lock(mu_);
    for (auto& [pid, child] : children_) {
      child.detach();
    }
  }

 private:
  std::mutex mu_;
  std::map<pid_t, bp::child> children_;
};

}  // namespace

ProcessesPtr NewSystemProcesses() { return std::make_unique<SystemProcesses>(); }

Result<bool> TerminateProcess(Processes& processes, const ProcessId& id,
                              std::chrono::milliseconds grace) {
  auto wait_gone = [&](std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!processes.Poll(id).running) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
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
