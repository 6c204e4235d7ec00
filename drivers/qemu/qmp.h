// A minimal QMP client (QEMU's JSON control protocol over a unix socket): enough to ask the
// state, press the ACPI power button, quit, and add a port forward while the machine runs.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/json/value.hpp>

#include "common/status.h"

namespace mini::drivers::qemu {

/// Splits QMP's stream of JSON lines: returns the reply to a command (skipping asynchronous
/// events), or the error QEMU gave, or nullopt while the reply is still incomplete.
struct QmpReply {
  bool complete = false;
  Result<boost::json::value> value = boost::json::value();
};
QmpReply ParseQmpReply(std::string& buffer);

class QmpClient {
 public:
  /// Connects and negotiates capabilities. kUnavailable when no QEMU listens there.
  static Result<std::unique_ptr<QmpClient>> Connect(const std::filesystem::path& socket,
                                                    std::chrono::milliseconds timeout);
  ~QmpClient();

  /// Runs a command ({"execute": name, "arguments": args}) and returns its "return" value.
  Result<boost::json::value> Execute(const std::string& command,
                                     const boost::json::value& arguments = nullptr);

 private:
  QmpClient(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  Result<boost::json::value> ReadReply();
  int fd_;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

}  // namespace mini::drivers::qemu
