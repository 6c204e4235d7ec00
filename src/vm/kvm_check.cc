#include "vm/kvm_check.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

namespace mini::vm {
namespace {

constexpr size_t kTouch = 64u << 20;  // bytes the second stage writes
constexpr size_t kMem = kTouch + (1u << 20);

void OnAlarm(int) {}  // only there to interrupt KVM_RUN

struct Vcpu {
  int fd;
  kvm_run* run;
};

// Stage 1: real mode, `mov al,42; out 0x10,al; hlt`. Checks that KVM runs guest code at all.
std::string Stage1(const Vcpu& v, uint8_t* mem) {
  static const uint8_t code[] = {0xb0, 0x2a, 0xe6, 0x10, 0xf4};
  std::memcpy(mem, code, sizeof code);
  kvm_sregs s{};
  if (ioctl(v.fd, KVM_GET_SREGS, &s) < 0) return "KVM_GET_SREGS failed";
  s.cs.base = 0;
  s.cs.selector = 0;
  if (ioctl(v.fd, KVM_SET_SREGS, &s) < 0) return "KVM_SET_SREGS failed";
  kvm_regs r{};
  r.rip = 0;
  r.rflags = 2;
  if (ioctl(v.fd, KVM_SET_REGS, &r) < 0) return "KVM_SET_REGS failed";
  if (ioctl(v.fd, KVM_RUN, 0) < 0 || v.run->exit_reason != KVM_EXIT_IO ||
      v.run->io.port != 0x10 ||
      reinterpret_cast<uint8_t*>(v.run)[v.run->io.data_offset] != 0x2a) {
    return fmt::format("the first test exited wrongly (reason {})", v.run->exit_reason);
  }
  if (ioctl(v.fd, KVM_RUN, 0) < 0 || v.run->exit_reason != KVM_EXIT_HLT) {
    return "the first test did not halt";
  }
  return "";
}

// Stage 2: flat 32-bit protected mode, `rep stosb` over 64 MiB, then hlt, within the deadline.
std::string Stage2(const Vcpu& v, uint8_t* mem, std::chrono::milliseconds deadline) {
  static const uint8_t code[] = {0xf3, 0xaa, 0xf4};
  std::memcpy(mem, code, sizeof code);
  kvm_sregs s{};
  if (ioctl(v.fd, KVM_GET_SREGS, &s) < 0) return "KVM_GET_SREGS failed";
  kvm_segment flat{};
  flat.limit = 0xffffffff;
  flat.present = 1;
  flat.s = 1;
  flat.g = 1;
  flat.db = 1;
  flat.type = 3;  // read/write data
  s.ds = s.es = s.ss = s.fs = s.gs = flat;
  flat.type = 11;  // execute/read code
  flat.selector = 8;
  s.cs = flat;
  s.cr0 |= 1;  // protected mode
  if (ioctl(v.fd, KVM_SET_SREGS, &s) < 0) return "KVM_SET_SREGS failed";
  kvm_regs r{};
  r.rip = 0;
  r.rflags = 2;
  r.rdi = 1u << 20;
  r.rcx = kTouch;
  if (ioctl(v.fd, KVM_SET_REGS, &r) < 0) return "KVM_SET_REGS failed";
  itimerval t{};
  t.it_value.tv_sec = deadline.count() / 1000;
  t.it_value.tv_usec = (deadline.count() % 1000) * 1000;
  setitimer(ITIMER_REAL, &t, nullptr);
  auto start = std::chrono::steady_clock::now();
  int rc;
  do {
    rc = ioctl(v.fd, KVM_RUN, 0);
  } while (rc == 0 && v.run->exit_reason != KVM_EXIT_HLT &&
           std::chrono::steady_clock::now() - start < deadline);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (rc == 0 && v.run->exit_reason == KVM_EXIT_HLT) return "";
  ioctl(v.fd, KVM_GET_REGS, &r);
  double touched = static_cast<double>(kTouch - r.rcx) / (1 << 20);
  // No logging here: this runs in a forked child, where a logger's lock may be held forever.
  return fmt::format("its guest memory runs at {:.1f} MB/s ({:.1f} of 64 MiB in {:.1f} s), "
                     "where a working KVM does GB/s",
                     touched / secs, touched, secs);
}

std::string Probe(const std::string& device, std::chrono::milliseconds deadline) {
  int kvm = open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (kvm < 0) return fmt::format("cannot open {}: {}", device, std::strerror(errno));
  if (ioctl(kvm, KVM_GET_API_VERSION, 0) != 12) return "unexpected KVM API version";
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) return fmt::format("KVM_CREATE_VM failed: {}", std::strerror(errno));
  void* mem = mmap(nullptr, kMem, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  if (mem == MAP_FAILED) return "cannot map guest memory";
  kvm_userspace_memory_region region{0, 0, 0, kMem, reinterpret_cast<uint64_t>(mem)};
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) return "KVM_SET_USER_MEMORY_REGION failed";
  Vcpu v{ioctl(vm, KVM_CREATE_VCPU, 0), nullptr};
  int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (v.fd < 0 || run_size <= 0) return "KVM_CREATE_VCPU failed";
  void* run = mmap(nullptr, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, 0);
  if (run == MAP_FAILED) return "cannot map the vCPU";
  v.run = static_cast<kvm_run*>(run);
  std::string failed = Stage1(v, static_cast<uint8_t*>(mem));
  return failed.empty() ? Stage2(v, static_cast<uint8_t*>(mem), deadline) : failed;
}

}  // namespace

KvmVerdict CheckKvm(const std::string& device, std::chrono::milliseconds deadline) {
  if (access(device.c_str(), F_OK) != 0) return {false, device + " does not exist"};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {false, "cannot create a pipe"};
  pid_t pid = fork();
  if (pid < 0) return {false, "cannot fork"};
  if (pid == 0) {
    struct sigaction sa{};
    sa.sa_handler = OnAlarm;  // no SA_RESTART: a stuck KVM_RUN returns EINTR
    sigaction(SIGALRM, &sa, nullptr);
    std::string verdict = Probe(device, deadline);
    (void)!write(fds[1], verdict.data(), verdict.size());
    _exit(verdict.empty() ? 0 : 1);
  }
  close(fds[1]);
  std::string verdict;
  auto limit = std::chrono::steady_clock::now() + deadline + std::chrono::seconds(2);
  bool done = false;
  while (!done && std::chrono::steady_clock::now() < limit) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[512];
      ssize_t n = read(fds[0], buf, sizeof buf);
      if (n > 0) verdict.append(buf, n);
      done = n <= 0;
    }
  }
  close(fds[0]);
  if (!done) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!done) return {false, "the KVM self-test hung"};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {true, "KVM works"};
  return {false, verdict.empty() ? "the KVM self-test crashed" : verdict};
}

}  // namespace mini::vm
