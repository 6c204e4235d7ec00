#include "common/command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/spawn.h"

namespace mini {

Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout) {
  if (argv.empty()) return Status(Code::kInvalidArgument, "no command to run");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Status(Code::kInternal, fmt::format("{}: cannot make a pipe: {}", argv[0],
                                               std::strerror(errno)));
  }
  auto started = SpawnProcess({.argv = argv, .output_fd = pipe_fds[1]});
  ::close(pipe_fds[1]);  // the child's copy is the only writer left: its exit ends the reads
  if (!started.ok()) {
    ::close(pipe_fds[0]);
    return started.status();
  }
  pid_t pid = *started;

  // A watchdog ends a command that hangs; reading its output then sees end of file.
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  bool timed_out = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    if (!done_cv.wait_for(lock, timeout, [&] { return done; })) {
      timed_out = true;
      ::kill(pid, SIGKILL);
    }
  });
  CommandOutput result;
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof(buffer))) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.output.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  done_cv.notify_all();
  watchdog.join();
  if (timed_out) {
    return Status(Code::kDeadlineExceeded,
                  fmt::format("{} did not finish within {} ms", argv[0], timeout.count()));
  }
  result.exit_code = ExitCode(status);
  return result;
}

Result<std::string> RunChecked(const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout) {
  MINI_ASSIGN_OR_RETURN(CommandOutput result, RunCommand(argv, timeout));
  if (result.exit_code != 0) {
    std::string output = result.output;
    while (!output.empty() && output.back() == '\n') output.pop_back();
    return Status(Code::kInternal, fmt::format("{} exited with {}: {}", fmt::join(argv, " "),
                                               result.exit_code, output));
  }
  return result.output;
}

}  // namespace mini
