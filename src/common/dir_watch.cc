#include "common/dir_watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>

namespace mini {

DirWatch::DirWatch(const std::filesystem::path& dir, std::chrono::milliseconds longest_sleep)
    : longest_sleep_(longest_sleep) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ >= 0 && inotify_add_watch(fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
    close(fd_);
    fd_ = -1;
  }
}

DirWatch::~DirWatch() {
  if (fd_ >= 0) close(fd_);
}

void DirWatch::Wait(std::chrono::steady_clock::time_point until) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
  if (left <= std::chrono::milliseconds::zero()) return;
  if (fd_ < 0) {
    fallback_.Sleep();
    return;
  }
  pollfd ready{fd_, POLLIN, 0};
  // +1: poll's timeout rounds down, and returning just before `until` would spin.
  if (poll(&ready, 1, static_cast<int>(std::min(left, longest_sleep_).count()) + 1) <= 0) return;
  alignas(inotify_event) char events[4096];
  while (read(fd_, events, sizeof events) > 0) {
  }
}

}  // namespace mini
