// The user's kubeconfig: mini's cluster, user and context entries, merged into a file that
// other tools own too.
//
// Every change takes an exclusive lock (a flock on `<file>.mini.lock`, plus kubectl's own
// O_EXCL `<file>.lock` for the duration of the edit, removed afterwards because kubectl refuses
// to write while it exists), re-reads the file, edits only the entries named after the profile,
// and replaces the file atomically with its mode kept (0600 for a new file). A symlinked file is
// edited through the link. A file that cannot be parsed is never rewritten: the edit fails and
// the file is left byte-for-byte as it was.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/status.h"

namespace mini::kubeconfig {

/// What mini writes for one profile: cluster, user and context all named `name`.
struct Entry {
  std::string name;
  std::string server;  // https://127.0.0.1:8443
  std::filesystem::path certificate_authority;
  std::filesystem::path client_certificate;
  std::filesystem::path client_key;
  std::string namespace_name = "default";
};

/// The first entry of $KUBECONFIG (a ':'-separated list), else ~/.kube/config.
Result<std::filesystem::path> DefaultPath();

/// Adds or replaces the three entries named `entry.name`; sets current-context to it when
/// `make_current`. Creates the file (and its directory) when missing.
Status Upsert(const std::filesystem::path& file, const Entry& entry, bool make_current);

/// Removes the cluster, user and context named `name` (only those); clears current-context if
/// it named that context. A missing file or missing entries are not an error.
Status Remove(const std::filesystem::path& file, const std::string& name);

enum class State {
  kConfigured,     // all three entries exist and match `expected`
  kMisconfigured,  // some entry is missing or points elsewhere (server, CA, credentials)
};
Result<State> Check(const std::filesystem::path& file, const Entry& expected);

/// The current-context, or nullopt when unset or the file is missing.
Result<std::optional<std::string>> CurrentContext(const std::filesystem::path& file);

}  // namespace mini::kubeconfig
