// Each API group's strategy factory (one folder per group). nullptr: use the default strategy.
#pragma once

#include <memory>
#include <string>

#include "cluster/registry/strategy.h"

namespace mini::cluster::registry {
namespace core {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace apps {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace batch {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace networking {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace storage {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace coordination {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace events {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace discovery {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace policy {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace rbac {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace scheduling {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
namespace autoscaling {
std::unique_ptr<Strategy> NewStrategy(const std::string& resource, const StrategyContext& context);
}
}  // namespace mini::cluster::registry
