#include "cluster/store/mvcc/watch_hub.h"

#include <algorithm>
#include <utility>

namespace mini::store::mvcc {
namespace {

// Changes looked at per turn, matching or not, so one watcher of a rare key cannot hold the
// lock (and the committer's Publish) for long; the watcher goes to the back of the queue.
constexpr size_t kMaxScan = 8192;

size_t ChangeBytes(const Change& change) {
  return change.key.size() + change.version.value->size() +
         (change.prev ? change.prev->value->size() : 0);
}

}  // namespace

struct WatchHub::Watcher {
  Watcher(std::string k, bool p, std::shared_ptr<WatchSink> s)
      : key(std::move(k)), prefix(p), sink(std::move(s)) {}

  bool Matches(const std::string& changed) const {
    return prefix ? changed.starts_with(key) : changed == key;
  }

  const std::string key;
  const bool prefix;
  std::shared_ptr<WatchSink> sink;  // reset on Cancel; a delivering thread holds its own copy
  int64_t cursor = 0;               // the next revision to look at
  bool queued = false;              // in ready_
  bool busy = false;                // a delivery thread is inside the sink
  bool cancelled = false;
  std::thread::id deliverer;  // the thread inside the sink while busy
};

// Cancels on destruction. Holds the hub weakly: a watch may outlive its store, and then has
// nothing left to cancel.
class WatchHub::Handle : public ::mini::store::Watch {
 public:
  Handle(std::weak_ptr<WatchHub> hub, std::shared_ptr<Watcher> watcher)
      : hub_(std::move(hub)), watcher_(std::move(watcher)) {}
  ~Handle() override { Cancel(); }
  void Cancel() override {
    if (std::shared_ptr<WatchHub> hub = hub_.lock()) {
      hub->Cancel(watcher_);
    }
  }

 private:
  std::weak_ptr<WatchHub> hub_;
  std::shared_ptr<Watcher> watcher_;
};

WatchHub::WatchHub(int64_t compacted, int64_t current, std::vector<Change> history)
    : history_(std::make_move_iterator(history.begin()), std::make_move_iterator(history.end())),
      floor_(compacted + 1),
      current_(current) {}

std::shared_ptr<WatchHub> WatchHub::Start(int64_t compacted, int64_t current,
                                          std::vector<Change> history, size_t threads) {
  std::shared_ptr<WatchHub> hub(new WatchHub(compacted, current, std::move(history)));
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i) {
    hub->threads_.emplace_back([raw = hub.get()] { raw->Run(); });
  }
  return hub;
}

// The owner calls Shutdown first; this covers hubs that never served a store.
WatchHub::~WatchHub() { Shutdown(); }

Result<WatchPtr> WatchHub::Watch(const std::string& key, bool prefix, int64_t from,
                                 std::shared_ptr<WatchSink> sink) {
  if (sink == nullptr) {
    return Error(Code::kInvalidArgument, "a watch needs a sink");
  }
  auto watcher = std::make_shared<Watcher>(key, prefix, std::move(sink));
  std::lock_guard lock(mu_);
  if (stopping_) {
    return Error(Code::kUnavailable, "the datastore is closed");
  }
  if (from < floor_) {
    return Error(Code::kOutOfRange,
                 "cannot watch from revision {}: history up to revision {} has been compacted",
                 from, floor_ - 1)
        .WithReason(kReasonCompacted);
  }
  watcher->cursor = from;
  watchers_.push_back(watcher);
  Schedule(watcher);
  return WatchPtr(std::make_unique<Handle>(weak_from_this(), watcher));
}

void WatchHub::Publish(std::vector<Change> changes) {
  if (changes.empty()) {
    return;
  }
  const int64_t first = changes.front().version.revision;
  std::lock_guard lock(mu_);
  // A watcher that has seen everything before these changes and matches none of them moves
  // past them here, without waking a delivery thread: most watchers (each informer's kind)
  // match no change of a given write, and waking the threads for each of them at every commit
  // cost more CPU and context switches than the writes themselves.
  for (const std::shared_ptr<Watcher>& watcher : watchers_) {
    if (watcher->cursor >= first && !watcher->queued && !watcher->busy &&
        std::none_of(changes.begin(), changes.end(), [&](const Change& change) {
          return change.version.revision >= watcher->cursor && watcher->Matches(change.key);
        })) {
      // Never backwards: a watch from a future revision waits there.
      watcher->cursor = std::max(watcher->cursor, changes.back().version.revision + 1);
    }
  }
  for (Change& change : changes) {
    history_.push_back(std::move(change));
  }
  current_ = history_.back().version.revision;
  for (const std::shared_ptr<Watcher>& watcher : watchers_) {
    Schedule(watcher);
  }
}

void WatchHub::Compact(int64_t revision) {
  std::lock_guard lock(mu_);
  floor_ = std::max(floor_, revision + 1);
  Trim();
}

void WatchHub::Shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& thread : threads_) {
    thread.join();
  }
  threads_.clear();
  std::vector<std::shared_ptr<Watcher>> ended;  // their sinks are released outside the lock
  std::deque<Change> history;
  std::vector<std::shared_ptr<WatchSink>> sinks;
  {
    std::lock_guard lock(mu_);
    ended.swap(watchers_);
    history.swap(history_);
    ready_.clear();
    for (const std::shared_ptr<Watcher>& watcher : ended) {
      watcher->cancelled = true;
      sinks.push_back(std::move(watcher->sink));
    }
  }
}

size_t WatchHub::HistorySize() const {
  std::lock_guard lock(mu_);
  return history_.size();
}

void WatchHub::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (stopping_) {
      return;
    }
    std::shared_ptr<Watcher> watcher = std::move(ready_.front());
    ready_.pop_front();
    watcher->queued = false;
    bool delivered = !watcher->cancelled && Deliver(lock, watcher);
    if (delivered && !history_.empty() && history_.front().version.revision < floor_) {
      Trim();  // this watcher may have been the one holding old history
    }
    Schedule(watcher);
  }
}

bool WatchHub::Deliver(std::unique_lock<std::mutex>& lock,
                       const std::shared_ptr<Watcher>& watcher) {
  std::vector<Change> changes = Collect(*watcher);
  if (changes.empty()) {
    return false;
  }
  watcher->busy = true;
  watcher->deliverer = std::this_thread::get_id();
  std::shared_ptr<WatchSink> sink = watcher->sink;
  lock.unlock();
  std::vector<Event> events;
  events.reserve(changes.size());
  for (const Change& change : changes) {
    events.push_back(ToEvent(change));
  }
  changes.clear();
  sink->OnEvents(std::move(events));
  sink.reset();  // may be the last reference if the watch was cancelled meanwhile
  lock.lock();
  watcher->busy = false;
  idle_cv_.notify_all();
  return true;
}

std::vector<Change> WatchHub::Collect(Watcher& watcher) const {
  std::vector<Change> out;
  auto it = std::lower_bound(
      history_.begin(), history_.end(), watcher.cursor,
      [](const Change& change, int64_t revision) { return change.version.revision < revision; });
  size_t bytes = 0;
  for (size_t scanned = 0; it != history_.end() && scanned < kMaxScan; ++it, ++scanned) {
    if (out.size() >= kMaxBatchEvents || bytes >= kMaxBatchBytes) {
      break;
    }
    if (watcher.Matches(it->key)) {
      bytes += ChangeBytes(*it);
      out.push_back(*it);
    }
  }
  // A watch of a future revision keeps its cursor until the history reaches it.
  watcher.cursor =
      it == history_.end() ? std::max(watcher.cursor, current_ + 1) : it->version.revision;
  return out;
}

void WatchHub::Schedule(const std::shared_ptr<Watcher>& watcher) {
  if (watcher->cancelled || watcher->queued || watcher->busy || watcher->cursor > current_) {
    return;
  }
  watcher->queued = true;
  ready_.push_back(watcher);
  work_cv_.notify_one();
}

void WatchHub::Cancel(const std::shared_ptr<Watcher>& watcher) {
  std::shared_ptr<WatchSink> sink;  // declared first: released after the lock
  std::unique_lock lock(mu_);
  if (!watcher->cancelled) {
    watcher->cancelled = true;
    std::erase(watchers_, watcher);
  }
  // From inside this watcher's own OnEvents the delivery ends when the sink returns, and the
  // cancelled flag keeps it from being called again; waiting here would deadlock.
  if (watcher->busy && watcher->deliverer != std::this_thread::get_id()) {
    idle_cv_.wait(lock, [&] { return !watcher->busy; });
  }
  sink = std::move(watcher->sink);
}

void WatchHub::Trim() {
  // The history a new watch may ask for starts at floor_; a live watcher that is behind it
  // keeps what it has not seen yet.
  int64_t keep_from = floor_;
  for (const std::shared_ptr<Watcher>& watcher : watchers_) {
    keep_from = std::min(keep_from, watcher->cursor);
  }
  while (!history_.empty() && history_.front().version.revision < keep_from) {
    history_.pop_front();
  }
}

}  // namespace mini::store::mvcc
