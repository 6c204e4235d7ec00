// Datastore benchmark: put throughput at several writer counts, get and range latency, and
// watch delivery latency, against one backend named by a --datastore URL. Prints one
// "metric<TAB>value" line per figure; test/bench/store.sh runs it against the embedded store
// and a local etcd and prints them side by side.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "cluster/store/open.h"

namespace mini::store::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) {
    return 0;
  }
  std::sort(samples.begin(), samples.end());
  size_t at = static_cast<size_t>(p * static_cast<double>(samples.size() - 1));
  return samples[at];
}

void Print(const std::string& metric, double value) {
  std::printf("%s\t%.1f\n", metric.c_str(), value);
}

// Each writer creates then keeps updating its own keys for `duration`; returns writes/s.
double PutThroughput(Backend& store, int writers, std::chrono::milliseconds duration,
                     const std::string& value) {
  std::atomic<int64_t> done{0};
  std::atomic<bool> failed{false};
  auto deadline = Clock::now() + duration;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      std::vector<int64_t> revisions(16, 0);
      for (int64_t i = 0; Clock::now() < deadline; ++i) {
        std::string key = "/bench/put/" + std::to_string(writers) + "/" + std::to_string(w) + "/" +
                          std::to_string(i % 16);
        int64_t& rev = revisions[static_cast<size_t>(i % 16)];
        auto kv = rev == 0 ? store.Create(key, value) : store.Update(key, value, rev);
        if (!kv.ok()) {
          std::fprintf(stderr, "put failed: %s\n", kv.status().ToString().c_str());
          failed = true;
          return;
        }
        rev = kv->mod_revision;
        ++done;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  return failed ? 0 : static_cast<double>(done) * 1000.0 / static_cast<double>(duration.count());
}

void ReadLatency(Backend& store, const std::string& value, int samples) {
  for (int i = 0; i < 1000; ++i) {
    (void)store.Create("/bench/range/" + std::to_string(100000 + i), value);
  }
  std::vector<double> get, range;
  for (int i = 0; i < samples; ++i) {
    auto start = Clock::now();
    (void)store.Get("/bench/range/" + std::to_string(100000 + i % 1000));
    get.push_back(Micros(Clock::now() - start));
  }
  for (int i = 0; i < std::max(1, samples / 20); ++i) {
    auto start = Clock::now();
    auto r = store.Range({"/bench/range/", true});
    range.push_back(Micros(Clock::now() - start));
    if (!r.ok() || r->kvs.size() != 1000) {
      std::fprintf(stderr, "range returned the wrong keys\n");
    }
  }
  Print("get_p50_us", Percentile(get, 0.5));
  Print("get_p99_us", Percentile(get, 0.99));
  Print("range1000_p50_us", Percentile(range, 0.5));
  Print("range1000_p99_us", Percentile(range, 0.99));
}

// Records when each event arrived; latency is computed afterwards against the moment its write
// was acknowledged, so an event that arrives before the writer sees its ack counts as 0.
class ArrivalSink : public WatchSink {
 public:
  void OnEvents(std::vector<Event> events) override {
    auto now = Clock::now();
    std::lock_guard lock(mu_);
    for (const auto& e : events) {
      arrivals_.emplace_back(std::stoul(e.kv.value.substr(0, e.kv.value.find(' '))), now);
    }
  }
  void OnError(Status) override {}
  std::vector<std::pair<size_t, Clock::time_point>> Arrivals() {
    std::lock_guard lock(mu_);
    return arrivals_;
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<size_t, Clock::time_point>> arrivals_;
};

void WatchLatency(Backend& store, int watchers, int events) {
  std::vector<std::shared_ptr<ArrivalSink>> sinks;
  std::vector<WatchPtr> watches;
  for (int i = 0; i < watchers; ++i) {
    sinks.push_back(std::make_shared<ArrivalSink>());
    auto w = store.Watch("/bench/watch/", true, 0, sinks.back());
    if (w.ok()) {
      watches.push_back(std::move(w).value());
    }
  }
  std::vector<Clock::time_point> acked(static_cast<size_t>(events));
  for (int i = 0; i < events; ++i) {
    (void)store.Create("/bench/watch/" + std::to_string(i), std::to_string(i) + " payload");
    acked[static_cast<size_t>(i)] = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // events spread, as in life
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  watches.clear();
  std::vector<double> latencies;
  for (const auto& sink : sinks) {
    for (const auto& [index, at] : sink->Arrivals()) {
      latencies.push_back(index < acked.size() ? std::max(0.0, Micros(at - acked[index])) : 0);
    }
  }
  Print("watch_delivered_pct",
        100.0 * static_cast<double>(latencies.size()) / static_cast<double>(watchers * events));
  Print("watch_p50_us", Percentile(latencies, 0.5));
  Print("watch_p99_us", Percentile(latencies, 0.99));
}

int Run(int argc, char** argv) {
  CLI::App app{"mini datastore benchmark"};
  std::string url;
  std::string data_dir = "/tmp";
  int seconds = 3;
  app.add_option("--datastore", url, "Backend URL (sqlite:///..., etcd://..., memory://)")
      ->required();
  app.add_option("--data-dir", data_dir, "Directory for the default embedded store");
  app.add_option("--seconds", seconds, "Duration of each throughput run");
  CLI11_PARSE(app, argc, argv);
  auto store = OpenBackend(url, {data_dir});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  std::string value(512, 'v');  // about a small Kubernetes object
  for (int writers : {1, 16, 64}) {
    Print("put_w" + std::to_string(writers) + "_per_s",
          PutThroughput(**store, writers, std::chrono::seconds(seconds), value));
  }
  ReadLatency(**store, value, 2000);
  WatchLatency(**store, 100, 200);
  return 0;
}

}  // namespace
}  // namespace mini::store::bench

int main(int argc, char** argv) { return mini::store::bench::Run(argc, argv); }
