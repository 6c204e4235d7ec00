// The guest's /init (images/guest/init.sh), compiled into mini so the image can be built
// wherever mini runs.
#pragma once

#include <string_view>

namespace mini::vm::image {

std::string_view GuestInitScript();

}  // namespace mini::vm::image
