#include "cluster/runtime/oci/shim.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "cluster/runtime/oci/sealed_runtime.h"
#include "common/files.h"

extern char** environ;

namespace mini::cluster::runtime::oci {
namespace fs = std::filesystem;

namespace {

// Longer lines are split into partial records, as container runtimes do for the CRI log.
constexpr size_t kMaxLine = 16 * 1024;
// After the init exits, how long output still held open by strays is waited for.
constexpr int kDrainMillis = 2000;

// Formatted by hand: glibc's strftime calls tzset, which looks at /etc/localtime again on
// every call, that is on every line a container writes.
std::string NowNanos() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  gmtime_r(&now.tv_sec, &utc);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:09d}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     now.tv_nsec);
}

// The CRI log of one container: whole lines tagged F, long ones cut into P pieces, rotated by
// size into numbered files (log.1 is the newest old one).
class LogWriter {
 public:
  LogWriter(fs::path path, int64_t max_bytes, int max_files)
      : path_(std::move(path)), max_bytes_(max_bytes), max_files_(max_files) {
    Open();
  }

  void Write(std::string_view stream, std::string& pending, std::string_view data, bool eof) {
    pending.append(data);
    size_t start = 0;
    for (;;) {
      size_t newline = pending.find('\n', start);
      if (newline != std::string::npos && newline - start <= kMaxLine) {
        Emit(stream, false, std::string_view(pending).substr(start, newline - start));
        start = newline + 1;
      } else if (pending.size() - start > kMaxLine) {
        Emit(stream, true, std::string_view(pending).substr(start, kMaxLine));
        start += kMaxLine;
      } else {
        break;
      }
    }
    pending.erase(0, start);
    if (eof && !pending.empty()) {
      Emit(stream, false, pending);  // the last line had no newline
      pending.clear();
    }
  }

 private:
  void Open() {
    out_.open(path_, std::ios::app | std::ios::binary);
    std::error_code error;
    size_ = static_cast<int64_t>(fs::file_size(path_, error));
    if (error) size_ = 0;
  }

  void Emit(std::string_view stream, bool partial, std::string_view text) {
    std::string line = CriLogLine(NowNanos(), stream, partial, text);
    if (size_ > 0 && size_ + static_cast<int64_t>(line.size()) > max_bytes_) Rotate();
    out_ << line;
    out_.flush();
    size_ += static_cast<int64_t>(line.size());
  }

  void Rotate() {
    out_.close();
    std::error_code error;
    for (int i = max_files_ - 1; i >= 1; --i) {
      fs::path from = i == 1 ? path_ : fs::path(path_.string() + "." + std::to_string(i - 1));
      fs::rename(from, path_.string() + "." + std::to_string(i), error);
    }
    Open();
  }

  fs::path path_;
  int64_t max_bytes_;
  int max_files_;
  std::ofstream out_;
  int64_t size_ = 0;
};

// Runs argv with stdin from /dev/null and stdout/stderr to the given descriptors (-1: also
// /dev/null); returns the exit code.
int RunTool(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (out_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  }
  if (err_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return 127;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// What crun said about its own failure (its --log file, one JSON record per line).
std::string CrunError(const fs::path& log) {
  std::ifstream in(log);
  std::string last;
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code error;
    boost::json::value record = boost::json::parse(line, error);
    if (!error && record.is_object() && record.as_object().contains("msg")) {
      last = boost::json::value_to<std::string>(record.at("msg"));
    }
  }
  return last.empty() ? "the container runtime failed" : last;
}

std::optional<pid_t> ReadPid(const fs::path& file) {
  auto text = ReadFile(file);
  if (!text.ok()) return std::nullopt;
  pid_t pid = std::atoi(text->c_str());
  return pid > 0 ? std::optional<pid_t>(pid) : std::nullopt;
}

// The file that counts OOM kills in the memory cgroup of `pid`: memory.events on a unified
// (v2) host, memory.oom_control under the memory controller on a legacy or hybrid one. Both
// have an "oom_kill <n>" line. Read while the container runs: its cgroup outlives its init
// until the container is deleted, but /proc/<pid> does not.
std::optional<fs::path> OomCounter(pid_t pid) {
  auto cgroups = ReadFile(fmt::format("/proc/{}/cgroup", pid));
  if (!cgroups.ok()) return std::nullopt;
  std::istringstream lines(*cgroups);
  std::optional<fs::path> unified;
  for (std::string line; std::getline(lines, line);) {
    size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');) {
      if (name == "memory") {
        return fs::path("/sys/fs/cgroup/memory") / path.substr(1) / "memory.oom_control";
      }
    }
    if (controllers.empty() && line.starts_with("0:")) {
      unified = fs::path("/sys/fs/cgroup") / path.substr(1) / "memory.events";
    }
  }
  return unified;
}

int64_t OomKills(const std::optional<fs::path>& counter) {
  if (!counter) return 0;
  auto text = ReadFile(*counter);
  if (!text.ok()) return 0;
  std::istringstream fields(*text);
  for (std::string key; fields >> key;) {
    int64_t value = 0;
    if (!(fields >> value)) break;
    if (key == "oom_kill") return value;
  }
  return 0;
}

}  // namespace

std::string CriLogLine(std::string_view timestamp, std::string_view stream, bool partial,
                       std::string_view text) {
  return fmt::format("{} {} {} {}\n", timestamp, stream, partial ? 'P' : 'F', text);
}

int RunShim(const ShimOptions& o) {
  // crun runs without copying itself when its binary is read-only (sealed_runtime.h).
  setenv(kClonedBinaryEnv, "1", 1);
  // Orphans of the container (its init among them, once crun has exited) become ours.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  signal(SIGPIPE, SIG_IGN);
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) return 1;
  const fs::path pid_file = o.bundle / "init.pid";
  const fs::path crun_log = o.bundle / "crun.log";
  std::vector<std::string> base = {o.crun, "--root", o.crun_root.string(),
                                   "--log", "file:" + crun_log.string(), "--log-format", "json"};
  // The container inherits crun's stdout and stderr: the pipes' write ends. crun's own
  // messages go to its log file, read back when something fails.
  // One `crun run --detach` (create and start in one process): a pod start pays for every
  // process it spawns, and crun's start-up is most of what a second one would cost.
  std::vector<std::string> run = base;
  run.insert(run.end(), {"run", "--detach", "--bundle", o.bundle.string(), "--pid-file",
                         pid_file.string(), o.id});
  int ran = RunTool(run, out_pipe[1], err_pipe[1]);
  std::string started_at = NowNanos();
  if (ran != 0) {
    (void)AtomicWriteFile(o.start_file, "error: " + CrunError(crun_log), 0644, Durability::kVolatile);
    return 1;
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::optional<pid_t> init = ReadPid(pid_file);
  (void)AtomicWriteFile(o.start_file, fmt::format("{}\n", init.value_or(0)), 0644, Durability::kVolatile);
  std::optional<fs::path> oom_counter = init ? OomCounter(*init) : std::nullopt;
  int64_t oom_kills_before = OomKills(oom_counter);

  LogWriter log(o.log_path, o.log_max_bytes, o.log_max_files);
  std::string pending_out, pending_err;
  // The init's exit wakes the loop through a pidfd, so a quiet container costs no wake-ups;
  // without one (kernels before 5.3) the loop looks for it every 100 ms.
  const int init_fd = init ? static_cast<int>(syscall(SYS_pidfd_open, *init, 0)) : -1;
  pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {init_fd, POLLIN, 0}};
  bool open[2] = {true, true};
  std::optional<int> status;
  int drained_ms = 0;
  while ((open[0] || open[1]) && (!status || drained_ms < kDrainMillis)) {
    int ready = poll(fds, 3, status || fds[2].fd < 0 ? 100 : -1);
    if (status && ready == 0) drained_ms += 100;
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buffer[65536];
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      std::string& pending = i == 0 ? pending_out : pending_err;
      if (n > 0) {
        log.Write(i == 0 ? "stdout" : "stderr", pending, std::string_view(buffer, n), false);
      } else if (n == 0 || errno != EINTR) {
        log.Write(i == 0 ? "stdout" : "stderr", pending, "", true);
        open[i] = false;
        fds[i].fd = -1;
      }
    }
    for (int child_status; ;) {
      pid_t reaped = waitpid(-1, &child_status, WNOHANG);
      if (reaped <= 0) break;
      if (init && reaped == *init) status = child_status;
    }
    // Once the init has exited (or it ended without being ours to reap), back to timed polls.
    if (status || (fds[2].revents & POLLIN)) fds[2].fd = -1;
  }
  if (init_fd >= 0) close(init_fd);
  while (!status && init) {  // output closed before the init was reaped
    int child_status = 0;
    pid_t reaped = waitpid(-1, &child_status, 0);
    if (reaped < 0 && errno != EINTR) break;
    if (reaped == *init) status = child_status;
  }
  int code = status ? (WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status)) : 255;
  boost::json::object exit{{"exitCode", code},
                           {"signal", status && WIFSIGNALED(*status) ? WTERMSIG(*status) : 0},
                           {"startedAt", started_at},
                           {"finishedAt", NowNanos()},
                           {"oomKilled", OomKills(oom_counter) > oom_kills_before}};
  (void)AtomicWriteFile(o.exit_file, boost::json::serialize(exit), 0644, Durability::kVolatile);
  return 0;
}

}  // namespace mini::cluster::runtime::oci
