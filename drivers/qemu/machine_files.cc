#include "drivers/qemu/machine_files.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "common/command.h"
#include "common/files.h"
#include "common/json.h"
#include "net/host.h"

namespace mini::drivers::qemu {
namespace fs = std::filesystem;
namespace json = boost::json;
using vm::MachineSpec;

namespace {

// A port nothing listens on now. QEMU binds it a moment later; if another program wins the
// race, QEMU fails to start and says so, and the error reaches the user.
Result<uint16_t> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError(Code::kInternal, errno, "socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoError(Code::kInternal, err, "picking a free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

Status WritePorts(const MachineSpec& spec, const Ports& p) {
  json::array extra;
  for (const auto& m : p.extra) extra.push_back(json::array{m.host, m.guest});
  json::value v = {{"apiserver", p.api}, {"ssh", p.ssh}, {"forwards", extra}};
  return AtomicWriteFile(PortsFile(spec), PrettyJson(v), 0600);
}

Result<Ports> ReadPorts(const MachineSpec& spec) {
  MINI_ASSIGN_OR_RETURN(std::string text, ReadFile(PortsFile(spec)));
  MINI_ASSIGN_OR_RETURN(json::value v, ParseJson(text, PortsFile(spec).string()));
  if (!v.is_object()) return Error(Code::kInvalidArgument, "{} is damaged", PortsFile(spec).string());
  MINI_ASSIGN_OR_RETURN(int64_t api, GetInt(v.get_object(), "apiserver"));
  MINI_ASSIGN_OR_RETURN(int64_t ssh, GetInt(v.get_object(), "ssh"));
  Ports p{static_cast<uint16_t>(api), static_cast<uint16_t>(ssh), {}};
  if (const json::value* f = v.get_object().if_contains("forwards"); f && f->is_array()) {
    for (const json::value& pair : f->get_array()) {
      if (!pair.is_array() || pair.get_array().size() != 2 || !pair.get_array()[0].is_int64() ||
          !pair.get_array()[1].is_int64()) {
        continue;
      }
      p.extra.push_back({static_cast<uint16_t>(pair.get_array()[0].get_int64()),
                         static_cast<uint16_t>(pair.get_array()[1].get_int64())});
    }
  }
  return p;
}

bool Free(uint16_t port) { return port != 0 && net::CheckPortFree("127.0.0.1", port).ok(); }

// The API server's host port is the one asked for with --apiserver-port; by default it is any
// free port (the guest has its own 8443 behind it, and the host's 8443 stays free for a native
// profile). The last start's ports are preferred, so kubeconfig stays valid.
Result<Ports> ChoosePorts(const MachineSpec& spec) {
  auto kept = ReadPorts(spec);
  Ports p = kept.ok() ? *kept : Ports{};
  if (spec.apiserver_port != vm::kDefaultApiServerPort) {
    if (!Free(spec.apiserver_port)) {
      return Error(Code::kFailedPrecondition, "port {} on 127.0.0.1 is already in use",
                   spec.apiserver_port)
          .WithAdvice("stop the program using it, or choose another port with --apiserver-port")
          .WithReason("HOST_PORT_IN_USE");
    }
    p.api = spec.apiserver_port;
  } else if (!Free(p.api)) {
    MINI_ASSIGN_OR_RETURN(p.api, FreePort());
  }
  if (!Free(p.ssh) || p.ssh == p.api) {
    MINI_ASSIGN_OR_RETURN(p.ssh, FreePort());
  }
  for (const vm::PortMapping& m : spec.ports) {
    if (!Free(m.host)) {
      return Error(Code::kFailedPrecondition, "port {} on 127.0.0.1 (--ports) is already in use",
                   m.host)
          .WithAdvice("stop the program using it, or forward another host port: --ports=HOST:" +
                      std::to_string(m.guest))
          .WithReason("HOST_PORT_IN_USE");
    }
  }
  p.extra = spec.ports;
  MINI_RETURN_IF_ERROR(WritePorts(spec, p));
  return p;
}

namespace {

// A dropbear key pair made once with dropbear's own tool (the client is dropbear's too);
// returns the public key line.
Result<std::string> EnsureKey(const fs::path& key) {
  fs::path pub = key.string() + ".pub";
  if (!fs::exists(pub)) {
    (void)RemoveAll(key);
    MINI_ASSIGN_OR_RETURN(std::string out,
                          RunChecked({"dropbearkey", "-t", "ed25519", "-f", key.string()}));
    size_t at = out.find("ssh-ed25519 ");
    if (at == std::string::npos) return Error(Code::kInternal, "dropbearkey printed no public key");
    MINI_RETURN_IF_ERROR(AtomicWriteFile(pub, out.substr(at, out.find('\n', at) - at) + "\n", 0644));
  }
  return ReadFile(pub);
}

}  // namespace

// The profile's login key, and the guest's host key made here too, so the client knows it
// from the first connection and checks it (in a known_hosts of the machine's own: dbclient
// keeps it under HOME, and every machine is 127.0.0.1 to it).
Status EnsureSshKeys(const MachineSpec& spec) {
  MINI_RETURN_IF_ERROR(EnsureKey(SshKey(spec)).status());
  MINI_RETURN_IF_ERROR(EnsureKey(HostKey(spec)).status());
  return WriteKnownHosts(spec, "127.0.0.1");
}

Status WriteKnownHosts(const MachineSpec& spec, const std::string& host) {
  MINI_ASSIGN_OR_RETURN(std::string pub, ReadFile(HostKey(spec).string() + ".pub"));
  // "type base64" only: dbclient takes a trailing comment for part of the key.
  std::string key = pub.substr(0, pub.find(' ', pub.find(' ') + 1));
  return AtomicWriteFile(spec.machine_dir / ".ssh" / "known_hosts", host + " " + key + "\n", 0600);
}

Status CreateDisk(const MachineSpec& spec) {
  if (fs::exists(Disk(spec))) return Status::Ok();
  // Sparse: the guest formats it on first boot and it grows as the cluster writes.
  int fd = ::open(Disk(spec).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError(Code::kInternal, errno, "creating " + Disk(spec).string());
  int rc = ::ftruncate(fd, spec.disk_size_mb << 20);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::Ok() : ErrnoError(Code::kResourceExhausted, err, "sizing the data disk");
}

std::vector<std::string> SshCommand(const vm::MachineSpec& spec, const std::string& host,
                                    uint16_t port, const std::vector<std::string>& command) {
  std::vector<std::string> argv = {"env", "HOME=" + spec.machine_dir.string(), "dbclient",
                                   "-i", SshKey(spec).string(), "-p", std::to_string(port)};
  if (!::isatty(STDIN_FILENO)) argv.push_back("-T");
  argv.push_back("root@" + host);
  if (!command.empty()) {
    std::string line;
    for (const std::string& word : command) line += (line.empty() ? "" : " ") + word;
    argv.push_back(line);
  }
  return argv;
}

Result<GuestBoot> PrepareGuestBoot(const vm::MachineSpec& spec) {
  GuestBoot boot;
  MINI_ASSIGN_OR_RETURN(boot.image,
                        vm::image::EnsureGuestImage({spec.cache_dir, spec.mini_binary, spec.say}));
  boot.facts = vm::LoadHostFacts(spec.cache_dir);
  if (!boot.facts.kvm.usable) {
    spec.say("! KVM is not usable here (" + boot.facts.kvm.reason +
             "): the VM runs under software emulation and starts more slowly");
  }
  return boot;
}

}  // namespace mini::drivers::qemu
