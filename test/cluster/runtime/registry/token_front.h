// A bearer-token front for a registry, as Docker Hub's auth service works: /v2/ requests
// without the token get a 401 Bearer challenge naming this server's /token realm, which hands
// out the token for the right basic credentials; authorized requests are redirected to the
// registry behind (so redirects are exercised too). Plain HTTP on a free loopback port.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mini::cluster::runtime::registry::testing {

class TokenFront {
 public:
  /// `backend` is "host:port" of a plain-HTTP registry without authentication.
  TokenFront(std::string backend, std::string user, std::string password);
  ~TokenFront();
  TokenFront(const TokenFront&) = delete;
  TokenFront& operator=(const TokenFront&) = delete;

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  /// The query strings of the token requests seen so far.
  std::vector<std::string> token_queries();

 private:
  struct State;
  void Serve();

  std::string backend_;
  std::string user_, password_;
  std::unique_ptr<State> state_;
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> token_queries_;
  std::thread thread_;
};

}  // namespace mini::cluster::runtime::registry::testing
