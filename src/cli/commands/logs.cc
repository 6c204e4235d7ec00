// `mini logs`: the control plane's log, the first place to look when a cluster misbehaves.
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands/commands.h"
#include "common/files.h"
#include "vm/lifecycle/machine.h"

namespace mini::cli {
namespace {

struct LogsOptions {
  int length = 60;
  bool follow = false;
  std::string file;
};

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
  std::string tail = o.length > 0 ? vm::LogTail(log, o.length) + "\n" : *text;
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
  cmd->callback([o, &globals] { globals.status = RunLogs(*o, globals); });
}

}  // namespace mini::cli
