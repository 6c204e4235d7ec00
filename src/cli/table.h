// Bordered text tables, as minikube prints `profile list`.
#pragma once

#include <string>
#include <vector>

namespace mini::cli {

using Row = std::vector<std::string>;

/// Columns are as wide as their widest cell; rows shorter than the header are padded.
std::string RenderTable(const Row& header, const std::vector<Row>& rows);

}  // namespace mini::cli
