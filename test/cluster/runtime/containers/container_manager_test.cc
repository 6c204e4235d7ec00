#include "cluster/runtime/containers/container_manager.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <thread>

#include "cluster/runtime/oci/cgroups.h"
#include "common/files.h"
#include "test/cluster/runtime/image/fixtures.h"
#include "test/temp_dir.h"

namespace mini::cluster::runtime::containers {
namespace fs = std::filesystem;
namespace {

using namespace std::chrono_literals;

TEST_SUITE("runtime/containers") {
  TEST_CASE("the command follows Kubernetes' rules over the image's entrypoint and cmd") {
    image::ImageConfig image;
    image.entrypoint = {"/entry"};
    image.cmd = {"--default"};
    CHECK(ResolveCommand({}, {}, image) == std::vector<std::string>{"/entry", "--default"});
    CHECK(ResolveCommand({}, {"x"}, image) == std::vector<std::string>{"/entry", "x"});
    CHECK(ResolveCommand({"/bin/sh"}, {}, image) == std::vector<std::string>{"/bin/sh"});
    CHECK(ResolveCommand({"/bin/sh"}, {"-c", "true"}, image) ==
          std::vector<std::string>{"/bin/sh", "-c", "true"});
  }

  TEST_CASE("at start the node releases image users that are no container of its own") {
    mini::testing::TempDir dir;
    image::testing::TarBuilder layer;
    layer.File("file", "content", 0644);
    image::testing::WriteOciArchive(dir / "i.tar", {{{"mini-test/users:1"}, {layer.Build()}, {}}});
    auto store = image::OpenImageStore(dir / "images").value();
    REQUIRE(store->Load(dir / "i.tar").ok());
    ContainerManager manager({dir / "containers", dir / "crun", {MINI_SHIM_BINARY}, 20s}, *store,
                             image::NewSystemMounter());
    // "kept" has its state directory, as a container that survived an agent restart; "gone"
    // is a user whose container went down with the machine.
    fs::create_directories(dir / "containers" / "kept");
    REQUIRE(store->Acquire("mini-test/users:1", "kept").ok());
    REQUIRE(store->Acquire("mini-test/users:1", "gone").ok());
    manager.RemoveOrphans();
    CHECK(store->Get("mini-test/users:1")->users == std::vector<std::string>{"kept"});
  }

  // Real containers from a stored image: needs root, crun and a static busybox.
  TEST_CASE("containers start from a stored image, report state, stop, and are found again") {
    REQUIRE_MESSAGE(::getuid() == 0, "running containers needs root");
    REQUIRE(oci::PrepareCgroups().ok());
    mini::testing::TempDir dir;
    image::testing::TarBuilder layer;
    layer.Dir("bin").File("bin/busybox", ReadFile("/bin/busybox").value(), 0755);
    for (const char* applet : {"sh", "sleep", "echo"}) layer.Symlink(std::string("bin/") + applet, "busybox");
    image::testing::WriteOciArchive(dir / "busybox.tar",
                                    {{{"mini-test/unit:1"}, {layer.Build()}, {"/bin/sh"}}});
    auto store = image::OpenImageStore(dir / "images").value();
    REQUIRE(store->Load(dir / "busybox.tar").ok());

    ContainerManagerOptions options{dir / "containers", dir / "crun", {MINI_BINARY, "shim"}, 20s};
    auto manager = std::make_unique<ContainerManager>(options, *store, image::NewSystemMounter());
    const std::string id = "unit-" + std::to_string(::getpid());
    ContainerRequest request;
    request.id = id;
    request.image = "mini-test/unit:1";
    request.config.args = {"/bin/sh", "-c", "echo started; exec sleep 60"};
    request.config.env = {"PATH=/bin"};
    request.labels = {{"io.kubernetes.container.name", "c"}};
    request.log_path = dir / "logs" / "c.log";
    REQUIRE(manager->Start(request).ok());
    auto state = manager->State(id);
    REQUIRE(state.ok());
    CHECK(state->phase == ContainerState::Phase::kRunning);
    CHECK(state->pid > 0);
    CHECK(state->labels.at("io.kubernetes.container.name") == "c");
    CHECK(manager->Start(request).code() == Code::kAlreadyExists);

    // A new manager (the node agent restarted) finds the container running.
    manager = std::make_unique<ContainerManager>(options, *store, image::NewSystemMounter());
    CHECK(manager->List() == std::vector<std::string>{id});
    CHECK(manager->State(id)->phase == ContainerState::Phase::kRunning);

    // sleep as PID 1 ignores SIGTERM, so the grace period ends in SIGKILL.
    REQUIRE(manager->Stop(id, 300ms).ok());
    state = manager->State(id);
    CHECK(state->phase == ContainerState::Phase::kExited);
    CHECK(state->exit_code == 137);
    CHECK(ReadFile(request.log_path).value().find(" stdout F started\n") != std::string::npos);
    CHECK_FALSE(store->Remove("mini-test/unit:1", false).ok());  // still in use

    REQUIRE(manager->Remove(id).ok());
    CHECK(manager->List().empty());
    CHECK_FALSE(fs::exists(dir / "containers" / id));
    CHECK(store->Remove("mini-test/unit:1", false).ok());
  }

  TEST_CASE("a command missing from the image is a start error") {
    REQUIRE_MESSAGE(::getuid() == 0, "running containers needs root");
    REQUIRE(oci::PrepareCgroups().ok());
    mini::testing::TempDir dir;
    image::testing::TarBuilder layer;
    layer.Dir("bin").File("bin/busybox", ReadFile("/bin/busybox").value(), 0755);
    image::testing::WriteOciArchive(dir / "b.tar", {{{"mini-test/unit:2"}, {layer.Build()}, {"/bin/busybox"}}});
    auto store = image::OpenImageStore(dir / "images").value();
    REQUIRE(store->Load(dir / "b.tar").ok());
    // Children of earlier cases whose manager was replaced (as after an agent restart) are
    // reaped here, so the check at the end sees only this case's shim.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    ContainerManager manager({dir / "containers", dir / "crun", {MINI_SHIM_BINARY}, 20s}, *store,
                             image::NewSystemMounter());
    ContainerRequest request;
    request.id = "missing-" + std::to_string(::getpid());
    request.image = "mini-test/unit:2";
    request.config.args = {"/bin/does-not-exist"};
    request.log_path = dir / "c.log";
    Status started = manager.Start(request);
    CHECK(started.code() == Code::kFailedPrecondition);
    CHECK(started.message().find("does-not-exist") != std::string::npos);
    CHECK(manager.State(request.id)->phase == ContainerState::Phase::kExited);
    CHECK(manager.Remove(request.id).ok());
    // Its shim was reaped by the manager that started it, not left a zombie of this process.
    errno = 0;
    CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);
  }
}

}  // namespace
}  // namespace mini::cluster::runtime::containers
