#include "cluster/store/mvcc/lessor.h"

#include <algorithm>

namespace mini::store::mvcc {

Lessor::~Lessor() { StopTimer(); }

void Lessor::Grant(LeaseId id, std::chrono::seconds ttl) {
  std::lock_guard lock(mu_);
  Lease& lease = leases_[id];
  lease.ttl = ttl;
  lease.deadline = Clock::now() + ttl;
}

void Lessor::Revoke(LeaseId id) {
  std::lock_guard lock(mu_);
  leases_.erase(id);
}

bool Lessor::Exists(LeaseId id) const {
  std::lock_guard lock(mu_);
  return leases_.contains(id);
}

Status Lessor::KeepAlive(LeaseId id) {
  std::lock_guard lock(mu_);
  auto it = leases_.find(id);
  Clock::time_point now = Clock::now();
  if (it == leases_.end() || it->second.deadline <= now) {
    return Error(Code::kNotFound, "lease {} not found or expired", id);
  }
  it->second.deadline = now + it->second.ttl;
  return Status::Ok();
}

std::vector<std::string> Lessor::Keys(LeaseId id) const {
  std::lock_guard lock(mu_);
  auto it = leases_.find(id);
  if (it == leases_.end()) {
    return {};
  }
  return {it->second.keys.begin(), it->second.keys.end()};
}

void Lessor::Attach(LeaseId id, const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = leases_.find(id);
  if (it != leases_.end()) {
    it->second.keys.insert(key);
  }
}

void Lessor::Detach(LeaseId id, const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = leases_.find(id);
  if (it != leases_.end()) {
    it->second.keys.erase(key);
  }
}

std::vector<LeaseId> Lessor::Expired(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  return ExpiredLocked(now);
}

std::vector<LeaseId> Lessor::ExpiredLocked(Clock::time_point now) const {
  std::vector<LeaseId> expired;
  for (const auto& [id, lease] : leases_) {
    if (lease.deadline <= now) {
      expired.push_back(id);
    }
  }
  std::sort(expired.begin(), expired.end());  // oldest grants first, for predictable order
  return expired;
}

void Lessor::StartTimer(std::chrono::milliseconds interval, ExpireFn expire) {
  timer_ =
      std::thread([this, interval, expire = std::move(expire)] { RunTimer(interval, expire); });
}

void Lessor::StopTimer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) {
    timer_.join();
  }
}

void Lessor::RunTimer(std::chrono::milliseconds interval, const ExpireFn& expire) {
  std::unique_lock lock(mu_);
  while (!timer_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
    std::vector<LeaseId> expired = ExpiredLocked(Clock::now());
    if (expired.empty()) {
      continue;
    }
    // The revocation goes through the committer, which calls back into Revoke and Detach.
    lock.unlock();
    expire(std::move(expired));
    lock.lock();
  }
}

}  // namespace mini::store::mvcc
