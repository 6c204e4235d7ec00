// The datastore's background worker: removes records superseded before the compaction point,
// gives the freed pages back to the file system (incremental vacuum) and checkpoints the WAL,
// each in short steps between which appends get the write lock.
//
// The known failure of kine (k3s's SQLite shim) is cleanup that holds writers up and a file
// that never shrinks. Here every step is bounded (a batch of rows or 5 ms, a slice of 256
// pages, a checkpoint of the WAL's tail) and a waiting append goes before the next step; the
// one step that must stop appends to restart the WAL waits for them to pause.
#pragma once

#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "cluster/store/sqlite/sqlite_db.h"
#include "cluster/store/sqlite/write_gate.h"

namespace mini::store::sqlite {

struct CompactionProgress {
  int64_t target = 0;  // the compaction point
  int64_t cursor = 0;  // every record at or below it was examined for that point
};

class Compactor {
 public:
  /// Starts the worker on its own connection `db`. Work left from the last run (`progress`,
  /// free pages, a long WAL) is resumed at once.
  static Result<std::unique_ptr<Compactor>> Start(Db db, WriteGate& gate, int batch_rows,
                                                  CompactionProgress progress);
  /// Stops at the next step boundary and joins; remaining work resumes on the next open.
  ~Compactor();
  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;

  /// A new compaction point, already stored durably by the caller.
  void SetTarget(int64_t revision);
  /// Makes `db`'s commits request a checkpoint once the WAL grows long (SQLite's automatic
  /// checkpoint would run it inside the append that crossed the threshold).
  void WatchWal(const Db& db);
  /// Blocks until there is nothing left to do, or `timeout` passes (false).
  bool WaitForIdle(std::chrono::milliseconds timeout);

 private:
  enum class Work { kNone, kCheckpoint, kCompact, kVacuum };

  Compactor(Db db, WriteGate& gate, int batch_rows, CompactionProgress progress);

  static int OnWalCommit(void* self, sqlite3* db, const char* name, int frames);
  void RequestCheckpoint();
  bool Quiet() const;     // no commit for kQuietPeriod
  Work NextWork() const;  // requires mu_
  void Run();
  Status Do(Work work);
  Status CompactBatch();
  Status CompactBatchInTransaction(int64_t target, int64_t& cursor);
  Status VacuumStep();
  Status Checkpoint();
  Status CheckpointOnce(int mode);

  Db db_;
  WriteGate& gate_;
  const int batch_rows_;
  Statement select_batch_;
  Statement delete_revision_;
  Statement save_cursor_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  CompactionProgress progress_;     // guarded by mu_
  bool vacuum_pending_ = true;      // guarded by mu_; free pages may be left from the last run
  bool checkpoint_pending_ = true;  // guarded by mu_; so may a long WAL
  bool truncate_wal_ = true;        // guarded by mu_; the next checkpoint gives the WAL back
  bool restart_pending_ = false;    // guarded by mu_; copied, restart when the appends pause
  // Kept by OnWalCommit, which the gate serializes.
  std::atomic<int64_t> last_commit_ns_{0};  // steady clock
  std::atomic<int> wal_frames_{0};
  int next_checkpoint_frames_;  // set by the constructor
  bool busy_ = false;               // guarded by mu_: a step is running
  bool stop_ = false;               // guarded by mu_
  std::thread thread_;              // last: started once everything above is ready
};

}  // namespace mini::store::sqlite
