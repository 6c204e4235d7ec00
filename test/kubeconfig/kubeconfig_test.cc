#include "kubeconfig/kubeconfig.h"

#include <doctest/doctest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/files.h"
#include "common/json.h"
#include "test/temp_dir.h"

namespace mini::kubeconfig {
namespace {
namespace fs = std::filesystem;

Entry MakeEntry(const testing::TempDir& dir, const std::string& name,
                const std::string& server = "https://127.0.0.1:8443") {
  Entry entry;
  entry.name = name;
  entry.server = server;
  entry.certificate_authority = dir / "ca.crt";
  entry.client_certificate = dir / (name + ".crt");
  entry.client_key = dir / (name + ".key");
  return entry;
}

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string Contents(const fs::path& path) {
  Result<std::string> text = ReadFile(path);
  REQUIRE(text.ok());
  return *text;
}

// The names in one of the clusters/users/contexts lists, in file order.
std::vector<std::string> Names(const fs::path& file, const char* section) {
  std::vector<std::string> names;
  for (const auto& item : YAML::LoadFile(file.string())[section]) {
    names.push_back(item["name"].as<std::string>());
  }
  return names;
}

YAML::Node Named(const fs::path& file, const char* section, const std::string& name) {
  for (const auto& item : YAML::LoadFile(file.string())[section]) {
    if (item["name"].as<std::string>() == name) {
      return item;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string CurrentIn(const fs::path& file) {
  return YAML::LoadFile(file.string())["current-context"].as<std::string>();
}

bool HaveKubectl() { return std::system("command -v kubectl >/dev/null 2>&1") == 0; }

// Runs `kubectl --kubeconfig <file> <args>`; returns its exit code and stdout.
std::pair<int, std::string> Kubectl(const fs::path& file, const std::string& args) {
  std::string command = "kubectl --kubeconfig '" + file.string() + "' " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) {
    out.append(buf, n);
  }
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Another tool's entries, with strings that only stay strings while they stay quoted.
constexpr const char* kForeignConfig = R"(# written by another tool
apiVersion: v1
kind: Config
clusters:
- name: other
  cluster:
    server: https://10.0.0.1:6443
    insecure-skip-tls-verify: true
contexts:
- name: other
  context: {cluster: other, user: other, namespace: "123"}
current-context: other
users:
- name: other
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: get-token
      args: ["--port", "8080", 'yes']
      interactiveMode: Never
preferences:
  colors: true
x-unknown:
  answer: "42"
  list: [a, b]
)";

// Scoped environment variable change.
class EnvOverride {
 public:
  EnvOverride(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
    }
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~EnvOverride() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_SUITE("kubeconfig") {
  TEST_CASE("Upsert creates a missing file with mode 0600 in a 0700 directory, made current") {
    testing::TempDir dir;
    fs::path file = dir / ".kube/config";
    Entry entry = MakeEntry(dir, "mini");
    REQUIRE(Upsert(file, entry, /*make_current=*/true).ok());
    CHECK(ModeOf(file) == 0600);
    CHECK(ModeOf(dir / ".kube") == 0700);
    CHECK(CurrentIn(file) == "mini");
    CHECK(CurrentContext(file).value() == std::optional<std::string>("mini"));
    YAML::Node cluster = Named(file, "clusters", "mini")["cluster"];
    CHECK(cluster["server"].as<std::string>() == "https://127.0.0.1:8443");
    CHECK(cluster["certificate-authority"].as<std::string>() == (dir / "ca.crt").string());
    CHECK(Named(file, "contexts", "mini")["context"]["namespace"].as<std::string>() == "default");
    CHECK(Check(file, entry).value() == State::kConfigured);
    CHECK_FALSE(fs::exists(dir / ".kube/config.lock"));
  }

  TEST_CASE("Upsert writes certificate paths absolute") {
    testing::TempDir dir;
    Entry entry = MakeEntry(dir, "mini");
    entry.client_key = "relative/mini.key";
    REQUIRE(Upsert(dir / "config", entry, true).ok());
    std::string key =
        Named(dir / "config", "users", "mini")["user"]["client-key"].as<std::string>();
    CHECK(fs::path(key).is_absolute());
    CHECK(key == (fs::current_path() / "relative/mini.key").string());
  }

  TEST_CASE("kubectl accepts the written file, sees every entry and can still edit it") {
    if (!HaveKubectl()) {
      MESSAGE("kubectl not found; skipping the kubectl cross-check");
      return;
    }
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(AtomicWriteFile(file, kForeignConfig, 0600).ok());
    REQUIRE(Upsert(file, MakeEntry(dir, "mini"), true).ok());
    auto [code, out] = Kubectl(file, "config view -o json");
    INFO(out);
    REQUIRE(code == 0);
    Result<boost::json::value> json = ParseJson(out, "kubectl output");
    REQUIRE(json.ok());
    const boost::json::object& config = json->as_object();
    CHECK(config.at("current-context").as_string() == "mini");
    CHECK(config.at("clusters").as_array().size() == 2);
    CHECK(config.at("users").as_array().size() == 2);
    CHECK(config.at("contexts").as_array().size() == 2);
    // The quoted "8080" must reach kubectl as a string, or the exec plugin config breaks.
    // kubectl lists entries sorted by name, so look "other" up rather than assume its index.
    const boost::json::value* exec = nullptr;
    for (const auto& user : config.at("users").as_array()) {
      if (user.at("name").as_string() == "other") {
        exec = &user.at("user").at("exec");
      }
    }
    REQUIRE(exec != nullptr);
    const auto& args = exec->at("args").as_array();
    REQUIRE(args.size() == 3);
    CHECK(args[1].as_string() == "8080");
    CHECK(args[2].as_string() == "yes");
    // kubectl refuses to write while `<file>.lock` exists; mini must not leave one behind.
    auto [use_code, use_out] = Kubectl(file, "config use-context other");
    INFO(use_out);
    CHECK(use_code == 0);
    CHECK(CurrentContext(file).value() == std::optional<std::string>("other"));
  }

  TEST_CASE("Upsert with make_current=false keeps the previous current-context") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(Upsert(file, MakeEntry(dir, "first"), true).ok());
    REQUIRE(Upsert(file, MakeEntry(dir, "second"), /*make_current=*/false).ok());
    CHECK(CurrentIn(file) == "first");
    CHECK(Names(file, "clusters") == std::vector<std::string>{"first", "second"});
  }

  TEST_CASE("Upsert and Remove keep other entries, unknown keys and quoted strings intact") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(AtomicWriteFile(file, kForeignConfig, 0600).ok());
    YAML::Node before = YAML::Load(kForeignConfig);
    REQUIRE(Upsert(file, MakeEntry(dir, "mini"), false).ok());
    REQUIRE(Remove(file, "mini").ok());
    YAML::Node after = YAML::LoadFile(file.string());
    for (const char* key : {"clusters", "users", "contexts", "preferences", "x-unknown"}) {
      CAPTURE(key);
      CHECK(YAML::Dump(after[key]) == YAML::Dump(before[key]));
    }
    CHECK(after["current-context"].as<std::string>() == "other");
    // Tag "!" is how yaml-cpp says the scalar was quoted, i.e. is a string and not a number.
    CHECK(after["x-unknown"]["answer"].Tag() == "!");
    CHECK(after["contexts"][0]["context"]["namespace"].Tag() == "!");
    CHECK(after["users"][0]["user"]["exec"]["args"][1].Tag() == "!");
    CHECK(after["clusters"][0]["cluster"]["insecure-skip-tls-verify"].Tag() == "?");
  }

  TEST_CASE("Upsert twice replaces the entries in place instead of duplicating them") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(Upsert(file, MakeEntry(dir, "before"), false).ok());
    REQUIRE(Upsert(file, MakeEntry(dir, "mini", "https://127.0.0.1:1111"), false).ok());
    REQUIRE(Upsert(file, MakeEntry(dir, "after"), false).ok());
    REQUIRE(Upsert(file, MakeEntry(dir, "mini", "https://127.0.0.1:2222"), true).ok());
    std::vector<std::string> expected = {"before", "mini", "after"};
    CHECK(Names(file, "clusters") == expected);
    CHECK(Names(file, "users") == expected);
    CHECK(Names(file, "contexts") == expected);
    CHECK(Named(file, "clusters", "mini")["cluster"]["server"].as<std::string>() ==
          "https://127.0.0.1:2222");
  }

  TEST_CASE("Remove deletes only its own entries and clears current-context only if it was it") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(Upsert(file, MakeEntry(dir, "a"), false).ok());
    REQUIRE(Upsert(file, MakeEntry(dir, "b"), true).ok());
    REQUIRE(Remove(file, "a").ok());
    CHECK(Names(file, "clusters") == std::vector<std::string>{"b"});
    CHECK(Names(file, "users") == std::vector<std::string>{"b"});
    CHECK(Names(file, "contexts") == std::vector<std::string>{"b"});
    CHECK(CurrentIn(file) == "b");
    REQUIRE(Remove(file, "b").ok());
    CHECK(Names(file, "clusters").empty());
    CHECK(CurrentIn(file).empty());
    CHECK_FALSE(CurrentContext(file).value().has_value());
  }

  TEST_CASE("Remove of a missing file or of absent entries changes nothing") {
    testing::TempDir dir;
    CHECK(Remove(dir / "sub/config", "mini").ok());
    CHECK_FALSE(fs::exists(dir / "sub"));
    REQUIRE(AtomicWriteFile(dir / "config", kForeignConfig, 0600).ok());
    CHECK(Remove(dir / "config", "mini").ok());
    CHECK(Contents(dir / "config") == kForeignConfig);
  }

  TEST_CASE("a malformed kubeconfig is left byte-identical and the error names the file") {
    std::string text;
    SUBCASE("not YAML") { text = "clusters: [\n  - name: x\n"; }
    SUBCASE("top level is a list") { text = "- a\n- b\n"; }
    SUBCASE("clusters is a map") { text = "clusters:\n  name: x\n"; }
    SUBCASE("users is a string") { text = "apiVersion: v1\nusers: nobody\n"; }
    SUBCASE("two documents") { text = "kind: Config\n---\nkind: Config\n"; }
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(AtomicWriteFile(file, text, 0600).ok());
    for (const Status& status :
         {Upsert(file, MakeEntry(dir, "mini"), true), Remove(file, "x"),
          Check(file, MakeEntry(dir, "mini")).status(), CurrentContext(file).status()}) {
      CAPTURE(status.ToString());
      CHECK(status.code() == Code::kInvalidArgument);
      CHECK(status.message().find(file.string()) != std::string::npos);
      CHECK(status.advice().find("move") != std::string::npos);
    }
    CHECK(Contents(file) == text);
  }

  TEST_CASE("an empty existing file counts as an empty config") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(AtomicWriteFile(file, "", 0600).ok());
    CHECK_FALSE(CurrentContext(file).value().has_value());
    REQUIRE(Upsert(file, MakeEntry(dir, "mini"), true).ok());
    CHECK(CurrentIn(file) == "mini");
    CHECK(YAML::LoadFile(file.string())["kind"].as<std::string>() == "Config");
  }

  TEST_CASE("Upsert and Remove keep an existing file's mode") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(AtomicWriteFile(file, kForeignConfig, 0640).ok());
    REQUIRE(Upsert(file, MakeEntry(dir, "mini"), true).ok());
    CHECK(ModeOf(file) == 0640);
    REQUIRE(Remove(file, "mini").ok());
    CHECK(ModeOf(file) == 0640);
  }

  TEST_CASE("an unwritable kubeconfig yields PermissionDenied and stays untouched") {
    if (::geteuid() == 0) {
      MESSAGE("running as root, which ignores file permissions; skipping");
      return;
    }
    testing::TempDir dir;
    fs::path file = dir / "config";
    REQUIRE(AtomicWriteFile(file, kForeignConfig, 0400).ok());
    CHECK(Upsert(file, MakeEntry(dir, "mini"), true).code() == Code::kPermissionDenied);
    CHECK(Contents(file) == kForeignConfig);
    ::chmod(dir.path().c_str(), 0500);
    Status status = Upsert(dir / "new", MakeEntry(dir, "mini"), true);
    ::chmod(dir.path().c_str(), 0700);
    CHECK(status.code() == Code::kPermissionDenied);
    CHECK_FALSE(fs::exists(dir / "new"));
  }

  TEST_CASE("Check tells Configured from a changed server, a missing user or a missing file") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    Entry entry = MakeEntry(dir, "mini");
    CHECK(Check(file, entry).value() == State::kMisconfigured);
    REQUIRE(Upsert(file, entry, true).ok());
    CHECK(Check(file, entry).value() == State::kConfigured);
    Entry moved = entry;
    moved.server = "https://127.0.0.1:9999";
    CHECK(Check(file, moved).value() == State::kMisconfigured);
    Entry other_ca = entry;
    other_ca.certificate_authority = dir / "other-ca.crt";
    CHECK(Check(file, other_ca).value() == State::kMisconfigured);

    YAML::Node root = YAML::LoadFile(file.string());
    root["users"] = YAML::Node(YAML::NodeType::Sequence);
    REQUIRE(AtomicWriteFile(file, YAML::Dump(root), 0600).ok());
    CHECK(Check(file, entry).value() == State::kMisconfigured);
  }

  TEST_CASE("Check resolves relative paths against the kubeconfig's directory") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    Entry entry = MakeEntry(dir, "mini");
    std::string text = R"(clusters:
- name: mini
  cluster: {server: "https://127.0.0.1:8443", certificate-authority: ca.crt}
users:
- name: mini
  user: {client-certificate: ./mini.crt, client-key: mini.key}
contexts:
- name: mini
  context: {cluster: mini, user: mini}
)";
    REQUIRE(AtomicWriteFile(file, text, 0600).ok());
    CHECK(Check(file, entry).value() == State::kConfigured);
  }

  TEST_CASE("a symlinked kubeconfig stays a symlink and its target is edited") {
    testing::TempDir dir;
    fs::create_directories(dir / "dotfiles");
    REQUIRE(AtomicWriteFile(dir / "dotfiles/kubeconfig", kForeignConfig, 0640).ok());
    fs::create_directories(dir / ".kube");
    fs::create_symlink("../dotfiles/kubeconfig", dir / ".kube/config");
    fs::path link = dir / ".kube/config";
    REQUIRE(Upsert(link, MakeEntry(dir, "mini"), true).ok());
    CHECK(fs::is_symlink(link));
    CHECK(ModeOf(dir / "dotfiles/kubeconfig") == 0640);
    CHECK(Names(dir / "dotfiles/kubeconfig", "clusters") ==
          std::vector<std::string>{"other", "mini"});
    REQUIRE(Remove(link, "mini").ok());
    CHECK(fs::is_symlink(link));
    CHECK(Names(link, "clusters") == std::vector<std::string>{"other"});
  }

  TEST_CASE("concurrent Upserts of different profiles all land") {
    testing::TempDir dir;
    fs::path file = dir / "config";
    std::vector<std::thread> threads;
    std::vector<Status> results(8);
    for (size_t i = 0; i < results.size(); ++i) {
      threads.emplace_back(
          [&, i] { results[i] = Upsert(file, MakeEntry(dir, "p" + std::to_string(i)), true); });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    for (const Status& status : results) {
      CHECK(status.ok());
    }
    CHECK(Names(file, "clusters").size() == results.size());
  }

  TEST_CASE("DefaultPath honours the first non-empty KUBECONFIG entry, else HOME") {
    {
      EnvOverride kubeconfig("KUBECONFIG", "::/tmp/first:/tmp/second");
      CHECK(DefaultPath().value() == fs::path("/tmp/first"));
    }
    {
      EnvOverride kubeconfig("KUBECONFIG", "");
      EnvOverride home("HOME", "/home/someone");
      CHECK(DefaultPath().value() == fs::path("/home/someone/.kube/config"));
    }
    {
      EnvOverride kubeconfig("KUBECONFIG", nullptr);
      EnvOverride home("HOME", nullptr);
      CHECK(DefaultPath().status().code() == Code::kFailedPrecondition);
    }
  }
}

}  // namespace mini::kubeconfig
