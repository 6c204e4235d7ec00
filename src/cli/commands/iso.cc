#include <algorithm>
#include <iostream>

#include "cli/commands/commands.h"
#include "common/process.h"
#include "vm/iso/config_iso.h"
#include "vm/iso/guest_iso.h"

namespace mini::cli {
namespace {

// The files of `dir` (regular ones, by name) as the guest's configuration volume at `out`:
// what the virtualbox driver writes, for another hypervisor without fw_cfg, or a test.
Status WriteConfigFrom(const std::string& dir, const std::string& out) {
  if (out.empty()) {
    return Error(Code::kInvalidArgument, "--config-from needs --output")
        .WithAdvice("give the ISO's path: mini iso --config-from=DIR -o config.iso")
        .WithReason("MK_USAGE");
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Error(Code::kNotFound, "--config-from: {} is not a directory", dir)
        .WithAdvice("give the directory holding args, hostname, ca.crt, apiserver.crt, ...");
  }
  std::vector<vm::iso::ConfigFile> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) files.push_back({e.path().filename().string(), e.path()});
  }
  if (ec) return ErrnoError(Code::kInternal, ec.value(), "listing " + dir);
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return vm::iso::WriteConfigIso(out, files);
}

}  // namespace

void SetUpIso(CLI::App& app, Globals& globals) {
  auto output = std::make_shared<std::string>();
  auto config_from = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "iso", "Make the guest image a bootable ISO (for VirtualBox, or any hypervisor) and print "
             "its path");
  cmd->add_option("-o,--output", *output, "Copy the ISO to this file");
  cmd->add_option("--config-from", *config_from,
                  "Instead, write the guest's configuration volume (label " +
                      std::string(vm::iso::kConfigVolumeLabel) +
                      ") holding the files of this directory to --output");
  cmd->callback([output, config_from, &globals] {
    globals.status = [&]() -> Status {
      if (!config_from->empty()) {
        MINI_RETURN_IF_ERROR(WriteConfigFrom(*config_from, *output));
        std::cout << *output << "\n";
        return Status::Ok();
      }
      MINI_ASSIGN_OR_RETURN(vm::Context ctx, MakeContext());
      MINI_ASSIGN_OR_RETURN(std::filesystem::path self, SelfExecutable());
      MINI_ASSIGN_OR_RETURN(std::filesystem::path iso,
                            vm::iso::EnsureGuestIso({ctx.home.Cache(), self, ctx.say}));
      if (!output->empty()) {
        std::error_code ec;
        std::filesystem::copy_file(iso, *output,
                                   std::filesystem::copy_options::overwrite_existing, ec);
        if (ec) {
          return ErrnoError(Code::kInternal, ec.value(), "copying the ISO to " + *output)
              .WithAdvice("give a writable --output path");
        }
        iso = *output;
      }
      std::cout << iso.string() << "\n";
      return Status::Ok();
    }();
  });
}

}  // namespace mini::cli
