// Writes the documents built from the compiled-in schema to a directory, with the resource list
// kubectl_check.py needs for discovery, and prints how long building them took. A manual tool
// for checking the documents against the real kubectl; no test runs it.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cluster/api/openapi/openapi.h"

namespace {

namespace json = boost::json;
using namespace mini::cluster::api;

bool Write(const std::filesystem::path& path, const std::string& bytes) {
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out);
}

json::array Strings(const std::vector<std::string>& values) {
  json::array out;
  for (const std::string& value : values) out.emplace_back(value);
  return out;
}

std::string Resources(const schema::Schema& schema) {
  json::array resources;
  for (const schema::Resource& r : schema.resources()) {
    resources.push_back(json::object{{"group", r.group},
                                     {"version", r.version},
                                     {"plural", r.plural},
                                     {"singular", r.singular},
                                     {"kind", r.kind},
                                     {"namespaced", r.namespaced},
                                     {"verbs", Strings(r.verbs)},
                                     {"shortNames", Strings(r.short_names)},
                                     {"categories", Strings(r.categories)}});
  }
  return openapi::CanonicalJson(resources);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 2;
  }
  std::filesystem::path dir = argv[1];
  const schema::Schema& schema = schema::Builtin();
  auto start = std::chrono::steady_clock::now();
  openapi::Documents documents = openapi::BuildDocuments(schema);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  bool ok = Write(dir / "v3.json", documents.v3_index) &&
            Write(dir / "v2.json", documents.v2.json) &&
            Write(dir / "resources.json", Resources(schema));
  size_t bytes = documents.v2.json.size();
  for (const auto& [path, document] : documents.v3) {
    ok = ok && Write(dir / "v3" / (path + ".json"), document.json);
    bytes += document.json.size();
  }
  std::printf("built %zu documents (%zu bytes) in %.1f ms\n", documents.v3.size() + 1, bytes, ms);
  return ok ? 0 : 1;
}
