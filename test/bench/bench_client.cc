// What the API benchmarks share (bench_client.h).
#include "test/bench/bench_client.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <fstream>
#include <sstream>

namespace mini::bench {

using tcp = asio::ip::tcp;

namespace {

constexpr uint64_t kMaxBody = 256ull << 20;  // a list of 10,000 objects is ~10 MiB

double Ticks(double ticks) { return ticks / static_cast<double>(sysconf(_SC_CLK_TCK)); }

}  // namespace

void Connection::AddOptions(CLI::App& app) {
  app.add_option("--server", server, "API server URL");
  app.add_option("--ca", ca, "CA file the server's certificate is checked against")->required();
  app.add_option("--cert", cert, "Client certificate file")->required();
  app.add_option("--key", key, "Client key file")->required();
}

void Connection::Prepare() {
  std::string_view url = server;
  if (!url.starts_with("https://")) {
    throw std::runtime_error("--server must be an https:// URL");
  }
  url.remove_prefix(8);
  url = url.substr(0, url.find('/'));
  size_t colon = url.rfind(':');
  host = std::string(url.substr(0, colon));
  port = colon == std::string_view::npos ? "443" : std::string(url.substr(colon + 1));
  tls.load_verify_file(ca);
  tls.use_certificate_chain_file(cert);
  tls.use_private_key_file(key, ssl::context::pem);
  tls.set_verify_mode(ssl::verify_peer);
}

Client::Client(Connection& connection) : connection_(connection), stream_(ioc_, connection.tls) {}

Client::Client(Connection& connection, asio::io_context& ioc)
    : connection_(connection), stream_(ioc, connection.tls) {}

void Client::Connect() {
  tcp::resolver resolver(ioc_);
  beast::get_lowest_layer(stream_).connect(resolver.resolve(connection_.host, connection_.port));
  beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true));
  stream_.set_verify_callback(ssl::host_name_verification(connection_.host));
  stream_.handshake(ssl::stream_base::client);
}

void Client::Send(http::verb verb, const std::string& target, std::string body, error_code& ec) {
  http::request<http::string_body> request{verb, target, 11};
  request.set(http::field::host, connection_.host);
  request.set(http::field::user_agent, "mini-bench");
  request.set(http::field::accept, "application/json");
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
  }
  request.prepare_payload();
  http::write(stream_, request, ec);
}

int Client::Call(http::verb verb, const std::string& target, std::string body) {
  error_code ec;
  Send(verb, target, std::move(body), ec);
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxBody);
  if (!ec) {
    http::read(stream_, buffer_, parser, ec);
  }
  error_ = ec.message();
  response_ = ec ? "" : std::move(parser.get().body());
  return ec ? 0 : parser.get().result_int();
}

std::string Client::Failure(int status) const {
  return status == 0 ? error_
                     : "HTTP " + std::to_string(status) + ": " + response_.substr(0, 300);
}

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double Percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) {
    return 0;
  }
  std::sort(samples.begin(), samples.end());
  return samples[static_cast<size_t>(p * static_cast<double>(samples.size() - 1))];
}

// utime + stime of /proc/PID/stat.
double ProcessCpu(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (stat.empty()) {
    return 0;
  }
  // Fields from the third (the state) on, after the name, which may hold spaces.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string skipped;
  for (int field = 3; field < 14; ++field) {
    fields >> skipped;
  }
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return Ticks(utime + stime);
}

// The first line of /proc/stat. Interrupts are left out: loopback traffic is processed there,
// on behalf of the benchmark.
double BusyCpu() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0;
  in >> cpu >> user >> nice >> system;
  return Ticks(user + nice + system);
}

double RssMiB(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmRSS:")) {
      return std::stod(line.substr(6)) / 1024;
    }
  }
  return 0;
}

}  // namespace mini::bench
