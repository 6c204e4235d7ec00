#include "cluster/kubelet/pods/log_source.h"

#include <fmt/format.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "cluster/registry/printing.h"
#include "common/files.h"

namespace mini::cluster::kubelet::pods {
namespace json = boost::json;
namespace fs = std::filesystem;
using apiserver::Response;
using registry::IntAt;
using registry::StringAt;

namespace {

constexpr std::chrono::milliseconds kFollowPoll{100};

std::string Format(const LogLine& line, bool timestamps) {
  return timestamps ? line.time + " " + line.text : line.text;
}

// Follows a growing log file from an offset until the container has ended and all is sent.
class FollowStream final : public apiserver::BodyStream,
                           public std::enable_shared_from_this<FollowStream> {
 public:
  FollowStream(fs::path file, size_t offset, bool timestamps,
               runtime::containers::ContainerManager& containers, std::string id)
      : file_(std::move(file)), offset_(offset), timestamps_(timestamps),
        containers_(containers), id_(std::move(id)) {}

  void Start(std::shared_ptr<apiserver::StreamSink> sink) override {
    std::thread([self = shared_from_this(), sink] { self->Run(*sink); }).detach();
  }
  void Cancel() override { cancelled_ = true; }

 private:
  void Run(apiserver::StreamSink& sink) {
    std::string partial;
    while (!cancelled_) {
      auto state = containers_.State(id_);
      bool ended = !state.ok() || state->phase == runtime::containers::ContainerState::Phase::kExited;
      std::ifstream in(file_, std::ios::binary);
      in.seekg(static_cast<std::streamoff>(offset_));
      std::string fresh((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      // Only whole records: a record still being written waits for the next round.
      size_t complete = fresh.rfind('\n');
      if (complete != std::string::npos) {
        offset_ += complete + 1;
        for (const LogLine& line : ParseCriLog(std::string_view(fresh).substr(0, complete + 1))) {
          if (!sink.Write(Format(line, timestamps_))) return;
        }
      } else if (ended) {
        break;
      }
      if (ended && complete == std::string::npos) break;
      std::this_thread::sleep_for(kFollowPoll);
    }
    sink.Close();
  }

  fs::path file_;
  size_t offset_;
  bool timestamps_;
  runtime::containers::ContainerManager& containers_;
  std::string id_;
  std::atomic<bool> cancelled_{false};
};

Response Text(std::string body) {
  Response response;
  response.status = 200;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

}  // namespace

std::vector<LogLine> ParseCriLog(std::string_view content) {
  std::vector<LogLine> lines;
  std::string pending;
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view record = content.substr(start, end - start);
    start = end + 1;
    size_t time_end = record.find(' ');
    size_t stream_end = time_end == std::string_view::npos ? time_end : record.find(' ', time_end + 1);
    if (stream_end == std::string_view::npos || stream_end + 2 > record.size()) continue;
    char tag = record[stream_end + 1];
    std::string_view text = stream_end + 3 <= record.size() ? record.substr(stream_end + 3) : "";
    pending += text;
    if (tag == 'F') {
      lines.push_back({std::string(record.substr(0, time_end)), pending + "\n"});
      pending.clear();
    }
  }
  return lines;
}

Response NodeLogSource::Logs(const json::object& pod, const apiserver::rest::LogOptions& options) {
  const std::string name = StringAt(pod, "metadata.name");
  const std::string uid = StringAt(pod, "metadata.uid");
  int restarts = -1;
  bool running = false;
  for (const char* key : {"initContainerStatuses", "containerStatuses"}) {
    const json::object* status = registry::ObjectAt(pod, "status");
    const json::value* list = status ? status->if_contains(key) : nullptr;
    if (list == nullptr || !list->is_array()) continue;
    for (const json::value& item : list->get_array()) {
      if (StringAt(item.as_object(), "name") != options.container) continue;
      restarts = static_cast<int>(IntAt(item.as_object(), "restartCount", 0));
      running = !StringAt(item.as_object(), "containerID").empty();
    }
  }
  int instance = options.previous ? restarts - 1 : restarts;
  if (restarts < 0 || (!running && !options.previous)) {
    return apiserver::StatusResponse(
        400, "BadRequest",
        fmt::format("container \"{}\" in pod \"{}\" is waiting to start: ContainerCreating",
                    options.container, name));
  }
  fs::path file = logs_dir_ / fmt::format("{}_{}_{}", StringAt(pod, "metadata.namespace"), name, uid) /
                  options.container / fmt::format("{}.log", instance);
  if (instance < 0 || !fs::exists(file)) {
    return apiserver::StatusResponse(
        options.previous ? 400 : 404, options.previous ? "BadRequest" : "NotFound",
        fmt::format("previous terminated container \"{}\" in pod \"{}\" not found",
                    options.container, name));
  }
  auto content = ReadFile(file);
  std::vector<LogLine> lines = ParseCriLog(content.ok() ? *content : "");
  if (options.since_time) {
    std::erase_if(lines, [&](const LogLine& l) { return l.time.substr(0, 19) < options.since_time->substr(0, 19); });
  }
  if (options.tail_lines && static_cast<int64_t>(lines.size()) > *options.tail_lines) {
    lines.erase(lines.begin(), lines.end() - *options.tail_lines);
  }
  std::string body;
  for (const LogLine& line : lines) body += Format(line, options.timestamps);
  if (options.limit_bytes && static_cast<int64_t>(body.size()) > *options.limit_bytes) {
    body.resize(static_cast<size_t>(*options.limit_bytes));
  }
  if (!options.follow || options.previous) return Text(std::move(body));
  Response response = Text("");
  size_t offset = content.ok() ? content->size() : 0;
  // What is already there goes first, then the stream continues from the end of the file.
  auto stream = std::make_shared<FollowStream>(file, offset, options.timestamps, containers_,
                                               fmt::format("{}-{}-{}", uid, options.container, instance));
  struct Prefixed final : apiserver::BodyStream {
    std::string first;
    std::shared_ptr<FollowStream> rest;
    void Start(std::shared_ptr<apiserver::StreamSink> sink) override {
      if (!first.empty()) sink->Write(first);
      rest->Start(std::move(sink));
    }
    void Cancel() override { rest->Cancel(); }
  };
  auto prefixed = std::make_shared<Prefixed>();
  prefixed->first = std::move(body);
  prefixed->rest = std::move(stream);
  response.stream = std::move(prefixed);
  return response;
}

}  // namespace mini::cluster::kubelet::pods
