#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "cluster/runtime/oci/cgroups.h"
#include "cluster/runtime/oci/shim.h"
#include "cluster/runtime/oci/spec.h"
#include "common/command.h"
#include "common/files.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::oci {
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

std::vector<std::string> CapsOf(const json::object& spec) {
  std::vector<std::string> caps;
  for (const json::value& cap : spec.at("process").at("capabilities").at("bounding").as_array()) {
    caps.emplace_back(cap.as_string());
  }
  return caps;
}

bool Has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST_SUITE("runtime/oci/spec") {
  TEST_CASE("defaults: engine capabilities, masked paths, namespaces, limits") {
    ContainerConfig config;
    config.rootfs = "/r";
    config.args = {"/bin/sh"};
    config.network_namespace = "/run/netns/p";
    config.resources.memory_limit = 64 << 20;
    config.resources.cpu_quota = 50000;
    config.resources.cpu_period = 100000;
    json::object spec = BuildSpec(config).value();
    CHECK(CapsOf(spec).size() == DefaultCapabilities().size());
    CHECK(Has(CapsOf(spec), "CAP_NET_BIND_SERVICE"));
    CHECK_FALSE(Has(CapsOf(spec), "CAP_SYS_ADMIN"));
    CHECK(spec.at("linux").at("resources").at("memory").at("limit").as_int64() == 64 << 20);
    CHECK(spec.at("linux").at("resources").at("cpu").at("quota").as_int64() == 50000);
    CHECK(spec.at("linux").as_object().contains("maskedPaths"));
    bool joins_network = false;
    for (const json::value& ns : spec.at("linux").at("namespaces").as_array()) {
      if (ns.at("type").as_string() == "network") joins_network = ns.at("path").as_string() == "/run/netns/p";
    }
    CHECK(joins_network);
  }

  TEST_CASE("capabilities are added and dropped by Kubernetes names, ALL included") {
    ContainerConfig config;
    config.rootfs = "/r";
    config.args = {"x"};
    config.capabilities_drop = {"ALL"};
    config.capabilities_add = {"NET_ADMIN", "CAP_CHOWN"};
    CHECK(CapsOf(BuildSpec(config).value()) == std::vector<std::string>{"CAP_CHOWN", "CAP_NET_ADMIN"});
    config.capabilities_add = {"BOGUS"};
    CHECK(BuildSpec(config).status().code() == Code::kInvalidArgument);
    config.capabilities_add = {};
    config.privileged = true;
    json::object privileged = BuildSpec(config).value();
    CHECK(Has(CapsOf(privileged), "CAP_SYS_ADMIN"));
    CHECK_FALSE(privileged.at("linux").as_object().contains("maskedPaths"));
    config.args = {};
    CHECK_FALSE(BuildSpec(config).ok());
  }

  TEST_CASE("CRI log lines carry time, stream and the partial tag") {
    CHECK(CriLogLine("2024-01-01T00:00:00.000000001Z", "stdout", false, "hi") ==
          "2024-01-01T00:00:00.000000001Z stdout F hi\n");
    CHECK(CriLogLine("t", "stderr", true, "x") == "t stderr P x\n");
  }
}

// Real containers: needs root, crun and a static busybox (scripts/setup installs both).
class Bundle {
 public:
  explicit Bundle(std::vector<std::string> args) {
    fs::create_directories(dir_ / "bundle" / "rootfs" / "bin");
    fs::copy_file("/bin/busybox", dir_ / "bundle" / "rootfs" / "bin" / "busybox");
    for (const char* applet : {"sh", "echo", "cat", "head"}) {
      fs::create_symlink("busybox", dir_ / "bundle" / "rootfs" / "bin" / applet);
    }
    ContainerConfig config;
    config.rootfs = (dir_ / "bundle" / "rootfs").string();
    config.args = std::move(args);
    config.env = {"PATH=/bin"};
    config.hostname = "test";
    REQUIRE(AtomicWriteFile(dir_ / "bundle" / "config.json",
                            json::serialize(BuildSpec(config).value()))
                .ok());
  }

  // Runs the shim in a child process, as `mini shim` does, and waits for it.
  int RunShim() {
    options_.crun_root = dir_ / "crun";
    options_.id = "oci-test-" + std::to_string(::getpid());
    options_.bundle = dir_ / "bundle";
    options_.log_path = dir_ / "c.log";
    options_.exit_file = dir_ / "exit.json";
    options_.start_file = dir_ / "start";
    pid_t child = ::fork();
    if (child == 0) _exit(oci::RunShim(options_));
    int status = 0;
    ::waitpid(child, &status, 0);
    (void)RunCommand({"crun", "--root", options_.crun_root.string(), "delete", "-f", options_.id});
    return WEXITSTATUS(status);
  }

  std::string Read(const char* name) {
    auto text = ReadFile(dir_ / name);
    return text.ok() ? *text : "";
  }

 private:
  mini::testing::TempDir dir_;
  ShimOptions options_;
};

TEST_SUITE("runtime/oci/shim") {
  TEST_CASE("a container runs under crun, its streams land in the CRI log and its exit is kept") {
    REQUIRE_MESSAGE(::getuid() == 0, "running containers needs root");
    REQUIRE(PrepareCgroups().ok());
    std::string long_line(20000, 'x');
    Bundle bundle({"/bin/sh", "-c", "echo out; echo err >&2; echo " + long_line + "; exit 3"});
    int shim = bundle.RunShim();
    INFO(bundle.Read("start"));
    CHECK(shim == 0);
    json::value exit = json::parse(bundle.Read("exit.json"));
    CHECK(exit.at("exitCode").as_int64() == 3);
    CHECK(std::atoi(bundle.Read("start").c_str()) > 0);
    std::string log = bundle.Read("c.log");
    CHECK(log.find(" stdout F out\n") != std::string::npos);
    CHECK(log.find(" stderr F err\n") != std::string::npos);
    CHECK(log.find(" stdout P " + std::string(16384, 'x') + "\n") != std::string::npos);
    CHECK(log.find(" stdout F " + std::string(20000 - 16384, 'x') + "\n") != std::string::npos);
    // Each record starts with the time in RFC 3339 with nanoseconds, in UTC.
    static const std::regex kRecord(
        R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{9}Z std(out|err) [PF] )");
    std::istringstream lines(log);
    int records = 0;
    for (std::string line; std::getline(lines, line); ++records) {
      CHECK_MESSAGE(std::regex_search(line.substr(0, 60), kRecord), line.substr(0, 60));
    }
    CHECK(records == 4);
  }

  TEST_CASE("a command that does not exist is a start error with crun's reason") {
    REQUIRE_MESSAGE(::getuid() == 0, "running containers needs root");
    REQUIRE(PrepareCgroups().ok());
    Bundle bundle({"/bin/nope"});
    CHECK(bundle.RunShim() == 1);
    std::string start = bundle.Read("start");
    INFO(start);
    CHECK(start.starts_with("error: "));
    CHECK(start.find("nope") != std::string::npos);
  }
}

TEST_SUITE("runtime/oci/cgroups") {
  TEST_CASE("an exited container's memory is reclaimed through v1's force_empty or v2's reclaim") {
    mini::testing::TempDir v1;
    fs::create_directories(v1 / "memory/c1");
    std::ofstream(v1 / "memory/c1/memory.force_empty").flush();
    ReclaimContainerMemory("c1", v1.path());
    CHECK(ReadFile(v1 / "memory/c1/memory.force_empty").value() == "0");

    mini::testing::TempDir v2;
    fs::create_directories(v2 / "c2");
    std::ofstream(v2 / "c2/memory.current") << "8192\n";
    std::ofstream(v2 / "c2/memory.reclaim").flush();
    ReclaimContainerMemory("c2", v2.path());
    CHECK(ReadFile(v2 / "c2/memory.reclaim").value() == "8192\n");

    // Nothing to do, and nothing outside the cgroup tree touched, for these.
    ReclaimContainerMemory("gone", v2.path());
    ReclaimContainerMemory("../c2", v2.path());
    CHECK_FALSE(fs::exists(v2 / "gone"));
  }
}

}  // namespace
}  // namespace mini::cluster::runtime::oci
