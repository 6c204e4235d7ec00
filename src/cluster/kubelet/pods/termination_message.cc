#include "cluster/kubelet/pods/termination_message.h"

#include <fstream>
#include <iterator>

#include "cluster/kubelet/pods/log_source.h"
#include "common/files.h"

namespace mini::cluster::kubelet::pods {

namespace {
constexpr size_t kMaxFileBytes = 4096;
constexpr size_t kMaxLogLines = 80;
constexpr size_t kMaxLogBytes = 2048;

std::string ReadPrefix(const std::filesystem::path& file, size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  std::string text(max_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max_bytes));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}
}  // namespace

std::string LogTail(const std::filesystem::path& log_file, size_t max_lines, size_t max_bytes) {
  auto content = ReadFile(log_file);
  if (!content.ok()) return "";
  std::vector<LogLine> lines = ParseCriLog(*content);
  size_t first = lines.size() > max_lines ? lines.size() - max_lines : 0;
  std::string tail;
  for (size_t i = first; i < lines.size(); ++i) tail += lines[i].text;
  return tail.size() > max_bytes ? tail.substr(tail.size() - max_bytes) : tail;
}

std::string TerminationMessage(const std::filesystem::path& message_file,
                               const std::filesystem::path& log_file, bool fallback_to_logs,
                               bool failed) {
  std::string message = ReadPrefix(message_file, kMaxFileBytes);
  if (message.empty() && fallback_to_logs && failed) {
    message = LogTail(log_file, kMaxLogLines, kMaxLogBytes);
  }
  return message;
}

}  // namespace mini::cluster::kubelet::pods
