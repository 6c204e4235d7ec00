// Asynchronous operations in this project take a Post function and run their continuations
// through it, so the thread that completes a step (a datastore's committer, say) only hands
// the rest over and never runs request work itself. A server posts to its own threads; a
// caller that simply wants the answer runs the continuations itself with a TaskLoop.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "common/status.h"

namespace mini {

using Task = std::function<void()>;
/// Runs a task soon on some other thread or later on this one; never inline.
using Post = std::function<void(Task)>;

/// Tasks posted from any thread, run by the one thread that waits in Run. Thread-safe.
class TaskLoop {
 public:
  /// A Post function feeding this loop; it may outlive the loop (late tasks are dropped).
  Post Poster();
  /// Runs posted tasks on the calling thread until Stop.
  void Run();
  /// Makes Run return once the task running now, if any, is done. Safe from any thread.
  void Stop();

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Task> tasks;
    bool stopped = false;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

/// Runs an asynchronous operation to its end on the calling thread: `start` receives a Post
/// function and the callback to answer through, and every continuation posted runs here.
template <typename T>
Result<T> Await(const std::function<void(Post, std::function<void(Result<T>)>)>& start) {
  TaskLoop loop;
  auto answer = std::make_shared<std::optional<Result<T>>>();
  Post post = loop.Poster();
  // The answer is handed over as a task too, so it is read on this thread only.
  start(post, [post, answer, &loop](Result<T> result) {
    post([answer, &loop, result = std::move(result)]() mutable {
      *answer = std::move(result);
      loop.Stop();
    });
  });
  loop.Run();
  return std::move(**answer);
}

}  // namespace mini
