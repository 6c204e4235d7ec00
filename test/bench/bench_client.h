// What the API benchmarks share: a kept-alive TLS client with the admin client certificate,
// as kubectl and controllers connect, and the measurements (percentiles, CPU, RSS) they print.
#pragma once

#include <CLI/CLI.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mini::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

/// Where the API server is and the client's credentials.
struct Connection {
  std::string server = "https://127.0.0.1:8443";
  std::string ca, cert, key;
  std::string host, port;  // from `server`, by Prepare
  ssl::context tls{ssl::context::tls_client};

  /// --server, --ca, --cert, --key.
  void AddOptions(CLI::App& app);
  /// Splits the URL and loads the credentials; throws std::runtime_error on bad input.
  void Prepare();
};

/// One kept-alive TLS connection, used by one thread at a time.
class Client {
 public:
  explicit Client(Connection& connection);
  /// A client whose asynchronous operations run on `ioc` (its blocking ones need no loop).
  Client(Connection& connection, asio::io_context& ioc);

  /// Throws boost::system::system_error: a benchmark cannot run without its connections.
  void Connect();
  void Send(http::verb verb, const std::string& target, std::string body, error_code& ec);
  /// The HTTP status, or 0 when the connection failed; the body is then response().
  int Call(http::verb verb, const std::string& target, std::string body = {});
  /// What went wrong with the last call, which answered `status`.
  std::string Failure(int status) const;

  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  beast::flat_buffer& buffer() { return buffer_; }
  const std::string& response() const { return response_; }

 private:
  const Connection& connection_;
  asio::io_context ioc_;  // never run: for clients that do only blocking I/O
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::string error_;
  std::string response_;
};
using ClientPtr = std::unique_ptr<Client>;

double Micros(Clock::duration d);
/// The p-quantile (0..1) of `samples`, which it sorts; 0 for none.
double Percentile(std::vector<double>& samples, double p);
/// CPU seconds a process ("self" or a PID) has used so far; 0 when it is gone.
double ProcessCpu(const std::string& pid);
/// The machine's CPU seconds spent in processes so far (interrupts left out).
double BusyCpu();
/// A process's resident set in MiB; 0 when it is gone.
double RssMiB(const std::string& pid);

}  // namespace mini::bench
