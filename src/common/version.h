// The version and source commit baked in at build time.
#pragma once

#include <string_view>

namespace mini {

std::string_view Version();    // "v0.1.0"
std::string_view GitCommit();  // full hash, or "unknown" outside a git checkout

}  // namespace mini
