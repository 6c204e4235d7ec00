#include "cluster/registry/batch/cronjob.h"
#include "cluster/registry/batch/job.h"
#include "cluster/registry/groups.h"

namespace mini::cluster::registry::batch {

std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext&) {
  if (resource == "jobs") return NewJobStrategy();
  if (resource == "cronjobs") return NewCronJobStrategy();
  return nullptr;
}

}  // namespace mini::cluster::registry::batch
