// The allocator behind Service cluster IPs and node ports. The store is the record of what is
// taken; this adds the values handed out by creates that have not reached the store yet, so two
// concurrent creates in one process never get the same value.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "cluster/registry/strategy.h"
#include "common/status.h"

namespace mini::cluster::registry::core {

/// 10.96.0.0/12, the service range kubeadm and minikube use.
inline constexpr uint32_t kServiceNetwork = (10u << 24) | (96u << 16);
inline constexpr uint32_t kServiceNetworkSize = 1u << 20;
inline constexpr const char* kServiceCidr = "10.96.0.0/12";
inline constexpr int64_t kNodePortMin = 30000;
inline constexpr int64_t kNodePortMax = 32767;

std::string FormatIPv4(uint32_t address);
bool ParseIPv4(std::string_view text, uint32_t& address);

class ServiceAllocator {
 public:
  explicit ServiceAllocator(StrategyContext context) : context_(std::move(context)) {}

  /// Fills in the service's clusterIP(s), IP family fields and node ports, honouring requested
  /// values when they are free. `old` is the stored object on update (nullptr on create): its
  /// own values do not count as taken.
  Status Allocate(boost::json::object& service, const boost::json::object* old);

 private:
  struct Taken {
    std::set<uint32_t> ips;
    std::set<int64_t> node_ports;
  };
  /// Everything in use by other services, stored or pending. Called with mu_ held.
  Result<Taken> Collect(const boost::json::object& self);

  StrategyContext context_;
  std::mutex mu_;
  // Values handed out recently, until the store has surely caught up (or the create failed).
  std::map<uint32_t, std::chrono::steady_clock::time_point> pending_ips_;
  std::map<int64_t, std::chrono::steady_clock::time_point> pending_ports_;
};

}  // namespace mini::cluster::registry::core
