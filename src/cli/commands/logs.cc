// `mini logs`: the control plane's log, the first place to look when a cluster misbehaves.
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands/commands.h"
#include "common/files.h"
#include "vm/lifecycle/machine.h"

namespace mini::cli {
namespace {

struct LogsOptions {
  int length = 60;
  bool follow = false;
  bool problems = false;
  std::string file;
};

// The lines that tell of trouble: spdlog's warnings and errors ("W1122 ...", "E1122 ..."),
// the guest's own complaints, kernel oopses and panics.
std::string Problems(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    bool leveled = line.size() > 5 && (line[0] == 'W' || line[0] == 'E' || line[0] == 'C') &&
                   std::isdigit(static_cast<unsigned char>(line[1]));
    if (leveled || line.find("cannot") != std::string::npos ||
        line.find("Kernel panic") != std::string::npos || line.find("Oops") != std::string::npos ||
        line.find("exited (") != std::string::npos) {
      out += line + "\n";
    }
  }
  return out;
}

// Prints what is appended to `log` until interrupted (Ctrl-C ends the process).
[[noreturn]] void Follow(const std::filesystem::path& log, std::streamoff from) {
  std::ifstream in(log, std::ios::binary);
  in.seekg(from);
  std::string line;
  for (;;) {
    while (std::getline(in, line)) {
      std::cout << line << "\n" << std::flush;
    }
    in.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Status RunLogs(const LogsOptions& o, const Globals& globals) {
  MINI_ASSIGN_OR_RETURN(std::string profile, ResolveProfile(globals));
  MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
  MINI_RETURN_IF_ERROR(vm::LoadProfile(ctx.home, profile).status());
  std::filesystem::path log = ctx.home.LogDir(profile) / "control-plane.log";
  auto text = ReadFile(log);
  if (!text.ok()) {
    return text.status().code() == Code::kNotFound
               ? Error(Code::kNotFound, "the \"{}\" cluster has no logs yet", profile)
                     .WithReason("GUEST_NO_LOGS")
               : text.status();
  }
  std::string tail = o.problems                ? Problems(*text)
                     : o.length > 0 ? vm::LogTail(log, o.length) + "\n"
                                    : *text;
  if (!o.file.empty()) {
    return AtomicWriteFile(o.file, tail, 0600).WithReason("HOST_LOGS_WRITE");
  }
  std::cout << tail << std::flush;
  if (o.follow) {
    Follow(log, static_cast<std::streamoff>(text->size()));
  }
  return Status::Ok();
}

}  // namespace

void SetUpLogs(CLI::App& app, Globals& globals) {
  auto o = std::make_shared<LogsOptions>();
  auto* cmd = app.add_subcommand("logs", "Print the control plane's logs");
  cmd->add_option("-n,--length", o->length, "Number of lines to print (0: all)")
      ->capture_default_str();
  cmd->add_flag("-f,--follow", o->follow, "Keep printing new lines as they are written");
  cmd->add_option("--file", o->file, "Write the logs to this file instead of stdout");
  cmd->add_flag("--problems", o->problems, "Print only the lines that tell of problems");
  cmd->callback([o, &globals] { globals.status = RunLogs(*o, globals); });
}

}  // namespace mini::cli
