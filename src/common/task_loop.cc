#include "common/task_loop.h"

namespace mini {

Post TaskLoop::Poster() {
  return [weak = std::weak_ptr<State>(state_)](Task task) {
    std::shared_ptr<State> state = weak.lock();
    if (state == nullptr) {
      return;
    }
    {
      std::lock_guard lock(state->mu);
      state->tasks.push_back(std::move(task));
    }
    state->cv.notify_one();
  };
}

void TaskLoop::Run() {
  std::unique_lock lock(state_->mu);
  while (true) {
    state_->cv.wait(lock, [this] { return state_->stopped || !state_->tasks.empty(); });
    if (state_->stopped) {
      return;
    }
    Task task = std::move(state_->tasks.front());
    state_->tasks.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

void TaskLoop::Stop() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopped = true;
  }
  state_->cv.notify_all();
}

}  // namespace mini
