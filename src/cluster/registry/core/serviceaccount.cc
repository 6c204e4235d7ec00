#include "cluster/registry/core/serviceaccount.h"

#include <boost/json.hpp>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

class ServiceAccountStrategy : public Strategy {
 public:
  std::vector<Column> Columns() const override {
    return {{"Name", "string", "name", "Name must be unique within a namespace.", 0},
            {"Secrets", "string", "", "The number of secrets listed for the account.", 0},
            {"Age", "string", "", "Time since the ServiceAccount was created.", 0}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    const json::array* secrets = ArrayField(object, "secrets");
    return {json::string(StringAt(object, "metadata.name")),
            static_cast<int64_t>(secrets ? secrets->size() : 0), json::string(Age(object, now))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewServiceAccountStrategy(const StrategyContext&) {
  return std::make_unique<ServiceAccountStrategy>();
}

}  // namespace mini::cluster::registry::core
