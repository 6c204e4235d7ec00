#include "net/nftables.h"

#include "common/command.h"
#include "common/files.h"

namespace mini::net {
namespace fs = std::filesystem;

Status RunNftBatch(const fs::path& scratch, const std::string& batch) {
  MINI_RETURN_IF_ERROR(AtomicWriteFile(scratch, batch, 0644, Durability::kVolatile));
  Status ran = RunChecked({"nft", "-f", scratch.string()}).status();
  std::error_code error;
  fs::remove(scratch, error);
  return ran;
}

Status DeleteNftTable(const std::string& family, const std::string& name) {
  auto listed = RunCommand({"nft", "list", "table", family, name});
  if (!listed.ok() || listed->exit_code != 0) return Status::Ok();
  return RunChecked({"nft", "delete", "table", family, name}).status();
}

}  // namespace mini::net
