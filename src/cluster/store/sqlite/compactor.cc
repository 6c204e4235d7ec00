#include "cluster/store/sqlite/compactor.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

#include "common/thread.h"

namespace mini::store::sqlite {

namespace {

// WAL frames (4 KiB pages) appended between two passive checkpoints: 2 MiB, half SQLite's
// own default. Each checkpoint ends by syncing the database file, and what it copied then
// goes to the disk at once, ahead of the commits' own syncs: at 12 MiB those syncs took 6-16
// ms, several times a second under a steady create load, and held the commits up as long; at
// 2 MiB they take 1-7 ms.
constexpr int kCheckpointFrames = 512;
// Restarting the WAL stops the appends for a few milliseconds (it copies the last frames and
// syncs the database file under the gate), so it waits until they pause this long...
constexpr std::chrono::milliseconds kQuietPeriod{20};
// ...unless the WAL has grown to this (48 MiB): then a write load that never pauses pays one
// stop per 48 MiB written.
constexpr int kMaxWalFrames = 12288;
// Passive checkpoint rounds before the one under the gate, and the tail of frames not yet
// copied that is short enough to stop early.
constexpr int kPassiveRounds = 4;
constexpr int kShortTailFrames = 32;
// Pages one incremental_vacuum step moves (1 MiB): a few milliseconds of work.
constexpr int kVacuumStepPages = 256;
// Free pages worth keeping: new writes reuse them, and moving them costs I/O.
constexpr int64_t kKeepFreePages = 256;
// The worker's connection waits at most this long for SQLite locks. Within the process the
// gate already serializes writers, so what it could wait for is a reader of another process
// (the sqlite3 shell) holding up a RESTART checkpoint, while the gate keeps appends out.
constexpr int kBusyTimeoutMs = 50;
// A compaction step also ends after this long, however few records it went through: on a
// loaded machine a full batch can take ten times longer than on an idle one, and appends wait
// for the step in progress.
constexpr std::chrono::milliseconds kStepBudget{5};
// After a failed step (a full disk, an I/O error), wait before retrying instead of spinning.
constexpr std::chrono::seconds kRetryDelay{1};

struct Candidate {
  int64_t revision;
  int64_t prev_revision;  // 0: it superseded nothing
  bool deleted;
};

}  // namespace

Result<std::unique_ptr<Compactor>> Compactor::Start(Db db, WriteGate& gate, int batch_rows,
                                                    CompactionProgress progress) {
  std::unique_ptr<Compactor> compactor(new Compactor(std::move(db), gate, batch_rows, progress));
  // Everything that can fail happens before the thread starts.
  auto prepare = [&](Statement& statement, const char* sql) -> Status {
    MINI_ASSIGN_OR_RETURN(statement, Statement::Prepare(compactor->db_, sql));
    return Status::Ok();
  };
  MINI_RETURN_IF_ERROR(prepare(compactor->select_batch_,
                               "SELECT revision, prev_revision, deleted FROM log WHERE "
                               "revision > ?1 AND revision <= ?2 ORDER BY revision LIMIT ?3"));
  MINI_RETURN_IF_ERROR(prepare(compactor->delete_revision_, "DELETE FROM log WHERE revision = ?1"));
  MINI_RETURN_IF_ERROR(
      prepare(compactor->save_cursor_, "UPDATE meta SET value = ?1 WHERE name = 'compact_cursor'"));
  sqlite3_busy_timeout(compactor->db_.get(), kBusyTimeoutMs);
  compactor->WatchWal(compactor->db_);
  Compactor* self = compactor.get();
  compactor->thread_ = std::thread([self] {
    NameThisThread("mini-compactor");
    self->Run();
  });
  return compactor;
}

Compactor::Compactor(Db db, WriteGate& gate, int batch_rows, CompactionProgress progress)
    : db_(std::move(db)),
      gate_(gate),
      batch_rows_(batch_rows > 0 ? batch_rows : 1),
      progress_(progress),
      next_checkpoint_frames_(kCheckpointFrames) {}

Compactor::~Compactor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  sqlite3_wal_hook(db_.get(), nullptr, nullptr);
}

void Compactor::SetTarget(int64_t revision) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    progress_.target = std::max(progress_.target, revision);
  }
  wake_.notify_all();
}

void Compactor::WatchWal(const Db& db) {
  sqlite3_wal_hook(db.get(), &Compactor::OnWalCommit, this);
}

// Runs inside each commit, which the gate serializes.
int Compactor::OnWalCommit(void* self, sqlite3* /*db*/, const char* /*name*/, int frames) {
  auto* compactor = static_cast<Compactor*>(self);
  compactor->last_commit_ns_.store(std::chrono::steady_clock::now().time_since_epoch().count());
  if (compactor->wal_frames_.exchange(frames) > frames) {
    compactor->next_checkpoint_frames_ = kCheckpointFrames;  // the WAL was restarted
  }
  if (frames >= compactor->next_checkpoint_frames_) {
    compactor->next_checkpoint_frames_ = frames + kCheckpointFrames;
    compactor->RequestCheckpoint();
  }
  return SQLITE_OK;
}

bool Compactor::Quiet() const {
  auto last = std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(last_commit_ns_.load()));
  return std::chrono::steady_clock::now() - last >= kQuietPeriod;
}

void Compactor::RequestCheckpoint() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    checkpoint_pending_ = true;
  }
  wake_.notify_all();
}

bool Compactor::WaitForIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_.wait_for(lock, timeout, [&] {
    return stop_ || (!busy_ && !restart_pending_ && NextWork() == Work::kNone);
  });
}

Compactor::Work Compactor::NextWork() const {
  // The WAL first, so that it stays short; vacuum last, once compaction has freed the pages.
  if (checkpoint_pending_ || (restart_pending_ && Quiet())) {
    return Work::kCheckpoint;
  }
  if (progress_.cursor < progress_.target) {
    return Work::kCompact;
  }
  return vacuum_pending_ ? Work::kVacuum : Work::kNone;
}

void Compactor::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    Work work = NextWork();
    if (work == Work::kNone) {
      idle_.notify_all();
      if (restart_pending_) {
        wake_.wait_for(lock, kQuietPeriod);  // to look again whether the appends paused
      } else {
        wake_.wait(lock);
      }
      continue;
    }
    busy_ = true;
    lock.unlock();
    Status status = Do(work);
    lock.lock();
    busy_ = false;
    if (!status.ok()) {
      spdlog::error("datastore background work failed, retrying in {} s: {}", kRetryDelay.count(),
                    status.ToString());
      wake_.wait_for(lock, kRetryDelay, [&] { return stop_; });
    }
  }
  idle_.notify_all();
}

Status Compactor::Do(Work work) {
  switch (work) {
    case Work::kCheckpoint:
      return Checkpoint();
    case Work::kCompact:
      return CompactBatch();
    case Work::kVacuum:
      return VacuumStep();
    case Work::kNone:
      break;
  }
  return Status::Ok();
}

Status Compactor::CompactBatch() {
  int64_t target = 0;
  int64_t cursor = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    target = progress_.target;
    cursor = progress_.cursor;
  }
  Status status;
  {
    auto gate = gate_.ForBackground();
    status = CompactBatchInTransaction(target, cursor);
    if (!status.ok()) {
      db_.RollbackIfOpen();
    }
  }
  MINI_RETURN_IF_ERROR(status.WithContext("compacting the datastore to revision {}", target));
  std::lock_guard<std::mutex> lock(mu_);
  progress_.cursor = cursor;
  if (cursor >= progress_.target) {
    vacuum_pending_ = true;
  }
  return Status::Ok();
}

// A record is superseded once a newer record of its key lies at or below the compaction
// point; a tombstone at or below it is not needed either. Walking the records in (cursor,
// target] and deleting, for each, the record it superseded (its prev_revision) finds every
// superseded record exactly once, by rowid: each record's successor is walked once. The cursor
// is saved in the same transaction, so a restart resumes where it stopped.
Status Compactor::CompactBatchInTransaction(int64_t target, int64_t& cursor) {
  auto deadline = std::chrono::steady_clock::now() + kStepBudget;
  MINI_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE", "starting a compaction step"));
  std::vector<Candidate> batch;
  select_batch_.Bind(1, cursor).Bind(2, target).Bind(3, batch_rows_);
  while (true) {
    MINI_ASSIGN_OR_RETURN(bool row, select_batch_.Step());
    if (!row) {
      break;
    }
    batch.push_back({select_batch_.Int(0), select_batch_.Int(1), select_batch_.Int(2) != 0});
  }
  int64_t next = static_cast<int>(batch.size()) < batch_rows_ ? target : batch.back().revision;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Candidate& record = batch[i];
    if (record.prev_revision > 0) {
      MINI_RETURN_IF_ERROR(delete_revision_.Bind(1, record.prev_revision).Run());
    }
    if (record.deleted) {
      MINI_RETURN_IF_ERROR(delete_revision_.Bind(1, record.revision).Run());
    }
    if (i % 32 == 31 && i + 1 < batch.size() && std::chrono::steady_clock::now() > deadline) {
      next = record.revision;  // the rest is the next step's
      break;
    }
  }
  MINI_RETURN_IF_ERROR(save_cursor_.Bind(1, next).Run());
  MINI_RETURN_IF_ERROR(db_.Exec("COMMIT", "committing a compaction step"));
  cursor = next;
  return Status::Ok();
}

Status Compactor::VacuumStep() {
  Result<int64_t> free_pages = Status::Ok();
  {
    auto gate = gate_.ForBackground();
    free_pages = db_.QueryInt("PRAGMA freelist_count", "counting free pages");
    if (free_pages.ok() && *free_pages > kKeepFreePages) {
      // Moves pages from the end of the file into free slots and truncates; in WAL mode the
      // file itself shrinks at the next checkpoint.
      Status status = db_.Exec(fmt::format("PRAGMA incremental_vacuum({})", kVacuumStepPages),
                               "reclaiming free pages");
      if (!status.ok()) {
        db_.RollbackIfOpen();
        return status;
      }
      return Status::Ok();
    }
  }
  MINI_RETURN_IF_ERROR(free_pages.status());
  std::lock_guard<std::mutex> lock(mu_);
  vacuum_pending_ = false;
  checkpoint_pending_ = true;  // so that the file shrinks now rather than after more writes
  truncate_wal_ = true;
  return Status::Ok();
}

// A passive checkpoint copies the WAL into the database while appends continue; it cannot
// reset the WAL while they do, so a short RESTART checkpoint under the gate finishes the tail
// and makes the next append start over at the beginning of the WAL. Without that a busy
// store's WAL would only ever grow. The restart waits for a pause in the appends (or a WAL at
// its longest), so a burst of writes is not stopped every few megabytes. The WAL is truncated
// only after a vacuum, when giving the space back is the point: rewriting a WAL that keeps its
// size is cheaper (fdatasync need not commit a new file size each time).
Status Compactor::Checkpoint() {
  bool truncate = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    checkpoint_pending_ = false;
    restart_pending_ = false;
    truncate = truncate_wal_;
  }
  Status status = CheckpointOnce(truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_RESTART);
  std::lock_guard<std::mutex> lock(mu_);
  if (!status.ok()) {
    checkpoint_pending_ = true;  // retried after the delay
  } else if (truncate && !restart_pending_) {
    truncate_wal_ = false;  // done
  }
  return status;
}

Status Compactor::CheckpointOnce(int mode) {
  // Each passive round copies what the previous one left (what was appended meanwhile), so
  // the round under the gate, which appends wait for, has only a short tail to copy and sync.
  int wal_frames = 0;
  int copied = 0;
  for (int round = 0; round < kPassiveRounds; ++round) {
    int before = copied;
    int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                       &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      return db_.Error(rc, "checkpointing the write-ahead log");
    }
    if (round == 0 && mode != SQLITE_CHECKPOINT_TRUNCATE && wal_frames < kCheckpointFrames / 2) {
      return Status::Ok();  // a writer restarted the WAL since the request: nothing to wait for
    }
    // A round sees the frames that were in the WAL when it began: what it copied beyond the
    // previous round's is what was appended meanwhile, roughly what the next round will find.
    if (round > 0 && copied - before <= kShortTailFrames) {
      break;
    }
  }
  if (!Quiet() && wal_frames_.load() < kMaxWalFrames) {
    std::lock_guard<std::mutex> lock(mu_);
    restart_pending_ = true;  // the passive rounds keep the database current meanwhile
    return Status::Ok();
  }
  auto gate = gate_.ForBackground();
  int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, mode, nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    return db_.Error(rc, "restarting the write-ahead log");
  }
  return Status::Ok();
}

}  // namespace mini::store::sqlite
