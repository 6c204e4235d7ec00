// nftables programmed with Debian's `nft` tool, one batch file per change: `nft -f` applies a
// batch as one transaction, so a rule set is never left half-written.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace mini::net {

/// Runs an nft batch as one transaction (`nft -f`); `scratch` names the file it is written to.
Status RunNftBatch(const std::filesystem::path& scratch, const std::string& batch);

/// Deletes the table `family name`; OK when there is none.
Status DeleteNftTable(const std::string& family, const std::string& name);

}  // namespace mini::net
