#include "cli/table.h"

#include <algorithm>

namespace mini::cli {
namespace {
std::string Rule(const std::vector<size_t>& widths) {
  std::string line = "|";
  for (size_t w : widths) {
    line += std::string(w + 2, '-') + "|";
  }
  return line + "\n";
}

std::string Line(const Row& row, const std::vector<size_t>& widths) {
  std::string line = "|";
  for (size_t i = 0; i < widths.size(); ++i) {
    std::string cell = i < row.size() ? row[i] : "";
    line += " " + cell + std::string(widths[i] - cell.size(), ' ') + " |";
  }
  return line + "\n";
}
}  // namespace

std::string RenderTable(const Row& header, const std::vector<Row>& rows) {
  std::vector<size_t> widths(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    widths[i] = header[i].size();
    for (const auto& row : rows) {
      if (i < row.size()) {
        widths[i] = std::max(widths[i], row[i].size());
      }
    }
  }
  std::string out = Rule(widths) + Line(header, widths) + Rule(widths);
  for (const auto& row : rows) {
    out += Line(row, widths);
  }
  return out + Rule(widths);
}

}  // namespace mini::cli
