#include "cluster/store/mvcc/completer.h"

namespace mini::store::mvcc {

Completer::Completer() : thread_([this] { Loop(); }) {}

Completer::~Completer() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Completer::Deliver(Answers answers) {
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(answers));
  }
  cv_.notify_one();
}

void Completer::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return closed_ || !pending_.empty(); });
    if (pending_.empty()) {
      return;  // closed and drained
    }
    Answers answers = std::move(pending_.front());
    pending_.pop_front();
    lock.unlock();
    for (auto& [done, result] : answers) {
      done(std::move(result));
    }
    lock.lock();
  }
}

}  // namespace mini::store::mvcc
