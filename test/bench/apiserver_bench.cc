// API server benchmark: concurrent clients creating, getting, listing and watching ConfigMaps
// over TLS with a client certificate, each on one kept-alive connection, as kubectl and
// controllers talk to the server. `run` prints one tab-separated line per phase:
//   metric clients requests errors p50_us p99_us per_s server_cpu% bench_cpu% other_cpu%
// (CPU in percent of one core: the server's, this program's, and every other process's).
// `fill` creates N ConfigMaps in one namespace. test/bench/apiserver.sh starts a cluster, runs
// both and prints the table.
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test/bench/bench_client.h"

namespace mini::cluster::apiserver::bench {
namespace {

using mini::bench::BusyCpu;
using mini::bench::Client;
using mini::bench::ClientPtr;
using mini::bench::Connection;
using mini::bench::Micros;
using mini::bench::Percentile;
using mini::bench::ProcessCpu;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr uint64_t kMaxBody = 256ull << 20;  // a list of 10,000 objects is ~10 MiB
constexpr int kFillClients = 16;
constexpr int kWatchEvents = 200;  // per latency phase: one write every kWatchGap
constexpr auto kWatchGap = std::chrono::milliseconds(5);

struct Options {
  std::string name_space = "bench";
  std::vector<int> clients = {1, 16, 64};
  std::vector<int> list_clients = {1, 16, 64};
  int seconds = 5;
  double get_rate = 10000;
  int watch_writers = 4;
  int payload_bytes = 512;
  int pid = 0;
  int fill_count = 10000;
  int client_threads = 1;
  std::vector<std::string> phases = {"create", "get", "list", "watch"};

  bool Runs(std::string_view phase) const {
    return std::find(phases.begin(), phases.end(), phase) != phases.end();
  }
};

// Who used the CPU during a phase: on a shared machine, other processes can skew a row, and
// the benchmark's own clients compete with the server for the same cores.
struct Cpu {
  double server = 0, bench = 0, busy = 0;

  static Cpu Now(int pid) {
    return {pid > 0 ? ProcessCpu(std::to_string(pid)) : 0, ProcessCpu("self"), BusyCpu()};
  }
  Cpu operator-(const Cpu& o) const { return {server - o.server, bench - o.bench, busy - o.busy}; }
};


std::string ConfigMap(const std::string& name, const Options& options) {
  json::object body{{"apiVersion", "v1"},
                    {"kind", "ConfigMap"},
                    {"metadata", {{"name", name}}},
                    {"data", {{"payload", std::string(options.payload_bytes, 'v')}}}};
  return json::serialize(body);
}

std::string Collection(const std::string& name_space) {
  return "/api/v1/namespaces/" + name_space + "/configmaps";
}

struct Bench {
  Options options;
  Connection connection;
  std::string run_id;  // keeps the names of a rerun against the same cluster unique

  ClientPtr Connect() {
    auto client = std::make_unique<Client>(connection);
    client->Connect();
    return client;
  }
  ClientPtr Connect(asio::io_context& ioc) {
    auto client = std::make_unique<Client>(connection, ioc);
    client->Connect();
    return client;
  }
};

// Latencies and failures of one thread, merged after the phase.
struct Samples {
  std::vector<double> micros;
  int64_t errors = 0;
  std::string first_error;

  void Fail(std::string what) {
    if (errors++ == 0) {
      first_error = std::move(what);
    }
  }
  void Merge(Samples&& other) {
    micros.insert(micros.end(), other.micros.begin(), other.micros.end());
    if (errors == 0 && other.errors > 0) {
      first_error = std::move(other.first_error);
    }
    errors += other.errors;
  }
};

struct Row {
  std::string metric;
  int clients = 0;
  Samples samples;
  double seconds = 0;
  Cpu cpu;  // used during the phase
};

// Prints the row, and what went wrong on stderr: a benchmark of errors measures nothing.
bool Print(Row row) {
  double p50 = Percentile(row.samples.micros, 0.5);
  double p99 = Percentile(row.samples.micros, 0.99);
  double count = static_cast<double>(row.samples.micros.size());
  double seconds = std::max(row.seconds, 1e-9);
  const Cpu& cpu = row.cpu;
  std::printf("%s\t%d\t%zu\t%lld\t%.1f\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\n", row.metric.c_str(),
              row.clients, row.samples.micros.size(), static_cast<long long>(row.samples.errors),
              p50, p99, count / seconds, 100 * cpu.server / seconds, 100 * cpu.bench / seconds,
              100 * std::max(0.0, cpu.busy - cpu.server - cpu.bench) / seconds);
  std::fflush(stdout);
  if (row.samples.errors > 0) {
    std::fprintf(stderr, "apiserver_bench: %s with %d clients: %lld errors, first: %s\n",
                 row.metric.c_str(), row.clients, static_cast<long long>(row.samples.errors),
                 row.samples.first_error.c_str());
  }
  return row.samples.errors == 0;
}

struct Call {
  http::verb verb;
  std::string target;
  std::string body;
  int want;  // the status a success answers with
};
using MakeCall = std::function<Call(int client, int64_t i)>;

// Closed loop when `rate` is 0: each client sends its next request when the last one is
// answered. Otherwise the clients share `rate` requests/s on a fixed schedule, and latency
// counts from the scheduled moment, so a slow answer also charges the requests it delayed.
struct Load {
  int clients = 1;
  Clock::duration duration;
  double rate = 0;
};

// One client of a load phase: its connection, with one request outstanding at a time. All
// clients of a phase share one event loop, as load generators such as wrk do, so 64 clients
// are 64 connections rather than 64 threads taking the cores from the server they measure.
class Driver {
 public:
  Driver(Client& client, int index, const Load& load, Clock::time_point start,
         const MakeCall& make, Samples& out)
      : client_(client),
        timer_(client.stream().get_executor()),
        index_(index),
        load_(load),
        end_(start + load.duration),
        interval_(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(load.rate > 0 ? load.clients / load.rate : 0))),
        due_(start + interval_ * index / load.clients),
        make_(make),
        out_(out) {
    // Closed-loop clients start together; paced ones at their first slot.
    if (load.rate <= 0) due_ = start;
  }

  void Next() {
    begin_ = load_.rate > 0 ? due_ : std::max(Clock::now(), due_);
    if (begin_ >= end_) return;
    if (load_.rate <= 0 && i_ > 0) return Send();  // closed loop: at once
    timer_.expires_at(due_);
    due_ += interval_;
    timer_.async_wait([this](error_code) { Send(); });
  }

 private:
  void Send() {
    if (load_.rate <= 0) begin_ = Clock::now();
    Call call = make_(index_, i_++);
    want_ = call.want;
    request_ = {call.verb, call.target, 11};
    request_.set(http::field::host, "localhost");
    request_.set(http::field::user_agent, "mini-apiserver-bench");
    request_.set(http::field::accept, "application/json");
    if (!call.body.empty()) {
      request_.set(http::field::content_type, "application/json");
      request_.body() = std::move(call.body);
    }
    request_.prepare_payload();
    http::async_write(client_.stream(), request_, [this](error_code ec, size_t) {
      if (ec) return Fail(ec);
      parser_.emplace();
      parser_->body_limit(kMaxBody);
      http::async_read(client_.stream(), client_.buffer(), *parser_,
                       [this](error_code read, size_t) { OnResponse(read); });
    });
  }

  void OnResponse(error_code ec) {
    if (ec) return Fail(ec);
    int status = parser_->get().result_int();
    if (status != want_) {
      out_.Fail("HTTP " + std::to_string(status) + ": " + parser_->get().body().substr(0, 300));
    } else {
      out_.micros.push_back(Micros(Clock::now() - begin_));
    }
    Next();
  }

  // A broken connection ends this client's phase: the error is reported with the row.
  void Fail(error_code ec) { out_.Fail(ec.message()); }

  Client& client_;
  asio::steady_timer timer_;
  const int index_;
  const Load& load_;
  const Clock::time_point end_;
  const Clock::duration interval_;
  Clock::time_point due_, begin_;
  const MakeCall& make_;
  Samples& out_;
  int64_t i_ = 0;
  int want_ = 0;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

Row RunLoad(Bench& bench, const std::string& metric, const Load& load, const MakeCall& make) {
  asio::io_context ioc;
  std::vector<ClientPtr> clients;
  for (int i = 0; i < load.clients; ++i) {
    clients.push_back(bench.Connect(ioc));
  }
  std::vector<Samples> samples(clients.size());
  Cpu cpu = Cpu::Now(bench.options.pid);
  auto start = Clock::now() + std::chrono::milliseconds(20);
  std::vector<std::unique_ptr<Driver>> drivers;
  for (int i = 0; i < load.clients; ++i) {
    drivers.push_back(std::make_unique<Driver>(*clients[i], i, load, start, make,
                                               samples[static_cast<size_t>(i)]));
    drivers.back()->Next();
  }
  // Each client has one operation outstanding at a time, so its handlers never overlap
  // whichever thread runs them.
  std::vector<std::thread> threads;
  for (int i = 1; i < bench.options.client_threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& thread : threads) thread.join();
  Row row{metric,
          load.clients,
          {},
          std::chrono::duration<double>(Clock::now() - start).count(),
          Cpu::Now(bench.options.pid) - cpu};
  for (auto& s : samples) {
    row.samples.Merge(std::move(s));
  }
  return row;
}

void Check(int status, std::initializer_list<int> accepted, const std::string& what,
           const Client& client) {
  if (std::find(accepted.begin(), accepted.end(), status) == accepted.end()) {
    throw std::runtime_error(what + ": " + client.Failure(status));
  }
}

void EnsureNamespace(Bench& bench, const std::string& name) {
  ClientPtr client = bench.Connect();
  json::object body{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  Check(client->Call(http::verb::post, "/api/v1/namespaces", json::serialize(body)), {201, 409},
        "creating namespace " + name, *client);
}

json::object ListObject(Bench& bench, const std::string& target) {
  ClientPtr client = bench.Connect();
  Check(client->Call(http::verb::get, target), {200}, "listing " + target, *client);
  return json::parse(client->response()).as_object();
}

// How many ConfigMaps a namespace holds, read without listing them all: a large list would
// grow the server's memory, which the benchmark measures after a fill.
// The benchmark's ConfigMaps in `name_space`: every namespace also holds the cluster's CA
// bundle (kube-root-ca.crt), which the lists return too, as on any cluster.
int64_t Count(Bench& bench, const std::string& name_space) {
  // Whole, since a filtered list has no remainingItemCount to read.
  json::object list = ListObject(
      bench, Collection(name_space) + "?fieldSelector=metadata.name%21%3Dkube-root-ca.crt");
  return static_cast<int64_t>(list.at("items").as_array().size());
}

// Creates cm-0 ... cm-(count-1) in `name_space` (those already there are kept), then checks
// that the namespace holds exactly those, so list phases return what their name says.
void Fill(Bench& bench, const std::string& name_space, int count) {
  EnsureNamespace(bench, name_space);
  std::vector<ClientPtr> clients;
  for (int i = 0; i < kFillClients; ++i) {
    clients.push_back(bench.Connect());
  }
  std::vector<std::thread> threads;
  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  for (auto& client : clients) {
    threads.emplace_back([&, c = client.get()] {
      for (int i = next++; i < count && failed == 0; i = next++) {
        std::string name = "cm-" + std::to_string(i);
        int status =
            c->Call(http::verb::post, Collection(name_space), ConfigMap(name, bench.options));
        if (status != 201 && status != 409) {
          std::fprintf(stderr, "apiserver_bench: creating %s/%s: %s\n", name_space.c_str(),
                       name.c_str(), c->Failure(status).c_str());
          ++failed;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  int64_t listed = Count(bench, name_space);
  if (failed > 0 || listed != count) {
    throw std::runtime_error("filling " + name_space + ": " + std::to_string(listed) +
                             " ConfigMaps, want " + std::to_string(count));
  }
}

std::string Name(const std::string& prefix, int client, int64_t i) {
  return prefix + std::to_string(client) + "-" + std::to_string(i);
}

// One open watch. Events are matched to writes by name: "<prefix><writer>-<index>", and
// "<prefix>end" is written last, so its arrival means every earlier event has arrived too
// (a watch delivers in revision order).
class Watcher {
 public:
  struct Arrival {
    int writer;
    int64_t index;
    Clock::time_point at;
  };

  Watcher(ClientPtr client, std::string prefix)
      : client_(std::move(client)), needle_("\"name\":\"" + prefix) {}

  // Sends the watch request and reads the response head; throws unless the server says 200.
  void Open(const std::string& target) {
    error_code ec;
    client_->Send(http::verb::get, target, {}, ec);
    parser_.body_limit(boost::none);
    on_chunk_ = [this](uint64_t, std::string_view data, error_code& chunk_ec) {
      return Consume(data, chunk_ec);
    };
    parser_.on_chunk_body(on_chunk_);
    if (!ec) {
      http::read_header(client_->stream(), client_->buffer(), parser_, ec);
    }
    if (ec || parser_.get().result_int() != 200) {
      throw std::runtime_error("opening watch " + target + ": " +
                               (ec ? ec.message() : std::to_string(parser_.get().result_int())));
    }
  }

  // Reads events until the last one, or until the stream fails or ends before it (error()).
  void Read() {
    error_code ec;
    while (!done_ && !ec && !parser_.is_done()) {
      http::read(client_->stream(), client_->buffer(), parser_, ec);
    }
    if (!done_ && error_.empty()) {
      error_ = ec ? ec.message() : "the watch ended before the last event";
    }
  }

  // Ends a Read blocked in another thread, at the socket: the stream is not thread-safe.
  void Abort() {
    ::shutdown(beast::get_lowest_layer(client_->stream()).socket().native_handle(), SHUT_RDWR);
  }

  const std::vector<Arrival>& arrivals() const { return arrivals_; }
  const std::string& error() const { return error_; }

 private:
  size_t Consume(std::string_view data, error_code& ec) {
    pending_.append(data);
    size_t from = 0;
    for (size_t end; (end = pending_.find('\n', from)) != std::string::npos; from = end + 1) {
      OnLine(std::string_view(pending_).substr(from, end - from));
    }
    pending_.erase(0, from);
    if (done_ || !error_.empty()) {
      ec = asio::error::operation_aborted;  // ends the read: nothing more is wanted
    }
    return data.size();
  }

  // Matches the name by text: parsing every event as JSON would cost the client more CPU
  // than the server spends sending it, on the same two cores.
  void OnLine(std::string_view line) {
    auto now = Clock::now();
    size_t at = line.find(needle_);
    if (!line.starts_with("{\"type\":\"ADDED\"") || at == std::string_view::npos) {
      error_ = "unexpected event: " + std::string(line.substr(0, 200));
      return;
    }
    std::string_view rest = line.substr(at + needle_.size());
    if (rest.starts_with("end\"")) {
      done_ = true;
      return;
    }
    Arrival arrival{0, 0, now};
    auto parsed = std::from_chars(rest.data(), rest.data() + rest.size(), arrival.writer);
    std::from_chars(parsed.ptr + 1, rest.data() + rest.size(), arrival.index);
    arrivals_.push_back(arrival);
  }

  ClientPtr client_;
  const std::string needle_;
  http::response_parser<http::empty_body> parser_;
  std::function<size_t(uint64_t, std::string_view, error_code&)> on_chunk_;
  std::string pending_;
  std::vector<Arrival> arrivals_;
  bool done_ = false;
  std::string error_;
};

// A watch phase: `writers` create ConfigMaps (every `gap`, `events` each, or as fast as they
// can until `duration`) while `watchers` watch the namespace. Latency runs from sending the
// create to the event's arrival at a watcher; throughput is events delivered to all watchers.
struct WatchLoad {
  int watchers = 1;
  int writers = 1;
  int64_t events = INT64_MAX;
  Clock::duration gap{};
  Clock::duration duration = std::chrono::hours(1);
};

struct Written {
  std::vector<Clock::time_point> sent;  // epoch: the create failed
  Samples samples;
  int64_t created = 0;
};

void Write(Client& client, const std::string& target, const std::string& prefix, int writer,
           const WatchLoad& load, Clock::time_point start, const Options& options, Written& out) {
  std::this_thread::sleep_until(start);
  const auto end = start + load.duration;
  for (int64_t i = 0; i < load.events && Clock::now() < end; ++i) {
    auto begin = Clock::now();
    int status = client.Call(http::verb::post, target, ConfigMap(Name(prefix, writer, i), options));
    bool ok = status == 201;
    out.sent.push_back(ok ? begin : Clock::time_point{});
    out.created += ok ? 1 : 0;
    if (!ok) {
      out.samples.Fail(client.Failure(status));
    }
    std::this_thread::sleep_until(begin + load.gap);
  }
}

// Every watcher must have seen as many events as creates succeeded: no event lost.
void Score(const std::vector<std::unique_ptr<Watcher>>& watchers, std::vector<Written>& written,
           Samples& out) {
  int64_t created = 0;
  for (auto& w : written) {
    created += w.created;
    out.Merge(std::move(w.samples));
  }
  for (const auto& watcher : watchers) {
    if (!watcher->error().empty()) {
      out.Fail(watcher->error());
    }
    int64_t seen = 0;
    for (const auto& a : watcher->arrivals()) {
      const auto& sent = written.at(static_cast<size_t>(a.writer)).sent;
      if (a.index >= 0 && static_cast<size_t>(a.index) < sent.size()) {
        out.micros.push_back(Micros(a.at - sent[static_cast<size_t>(a.index)]));
        ++seen;
      }
    }
    if (seen != created) {
      out.Fail("a watcher saw " + std::to_string(seen) + " of " + std::to_string(created) +
               " events");
    }
  }
}

Row RunWatch(Bench& bench, const std::string& metric, const WatchLoad& load) {
  const std::string name_space = bench.options.name_space + "-watch";
  const std::string collection = Collection(name_space);
  std::string prefix = "w" + bench.run_id + "-" + metric + std::to_string(load.watchers) + "-";
  std::replace(prefix.begin(), prefix.end(), '_', '-');  // object names are DNS subdomains
  std::string revision = ListObject(bench, collection + "?limit=1")
                             .at("metadata")
                             .at("resourceVersion")
                             .as_string()
                             .c_str();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(load.duration).count();
  std::string target = collection + "?watch=1&resourceVersion=" + revision +
                       "&timeoutSeconds=" + std::to_string(std::min<int64_t>(seconds, 600) + 30);
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < load.watchers; ++i) {
    watchers.push_back(std::make_unique<Watcher>(bench.Connect(), prefix));
    watchers.back()->Open(target);
  }
  std::vector<ClientPtr> writers;
  for (int i = 0; i < load.writers; ++i) {
    writers.push_back(bench.Connect());
  }
  std::vector<Written> written(writers.size());
  Cpu cpu = Cpu::Now(bench.options.pid);
  auto start = Clock::now() + std::chrono::milliseconds(20);
  std::vector<std::thread> readers, threads;
  for (auto& watcher : watchers) {
    readers.emplace_back([w = watcher.get()] { w->Read(); });
  }
  for (size_t i = 0; i < writers.size(); ++i) {
    threads.emplace_back([&, i] {
      Write(*writers[i], collection, prefix, static_cast<int>(i), load, start, bench.options,
            written[i]);
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  int status =
      writers[0]->Call(http::verb::post, collection, ConfigMap(prefix + "end", bench.options));
  if (status != 201) {
    written[0].samples.Fail("writing the last watch event: " + writers[0]->Failure(status));
    for (auto& watcher : watchers) {
      watcher->Abort();
    }
  }
  for (auto& reader : readers) {
    reader.join();
  }
  Row row{metric,
          load.watchers,
          {},
          std::chrono::duration<double>(Clock::now() - start).count(),
          Cpu::Now(bench.options.pid) - cpu};
  Score(watchers, written, row.samples);
  return row;
}

bool RunRequests(Bench& bench) {
  const Options& o = bench.options;
  const auto duration = std::chrono::seconds(o.seconds);
  const std::string created = Collection(o.name_space + "-create");
  const std::string small = Collection(o.name_space + "-100");
  bool ok = true;
  for (int clients : o.Runs("create") ? o.clients : std::vector<int>{}) {
    std::string prefix = "c" + bench.run_id + "-" + std::to_string(clients) + "-";
    ok &= Print(RunLoad(bench, "create", {clients, duration}, [&](int client, int64_t i) {
      return Call{http::verb::post, created, ConfigMap(Name(prefix, client, i), o), 201};
    }));
  }
  auto get = [&](int client, int64_t i) {
    return Call{http::verb::get, small + "/cm-" + std::to_string((client * 7 + i) % 100), {}, 200};
  };
  for (int clients : o.Runs("get") ? o.clients : std::vector<int>{}) {
    ok &= Print(RunLoad(bench, "get", {clients, duration}, get));
  }
  if (o.get_rate > 0 && o.Runs("get")) {
    int clients = *std::max_element(o.clients.begin(), o.clients.end());
    ok &= Print(RunLoad(bench, "get_at_" + std::to_string(static_cast<int64_t>(o.get_rate)),
                        {clients, duration, o.get_rate}, get));
  }
  for (const char* size : {"100", "1000"}) {
    MakeCall list = [target = Collection(o.name_space + "-" + size)](int, int64_t) {
      return Call{http::verb::get, target, {}, 200};
    };
    for (int clients : o.Runs("list") ? o.list_clients : std::vector<int>{}) {
      ok &= Print(RunLoad(bench, std::string("list") + size, {clients, duration}, list));
    }
  }
  return ok;
}

bool RunWatches(Bench& bench) {
  const Options& o = bench.options;
  bool ok = true;
  for (int watchers : o.clients) {
    WatchLoad load{.watchers = watchers, .writers = 1, .events = kWatchEvents, .gap = kWatchGap};
    ok &= Print(RunWatch(bench, "watch", load));
  }
  for (int watchers : o.clients) {
    WatchLoad load{.watchers = watchers,
                   .writers = o.watch_writers,
                   .duration = std::chrono::seconds(o.seconds)};
    ok &= Print(RunWatch(bench, "watch_fanout", load));
  }
  return ok;
}

bool RunAll(Bench& bench) {
  const std::string& ns = bench.options.name_space;
  EnsureNamespace(bench, ns + "-create");
  EnsureNamespace(bench, ns + "-watch");
  Fill(bench, ns + "-100", 100);
  Fill(bench, ns + "-1000", 1000);
  bool requests = RunRequests(bench);
  bool watches = !bench.options.Runs("watch") || RunWatches(bench);
  return requests && watches;
}

int Run(int argc, char** argv) {
  CLI::App app{"mini API server benchmark"};
  app.require_subcommand(1);
  app.fallthrough();  // the connection options may also follow the subcommand
  Bench bench;
  Options& o = bench.options;
  bench.connection.AddOptions(app);
  app.add_option("--payload-bytes", o.payload_bytes, "Size of each ConfigMap's data");
  CLI::App* run = app.add_subcommand("run", "Run every phase and print one TSV line per phase");
  run->add_option("--namespace", o.name_space, "Prefix of the namespaces the phases use");
  run->add_option("--clients", o.clients, "Client counts")->delimiter(',');
  run->add_option("--list-clients", o.list_clients, "Client counts of the list phases")
      ->delimiter(',');
  run->add_option("--seconds", o.seconds, "Duration of each phase");
  run->add_option("--get-rate", o.get_rate,
                  "GET/s of the paced phase at the most clients (0: none)");
  run->add_option("--watch-writers", o.watch_writers, "Writers of the watch fan-out phases");
  run->add_option("--phases", o.phases, "Phases to run: create, get, list, watch")
      ->delimiter(',');
  run->add_option("--client-threads", o.client_threads,
                  "Threads running the clients' event loop in the request phases");
  run->add_option("--pid", o.pid, "Server PID, to report its CPU use per phase");
  CLI::App* fill = app.add_subcommand("fill", "Create ConfigMaps cm-0... in one namespace");
  fill->add_option("--namespace", o.name_space, "Namespace to fill")->required();
  fill->add_option("--count", o.fill_count, "How many ConfigMaps it should hold");
  CLI11_PARSE(app, argc, argv);
  try {
    bench.connection.Prepare();
    bench.run_id = std::to_string(std::time(nullptr) % 1000000);
    if (fill->parsed()) {
      Fill(bench, o.name_space, o.fill_count);
      return 0;
    }
    return RunAll(bench) ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apiserver_bench: %s\n", e.what());
    return 1;
  }
}

}  // namespace
}  // namespace mini::cluster::apiserver::bench

int main(int argc, char** argv) { return mini::cluster::apiserver::bench::Run(argc, argv); }
