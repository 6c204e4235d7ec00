#include "test/cluster/runtime/registry/registry_server.h"

#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/command.h"
#include "common/files.h"
#include "pki/pki.h"
#include "test/cluster/store/etcd/etcd_server.h"

namespace mini::cluster::runtime::registry::testing {
namespace fs = std::filesystem;

namespace {

constexpr char kRegistryBinary[] = "/usr/bin/docker-registry";

Status NeedTool(const std::string& tool, const std::string& package) {
  if (!fs::exists(tool)) {
    return Error(Code::kFailedPrecondition, "{} is missing: run scripts/setup (it installs {})",
                 tool, package);
  }
  return Status::Ok();
}

}  // namespace

RegistryServer::RegistryServer(RegistryServerOptions options)
    : options_(std::move(options)), processes_(NewSystemProcesses()) {}

RegistryServer::~RegistryServer() {
  if (process_) {
    (void)processes_->Signal(*process_, SIGKILL);
    for (int i = 0; i < 500 && processes_->Poll(*process_).running; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

std::string RegistryServer::LogTail() const {
  std::ifstream in(dir_ / "registry.log");
  std::stringstream text;
  text << in.rdbuf();
  std::string log = text.str();
  return log.size() > 2000 ? log.substr(log.size() - 2000) : log;
}

Status RegistryServer::WriteConfig() {
  std::string config = fmt::format(
      "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n"
      "http:\n  addr: 127.0.0.1:{}\n  secret: mini-test\n",
      storage().string(), port_);
  if (options_.tls) {
    pki::KeyPair ca{dir_ / "ca.crt", dir_ / "ca.key"};
    pki::KeyPair serving{dir_ / "registry.crt", dir_ / "registry.key"};
    MINI_RETURN_IF_ERROR(pki::EnsureCa(ca, {"mini-test-registry-ca", {}}).status());
    MINI_RETURN_IF_ERROR(
        pki::EnsureServingCert(ca, serving, {"registry", {}}, {{"localhost"}, {"127.0.0.1"}})
            .status());
    config += fmt::format("  tls:\n    certificate: {}\n    key: {}\n", serving.cert.string(),
                          serving.key.string());
  }
  if (!options_.user.empty()) {
    MINI_RETURN_IF_ERROR(NeedTool("/usr/bin/htpasswd", "apache2-utils"));
    MINI_ASSIGN_OR_RETURN(std::string line, RunChecked({"/usr/bin/htpasswd", "-Bbn", options_.user,
                                                        options_.password}));
    MINI_RETURN_IF_ERROR(AtomicWriteFile(dir_ / "htpasswd", line));
    config += fmt::format("auth:\n  htpasswd:\n    realm: mini-test\n    path: {}\n",
                          (dir_ / "htpasswd").string());
  }
  return AtomicWriteFile(dir_ / "config.yml", config);
}

Status RegistryServer::Start() {
  MINI_RETURN_IF_ERROR(NeedTool(kRegistryBinary, "docker-registry"));
  MINI_RETURN_IF_ERROR(NeedTool("/usr/bin/skopeo", "skopeo"));
  port_ = mini::testing::FreeLoopbackPorts(1)[0];
  MINI_RETURN_IF_ERROR(WriteConfig());
  MINI_ASSIGN_OR_RETURN(
      ProcessId id,
      processes_->Spawn({.argv = {kRegistryBinary, "serve", (dir_ / "config.yml").string()},
                         .log_file = dir_ / "registry.log"}));
  process_ = id;
  return WaitReady();
}

Status RegistryServer::WaitReady() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    // Any answer (even "client sent HTTP to an HTTPS server") means it listens.
    if (!mini::testing::PlainHttpGet(port_, "/v2/").empty()) {
      return Status::Ok();
    }
    if (!processes_->Poll(*process_).running) {
      process_.reset();
      return Error(Code::kUnavailable, "docker-registry exited at start: {}", LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Error(Code::kDeadlineExceeded, "docker-registry did not answer in 20 s: {}", LogTail());
}

Status RegistryServer::Push(const std::string& source, const std::string& repository) {
  std::vector<std::string> argv = {"/usr/bin/skopeo", "copy", "--quiet", "--dest-tls-verify=false"};
  if (!options_.user.empty()) {
    argv.push_back("--dest-creds=" + options_.user + ":" + options_.password);
  }
  argv.push_back(source);
  argv.push_back("docker://" + host() + "/" + repository);
  return RunChecked(argv, std::chrono::minutes(2)).status();
}

Result<fs::path> TestImages() {
  fs::path out = MINI_TEST_IMAGES;
  MINI_ASSIGN_OR_RETURN(
      CommandOutput built,
      RunCommand({"bash", std::string(MINI_SOURCE_DIR) + "/images/test/build.sh", out.string()},
                 std::chrono::minutes(5)));
  if (built.exit_code != 0) {
    return Error(Code::kFailedPrecondition, "images/test/build.sh failed: {}", built.output);
  }
  return out;
}

}  // namespace mini::cluster::runtime::registry::testing
