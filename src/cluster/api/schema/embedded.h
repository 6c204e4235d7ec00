// The schema documents compiled into the binary (generated from data/*.yaml at build time).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mini::cluster::api::schema {

/// (file name, YAML text) of every document in data/, in file name order.
const std::vector<std::pair<std::string, std::string>>& EmbeddedDocuments();

}  // namespace mini::cluster::api::schema
