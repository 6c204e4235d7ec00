#include "cluster/registry/errors.h"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace mini::cluster::registry {
namespace json = boost::json;
namespace {

// How Kubernetes quotes a bad value in a message: strings in double quotes, the rest as JSON.
std::string Quote(const json::value& value) { return json::serialize(value); }

json::object Details(const Subject& subject) {
  json::object details;
  if (!subject.name.empty()) details["name"] = subject.name;
  if (!subject.group.empty()) details["group"] = subject.group;
  details["kind"] = subject.resource;
  return details;
}

Status Make(Code code, std::string_view reason, std::string message,
            const json::object* details = nullptr) {
  Status status = Status(code, std::move(message)).WithReason(std::string(reason));
  return details ? status.WithDetail(json::serialize(*details)) : status;
}

}  // namespace

std::string_view FieldError::Reason() const {
  switch (type) {
    case Type::kRequired:
      return "FieldValueRequired";
    case Type::kInvalid:
      return "FieldValueInvalid";
    case Type::kDuplicate:
      return "FieldValueDuplicate";
    case Type::kNotSupported:
      return "FieldValueNotSupported";
    case Type::kForbidden:
      return "FieldValueForbidden";
    case Type::kTooLong:
      return "FieldValueTooLong";
    case Type::kTooMany:
      return "FieldValueTooMany";
    case Type::kNotFound:
      return "FieldValueNotFound";
  }
  return "FieldValueInvalid";
}

std::string FieldError::Message() const {
  std::string text;
  const std::string shown = value_text.empty() ? Quote(value) : value_text;
  switch (type) {
    case Type::kRequired:
      text = "Required value";
      break;
    case Type::kInvalid:
      text = "Invalid value: " + shown;
      break;
    case Type::kDuplicate:
      text = "Duplicate value: " + shown;
      break;
    case Type::kNotSupported: {
      text = "Unsupported value: " + shown;
      if (!supported.empty()) {
        std::string list;
        for (const std::string& s : supported) list += (list.empty() ? "\"" : ", \"") + s + "\"";
        text += ": supported values: " + list;
      }
      break;
    }
    case Type::kForbidden:
      text = "Forbidden";
      break;
    case Type::kTooLong:
      text = "Too long";
      break;
    case Type::kTooMany:
      text = "Too many: " + shown;
      break;
    case Type::kNotFound:
      text = "Not found: " + shown;
      break;
  }
  if (!detail.empty()) text += ": " + detail;
  return text;
}

std::string FieldError::ToString() const { return field + ": " + Message(); }

FieldError Required(std::string field, std::string detail) {
  return {FieldError::Type::kRequired, std::move(field), nullptr, std::move(detail), {}};
}
FieldError Invalid(std::string field, json::value value, std::string detail) {
  return {FieldError::Type::kInvalid, std::move(field), std::move(value), std::move(detail), {}};
}
FieldError Duplicate(std::string field, json::value value) {
  return {FieldError::Type::kDuplicate, std::move(field), std::move(value), "", {}};
}
FieldError NotSupported(std::string field, json::value value, std::vector<std::string> supported) {
  return {FieldError::Type::kNotSupported, std::move(field), std::move(value), "",
          std::move(supported)};
}
FieldError Forbidden(std::string field, std::string detail) {
  return {FieldError::Type::kForbidden, std::move(field), nullptr, std::move(detail), {}};
}
FieldError TooLong(std::string field, json::value value, size_t max_bytes) {
  return {FieldError::Type::kTooLong,
          std::move(field),
          std::move(value),
          fmt::format("may not be more than {} bytes", max_bytes),
          {}};
}

FieldError TooMany(std::string field, size_t actual, size_t max_items) {
  return {FieldError::Type::kTooMany,
          std::move(field),
          static_cast<uint64_t>(actual),
          fmt::format("must have at most {} items", max_items),
          {}};
}

Subject Subject::Of(const api::schema::Resource& resource, std::string name) {
  return {resource.group, resource.plural, resource.kind, std::move(name)};
}

std::string Subject::QualifiedResource() const {
  return group.empty() ? resource : resource + "." + group;
}

std::string Subject::QualifiedKind() const { return group.empty() ? kind : kind + "." + group; }

Status NotFoundError(const Subject& subject) {
  json::object details = Details(subject);
  return Make(Code::kNotFound, "NotFound",
              fmt::format("{} \"{}\" not found", subject.QualifiedResource(), subject.name),
              &details);
}

Status AlreadyExistsError(const Subject& subject) {
  json::object details = Details(subject);
  return Make(Code::kAlreadyExists, "AlreadyExists",
              fmt::format("{} \"{}\" already exists", subject.QualifiedResource(), subject.name),
              &details);
}

Status ConflictError(const Subject& subject, std::string_view detail) {
  json::object details = Details(subject);
  return Make(Code::kConflict, "Conflict",
              fmt::format("Operation cannot be fulfilled on {} \"{}\": {}",
                          subject.QualifiedResource(), subject.name, detail),
              &details);
}

Status StaleResourceVersionError(const Subject& subject) {
  return ConflictError(subject,
                       "the object has been modified; please apply your changes to the latest "
                       "version and try again");
}

Status InvalidError(const Subject& subject, const FieldErrors& errors) {
  json::object details = Details(subject);
  details["kind"] = subject.kind;
  json::array causes;
  std::string list;
  for (const FieldError& error : errors) {
    causes.push_back(json::object{
        {"reason", error.Reason()}, {"message", error.Message()}, {"field", error.field}});
    list += (list.empty() ? "" : ", ") + error.ToString();
  }
  details["causes"] = std::move(causes);
  std::string summary = errors.size() == 1 ? list : "[" + list + "]";
  return Make(
      Code::kInvalidArgument, "Invalid",
      fmt::format("{} \"{}\" is invalid: {}", subject.QualifiedKind(), subject.name, summary),
      &details);
}

Status BadRequestError(std::string message) {
  return Make(Code::kInvalidArgument, "BadRequest", std::move(message));
}

Status ExpiredError(std::string message) {
  return Make(Code::kOutOfRange, "Expired", std::move(message));
}

Status MethodNotAllowedError(std::string message) {
  return Make(Code::kUnimplemented, "MethodNotAllowed", std::move(message));
}

Status ForbiddenError(const Subject& subject, std::string_view reason) {
  json::object details = Details(subject);
  std::string what = subject.name.empty()
                         ? subject.QualifiedResource()
                         : fmt::format("{} \"{}\"", subject.QualifiedResource(), subject.name);
  return Make(Code::kPermissionDenied, "Forbidden",
              fmt::format("{} is forbidden: {}", what, reason), &details);
}

Status InternalError(const Status& cause) {
  return Make(Code::kInternal, "InternalError", "Internal error occurred: " + cause.message());
}

}  // namespace mini::cluster::registry
