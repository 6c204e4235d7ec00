#include <iostream>

#include "cli/commands/commands.h"
#include "common/process.h"
#include "vm/iso/guest_iso.h"

namespace mini::cli {

void SetUpIso(CLI::App& app, Globals& globals) {
  auto output = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "iso", "Make the guest image a bootable ISO (for VirtualBox, or any hypervisor) and print "
             "its path");
  cmd->add_option("-o,--output", *output, "Copy the ISO to this file");
  cmd->callback([output, &globals] {
    globals.status = [&]() -> Status {
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
