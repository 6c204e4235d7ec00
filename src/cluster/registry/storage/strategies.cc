#include "cluster/registry/groups.h"
#include "cluster/registry/storage/storageclass.h"

namespace mini::cluster::registry::storage {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "storageclasses") return NewStorageClassStrategy();
  return nullptr;
}

}  // namespace mini::cluster::registry::storage
