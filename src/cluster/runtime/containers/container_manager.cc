#include "cluster/runtime/containers/container_manager.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <signal.h>

#include <boost/json.hpp>
#include <thread>

#include "cluster/api/meta/ids.h"
#include "cluster/runtime/containers/user_lookup.h"
#include "cluster/runtime/oci/cgroups.h"
#include "common/command.h"
#include "common/dir_watch.h"
#include "common/files.h"
#include "common/poll_backoff.h"
#include "common/process.h"

namespace mini::cluster::runtime::containers {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::chrono::milliseconds kPoll{20};
constexpr std::chrono::seconds kShimExitWait{2};
// After SIGKILL the shim still has to notice and write the exit record.
constexpr std::chrono::seconds kKillWait{10};

std::string ReadOr(const fs::path& path, std::string fallback = "") {
  auto text = ReadFile(path);
  return text.ok() ? *text : fallback;
}

// The image's environment with the pod's on top: a pod variable replaces the image's.
std::vector<std::string> MergeEnv(const std::vector<std::string>& image,
                                  const std::vector<std::string>& pod) {
  std::vector<std::string> merged;
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  for (const std::string& entry : image) {
    bool overridden = std::any_of(pod.begin(), pod.end(), [&](const std::string& p) {
      return name_of(p) == name_of(entry);
    });
    if (!overridden) merged.push_back(entry);
  }
  merged.insert(merged.end(), pod.begin(), pod.end());
  return merged;
}

}  // namespace

std::vector<std::string> ResolveCommand(const std::vector<std::string>& command,
                                        const std::vector<std::string>& args,
                                        const image::ImageConfig& image) {
  std::vector<std::string> argv = command.empty() ? image.entrypoint : command;
  const std::vector<std::string>& rest = !args.empty() || !command.empty() ? args : image.cmd;
  argv.insert(argv.end(), rest.begin(), rest.end());
  return argv;
}

ContainerManager::ContainerManager(ContainerManagerOptions options, image::ImageStore& images,
                                   image::MounterPtr mounter)
    : options_(std::move(options)), images_(images), mounter_(std::move(mounter)) {
  if (!options_.mount_points.empty() && !options_.init_layers_root.empty()) {
    init_layers_ = std::make_unique<image::InitLayers>(options_.init_layers_root,
                                                       options_.mount_points, *mounter_);
  }
}

Status ContainerManager::Start(const ContainerRequest& request) {
  const fs::path dir = Dir(request.id);
  std::error_code error;
  if (fs::exists(dir, error)) {
    return Status(Code::kAlreadyExists, fmt::format("container {} already exists", request.id));
  }
  MINI_RETURN_IF_ERROR(MakeDirs(dir / "bundle"));
  MINI_ASSIGN_OR_RETURN(image::ImageRecord record, images_.Acquire(request.image, request.id));
  MINI_ASSIGN_OR_RETURN(image::ImageConfig image_config, images_.Config(record));
  MINI_ASSIGN_OR_RETURN(std::vector<fs::path> lower, images_.LowerDirs(record));
  if (init_layers_) {
    MINI_ASSIGN_OR_RETURN(fs::path init, init_layers_->Ensure(record.id, lower));
    lower.insert(lower.begin(), init);
  }
  const fs::path rootfs = dir / "bundle" / "rootfs";
  const fs::path layer = LayerDir(request.id);
  if (layer != dir) MINI_RETURN_IF_ERROR(MakeDirs(layer));
  MINI_RETURN_IF_ERROR(mounter_->Mount({lower, layer / "upper", layer / "work", rootfs}));

  oci::ContainerConfig config = request.config;
  config.rootfs = rootfs.string();
  MINI_RETURN_IF_ERROR(ResolveUserNames(rootfs, config));
  if (config.args.empty()) config.args = ResolveCommand({}, {}, image_config);
  config.env = MergeEnv(image_config.env, config.env);
  if (config.cwd.empty() || config.cwd == "/") {
    config.cwd = image_config.working_dir.empty() ? "/" : image_config.working_dir;
  }
  MINI_ASSIGN_OR_RETURN(json::object spec, oci::BuildSpec(config));
  MINI_RETURN_IF_ERROR(AtomicWriteFile(dir / "bundle" / "config.json", json::serialize(spec), 0644, Durability::kVolatile));
  json::object labels;
  for (const auto& [key, value] : request.labels) labels[key] = value;
  json::object meta{{"image", request.image},
                    {"imageID", record.id.String()},
                    {"labels", std::move(labels)},
                    {"log", request.log_path.string()}};
  MINI_RETURN_IF_ERROR(AtomicWriteFile(dir / "meta.json", json::serialize(meta), 0644, Durability::kVolatile));
  MINI_RETURN_IF_ERROR(MakeDirs(request.log_path.parent_path()));

  SpawnOptions shim;
  shim.argv = options_.shim;
  shim.argv.insert(shim.argv.end(),
              {"--crun", options_.crun, "--crun-root", options_.crun_root.string(),
               "--id", request.id,
               "--bundle", (dir / "bundle").string(),
               "--log", request.log_path.string(),
               "--exit-file", (dir / "exit.json").string(),
               "--start-file", (dir / "start").string()});
  shim.log_file = dir / "shim.log";
  MINI_ASSIGN_OR_RETURN(ProcessId shim_process, processes_->Spawn(shim));
  {
    std::lock_guard lock(shims_mu_);
    shims_[request.id] = shim_process;
  }

  auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  DirWatch shim_writes(dir);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string start = ReadOr(dir / "start");
    if (start.starts_with("error: ")) {
      return Status(Code::kFailedPrecondition, start.substr(7));
    }
    if (!start.empty()) return Status::Ok();
    shim_writes.Wait(deadline);
  }
  return Status(Code::kDeadlineExceeded,
                fmt::format("container {} did not start within {} s", request.id,
                            std::chrono::duration_cast<std::chrono::seconds>(
                                options_.start_timeout).count()));
}

Result<ContainerState> ContainerManager::State(const std::string& id) const {
  const fs::path dir = Dir(id);
  auto meta_text = ReadFile(dir / "meta.json");
  if (!meta_text.ok()) return Status(Code::kNotFound, fmt::format("no container {}", id));
  boost::system::error_code error;
  json::value meta = json::parse(*meta_text, error);
  ContainerState state;
  if (!error && meta.is_object()) {
    if (auto* image_id = meta.as_object().if_contains("imageID"); image_id && image_id->is_string()) {
      state.image_id = std::string(image_id->get_string());
    }
    if (auto* labels = meta.as_object().if_contains("labels"); labels && labels->is_object()) {
      for (const auto& [key, value] : labels->get_object()) {
        if (value.is_string()) state.labels[std::string(key)] = std::string(value.get_string());
      }
    }
  }
  std::string start = ReadOr(dir / "start");
  state.pid = start.starts_with("error") ? 0 : std::atoi(start.c_str());
  json::value exit = json::parse(ReadOr(dir / "exit.json"), error);
  if (!error && exit.is_object()) {
    state.phase = ContainerState::Phase::kExited;
    state.exit_code = static_cast<int>(exit.at("exitCode").to_number<int64_t>());
    state.started_at = std::string(exit.at("startedAt").as_string());
    state.finished_at = std::string(exit.at("finishedAt").as_string());
    if (const json::value* oom = exit.as_object().if_contains("oomKilled")) {
      state.oom_killed = oom->is_bool() && oom->get_bool();
    }
  } else if (start.starts_with("error: ")) {
    state.phase = ContainerState::Phase::kExited;
    state.exit_code = 128;  // never ran, as a runtime reports a start failure
  } else if (state.pid > 0) {
    state.phase = ContainerState::Phase::kRunning;
    // The shim writes the start file the moment the container runs.
    std::error_code ignored;
    auto written = fs::last_write_time(dir / "start", ignored);
    if (!ignored) {
      auto since_epoch = std::chrono::file_clock::to_sys(written);
      state.started_at = mini::api::meta::Rfc3339(
          std::chrono::time_point_cast<std::chrono::system_clock::duration>(since_epoch));
    }
  }
  return state;
}

Status ContainerManager::Signal(const std::string& id, const char* signal) const {
  auto result = RunCommand({options_.crun, "--root", options_.crun_root.string(), "kill", id, signal});
  return result.ok() ? Status::Ok() : result.status();
}

Status ContainerManager::Stop(const std::string& id, std::chrono::milliseconds grace) {
  auto exited = [&] {
    auto state = State(id);
    return !state.ok() || state->phase == ContainerState::Phase::kExited;
  };
  if (exited()) return Status::Ok();
  // The shim records the exit in the container's directory.
  DirWatch shim_writes(Dir(id));
  MINI_RETURN_IF_ERROR(Signal(id, "TERM"));
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (!exited() && std::chrono::steady_clock::now() < deadline) shim_writes.Wait(deadline);
  if (exited()) return Status::Ok();
  MINI_RETURN_IF_ERROR(Signal(id, "KILL"));
  deadline = std::chrono::steady_clock::now() + kKillWait;
  while (!exited() && std::chrono::steady_clock::now() < deadline) shim_writes.Wait(deadline);
  return exited() ? Status::Ok()
                  : Status(Code::kDeadlineExceeded, fmt::format("container {} did not die", id));
}

Result<ExecResult> ContainerManager::Exec(const ExecRequest& request) const {
  if (request.argv.empty()) return Status(Code::kInvalidArgument, "no command to run");
  MINI_ASSIGN_OR_RETURN(ContainerState state, State(request.id));
  if (state.phase != ContainerState::Phase::kRunning) {
    return Status(Code::kFailedPrecondition,
                  fmt::format("container {} is not running", request.id));
  }
  std::vector<std::string> argv = {options_.crun, "--root", options_.crun_root.string(), "exec",
                                   request.id};
  argv.insert(argv.end(), request.argv.begin(), request.argv.end());
  MINI_ASSIGN_OR_RETURN(CommandOutput ran, RunCommand(argv, request.timeout));
  ExecResult result{ran.exit_code, std::move(ran.output)};
  if (result.output.size() > request.max_output) result.output.resize(request.max_output);
  return result;
}

Status ContainerManager::Remove(const std::string& id) {
  const fs::path dir = Dir(id);
  std::error_code error;
  if (!fs::exists(dir, error)) return Status::Ok();
  MINI_RETURN_IF_ERROR(Stop(id, std::chrono::milliseconds(0)));
  oci::ReclaimContainerMemory(id);
  (void)RunCommand({options_.crun, "--root", options_.crun_root.string(), "delete", "-f", id});
  ReapShim(id);
  MINI_RETURN_IF_ERROR(mounter_->Unmount(dir / "bundle" / "rootfs"));
  MINI_RETURN_IF_ERROR(images_.Release(id));
  for (const fs::path& path : {LayerDir(id), dir}) {
    fs::remove_all(path, error);
    if (error) return Status(Code::kInternal, "removing " + path.string() + ": " + error.message());
  }
  return Status::Ok();
}

void ContainerManager::RemoveOrphans() {
  std::error_code error;
  if (init_layers_) {
    if (Status s = init_layers_->ClearBuilds(); !s.ok()) {
      spdlog::warn("unfinished init layers stay: {}", s.message());
    }
  }
  if (!options_.layers_root.empty()) {
    for (const auto& entry : fs::directory_iterator(options_.layers_root, error)) {
      const std::string id = entry.path().filename().string();
      if (fs::exists(Dir(id), error)) continue;
      // The image lease of a container that never got removed goes with its layer.
      (void)images_.Release(id);
      fs::remove_all(entry.path(), error);
    }
  }
  auto records = images_.List();
  if (!records.ok()) return;
  for (const auto& record : *records) {
    for (const std::string& user : record.users) {
      if (!fs::exists(Dir(user), error)) (void)images_.Release(user);
    }
  }
}

void ContainerManager::ReapShim(const std::string& id) {
  std::optional<ProcessId> shim;
  {
    std::lock_guard lock(shims_mu_);
    auto it = shims_.find(id);
    if (it == shims_.end()) return;
    shim = it->second;
    shims_.erase(it);
  }
  // The shim ends right after it has recorded the container's exit, which Stop waited for.
  auto deadline = std::chrono::steady_clock::now() + kShimExitWait;
  PollBackoff backoff(kPoll);
  while (processes_->Poll(*shim).running && std::chrono::steady_clock::now() < deadline) {
    backoff.Sleep();
  }
}

std::vector<std::string> ContainerManager::List() const {
  std::vector<std::string> ids;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(options_.root, error)) {
    if (fs::exists(entry.path() / "meta.json")) ids.push_back(entry.path().filename().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace mini::cluster::runtime::containers
