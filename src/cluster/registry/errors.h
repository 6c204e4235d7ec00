// Kubernetes' API errors, built once so every resource words them the same way kubectl expects.
// Each is a mini Status whose reason is Kubernetes' (NotFound, Invalid, ...) and whose detail is
// the JSON of Status.details; the API server turns it into the Status object on the wire.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/schema/schema.h"
#include "common/status.h"

namespace mini::cluster::registry {

/// One problem with one field, reported in an Invalid error's causes.
struct FieldError {
  enum class Type {
    kRequired,      // FieldValueRequired: "Required value"
    kInvalid,       // FieldValueInvalid: "Invalid value: <value>: <detail>"
    kDuplicate,     // FieldValueDuplicate: "Duplicate value: <value>"
    kNotSupported,  // FieldValueNotSupported: "Unsupported value: <value>: supported values: ..."
    kForbidden,     // FieldValueForbidden: "Forbidden: <detail>"
    kTooLong,       // FieldValueTooLong: "Too long: may not be more than <n> bytes"
    kTooMany,       // FieldValueTooMany: "Too many: <n>: must have at most <m> items"
    kNotFound,      // FieldValueNotFound: "Not found: <value>"
  };
  Type type = Type::kInvalid;
  std::string field;         // "spec.template.spec.containers[0].name"
  boost::json::value value;  // the offending value (null when there is none)
  std::string detail;        // why; for kNotSupported the supported values go in `supported`
  std::vector<std::string> supported;
  /// When set, printed instead of `value`'s JSON: Go's rendering of a struct or map
  /// ("v1.LabelSelector{MatchLabels:...}"), which upstream messages show and users search for.
  std::string value_text;

  /// "FieldValueRequired", ...
  std::string_view Reason() const;
  /// "Required value", "Invalid value: \"Foo\": a lowercase RFC 1123 label must ..."
  std::string Message() const;
  /// "<field>: <Message()>"
  std::string ToString() const;
};
using FieldErrors = std::vector<FieldError>;

FieldError Required(std::string field, std::string detail = "");
FieldError Invalid(std::string field, boost::json::value value, std::string detail);
FieldError Duplicate(std::string field, boost::json::value value);
FieldError NotSupported(std::string field, boost::json::value value,
                        std::vector<std::string> supported);
FieldError Forbidden(std::string field, std::string detail);
FieldError TooLong(std::string field, boost::json::value value, size_t max_bytes);
/// "Too many: <actual>: must have at most <max> items"
FieldError TooMany(std::string field, size_t actual, size_t max_items);

/// What an error is about: `resource` is the plural ("deployments"), `kind` the kind.
struct Subject {
  std::string group;     // "" for the core group
  std::string resource;  // "deployments"
  std::string kind;      // "Deployment"
  std::string name;

  static Subject Of(const api::schema::Resource& resource, std::string name);
  /// "deployments.apps" or "pods": how Kubernetes names a resource in messages.
  std::string QualifiedResource() const;
  /// "Deployment.apps" or "Pod".
  std::string QualifiedKind() const;
};

/// 404 `deployments.apps "web" not found`
Status NotFoundError(const Subject& subject);
/// 409 `deployments.apps "web" already exists`
Status AlreadyExistsError(const Subject& subject);
/// 409 Conflict: `Operation cannot be fulfilled on deployments.apps "web": <detail>`
Status ConflictError(const Subject& subject, std::string_view detail);
/// 409 with the standard "the object has been modified" detail of a stale resourceVersion.
Status StaleResourceVersionError(const Subject& subject);
/// 422 `Deployment.apps "web" is invalid: <field errors>` with one cause per field error.
Status InvalidError(const Subject& subject, const FieldErrors& errors);
/// 400 BadRequest with this message.
Status BadRequestError(std::string message);
/// 410 Expired (a continue token or resourceVersion too old).
Status ExpiredError(std::string message);
/// 405 MethodNotAllowed: `<verb> is not supported on resources of kind "<kind>"`-style message.
Status MethodNotAllowedError(std::string message);
/// 403 Forbidden for `subject` with this reason.
Status ForbiddenError(const Subject& subject, std::string_view reason);
/// 500 InternalError wrapping an unexpected failure.
Status InternalError(const Status& cause);

}  // namespace mini::cluster::registry
