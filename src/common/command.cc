#include "common/command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <boost/process/search_path.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace mini {
namespace bp = boost::process;

Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout) {
  if (argv.empty()) return Status(Code::kInvalidArgument, "no command to run");
  boost::filesystem::path program =
      argv[0].find('/') == std::string::npos ? bp::search_path(argv[0]) : argv[0];
  if (program.empty() || !boost::filesystem::exists(program)) {
    return Status(Code::kNotFound, fmt::format("{}: command not found", argv[0]));
  }
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  bp::ipstream out;
  std::error_code error;
  bp::child child(bp::exe = program, bp::args = args, bp::std_in<bp::null, (bp::std_out & bp::std_err)> out,
                  error);
  if (error) return Status(Code::kInternal, fmt::format("{}: {}", argv[0], error.message()));

  // A watchdog ends a command that hangs; reading its output then sees end of file.
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  bool timed_out = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    if (!done_cv.wait_for(lock, timeout, [&] { return done; })) {
      timed_out = true;
      ::kill(child.id(), SIGKILL);
    }
  });
  CommandOutput result;
  for (std::string line; std::getline(out, line);) result.output += line + "\n";
  child.wait(error);
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
  int native = child.native_exit_code();
  result.exit_code = WIFSIGNALED(native) ? 128 + WTERMSIG(native) : WEXITSTATUS(native);
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
