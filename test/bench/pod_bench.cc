// Pod startup benchmark: N pods created at once (image already on the node), each timed from
// sending its create to the watch event that shows it Running, as a user watching
// `kubectl get pods -w` sees it. Prints tab-separated lines:
//   startup N p50_ms p99_ms max_ms all_running_s
//   cpu  STATE percent_of_a_core          (the control plane process: API server and agent)
//   rss  STATE MiB
// test/bench/pods.sh starts a cluster, loads the image, runs this and prints the table.
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test/bench/bench_client.h"

namespace mini::bench {
namespace {

namespace json = boost::json;

constexpr int kMaxCreators = 8;
constexpr auto kRunningDeadline = std::chrono::seconds(180);
constexpr auto kGoneDeadline = std::chrono::seconds(180);

struct Options {
  std::vector<int> counts = {1, 10, 100};
  std::string image = "mini-test/busybox:1";
  int pid = 0;
  int sample_seconds = 10;
  std::string bridge;  // the node's pod bridge, when it is on this host
};

std::string PodsPath(const std::string& name_space) {
  return "/api/v1/namespaces/" + name_space + "/pods";
}

std::string Pod(const std::string& name, const std::string& image) {
  json::object container{{"name", "main"},
                         {"image", image},
                         {"imagePullPolicy", "IfNotPresent"},
                         {"command", json::array{"sleep", "3600"}}};
  json::object pod{{"apiVersion", "v1"},
                   {"kind", "Pod"},
                   {"metadata", {{"name", name}}},
                   {"spec",
                    {{"terminationGracePeriodSeconds", 0},
                     {"containers", json::array{std::move(container)}}}}};
  return json::serialize(pod);
}

void Require(int status, std::initializer_list<int> accepted, const Client& client,
             const std::string& what) {
  for (int ok : accepted) {
    if (status == ok) return;
  }
  throw std::runtime_error(what + ": " + client.Failure(status));
}

// Watches one namespace's pods and notes when each is first seen Running.
class RunningWatch {
 public:
  RunningWatch(Connection& connection, const std::string& name_space)
      : client_(connection), name_space_(name_space) {}

  void Open() {
    client_.Connect();
    int status = client_.Call(http::verb::get, PodsPath(name_space_));
    Require(status, {200}, client_, "listing pods");
    std::string version =
        json::parse(client_.response()).at("metadata").at("resourceVersion").as_string().c_str();
    error_code ec;
    client_.Send(http::verb::get, PodsPath(name_space_) + "?watch=1&resourceVersion=" + version,
                 {}, ec);
    parser_.body_limit(boost::none);
    on_chunk_ = [this](uint64_t, std::string_view data, error_code&) {
      Consume(data);
      return data.size();
    };
    parser_.on_chunk_body(on_chunk_);
    if (!ec) http::read_header(client_.stream(), client_.buffer(), parser_, ec);
    if (ec || parser_.get().result_int() != 200) {
      throw std::runtime_error("opening the pod watch failed");
    }
    thread_ = std::thread([this] {
      error_code read_ec;
      while (!read_ec && !parser_.is_done()) {
        http::read(client_.stream(), client_.buffer(), parser_, read_ec);
      }
    });
  }

  /// Waits until `count` pods were seen Running; their times by name.
  std::map<std::string, Clock::time_point> Await(size_t count, Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    changed_.wait_until(lock, deadline, [&] { return running_.size() >= count; });
    return running_;
  }

  void Close() {
    ::shutdown(beast::get_lowest_layer(client_.stream()).socket().native_handle(), SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Consume(std::string_view data) {
    pending_.append(data);
    size_t from = 0;
    for (size_t end; (end = pending_.find('\n', from)) != std::string::npos; from = end + 1) {
      OnEvent(std::string_view(pending_).substr(from, end - from), Clock::now());
    }
    pending_.erase(0, from);
  }

  void OnEvent(std::string_view line, Clock::time_point at) {
    error_code ec;
    json::value event = json::parse(line, ec);
    if (ec || !event.is_object()) return;
    const json::value* pod = event.as_object().if_contains("object");
    if (pod == nullptr || !pod->is_object()) return;
    const json::value* status = pod->as_object().if_contains("status");
    const json::value* phase = status && status->is_object()
                                   ? status->as_object().if_contains("phase")
                                   : nullptr;
    if (phase == nullptr || !phase->is_string() || phase->as_string() != "Running") return;
    std::string name = pod->at("metadata").at("name").as_string().c_str();
    std::lock_guard lock(mu_);
    running_.try_emplace(name, at);
    changed_.notify_all();
  }

  Client client_;
  std::string name_space_;
  http::response_parser<http::empty_body> parser_;
  std::function<size_t(uint64_t, std::string_view, error_code&)> on_chunk_;
  std::string pending_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Clock::time_point> running_;
};

struct Startup {
  std::vector<double> millis;
  double all_running_s = 0;
};

// Creates `count` pods from up to kMaxCreators connections at once and times each to Running.
Startup StartPods(Connection& connection, const Options& options, const std::string& name_space,
                  int count) {
  RunningWatch watch(connection, name_space);
  watch.Open();
  std::vector<Clock::time_point> sent(count);
  std::vector<std::string> failures;
  std::mutex failures_mu;
  std::vector<std::thread> creators;
  int threads = std::min(count, kMaxCreators);
  auto begin = Clock::now();
  for (int t = 0; t < threads; ++t) {
    creators.emplace_back([&, t] {
      Client client(connection);
      client.Connect();
      for (int i = t; i < count; i += threads) {
        sent[i] = Clock::now();
        int status = client.Call(http::verb::post, PodsPath(name_space),
                                 Pod("p-" + std::to_string(i), options.image));
        if (status != 201) {
          std::lock_guard lock(failures_mu);
          failures.push_back(client.Failure(status));
        }
      }
    });
  }
  for (std::thread& creator : creators) creator.join();
  if (!failures.empty()) {
    watch.Close();
    throw std::runtime_error("creating pods: " + failures.front());
  }
  auto running = watch.Await(count, Clock::now() + kRunningDeadline);
  watch.Close();
  if (static_cast<int>(running.size()) < count) {
    throw std::runtime_error(std::to_string(count - running.size()) + " of " +
                             std::to_string(count) + " pods were not Running after 180 s");
  }
  Startup result;
  Clock::time_point last = begin;
  for (int i = 0; i < count; ++i) {
    Clock::time_point at = running.at("p-" + std::to_string(i));
    result.millis.push_back(Micros(at - sent[i]) / 1000);
    last = std::max(last, at);
  }
  result.all_running_s = Micros(last - begin) / 1e6;
  return result;
}

void DeleteAll(Connection& connection, const std::string& name_space) {
  Client client(connection);
  client.Connect();
  Require(client.Call(http::verb::delete_, PodsPath(name_space)), {200}, client, "deleting pods");
  auto deadline = Clock::now() + kGoneDeadline;
  while (true) {
    Require(client.Call(http::verb::get, PodsPath(name_space)), {200}, client, "listing pods");
    if (json::parse(client.response()).at("items").as_array().empty()) break;
    if (Clock::now() > deadline) throw std::runtime_error("pods still present after 180 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  Require(client.Call(http::verb::delete_, "/api/v1/namespaces/" + name_space), {200, 202},
          client, "deleting the namespace");
}

void CreateNamespace(Connection& connection, const std::string& name) {
  Client client(connection);
  client.Connect();
  json::object ns{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  Require(client.Call(http::verb::post, "/api/v1/namespaces", json::serialize(ns)), {201},
          client, "creating namespace " + name);
  // The namespace's default ServiceAccount comes from a controller; pods wait for it.
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (client.Call(http::verb::get, "/api/v1/namespaces/" + name + "/serviceaccounts/default") !=
             200 &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// The kernel tears a deleted pod's network namespace down after the pod is gone from the API,
// taking the network lock for each: a round started while the last one's hundred namespaces
// were still going measured that teardown too. A round therefore starts once the node's
// bridge has no port left.
void WaitForBridgeEmpty(const std::string& bridge) {
  if (bridge.empty()) return;
  const std::filesystem::path ports = std::filesystem::path("/sys/class/net") / bridge / "brif";
  auto deadline = Clock::now() + std::chrono::seconds(60);
  std::error_code error;
  while (std::filesystem::exists(ports, error) && !std::filesystem::is_empty(ports, error)) {
    if (Clock::now() > deadline) throw std::runtime_error("the bridge " + bridge + " kept ports");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The control plane's CPU use over the next `seconds`, in percent of one core.
double CpuPercent(int pid, int seconds) {
  double before = ProcessCpu(std::to_string(pid));
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  return (ProcessCpu(std::to_string(pid)) - before) / seconds * 100;
}

void PrintResources(const Options& options, const char* state) {
  if (options.pid <= 0) return;
  std::printf("cpu\t%s\t%.2f\n", state, CpuPercent(options.pid, options.sample_seconds));
  std::printf("rss\t%s\t%.1f\n", state, RssMiB(std::to_string(options.pid)));
  std::fflush(stdout);
}

int Run(int argc, char** argv) {
  CLI::App app{"mini pod startup benchmark"};
  Connection connection;
  Options options;
  connection.AddOptions(app);
  app.add_option("--counts", options.counts, "Pods started at once, per round")->delimiter(',');
  app.add_option("--image", options.image, "Image the pods run (already on the node)");
  app.add_option("--pid", options.pid, "Control plane PID, to report its CPU and RSS");
  app.add_option("--sample-seconds", options.sample_seconds, "Length of each CPU sample");
  app.add_option("--bridge", options.bridge,
                 "The node's pod bridge on this host: each round waits until it has no ports");
  CLI11_PARSE(app, argc, argv);
  try {
    connection.Prepare();
    std::string run_id = std::to_string(std::time(nullptr) % 1000000);
    PrintResources(options, "idle");
    for (int count : options.counts) {
      std::string name_space = "pod-bench-" + run_id + "-" + std::to_string(count);
      WaitForBridgeEmpty(options.bridge);
      CreateNamespace(connection, name_space);
      Startup startup = StartPods(connection, options, name_space, count);
      double max = *std::max_element(startup.millis.begin(), startup.millis.end());
      std::printf("startup\t%d\t%.0f\t%.0f\t%.0f\t%.2f\n", count,
                  Percentile(startup.millis, 0.5), Percentile(startup.millis, 0.99), max,
                  startup.all_running_s);
      std::fflush(stdout);
      if (count == options.counts.back()) {
        PrintResources(options, ("with_" + std::to_string(count) + "_pods").c_str());
      }
      DeleteAll(connection, name_space);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pod_bench: %s\n", e.what());
    return 1;
  }
}

}  // namespace
}  // namespace mini::bench

int main(int argc, char** argv) { return mini::bench::Run(argc, argv); }
