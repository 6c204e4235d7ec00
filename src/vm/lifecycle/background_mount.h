// --mount-string for drivers that cannot share directories at boot (virtualbox): once the
// machine is up, `mini start` leaves one `mini mount HOST:GUEST -p PROFILE` running in the
// background per directory, as minikube's `start --mount` leaves a `minikube mount`, and keeps
// their pids in the profile's mount.pid so stop and delete can end them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/process.h"
#include "vm/lifecycle/machine.h"

namespace mini::vm {

/// One line of mount.pid: a process and what it shares.
struct MountProcess {
  ProcessId id;
  std::string mount;  // HOST:GUEST, as given to `mini mount`
};

/// The records of a mount.pid file; none when it does not exist. kInvalidArgument when damaged.
Result<std::vector<MountProcess>> ReadMountPids(const std::filesystem::path& file);
/// Replaces the file with `records`, atomically; no records remove it.
Status WriteMountPids(const std::filesystem::path& file, const std::vector<MountProcess>& records);

/// The arguments after the executable that share `mount` into `profile`'s machine.
std::vector<std::string> MountArgs(const std::string& mount, const std::string& profile);

/// Whether `record` names a live `mini mount` of `profile`'s share, not a process that has since
/// taken its pid (its start time and command line must still match).
bool IsOurMount(Processes& processes, const MountProcess& record, const std::string& profile);

/// Ends the profile's background mounts while the guest still runs, so each unmounts there
/// (SIGTERM; SIGKILL after a grace), and removes mount.pid. Records of processes that are gone
/// or not ours are dropped without a signal. Errors only when a process cannot be ended.
Status StopBackgroundMounts(const Context& ctx, const std::string& profile);

/// Leaves exactly one live background mount per entry of `mounts`: keeps those already
/// running, ends those no longer wanted, starts the missing ones and waits until each has
/// mounted. The machine must be running with its guest reachable. kUnavailable or
/// kDeadlineExceeded, with the mount's own error, when one does not mount.
Status EnsureBackgroundMounts(const Context& ctx, const Machine& machine,
                              const std::vector<SharedDir>& mounts);

}  // namespace mini::vm
