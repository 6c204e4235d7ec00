#include "vm/host_facts.h"

#include <x86intrin.h>

#include <boost/json.hpp>
#include <thread>

#include "common/files.h"
#include "common/json.h"

namespace mini::vm {
namespace json = boost::json;

int64_t MeasureTscKhz(std::chrono::milliseconds window) {
  auto t0 = std::chrono::steady_clock::now();
  uint64_t c0 = __rdtsc();
  std::this_thread::sleep_for(window);
  uint64_t c1 = __rdtsc();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0);
  return static_cast<int64_t>(static_cast<double>(c1 - c0) * 1e6 / static_cast<double>(ns.count()));
}

HostFacts LoadHostFacts(const std::filesystem::path& cache_dir) {
  auto boot = ReadFile("/proc/sys/kernel/random/boot_id");
  std::string boot_id = boot.ok() ? *boot : "unknown";
  std::filesystem::path file = cache_dir / "host-facts.json";
  if (auto text = ReadFile(file); text.ok()) {
    auto v = ParseJson(*text, file.string());
    const json::object* o = v.ok() ? v->if_object() : nullptr;
    auto reason = o ? GetString(*o, "kvmReason") : Result<std::string>(Status(Code::kNotFound, ""));
    auto tsc = o ? GetInt(*o, "tscKhz") : Result<int64_t>(Status(Code::kNotFound, ""));
    const json::value* usable = o ? o->if_contains("kvmUsable") : nullptr;
    if (o && o->contains("bootId") && o->at("bootId") == json::value(boot_id) && reason.ok() &&
        tsc.ok() && usable && usable->is_bool()) {
      return HostFacts{{usable->get_bool(), *reason}, *tsc};
    }
  }
  HostFacts f{CheckKvm(), MeasureTscKhz()};
  json::value v = {{"bootId", boot_id}, {"kvmUsable", f.kvm.usable},
                   {"kvmReason", f.kvm.reason}, {"tscKhz", f.tsc_khz}};
  (void)AtomicWriteFile(file, PrettyJson(v), 0644, Durability::kVolatile);
  return f;
}

}  // namespace mini::vm
