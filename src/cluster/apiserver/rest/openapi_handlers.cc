#include "cluster/apiserver/rest/openapi_handlers.h"

#include <memory>

#include "cluster/api/openapi/openapi.h"

namespace mini::cluster::apiserver::rest {

void InstallOpenApi(Router& router, const api::schema::Schema& schema) {
  auto documents =
      std::make_shared<const api::openapi::Documents>(api::openapi::BuildDocuments(schema));
  auto json_response = [](const std::string& body) {
    Response response;
    response.content_type = "application/json";
    response.body = body;
    return response;
  };
  router.Handle("GET", "/openapi/v2", [documents, json_response](const Request&) {
    return json_response(documents->v2.json);
  });
  router.Handle("GET", "/openapi/v3", [documents, json_response](const Request&) {
    return json_response(documents->v3_index);
  });
  for (const auto& [path, document] : documents->v3) {
    router.Handle("GET", "/openapi/v3/" + path,
                  [documents, path = path, json_response](const Request&) {
                    Response response = json_response(documents->v3.at(path).json);
                    // The URL carries the content hash, so clients may cache the document for good.
                    response.headers.emplace_back("Cache-Control", "public, immutable");
                    return response;
                  });
  }
}

}  // namespace mini::cluster::apiserver::rest
