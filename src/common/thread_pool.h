// A fixed set of threads running submitted tasks in the order they came: for work that
// mostly waits (an API call, a child process) and should not wait one piece at a time.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/task_loop.h"

namespace mini {

class ThreadPool {
 public:
  /// `name` names the threads (ps -L, top -H).
  ThreadPool(int threads, std::string name);
  /// Runs every task already submitted, then joins.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Thread-safe. Tasks submitted while the pool is being destroyed still run.
  void Submit(Task task);

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Task> tasks_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  const std::string name_;
  std::vector<std::thread> threads_;  // last: started once the rest is ready
};

}  // namespace mini
