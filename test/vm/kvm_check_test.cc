#include "vm/kvm_check.h"

#include <doctest/doctest.h>

#include <chrono>

namespace mini::vm {

TEST_CASE("a missing KVM device is reported as unusable at once") {
  auto start = std::chrono::steady_clock::now();
  KvmVerdict v = CheckKvm("/nonexistent/kvm");
  CHECK_FALSE(v.usable);
  CHECK(v.reason.find("does not exist") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
}

TEST_CASE("a device that is not KVM fails the probe without hanging") {
  auto start = std::chrono::steady_clock::now();
  KvmVerdict v = CheckKvm("/dev/null");
  CHECK_FALSE(v.usable);
  CHECK_FALSE(v.reason.empty());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
}

}  // namespace mini::vm
