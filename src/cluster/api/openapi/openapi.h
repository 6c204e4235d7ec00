// The OpenAPI documents the API server publishes, built from the API schema: the v3 index
// (GET /openapi/v3), one OpenAPI 3.0 document per served group-version
// (GET /openapi/v3/apis/apps/v1) and the Swagger 2.0 document of everything (GET /openapi/v2).
//
// kubectl needs them for more than `explain`: `apply`, `create -f`, `replace -f` and `edit`
// look up the PATCH operation of the object's kind to learn that the server validates fields
// (the fieldValidation parameter), and client-side apply computes its strategic merge patch from
// the schemas' x-kubernetes-patch-* extensions. See docs/kubectl-protocol.md §4 and §9.
//
// The documents depend only on the schema, so the server builds them once and serves bytes.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <string_view>

#include "cluster/api/openapi/canonical_json.h"
#include "cluster/api/schema/schema.h"

namespace mini::cluster::api::openapi {

/// "api/v1" for the core group, "apis/<group>/<version>" otherwise: a group-version's key in the
/// v3 index and the tail of its document's URL.
std::string GroupVersionPath(std::string_view group, std::string_view version);

/// The OpenAPI 3.0 document of one group-version: the paths of its resources and, under
/// components.schemas, every schema they reach. A group-version that serves no resource gets a
/// document without paths or schemas.
boost::json::object BuildV3Document(const schema::Schema& schema, std::string_view group,
                                    std::string_view version);

/// The Swagger 2.0 document of every served group-version, with `#/definitions/` references.
boost::json::object BuildV2Document(const schema::Schema& schema);

/// A document as served: its bytes and the hash clients key their cache by.
struct ServedDocument {
  std::string json;  // CanonicalJson() of the document
  std::string hash;  // ContentHash(json)
};

/// {"paths": {"<GroupVersionPath>": {"serverRelativeURL": "/openapi/v3/<path>?hash=<hash>"}}}.
boost::json::object BuildV3Index(const std::map<std::string, ServedDocument>& v3);

struct Documents {
  std::map<std::string, ServedDocument> v3;  // by GroupVersionPath()
  std::string v3_index;                      // CanonicalJson(BuildV3Index(v3))
  ServedDocument v2;
};

/// Every document, serialized, sharing the work between them.
Documents BuildDocuments(const schema::Schema& schema);

}  // namespace mini::cluster::api::openapi
