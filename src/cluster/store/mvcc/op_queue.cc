#include "cluster/store/mvcc/op_queue.h"

#include <algorithm>

namespace mini::store::mvcc {
namespace {

bool IsCompaction(const PendingOp& pending) { return pending.op.kind == Op::Kind::kCompact; }

}  // namespace

bool OpQueue::Push(Op op, OpDone done) {
  {
    std::lock_guard lock(mu_);
    if (closed_) {
      return false;
    }
    pending_.push_back(PendingOp{std::move(op), std::move(done)});
  }
  cv_.notify_one();
  return true;
}

std::vector<PendingOp> OpQueue::Take(size_t max) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return closed_ || !pending_.empty(); });
  std::vector<PendingOp> taken;
  const size_t limit = std::max<size_t>(max, 1);
  while (!pending_.empty() && taken.size() < limit) {
    bool compaction = IsCompaction(pending_.front());
    if (compaction && !taken.empty()) {
      break;
    }
    taken.push_back(std::move(pending_.front()));
    pending_.pop_front();
    if (compaction) {
      break;
    }
  }
  return taken;
}

void OpQueue::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

}  // namespace mini::store::mvcc
