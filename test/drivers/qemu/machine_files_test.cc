#include "drivers/qemu/machine_files.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test/temp_dir.h"

namespace mini::drivers::qemu {
namespace {

// Listens on a free loopback port while it lives.
struct Squatter {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  uint16_t port = 0;
  Squatter() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd, 1);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Squatter() { ::close(fd); }
};

}  // namespace

TEST_CASE("the default API server port is any free one, kept for the next boot") {
  testing::TempDir dir;
  vm::MachineSpec spec;
  spec.machine_dir = dir.path();
  auto first = ChoosePorts(spec);
  REQUIRE(first.ok());
  CHECK(first->api != 0);
  CHECK(first->ssh != 0);
  CHECK(first->api != first->ssh);
  auto again = ChoosePorts(spec);
  REQUIRE(again.ok());
  CHECK(again->api == first->api);
  CHECK(again->ssh == first->ssh);
}

TEST_CASE("a taken --apiserver-port or --ports is refused, naming the port") {
  testing::TempDir dir;
  Squatter taken;
  vm::MachineSpec spec;
  spec.machine_dir = dir.path();
  spec.apiserver_port = taken.port;
  auto api = ChoosePorts(spec);
  CHECK(api.status().code() == Code::kFailedPrecondition);
  CHECK(api.status().message().find(std::to_string(taken.port)) != std::string::npos);

  spec.apiserver_port = vm::kDefaultApiServerPort;
  spec.ports = {{taken.port, 80}};
  auto extra = ChoosePorts(spec);
  CHECK(extra.status().code() == Code::kFailedPrecondition);
  CHECK(extra.status().reason() == "HOST_PORT_IN_USE");
}

TEST_CASE("the data disk is sparse and sized as asked") {
  testing::TempDir dir;
  vm::MachineSpec spec;
  spec.machine_dir = dir.path();
  spec.disk_size_mb = 20000;
  REQUIRE(CreateDisk(spec).ok());
  CHECK(std::filesystem::file_size(Disk(spec)) == 20000ull << 20);
  CHECK(CreateDisk(spec).ok());  // kept as it is
}

}  // namespace mini::drivers::qemu
