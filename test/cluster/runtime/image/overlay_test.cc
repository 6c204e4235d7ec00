#include "cluster/runtime/image/overlay.h"

#include <doctest/doctest.h>

namespace mini::cluster::runtime::image {

TEST_SUITE("runtime/image/overlay") {
  TEST_CASE("overlay options list the layers top first and refuse what the syntax reserves") {
    OverlayMount m{{"/l/top", "/l/base"}, "/c/upper", "/c/work", "/c/rootfs"};
    CHECK(OverlayOptions(m).value() == "lowerdir=/l/top:/l/base,upperdir=/c/upper,workdir=/c/work");
    m.lower = {};
    CHECK(OverlayOptions(m).status().code() == Code::kInvalidArgument);
    m.lower = {"/l/a:b"};
    CHECK(OverlayOptions(m).status().code() == Code::kInvalidArgument);
    m.lower = std::vector<std::filesystem::path>(200, "/a/long/enough/path/to/a/layer/dir");
    CHECK(OverlayOptions(m).status().code() == Code::kResourceExhausted);
  }

  TEST_CASE("a read-only overlay has no upper layer and needs two lower ones") {
    OverlayMount m{{"/l/top", "/l/base"}, "", "", "/view"};
    CHECK(OverlayOptions(m).value() == "lowerdir=/l/top:/l/base");
    m.lower = {"/l/top"};
    CHECK(OverlayOptions(m).status().code() == Code::kInvalidArgument);
    m = OverlayMount{{"/l/top", "/l/base"}, "/c/upper", "", "/view"};
    CHECK(OverlayOptions(m).status().code() == Code::kInvalidArgument);
  }
}

}  // namespace mini::cluster::runtime::image
