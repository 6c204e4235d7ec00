// The node's answer to `kubectl logs`: reads a container's CRI log file (the current instance
// or, with previous, the one before), turns its records back into the program's output, and
// applies sinceTime, tailLines, timestamps and limitBytes; with follow it keeps sending what
// the container writes, within 100 ms, until the container ends.
#pragma once

#include <filesystem>

#include "cluster/apiserver/rest/pod_logs.h"
#include "cluster/runtime/containers/container_manager.h"

namespace mini::cluster::kubelet::pods {

class NodeLogSource final : public apiserver::rest::PodLogSource {
 public:
  NodeLogSource(std::filesystem::path logs_dir, runtime::containers::ContainerManager& containers)
      : logs_dir_(std::move(logs_dir)), containers_(containers) {}

  apiserver::Response Logs(const boost::json::object& pod,
                           const apiserver::rest::LogOptions& options) override;

 private:
  std::filesystem::path logs_dir_;
  runtime::containers::ContainerManager& containers_;
};

/// The output a CRI log holds, record by record: "<time> <stream> <F|P> <text>" lines become
/// the text, partial records joined to the next. Exposed for tests.
struct LogLine {
  std::string time;
  std::string text;  // with its newline when the record completed a line
};
std::vector<LogLine> ParseCriLog(std::string_view content);

}  // namespace mini::cluster::kubelet::pods
