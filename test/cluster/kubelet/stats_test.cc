#include <doctest/doctest.h>

#include <fstream>

#include "cluster/kubelet/stats/cgroup_stats.h"
#include "cluster/kubelet/stats/collector.h"
#include "cluster/kubelet/stats/proc_stats.h"
#include "cluster/kubelet/stats/rate.h"
#include "test/temp_dir.h"

namespace mini::cluster::kubelet::stats {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

void Write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

constexpr char kV1Cgroup[] = "10:hugetlb:/\n4:memory:/c1\n2:cpuacct:/c1\n1:cpu:/c1\n0::/\n";

void WriteV1(const fs::path& root, int64_t cpu_ns, int64_t usage, int64_t inactive) {
  Write(root / "cpuacct/c1/cpuacct.usage", std::to_string(cpu_ns) + "\n");
  Write(root / "memory/c1/memory.usage_in_bytes", std::to_string(usage) + "\n");
  Write(root / "memory/c1/memory.stat",
        "cache 5\ninactive_file 7\nactive_file 3\ntotal_inactive_file " + std::to_string(inactive) +
            "\n");
}

TEST_SUITE("kubelet/stats") {
  TEST_CASE("a v1 process is read from its cpuacct and memory hierarchies") {
    testing::TempDir dir;
    auto dirs = CgroupDirsOf(kV1Cgroup, dir.path());
    REQUIRE(dirs.ok());
    CHECK(dirs->cpu == dir.path() / "cpuacct/c1");
    CHECK_FALSE(dirs->cpu_unified);
    CHECK(dirs->memory == dir.path() / "memory/c1");
    CHECK_FALSE(dirs->memory_unified);
    WriteV1(dir.path(), 5'000'000'000, 10 << 20, 1 << 20);
    auto usage = ReadCgroupUsage(*dirs);
    REQUIRE(usage.ok());
    CHECK(usage->cpu_ns == 5'000'000'000);
    CHECK(usage->memory_working_set_bytes == (9 << 20));
  }

  TEST_CASE("a joined cpu,cpuacct mount is found by its own name") {
    testing::TempDir dir;
    fs::create_directories(dir / "cpu,cpuacct");
    auto dirs = CgroupDirsOf("3:cpu,cpuacct:/k/c1\n4:memory:/k/c1\n", dir.path());
    REQUIRE(dirs.ok());
    CHECK(dirs->cpu == dir.path() / "cpu,cpuacct/k/c1");
  }

  TEST_CASE("a v2 process is read from the unified tree") {
    testing::TempDir dir;
    auto dirs = CgroupDirsOf("0::/pods/c1\n", dir.path());
    REQUIRE(dirs.ok());
    CHECK(dirs->cpu_unified);
    CHECK(dirs->memory_unified);
    CHECK(dirs->memory == dir.path() / "pods/c1");
    Write(dir / "pods/c1/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
    Write(dir / "pods/c1/memory.current", "8192\n");
    Write(dir / "pods/c1/memory.stat",
          "anon 4096\nfile 4096\nactive_file 1024\ninactive_file 3072\n");
    auto usage = ReadCgroupUsage(*dirs);
    REQUIRE(usage.ok());
    CHECK(usage->cpu_ns == 2'500'000'000);
    CHECK(usage->memory_working_set_bytes == 5120);
  }

  TEST_CASE("cache larger than the usage gives no negative working set") {
    testing::TempDir dir;
    WriteV1(dir.path(), 1, 100, 4096);
    auto usage = ReadCgroupUsage(*CgroupDirsOf(kV1Cgroup, dir.path()));
    REQUIRE(usage.ok());
    CHECK(usage->memory_working_set_bytes == 0);
  }

  TEST_CASE("missing cgroups and bad files are errors, not crashes") {
    testing::TempDir dir;
    CHECK_FALSE(CgroupDirsOf("", dir.path()).ok());
    CHECK_FALSE(CgroupDirsOf("garbage\n1:cpu:/x\n", dir.path()).ok());
    auto dirs = CgroupDirsOf(kV1Cgroup, dir.path());
    REQUIRE(dirs.ok());
    CHECK_FALSE(ReadCgroupUsage(*dirs).ok());  // the container is gone
    WriteV1(dir.path(), 1, 1, 1);
    Write(dir / "cpuacct/c1/cpuacct.usage", "not a number");
    CHECK_FALSE(ReadCgroupUsage(*dirs).ok());
    Write(dir / "v2/cpu.stat", "user_usec 5\n");
    CHECK_FALSE(ReadCgroupUsage(*CgroupDirsOf("0::/v2\n", dir.path())).ok());
  }

  TEST_CASE("the node's busy CPU time and memory in use come from /proc") {
    auto busy = BusyCpuNanoseconds("cpu  100 20 30 1000 50 5 5 0 0 0\ncpu0 1 2 3 4\n", 100);
    REQUIRE(busy.ok());
    CHECK(*busy == 160 * 10'000'000);  // user+nice+system+irq+softirq+steal, 10 ms ticks
    CHECK_FALSE(BusyCpuNanoseconds("intr 1 2 3\n", 100).ok());
    CHECK_FALSE(BusyCpuNanoseconds("", 100).ok());
    auto memory = MemoryInUse("MemTotal:       2048 kB\nMemFree: 100 kB\nMemAvailable:   512 kB\n");
    REQUIRE(memory.ok());
    CHECK(*memory == 1536 * 1024);
    CHECK_FALSE(MemoryInUse("MemTotal: 2048 kB\n").ok());
  }

  TEST_CASE("CPU usage is the counter's growth per second of the window") {
    auto t0 = std::chrono::steady_clock::time_point{};
    auto wall = std::chrono::system_clock::time_point{} + 1000s;
    Sample older{t0, wall, 1'000'000'000, 1};
    Sample newer{t0 + 2s, wall + 2s, 2'000'000'000, 4096};
    auto usage = UsageBetween(older, newer);
    CHECK(usage.usage.cpu_nanocores == 500'000'000);  // half a core
    CHECK(usage.usage.memory_bytes == 4096);
    CHECK(usage.window == 2s);
    CHECK(usage.timestamp == wall + 2s);
    CHECK(UsageBetween(newer, Sample{t0 + 3s, wall, 5, 0}).usage.cpu_nanocores == 0);
    CHECK(UsageBetween(older, older).usage.cpu_nanocores == 0);
  }

  TEST_CASE("a series samples at once until it has a window, then every interval") {
    auto t0 = std::chrono::steady_clock::time_point{} + 1h;
    Series series;
    CHECK(series.Due(t0, 10s));
    series.Add({t0, {}, 0, 0});
    CHECK_FALSE(series.Usage());
    CHECK(series.Due(t0 + 1s, 10s));
    series.Add({t0 + 1s, {}, 100, 0});
    REQUIRE(series.Usage());
    CHECK(series.Usage()->window == 1s);
    CHECK_FALSE(series.Due(t0 + 5s, 10s));
    CHECK(series.Due(t0 + 11s, 10s));
  }

  TEST_CASE("the collector reports containers by pod and the node once they have a window") {
    testing::TempDir dir;
    const fs::path proc = dir / "proc", cgroups = dir / "cgroup";
    Write(proc / "stat", "cpu  100 0 0 100 0 0 0 0\n");
    Write(proc / "meminfo", "MemTotal: 4096 kB\nMemAvailable: 1024 kB\n");
    Write(proc / "42/cgroup", kV1Cgroup);
    WriteV1(cgroups, 1'000'000'000, 2 << 20, 0);
    std::vector<RunningContainer> running = {{"c1", "uid-1", "app", 42}};
    StatsCollector collector([&running] { return running; },
                             CollectorOptions{10s, 1s, proc, cgroups});
    auto t0 = std::chrono::steady_clock::now();
    auto wall = std::chrono::system_clock::now();
    collector.Collect(t0, wall);
    CHECK_FALSE(collector.Pod("uid-1"));
    CHECK_FALSE(collector.Node());

    WriteV1(cgroups, 1'250'000'000, 3 << 20, 1 << 20);
    Write(proc / "stat", "cpu  150 0 0 150 0 0 0 0\n");
    collector.Collect(t0 + 1s, wall + 1s);
    auto pod = collector.Pod("uid-1");
    REQUIRE(pod);
    REQUIRE(pod->containers.count("app") == 1);
    CHECK(pod->containers.at("app").cpu_nanocores == 250'000'000);
    CHECK(pod->containers.at("app").memory_bytes == 2 << 20);
    CHECK(pod->window == 1s);
    CHECK_FALSE(collector.Pod("uid-2"));
    auto node = collector.Node();
    REQUIRE(node);
    CHECK(node->usage.memory_bytes == 3072 * 1024);
    CHECK(node->usage.cpu_nanocores > 0);

    WriteV1(cgroups, 3'250'000'000, 3 << 20, 1 << 20);
    collector.Collect(t0 + 5s, wall + 5s);  // not due: still the first window
    CHECK(collector.Pod("uid-1")->containers.at("app").cpu_nanocores == 250'000'000);
    collector.Collect(t0 + 11s, wall + 11s);
    CHECK(collector.Pod("uid-1")->window == 10s);
    CHECK(collector.Pod("uid-1")->containers.at("app").cpu_nanocores == 200'000'000);

    running.clear();
    collector.Collect(t0 + 12s, wall + 12s);
    CHECK_FALSE(collector.Pod("uid-1"));
  }
}

}  // namespace
}  // namespace mini::cluster::kubelet::stats
