#include "common/status.h"

#include <cerrno>
#include <cstring>

namespace mini {
namespace {
const std::string& Empty() {
  static const std::string empty;
  return empty;
}
}  // namespace

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kCancelled:
      return "Cancelled";
    case Code::kInvalidArgument:
      return "InvalidArgument";
    case Code::kNotFound:
      return "NotFound";
    case Code::kAlreadyExists:
      return "AlreadyExists";
    case Code::kConflict:
      return "Conflict";
    case Code::kPermissionDenied:
      return "PermissionDenied";
    case Code::kFailedPrecondition:
      return "FailedPrecondition";
    case Code::kResourceExhausted:
      return "ResourceExhausted";
    case Code::kUnavailable:
      return "Unavailable";
    case Code::kDeadlineExceeded:
      return "DeadlineExceeded";
    case Code::kOutOfRange:
      return "OutOfRange";
    case Code::kUnimplemented:
      return "Unimplemented";
    case Code::kInternal:
      return "Internal";
  }
  return "Unknown";
}

Status::Status(Code code, std::string message) {
  if (code != Code::kOk) {
    state_ = std::make_shared<const State>(State{code, std::move(message), {}, {}, {}});
  }
}

const std::string& Status::message() const { return state_ ? state_->message : Empty(); }
const std::string& Status::advice() const { return state_ ? state_->advice : Empty(); }
const std::string& Status::reason() const { return state_ ? state_->reason : Empty(); }
const std::string& Status::detail() const { return state_ ? state_->detail : Empty(); }

Status Status::Prefixed(const std::string& context) const {
  if (ok()) {
    return *this;
  }
  Status copy;
  copy.state_ =
      std::make_shared<const State>(State{state_->code, context + ": " + state_->message,
                                          state_->advice, state_->reason, state_->detail});
  return copy;
}

Status Status::WithAdvice(std::string advice) const {
  if (ok()) {
    return *this;
  }
  Status copy;
  copy.state_ = std::make_shared<const State>(
      State{state_->code, state_->message, std::move(advice), state_->reason, state_->detail});
  return copy;
}

Status Status::WithReason(std::string reason) const {
  if (ok()) {
    return *this;
  }
  Status copy;
  copy.state_ = std::make_shared<const State>(
      State{state_->code, state_->message, state_->advice, std::move(reason), state_->detail});
  return copy;
}

Status Status::WithDetail(std::string detail) const {
  if (ok()) {
    return *this;
  }
  Status copy;
  copy.state_ = std::make_shared<const State>(
      State{state_->code, state_->message, state_->advice, state_->reason, std::move(detail)});
  return copy;
}

std::string Status::ToString() const {
  if (ok()) {
    return "OK";
  }
  return state_->advice.empty() ? state_->message : state_->message + ": " + state_->advice;
}

Code CodeFromErrno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case ESRCH:
      return Code::kNotFound;
    case EEXIST:
      return Code::kAlreadyExists;
    case EACCES:
    case EPERM:
    case EROFS:
      return Code::kPermissionDenied;
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
      return Code::kResourceExhausted;
    case EADDRINUSE:
    case EBUSY:
    case EWOULDBLOCK:
      return Code::kFailedPrecondition;
    case ETIMEDOUT:
      return Code::kDeadlineExceeded;
    case ECONNREFUSED:
    case ECONNRESET:
    case EHOSTUNREACH:
    case ENETUNREACH:
      return Code::kUnavailable;
    case EINVAL:
    case ENAMETOOLONG:
    case EISDIR:
      return Code::kInvalidArgument;
    case EINTR:
      return Code::kCancelled;
    default:
      return Code::kInternal;
  }
}

Status ErrnoError(Code code, int err, std::string_view what) {
  return Status(code, fmt::format("{}: {}", what, std::strerror(err)));
}

}  // namespace mini
