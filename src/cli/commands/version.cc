#include "common/version.h"

#include <boost/json.hpp>
#include <iostream>

#include "cli/commands/commands.h"
#include "common/json.h"

namespace mini::cli {

void SetUpVersion(CLI::App& app, Globals& globals) {
  struct Options {
    std::string output;
    bool short_form = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("version", "Print the version of mini");
  AddOutputFlag(*cmd, opts->output);
  cmd->add_flag("--short", opts->short_form, "Print just the version number");
  cmd->callback([opts, &globals] {
    if (opts->short_form) {
      std::cout << Version() << "\n";
    } else if (opts->output == "json") {
      boost::json::value v = {{"commit", GitCommit()}, {"miniVersion", Version()}};
      std::cout << PrettyJson(v);
    } else {
      std::cout << "mini version: " << Version() << "\ncommit: " << GitCommit() << "\n";
    }
    globals.status = Status::Ok();
  });
}

}  // namespace mini::cli
