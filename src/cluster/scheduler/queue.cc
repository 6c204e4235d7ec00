#include "cluster/scheduler/queue.h"

#include <algorithm>

namespace mini::cluster::scheduler {

void SchedulingQueue::Add(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& entry = it->second;
  if (inserted) {
    Activate(key, entry);
    return;
  }
  if (entry.state == State::kInFlight) {
    entry.changed_in_flight = true;
  } else if (entry.state == State::kUnschedulable) {
    Backoff(key, entry, Clock::now());
  }
}

void SchedulingQueue::Delete(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
  std::erase(active_, key);
}

void SchedulingQueue::Unschedulable(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    return;  // deleted meanwhile
  }
  Entry& entry = it->second;
  Clock::time_point now = Clock::now();
  ++entry.attempts;
  auto backoff = options_.initial_backoff;
  for (int i = 1; i < entry.attempts && backoff < options_.max_backoff; ++i) {
    backoff *= 2;
  }
  entry.backoff_until = now + std::min(backoff, options_.max_backoff);
  entry.failed_at = now;
  // A change seen during the attempt may already have made room: do not wait for another.
  if (entry.changed_in_flight || move_cycle_ > entry.popped_at_cycle) {
    Backoff(key, entry, now);
  } else {
    entry.state = State::kUnschedulable;
  }
}

void SchedulingQueue::Retry(const std::string& key) {
  Unschedulable(key);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.state == State::kUnschedulable) {
    Backoff(key, it->second, Clock::now());
  }
}

void SchedulingQueue::Done(const std::string& key) { Delete(key); }

void SchedulingQueue::MoveAllToActive() {
  std::lock_guard lock(mutex_);
  ++move_cycle_;
  Clock::time_point now = Clock::now();
  for (auto& [key, entry] : entries_) {
    if (entry.state == State::kUnschedulable) {
      Backoff(key, entry, now);
    }
  }
}

std::optional<std::string> SchedulingQueue::Pop() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (closed_) {
      return std::nullopt;
    }
    Promote(Clock::now());
    if (!active_.empty()) {
      std::string key = std::move(active_.front());
      active_.pop_front();
      Entry& entry = entries_[key];
      entry.state = State::kInFlight;
      entry.popped_at_cycle = move_cycle_;
      entry.changed_in_flight = false;
      return key;
    }
    if (std::optional<Clock::time_point> wake = NextWake()) {
      changed_.wait_until(lock, *wake);
    } else {
      changed_.wait(lock);
    }
  }
}

void SchedulingQueue::Close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

size_t SchedulingQueue::Waiting() const {
  std::lock_guard lock(mutex_);
  return std::count_if(entries_.begin(), entries_.end(),
                       [](const auto& e) { return e.second.state != State::kInFlight; });
}

void SchedulingQueue::Activate(const std::string& key, Entry& entry) {
  entry.state = State::kActive;
  active_.push_back(key);
  changed_.notify_all();
}

void SchedulingQueue::Backoff(const std::string& key, Entry& entry, Clock::time_point now) {
  if (entry.backoff_until > now) {
    entry.state = State::kBackoff;
    changed_.notify_all();  // the popper's wake-up time may now be earlier
  } else {
    Activate(key, entry);
  }
}

void SchedulingQueue::Promote(Clock::time_point now) {
  for (auto& [key, entry] : entries_) {
    bool backed_off = entry.state == State::kBackoff && entry.backoff_until <= now;
    bool flushed = entry.state == State::kUnschedulable &&
                   entry.failed_at + options_.unschedulable_flush <= now;
    if (backed_off || flushed) {
      Activate(key, entry);
    }
  }
}

std::optional<SchedulingQueue::Clock::time_point> SchedulingQueue::NextWake() const {
  std::optional<Clock::time_point> wake;
  for (const auto& [key, entry] : entries_) {
    std::optional<Clock::time_point> at;
    if (entry.state == State::kBackoff) {
      at = entry.backoff_until;
    } else if (entry.state == State::kUnschedulable) {
      at = entry.failed_at + options_.unschedulable_flush;
    }
    if (at && (!wake || *at < *wake)) {
      wake = at;
    }
  }
  return wake;
}

}  // namespace mini::cluster::scheduler
