#include "vm/lifecycle/background_mount.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <thread>

#include "common/files.h"
#include "common/json.h"

namespace mini::vm {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// The guest-side commands of `mini mount` time out after a minute; its file server starts at
// once, so this covers a slow guest without hanging start on a stuck one.
constexpr std::chrono::seconds kMountTimeout{90};
// Enough for `mini mount` to unmount in the guest over ssh after SIGTERM.
constexpr std::chrono::seconds kUnmountGrace{10};
constexpr char kMountedLine[] = "Successfully mounted";
constexpr char kErrorPrefix[] = "X Exiting due to ";

std::string MountString(const SharedDir& dir) { return dir.host.string() + ":" + dir.guest; }

fs::path MountLog(const Context& ctx, const std::string& profile) {
  return ctx.home.LogDir(profile) / "mount.log";
}

// What the log gained after `offset`: this run's output, not earlier runs'.
std::string LogSince(const fs::path& log, size_t offset) {
  auto text = ReadFile(log);
  return text.ok() && text->size() > offset ? text->substr(offset) : std::string();
}

// The mount's own one-line error, else its last line.
std::string FailureOf(const std::string& output) {
  std::string line;
  if (size_t error = output.rfind(kErrorPrefix); error != std::string::npos) {
    line = output.substr(error + std::string_view(kErrorPrefix).size());
  } else if (size_t end = output.find_last_not_of('\n'); end != std::string::npos) {
    size_t begin = output.rfind('\n', end);
    line = output.substr(begin == std::string::npos ? 0 : begin + 1);
  }
  line = line.substr(0, line.find('\n'));
  return line.empty() ? "it exited without saying why" : line;
}

Status WaitMounted(Processes& processes, const ProcessId& id, const fs::path& log, size_t offset) {
  auto deadline = std::chrono::steady_clock::now() + kMountTimeout;
  for (;;) {
    std::string output = LogSince(log, offset);
    if (output.find(kMountedLine) != std::string::npos) return Status::Ok();
    if (!processes.Poll(id).running) {
      return Error(Code::kUnavailable, "{}", FailureOf(output));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      (void)TerminateProcess(processes, id, std::chrono::seconds(1));
      return Error(Code::kDeadlineExceeded, "it had not mounted after {} s", kMountTimeout.count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<MountProcess> StartMount(const Context& ctx, const Machine& machine, const SharedDir& dir) {
  std::string mount = MountString(dir);
  fs::path log = MountLog(ctx, machine.spec.name);
  std::error_code ec;
  auto size = fs::file_size(log, ec);
  size_t offset = ec ? 0 : static_cast<size_t>(size);
  // The running executable, so the mount speaks the same protocol as this start; MINI_HOME
  // and the rest of the environment are inherited.
  std::vector<std::string> argv = {machine.spec.mini_binary.string()};
  for (std::string& arg : MountArgs(mount, machine.spec.name)) argv.push_back(std::move(arg));
  auto id = ctx.processes->Spawn({argv, log});
  Status s = id.ok() ? WaitMounted(*ctx.processes, *id, log, offset) : id.status();
  if (!s.ok()) {
    return Error(s.code(), "mounting {} into the VM as {} failed: {}", dir.host.string(), dir.guest,
                 s.message())
        .WithAdvice(fmt::format(
            "see {}; the cluster runs without it: fix the cause and run \"mini start -p {}\" "
            "again, or share it with \"mini mount {} -p {}\"",
            log.string(), machine.spec.name, mount, machine.spec.name))
        .WithReason("GUEST_MOUNT");
  }
  return MountProcess{*id, mount};
}

}  // namespace

Result<std::vector<MountProcess>> ReadMountPids(const fs::path& file) {
  auto text = ReadFile(file);
  if (!text.ok() && text.status().code() == Code::kNotFound) return std::vector<MountProcess>{};
  MINI_RETURN_IF_ERROR(text.status());
  MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(*text, file.string()));
  auto damaged = [&] { return Error(Code::kInvalidArgument, "{} is damaged", file.string()); };
  if (!v.is_object() || !v.get_object().contains("mounts") ||
      !v.get_object().at("mounts").is_array()) {
    return damaged();
  }
  std::vector<MountProcess> records;
  for (const json::value& entry : v.get_object().at("mounts").get_array()) {
    if (!entry.is_object()) return damaged();
    MINI_ASSIGN_OR_RETURN(int64_t pid, GetInt(entry.get_object(), "pid"));
    MINI_ASSIGN_OR_RETURN(int64_t start, GetInt(entry.get_object(), "startTime"));
    MINI_ASSIGN_OR_RETURN(std::string mount, GetString(entry.get_object(), "mount"));
    if (pid <= 0 || start < 0) return damaged();
    records.push_back({{static_cast<pid_t>(pid), static_cast<uint64_t>(start)}, mount});
  }
  return records;
}

Status WriteMountPids(const fs::path& file, const std::vector<MountProcess>& records) {
  if (records.empty()) return RemoveAll(file);
  json::array mounts;
  for (const MountProcess& r : records) {
    mounts.push_back({{"pid", r.id.pid}, {"startTime", r.id.start_time}, {"mount", r.mount}});
  }
  return AtomicWriteFile(file, PrettyJson(json::object{{"mounts", std::move(mounts)}}), 0600);
}

std::vector<std::string> MountArgs(const std::string& mount, const std::string& profile) {
  return {"mount", mount, "-p", profile};
}

bool IsOurMount(Processes& processes, const MountProcess& record, const std::string& profile) {
  if (!processes.Alive(record.id)) return false;
  auto argv = processes.CommandLine(record.id.pid);
  return argv.ok() && !argv->empty() &&
         std::vector<std::string>(argv->begin() + 1, argv->end()) ==
             MountArgs(record.mount, profile);
}

Status StopBackgroundMounts(const Context& ctx, const std::string& profile) {
  fs::path file = ctx.home.MountPidFile(profile);
  auto records = ReadMountPids(file);
  if (!records.ok()) {
    spdlog::warn("ignoring {}: {}", file.string(), records.status().message());
    return RemoveAll(file);
  }
  Status first = Status::Ok();
  for (const MountProcess& r : *records) {
    if (!IsOurMount(*ctx.processes, r, profile)) {
      spdlog::info("mount.pid: process {} is not a mount of {} any more", r.id.pid, r.mount);
      continue;
    }
    spdlog::info("ending the background mount {} (process {})", r.mount, r.id.pid);
    Status s = TerminateProcess(*ctx.processes, r.id, kUnmountGrace).status();
    if (!s.ok() && first.ok()) {
      first = s.WithContext("ending the background mount {}", r.mount).WithReason("HOST_MOUNT");
    }
  }
  MINI_RETURN_IF_ERROR(RemoveAll(file));
  return first;
}

Status EnsureBackgroundMounts(const Context& ctx, const Machine& machine,
                              const std::vector<SharedDir>& mounts) {
  const std::string& profile = machine.spec.name;
  fs::path file = ctx.home.MountPidFile(profile);
  std::vector<std::string> wanted;
  for (const SharedDir& dir : mounts) wanted.push_back(MountString(dir));
  auto records = ReadMountPids(file);
  if (!records.ok()) {
    spdlog::warn("ignoring {}: {}", file.string(), records.status().message());
  }
  std::vector<MountProcess> kept;
  for (const MountProcess& r : records.ok() ? *records : std::vector<MountProcess>{}) {
    if (!IsOurMount(*ctx.processes, r, profile)) continue;
    if (std::find(wanted.begin(), wanted.end(), r.mount) != wanted.end()) {
      kept.push_back(r);
    } else if (auto ended = TerminateProcess(*ctx.processes, r.id, kUnmountGrace); !ended.ok()) {
      spdlog::warn("ending the background mount {}: {}", r.mount, ended.status().message());
    }
  }
  for (const SharedDir& dir : mounts) {
    std::string mount = MountString(dir);
    auto same = [&](const MountProcess& r) { return r.mount == mount; };
    if (std::any_of(kept.begin(), kept.end(), same)) continue;
    ctx.say(fmt::format("Mounting host path {} into VM as {} ...", dir.host.string(), dir.guest));
    auto started = StartMount(ctx, machine, dir);
    if (!started.ok()) {
      (void)WriteMountPids(file, kept);
      return started.status();
    }
    kept.push_back(*started);
    MINI_RETURN_IF_ERROR(WriteMountPids(file, kept));
  }
  return WriteMountPids(file, kept);
}

}  // namespace mini::vm
