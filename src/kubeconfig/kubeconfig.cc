#include "kubeconfig/kubeconfig.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/files.h"
#include "common/version.h"

namespace mini::kubeconfig {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kLockTimeout{10};
constexpr mode_t kNewFileMode = 0600;
constexpr int kMaxSymlinkHops = 40;
// Deeper than any real kubeconfig; it stops a recursive alias from looping the writer forever.
constexpr int kMaxDepth = 100;
constexpr std::array<const char*, 3> kSections = {"clusters", "users", "contexts"};

Status Invalid(const fs::path& file, std::string_view problem) {
  return Error(Code::kInvalidArgument, "{} is not a valid kubeconfig: {}", file.string(), problem)
      .WithAdvice(fmt::format("fix {0} or move it aside (mini then writes a new one), and retry",
                              file.string()));
}

// yaml-cpp reports malformed input and type mismatches by throwing; callers get a Status.
template <typename Body>
auto Guarded(const fs::path& file, Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const YAML::Exception& e) {
    return Invalid(file, e.what());
  }
}

// Looks a key up without yaml-cpp's operator[], which turns a null node into a map and returns
// throwing "zombie" nodes for missing keys. Undefined when absent.
YAML::Node Get(const YAML::Node& map, std::string_view key) {
  if (map.IsMap()) {
    for (const auto& kv : map) {
      if (kv.first.IsScalar() && kv.first.Scalar() == key) {
        return kv.second;
      }
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string GetString(const YAML::Node& map, std::string_view key) {
  YAML::Node value = Get(map, key);
  return value.IsScalar() ? value.Scalar() : std::string();
}

// The first entry of a clusters/users/contexts list with that name; Undefined when none.
YAML::Node FindNamed(const YAML::Node& root, const char* section, const std::string& name) {
  YAML::Node list = Get(root, section);
  if (list.IsSequence()) {
    for (const auto& item : list) {
      if (GetString(item, "name") == name) {
        return item;
      }
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

// Top-level keys in kubectl's own (alphabetical) order, so a later `kubectl config` rewrite of
// the file changes little.
YAML::Node EmptyConfig() {
  YAML::Node root(YAML::NodeType::Map);
  root["apiVersion"] = "v1";
  root["clusters"] = YAML::Node(YAML::NodeType::Sequence);
  root["contexts"] = YAML::Node(YAML::NodeType::Sequence);
  root["current-context"] = "";
  root["kind"] = "Config";
  root["preferences"] = YAML::Node(YAML::NodeType::Map);
  root["users"] = YAML::Node(YAML::NodeType::Sequence);
  return root;
}

Status Validate(const fs::path& file, const YAML::Node& root) {
  if (!root.IsMap()) {
    return Invalid(file, "its top level is not a map");
  }
  for (const char* section : kSections) {
    YAML::Node list = Get(root, section);
    if (list.IsDefined() && !list.IsNull() && !list.IsSequence()) {
      return Invalid(file, fmt::format("'{}' is not a list", section));
    }
  }
  YAML::Node current = Get(root, "current-context");
  if (current.IsDefined() && !current.IsNull() && !current.IsScalar()) {
    return Invalid(file, "'current-context' is not a string");
  }
  return Status::Ok();
}

// An empty or comment-only file is an empty config, as kubectl treats it.
Result<YAML::Node> Parse(const fs::path& file, const std::string& text) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    return Invalid(file, e.what());
  }
  if (docs.size() > 1) {
    // Rewriting would silently drop every document after the first.
    return Invalid(file, fmt::format("it holds {} YAML documents, expected one", docs.size()));
  }
  if (docs.empty() || docs.front().IsNull()) {
    return EmptyConfig();
  }
  MINI_RETURN_IF_ERROR(Validate(file, docs.front()));
  return docs.front();
}

// Readers take no lock: writers replace the file by rename, so a read sees a whole version.
// nullopt when the file does not exist.
Result<std::optional<YAML::Node>> LoadForRead(const fs::path& file) {
  Result<std::string> text = ReadFile(file);
  if (!text.ok() && text.status().code() == Code::kNotFound) {
    return std::optional<YAML::Node>();
  }
  MINI_RETURN_IF_ERROR(text.status());
  MINI_ASSIGN_OR_RETURN(YAML::Node root, Parse(file, *text));
  return std::optional<YAML::Node>(std::move(root));
}

// Strings mini writes must read back as strings in every consumer, including YAML 1.1 readers
// (kubectl's) for which yes/no/on/off are booleans; quoting anything number-like is cheap.
bool ReadsAsNonString(const std::string& s) {
  static constexpr std::array<std::string_view, 10> kSpecial = {
      "true", "false", "yes", "no", "y", "n", "on", "off", "null", "~"};
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '+' || s[0] == '-' ||
      s[0] == '.') {
    return true;
  }
  std::string lower;
  for (char c : s) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return std::find(kSpecial.begin(), kSpecial.end(), lower) != kSpecial.end();
}

// Tag "!" marks a scalar that was quoted in the file, "?" a plain one, "" one mini created.
void EmitScalar(YAML::Emitter& out, const YAML::Node& node) {
  const std::string& tag = node.Tag();
  if (tag == "!" || (tag.empty() && ReadsAsNonString(node.Scalar()))) {
    out << YAML::DoubleQuoted;
  }
  out << node.Scalar();
}

Status EmitNode(YAML::Emitter& out, const YAML::Node& node, int depth);

Status EmitChildren(YAML::Emitter& out, const YAML::Node& node, int depth) {
  // An empty block collection would come out as "key:\n  {}"; flow style reads better.
  if (node.Style() == YAML::EmitterStyle::Flow || node.size() == 0) {
    out << YAML::Flow;
  }
  if (node.IsSequence()) {
    out << YAML::BeginSeq;
    for (const auto& item : node) {
      MINI_RETURN_IF_ERROR(EmitNode(out, item, depth + 1));
    }
    out << YAML::EndSeq;
    return Status::Ok();
  }
  out << YAML::BeginMap;
  for (const auto& kv : node) {
    out << YAML::Key;
    MINI_RETURN_IF_ERROR(EmitNode(out, kv.first, depth + 1));
    out << YAML::Value;
    MINI_RETURN_IF_ERROR(EmitNode(out, kv.second, depth + 1));
  }
  out << YAML::EndMap;
  return Status::Ok();
}

// yaml-cpp's own Node emitter drops the quotes of quoted scalars ("8080" comes back as the number
// 8080, 'true' as a boolean), which would change entries other tools own; so nodes are written
// one by one here, keeping each scalar's quoting and any explicit tag.
Status EmitNode(YAML::Emitter& out, const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) {
    return Error(Code::kInvalidArgument, "nesting deeper than {} levels (a recursive alias?)",
                 kMaxDepth);
  }
  const std::string& tag = node.Tag();
  if (!tag.empty() && tag != "?" && tag != "!") {
    out << YAML::VerbatimTag(tag);
  }
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      EmitScalar(out, node);
      return Status::Ok();
    case YAML::NodeType::Sequence:
    case YAML::NodeType::Map:
      return EmitChildren(out, node, depth);
    default:
      out << YAML::Null;
      return Status::Ok();
  }
}

Result<std::string> Emit(const fs::path& file, const YAML::Node& root) {
  YAML::Emitter out;
  Status status = EmitNode(out, root, 0);
  if (!status.ok()) {
    return Invalid(file, status.message());
  }
  if (!out.good()) {
    return Error(Code::kInternal, "formatting {}: {}", file.string(), out.GetLastError());
  }
  return std::string(out.c_str()) + "\n";
}

std::string Rfc1123Now() {
  return fmt::format("{:%a, %d %b %Y %H:%M:%S} UTC", fmt::gmtime(std::time(nullptr)));
}

// minikube marks its entries this way; Check ignores the extension, it only helps humans.
YAML::Node Extensions(const char* name) {
  YAML::Node extension(YAML::NodeType::Map);
  extension["last-update"] = Rfc1123Now();
  extension["provider"] = "mini";
  extension["version"] = std::string(Version());
  YAML::Node item(YAML::NodeType::Map);
  item["name"] = name;
  item["extension"] = extension;
  YAML::Node list(YAML::NodeType::Sequence);
  list.push_back(item);
  return list;
}

// Relative paths in a kubeconfig would be resolved against the file's directory, not ours.
std::string Absolute(const fs::path& path) { return fs::absolute(path).string(); }

YAML::Node Named(const std::string& name, const char* kind, const YAML::Node& body) {
  YAML::Node entry(YAML::NodeType::Map);
  entry["name"] = name;
  entry[kind] = body;
  return entry;
}

YAML::Node ClusterEntry(const Entry& entry) {
  YAML::Node cluster(YAML::NodeType::Map);
  cluster["certificate-authority"] = Absolute(entry.certificate_authority);
  cluster["extensions"] = Extensions("cluster_info");
  cluster["server"] = entry.server;
  return Named(entry.name, "cluster", cluster);
}

YAML::Node UserEntry(const Entry& entry) {
  YAML::Node user(YAML::NodeType::Map);
  user["client-certificate"] = Absolute(entry.client_certificate);
  user["client-key"] = Absolute(entry.client_key);
  return Named(entry.name, "user", user);
}

YAML::Node ContextEntry(const Entry& entry) {
  YAML::Node context(YAML::NodeType::Map);
  context["cluster"] = entry.name;
  context["extensions"] = Extensions("context_info");
  context["namespace"] = entry.namespace_name;
  context["user"] = entry.name;
  return Named(entry.name, "context", context);
}

// Rebuilds `section` without the entries named `name`; `replacement`, when given, takes the
// place of the first of them (or goes last). Returns whether anything changed.
bool ReplaceNamed(YAML::Node& root, const char* section, const std::string& name,
                  const std::optional<YAML::Node>& replacement) {
  YAML::Node old = Get(root, section);
  YAML::Node updated(YAML::NodeType::Sequence);
  bool found = false;
  if (old.IsSequence()) {
    for (const auto& item : old) {
      if (GetString(item, "name") != name) {
        updated.push_back(item);
        continue;
      }
      if (!found && replacement) {
        updated.push_back(*replacement);
      }
      found = true;
    }
  }
  if (!found && !replacement) {
    return false;
  }
  if (!found) {
    updated.push_back(*replacement);
  }
  root[section] = updated;
  return true;
}

// The file edits go to: a symlinked kubeconfig (dotfile managers do this) is edited through
// the link, so replacing it atomically does not turn the link into a plain file.
Result<fs::path> ResolveTarget(const fs::path& file) {
  fs::path path = fs::absolute(file);
  for (int hop = 0; hop < kMaxSymlinkHops; ++hop) {
    std::error_code ec;
    if (!fs::is_symlink(path, ec)) {
      return path;
    }
    fs::path target = fs::read_symlink(path, ec);
    if (ec) {
      return Error(CodeFromErrno(ec.value()), "reading symlink {}: {}", path.string(),
                   ec.message());
    }
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return Error(Code::kInvalidArgument, "{}: too many levels of symbolic links", file.string());
}

// kubectl serialises its own kubeconfig writes by creating `<file>.lock` with O_EXCL and
// deleting it afterwards, and refuses to write while that file exists. Holding the same lock
// briefly keeps a concurrent `kubectl config ...` and mini from losing each other's edits; it
// must never outlive the edit, which is why mini's own flock lives in a different file.
class KubectlLock {
 public:
  static Result<KubectlLock> Acquire(const fs::path& target, Clock::time_point deadline);
  KubectlLock(KubectlLock&& other) noexcept : path_(std::exchange(other.path_, fs::path())) {}
  KubectlLock& operator=(KubectlLock&&) = delete;
  ~KubectlLock() {
    if (!path_.empty()) {
      ::unlink(path_.c_str());
    }
  }

 private:
  explicit KubectlLock(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

Result<KubectlLock> KubectlLock::Acquire(const fs::path& target, Clock::time_point deadline) {
  fs::path path = target;
  path += ".lock";
  for (;;) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
      return KubectlLock(path);
    }
    if (errno != EEXIST) {
      return ErrnoError(CodeFromErrno(errno), errno,
                        fmt::format("creating lock {}", path.string()));
    }
    if (Clock::now() >= deadline) {
      return Error(Code::kDeadlineExceeded, "{} is locked by another kubeconfig writer",
                   target.string())
          .WithAdvice(fmt::format("if no kubectl or mini is running, remove {}", path.string()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// What a mutation starts from: the parsed file and the mode its replacement must keep.
struct Loaded {
  YAML::Node root;
  mode_t mode = kNewFileMode;
  bool exists = false;
};

Result<Loaded> LoadForWrite(const fs::path& target) {
  Loaded loaded;
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) {
    loaded.exists = true;
    loaded.mode = st.st_mode & 07777;
  } else if (errno != ENOENT) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("inspecting {}", target.string()));
  }
  std::string text;
  if (loaded.exists) {
    MINI_ASSIGN_OR_RETURN(text, ReadFile(target));
  }
  MINI_ASSIGN_OR_RETURN(loaded.root, Parse(target, text));
  return loaded;
}

// Renaming over a read-only file would succeed, so its mode alone has to stop the write.
Status CheckWritable(const fs::path& target, bool exists) {
  if (exists && ::access(target.c_str(), W_OK) != 0) {
    return ErrnoError(CodeFromErrno(errno), errno, fmt::format("writing {}", target.string()));
  }
  return Status::Ok();
}

// Returns whether it changed anything; an unchanged file is not rewritten.
using Edit = std::function<bool(YAML::Node& root)>;

Status Mutate(const fs::path& file, bool create_missing, const Edit& edit) {
  MINI_ASSIGN_OR_RETURN(fs::path target, ResolveTarget(file));
  std::error_code ec;
  if (!create_missing && !fs::exists(target, ec)) {
    return Status::Ok();
  }
  MINI_RETURN_IF_ERROR(MakeDirs(target.parent_path(), 0700));
  fs::path lock_path = target;
  lock_path += ".mini.lock";
  Clock::time_point deadline = Clock::now() + kLockTimeout;
  MINI_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(lock_path, kLockTimeout));
  MINI_ASSIGN_OR_RETURN(KubectlLock kubectl_lock, KubectlLock::Acquire(target, deadline));
  MINI_ASSIGN_OR_RETURN(Loaded loaded, LoadForWrite(target));
  if (!loaded.exists && !create_missing) {
    return Status::Ok();
  }
  if (!edit(loaded.root)) {
    return Status::Ok();
  }
  MINI_ASSIGN_OR_RETURN(std::string text, Emit(target, loaded.root));
  MINI_RETURN_IF_ERROR(CheckWritable(target, loaded.exists));
  return AtomicWriteFile(target, text, loaded.mode);
}

// kubectl resolves a relative path in a kubeconfig against the file's directory.
bool SamePath(const std::string& in_file, const fs::path& expected, const fs::path& base) {
  if (in_file.empty()) {
    return false;
  }
  fs::path path(in_file);
  if (path.is_relative()) {
    path = base / path;
  }
  return path.lexically_normal() == fs::absolute(expected).lexically_normal();
}

bool Matches(const YAML::Node& root, const Entry& expected, const fs::path& base) {
  YAML::Node cluster = Get(FindNamed(root, "clusters", expected.name), "cluster");
  YAML::Node user = Get(FindNamed(root, "users", expected.name), "user");
  YAML::Node context = Get(FindNamed(root, "contexts", expected.name), "context");
  return GetString(cluster, "server") == expected.server &&
         SamePath(GetString(cluster, "certificate-authority"), expected.certificate_authority,
                  base) &&
         SamePath(GetString(user, "client-certificate"), expected.client_certificate, base) &&
         SamePath(GetString(user, "client-key"), expected.client_key, base) &&
         GetString(context, "cluster") == expected.name &&
         GetString(context, "user") == expected.name;
}

}  // namespace

Result<fs::path> DefaultPath() {
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr) {
    std::string_view list(env);
    while (!list.empty()) {
      size_t colon = list.find(':');
      std::string_view first = list.substr(0, colon);
      if (!first.empty()) {
        return fs::path(first);
      }
      list = colon == std::string_view::npos ? std::string_view() : list.substr(colon + 1);
    }
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    return Error(Code::kFailedPrecondition, "cannot locate the kubeconfig: HOME is not set")
        .WithAdvice("set HOME, or KUBECONFIG to the kubeconfig's path");
  }
  return fs::path(home) / ".kube" / "config";
}

Status Upsert(const fs::path& file, const Entry& entry, bool make_current) {
  if (entry.name.empty()) {
    return Error(Code::kInvalidArgument, "a kubeconfig entry needs a name");
  }
  return Guarded(file, [&] {
    return Mutate(file, /*create_missing=*/true, [&](YAML::Node& root) {
      ReplaceNamed(root, "clusters", entry.name, ClusterEntry(entry));
      ReplaceNamed(root, "users", entry.name, UserEntry(entry));
      ReplaceNamed(root, "contexts", entry.name, ContextEntry(entry));
      if (make_current) {
        root["current-context"] = entry.name;
      }
      return true;
    });
  });
}

Status Remove(const fs::path& file, const std::string& name) {
  if (name.empty()) {
    // An empty name would match every unnamed entry and an unset current-context.
    return Error(Code::kInvalidArgument, "no kubeconfig entry name given to remove");
  }
  return Guarded(file, [&] {
    return Mutate(file, /*create_missing=*/false, [&](YAML::Node& root) {
      bool changed = false;
      for (const char* section : kSections) {
        changed = ReplaceNamed(root, section, name, std::nullopt) || changed;
      }
      if (GetString(root, "current-context") == name) {
        root["current-context"] = "";
        changed = true;
      }
      return changed;
    });
  });
}

Result<State> Check(const fs::path& file, const Entry& expected) {
  return Guarded(file, [&]() -> Result<State> {
    MINI_ASSIGN_OR_RETURN(std::optional<YAML::Node> root, LoadForRead(file));
    if (!root || !Matches(*root, expected, fs::absolute(file).parent_path())) {
      return State::kMisconfigured;
    }
    return State::kConfigured;
  });
}

Result<std::optional<std::string>> CurrentContext(const fs::path& file) {
  return Guarded(file, [&]() -> Result<std::optional<std::string>> {
    MINI_ASSIGN_OR_RETURN(std::optional<YAML::Node> root, LoadForRead(file));
    std::string current = root ? GetString(*root, "current-context") : std::string();
    if (current.empty()) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(std::move(current));
  });
}

}  // namespace mini::kubeconfig
