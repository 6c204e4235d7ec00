// The message an exited container leaves in its terminated state, by its
// terminationMessagePolicy: what it wrote to its terminationMessagePath (File, at most 4 KiB),
// or for FallbackToLogsOnError, when that is empty and it failed, the end of its log (the last
// 80 lines, at most 2 KiB).
#pragma once

#include <filesystem>
#include <string>

namespace mini::cluster::kubelet::pods {

std::string TerminationMessage(const std::filesystem::path& message_file,
                               const std::filesystem::path& log_file, bool fallback_to_logs,
                               bool failed);

/// The last `max_lines` lines of a CRI log's output, cut to its last `max_bytes` bytes.
std::string LogTail(const std::filesystem::path& log_file, size_t max_lines, size_t max_bytes);

}  // namespace mini::cluster::kubelet::pods
