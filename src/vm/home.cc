#include "vm/home.h"

#include <cstdlib>

namespace mini::vm {

Result<Home> Home::FromEnvironment() {
  if (const char* env = std::getenv("MINI_HOME"); env != nullptr && *env != '\0') {
    return Home(std::filesystem::absolute(env));
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return Home(std::filesystem::path(home) / ".mini");
  }
  return Error(Code::kFailedPrecondition, "cannot tell where to keep mini's state")
      .WithAdvice("set MINI_HOME or HOME");
}

}  // namespace mini::vm
