#include "common/status.h"

#include <doctest/doctest.h>

#include <cerrno>

namespace mini {
namespace {
Result<int> Half(int n) {
  if (n % 2 != 0) {
    return Error(Code::kInvalidArgument, "{} is odd", n);
  }
  return n / 2;
}

Result<int> Quarter(int n) {
  MINI_ASSIGN_OR_RETURN(int half, Half(n));
  MINI_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status Check(int n) {
  MINI_RETURN_IF_ERROR(Half(n).status());
  return Status::Ok();
}
}  // namespace

TEST_SUITE("common/status") {
  TEST_CASE("default Status is OK and carries no message") {
    Status s;
    CHECK(s.ok());
    CHECK(s.code() == Code::kOk);
    CHECK(s.message().empty());
    CHECK(s.ToString() == "OK");
  }

  TEST_CASE("context, advice and reason compose into one line") {
    Status s = Error(Code::kNotFound, "no such file")
                   .WithContext("reading {}", "config.json")
                   .WithAdvice("run mini start")
                   .WithReason("GUEST_PROFILE_NOT_FOUND");
    CHECK(s.code() == Code::kNotFound);
    CHECK(s.message() == "reading config.json: no such file");
    CHECK(s.advice() == "run mini start");
    CHECK(s.reason() == "GUEST_PROFILE_NOT_FOUND");
    CHECK(s.ToString() == "reading config.json: no such file: run mini start");
  }

  TEST_CASE("decorating an OK status keeps it OK") {
    CHECK(Status::Ok().WithContext("x").WithAdvice("y").ok());
  }

  TEST_CASE("Result propagates the first failure through the macros") {
    CHECK(Quarter(8).value() == 2);
    Result<int> r = Quarter(6);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "3 is odd");
    CHECK(Check(4).ok());
    CHECK(Check(5).code() == Code::kInvalidArgument);
  }

  TEST_CASE("a Result built from an OK status is an internal error, not a value") {
    Result<int> r{Status::Ok()};
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInternal);
  }

  TEST_CASE("errno values map to codes") {
    CHECK(CodeFromErrno(ENOENT) == Code::kNotFound);
    CHECK(CodeFromErrno(EACCES) == Code::kPermissionDenied);
    CHECK(CodeFromErrno(ENOSPC) == Code::kResourceExhausted);
    CHECK(CodeFromErrno(EADDRINUSE) == Code::kFailedPrecondition);
    CHECK(ErrnoError(Code::kNotFound, ENOENT, "opening x").message() ==
          "opening x: No such file or directory");
  }
}

}  // namespace mini
