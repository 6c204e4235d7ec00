// Status and Result<T>: how every fallible function in mini reports failure.
//
// A Status is OK or carries a typed Code, a message saying what failed and why, and optionally
// the advice that tells a user what to do and a stable reason ID. The code maps to an HTTP
// status on the API server and, with the reason's band, to an exit code on the CLI. An OK
// Status holds no allocation. Status and Result are values: copy them freely across threads.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mini {

enum class Code {
  kOk = 0,
  kCancelled,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kConflict,  // a compare-and-swap lost: the caller's view is stale
  kPermissionDenied,
  kFailedPrecondition,  // the system is not in a state that allows the operation
  kResourceExhausted,   // disk full, value over a size limit, quota
  kUnavailable,         // a peer cannot be reached right now; retrying may help
  kDeadlineExceeded,
  kOutOfRange,  // a revision or position outside what exists: compacted away or not reached yet
  kUnimplemented,
  kInternal,
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  const std::string& message() const;
  /// What the user can do about it; empty when there is nothing useful to say.
  const std::string& advice() const;
  /// Stable identifier such as "HOST_KUBECONFIG_WRITE"; its prefix names the exit-code band.
  /// The API server uses Kubernetes' reasons ("Invalid", "AlreadyExists") instead.
  const std::string& reason() const;
  /// Machine-readable details as a JSON text (the API server's Status.details); may be empty.
  const std::string& detail() const;

  /// Returns a copy whose message is prefixed with "<context>: ".
  template <typename... Args>
  Status WithContext(fmt::format_string<Args...> format, Args&&... args) const {
    return Prefixed(fmt::format(format, std::forward<Args>(args)...));
  }
  Status WithAdvice(std::string advice) const;
  Status WithReason(std::string reason) const;
  Status WithDetail(std::string detail) const;

  /// "message" or "message: advice" on one line, for logs and error output.
  std::string ToString() const;

 private:
  struct State {
    Code code;
    std::string message;
    std::string advice;
    std::string reason;
    std::string detail;
  };
  Status Prefixed(const std::string& context) const;

  std::shared_ptr<const State> state_;
};

template <typename... Args>
Status Error(Code code, fmt::format_string<Args...> format, Args&&... args) {
  return Status(code, fmt::format(format, std::forward<Args>(args)...));
}

/// Status for a failed system call: the message ends with strerror(err).
Status ErrnoError(Code code, int err, std::string_view what);
/// Picks the Code that matches an errno value (ENOENT -> kNotFound, EACCES ->
/// kPermissionDenied...).
Code CodeFromErrno(int err);

/// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) {
      v_ = Status(Code::kInternal, "Result constructed from an OK status without a value");
    }
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace mini

#define MINI_CONCAT_INNER_(a, b) a##b
#define MINI_CONCAT_(a, b) MINI_CONCAT_INNER_(a, b)

#define MINI_RETURN_IF_ERROR(expr)        \
  do {                                    \
    ::mini::Status mini_status_ = (expr); \
    if (!mini_status_.ok()) {             \
      return mini_status_;                \
    }                                     \
  } while (false)

#define MINI_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) {                                  \
    return tmp.status();                            \
  }                                                 \
  lhs = std::move(tmp).value()

#define MINI_ASSIGN_OR_RETURN(lhs, expr) \
  MINI_ASSIGN_OR_RETURN_IMPL_(MINI_CONCAT_(mini_result_, __LINE__), lhs, expr)
