// Shell completion generated from the command tree itself, so it never falls out of date with
// the commands and flags that exist.
#include <iostream>
#include <map>

#include "cli/commands/commands.h"

namespace mini::cli {
namespace {

// "start" -> {"--driver", "--cpus", ...}; "" -> {"start", "stop", ...}; "profile" -> {"list"}.
void Collect(const CLI::App& app, const std::string& path,
             std::map<std::string, std::vector<std::string>>& words) {
  auto& here = words[path];
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) {
      continue;  // hidden
    }
    here.push_back(sub->get_name());
    Collect(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), words);
  }
  for (const CLI::Option* opt : app.get_options()) {
    for (const auto& name : opt->get_lnames()) {
      here.push_back("--" + name);
    }
  }
}

std::string Bash(const std::map<std::string, std::vector<std::string>>& words) {
  std::string cases;
  for (const auto& [path, list] : words) {
    std::string joined;
    for (const auto& w : list) {
      joined += (joined.empty() ? "" : " ") + w;
    }
    cases += "    \"" + path + "\") words=\"" + joined + "\" ;;\n";
  }
  return "# bash completion for mini; load with: source <(mini completion bash)\n"
         "_mini() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} path=\"\" w i words\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    w=${COMP_WORDS[i]}\n"
         "    [[ $w == -* ]] && continue\n"
         "    if _mini_words \"${path:+$path }$w\" >/dev/null; then path=\"${path:+$path }$w\"; "
         "fi\n"
         "  done\n"
         "  words=$(_mini_words \"$path\")\n"
         "  COMPREPLY=($(compgen -W \"$words --profile --v --alsologtostderr --help\" -- "
         "\"$cur\"))\n"
         "}\n"
         "_mini_words() {\n"
         "  local words\n"
         "  case \"$1\" in\n" +
         cases +
         "    *) return 1 ;;\n"
         "  esac\n"
         "  echo \"$words\"\n"
         "}\n"
         "complete -F _mini mini\n";
}

}  // namespace

void SetUpCompletion(CLI::App& app, Globals& globals) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("completion", "Print a shell completion script (bash or zsh)");
  cmd->add_option("shell", *shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  cmd->callback([&app, shell, &globals] {
    std::map<std::string, std::vector<std::string>> words;
    Collect(app, "", words);
    if (*shell == "zsh") {
      std::cout << "# zsh completion for mini; load with: source <(mini completion zsh)\n"
                << "autoload -U +X bashcompinit && bashcompinit\n";
    }
    std::cout << Bash(words);
    globals.status = Status::Ok();
  });
}

}  // namespace mini::cli
