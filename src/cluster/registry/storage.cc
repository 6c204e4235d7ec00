#include "cluster/registry/storage.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "cluster/api/meta/ids.h"
#include "cluster/api/meta/names.h"
#include "cluster/registry/object_meta.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry {
namespace json = boost::json;
namespace meta = mini::api::meta;
using object_meta::Metadata;
using object_meta::MetadataOf;
using object_meta::Name;

namespace {

// Kubernetes' limit on the total size of an object's annotations.
constexpr size_t kMaxAnnotationBytes = 256 * 1024;

// "/registry/<group>/<resource>/" of the resource whose keys hold the objects.
std::string KeyPrefix(const api::schema::Resource& resource, const Converter* converter) {
  Converter::Location location{resource.group, resource.plural};
  if (converter != nullptr) location = converter->StoredAs();
  return fmt::format("/registry/{}/{}/", location.group.empty() ? "core" : location.group,
                     location.resource);
}

}  // namespace

Storage::Storage(const api::schema::Resource& resource, std::unique_ptr<Strategy> strategy,
                 store::Backend& backend, StorageHooks hooks, Clock clock,
                 std::unique_ptr<Converter> converter)
    : resource_(resource),
      strategy_(std::move(strategy)),
      backend_(backend),
      hooks_(std::move(hooks)),
      clock_(clock ? std::move(clock) : [] { return std::chrono::system_clock::now(); }),
      converter_(std::move(converter)),
      prefix_(KeyPrefix(resource, converter_.get())) {
  strategy_->set_has_status(resource.FindSubresource("status") != nullptr);
}

std::string Storage::Key(const std::string& name_space, const std::string& name) const {
  return resource_.namespaced ? prefix_ + name_space + "/" + name : prefix_ + name;
}

std::string Storage::Prefix(const std::string& name_space) const {
  return resource_.namespaced && !name_space.empty() ? prefix_ + name_space + "/" : prefix_;
}

Result<json::object> Storage::Decode(const store::KeyValue& kv) const {
  boost::system::error_code error;
  json::value value = json::parse(kv.value, error);
  if (error || !value.is_object()) {
    return InternalError(Status(Code::kInternal, "stored object " + kv.key + " is not JSON"));
  }
  json::object& object = value.as_object();
  Metadata(object)["resourceVersion"] = meta::FormatResourceVersion(kv.mod_revision);
  if (converter_) return converter_->FromStorage(std::move(object));
  return std::move(object);
}

std::string Storage::Encode(const json::object& object) const {
  if (converter_) return json::serialize(converter_->ToStorage(object));
  return json::serialize(object);
}

bool Storage::Selected(const json::object& object, const ListOptions& options) const {
  if (!options.labels.Empty()) {
    const json::object* labels = ObjectAt(object, "metadata.labels");
    if (!options.labels.Matches(labels ? *labels : json::object())) return false;
  }
  if (!options.fields.Empty()) {
    meta::Fields fields = strategy_->SelectableFields(object);
    fields["metadata.name"] = Name(object);
    if (resource_.namespaced) fields["metadata.namespace"] = StringAt(object, "metadata.namespace");
    if (!options.fields.Matches(fields)) return false;
  }
  return true;
}

Status Storage::CheckNamespace(const std::string& name_space, json::object& object) const {
  json::object& metadata = Metadata(object);
  if (!resource_.namespaced) {
    metadata.erase("namespace");
    return Status::Ok();
  }
  std::string given = StringAt(object, "metadata.namespace");
  if (!given.empty() && given != name_space) {
    return BadRequestError(
        "the namespace of the provided object does not match the namespace sent on the request");
  }
  metadata["namespace"] = name_space;
  return hooks_.check_namespace ? hooks_.check_namespace(name_space) : Status::Ok();
}

FieldErrors Storage::ValidateMetadata(const json::object& object) const {
  FieldErrors errors;
  const json::object* metadata = MetadataOf(object);
  std::string name = Name(object);
  if (name.empty()) {
    errors.push_back(Required("metadata.name", "name or generateName is required"));
  } else {
    for (const std::string& problem : strategy_->ValidateName(name)) {
      errors.push_back(Invalid("metadata.name", json::string(name), problem));
    }
  }
  if (metadata == nullptr) return errors;
  if (const json::value* labels = metadata->if_contains("labels"); labels && labels->is_object()) {
    for (const auto& [key, value] : labels->get_object()) {
      for (const std::string& problem : meta::IsQualifiedName(key)) {
        errors.push_back(Invalid("metadata.labels", json::string(key), problem));
      }
      std::string text = value.is_string() ? std::string(value.get_string()) : "";
      for (const std::string& problem : meta::IsValidLabelValue(text)) {
        errors.push_back(Invalid("metadata.labels", json::string(text), problem));
      }
    }
  }
  if (const json::value* annotations = metadata->if_contains("annotations");
      annotations && annotations->is_object()) {
    size_t total = 0;
    for (const auto& [key, value] : annotations->get_object()) {
      for (const std::string& problem : meta::IsQualifiedName(key)) {
        errors.push_back(Invalid("metadata.annotations", json::string(key), problem));
      }
      total += key.size() + (value.is_string() ? value.get_string().size() : 0);
    }
    if (total > kMaxAnnotationBytes) {
      errors.push_back(TooLong("metadata.annotations", nullptr, kMaxAnnotationBytes));
    }
  }
  return errors;
}

Result<json::object> Storage::Get(const std::string& name_space, const std::string& name) {
  auto kv = backend_.Get(Key(name_space, name));
  if (!kv.ok()) {
    if (kv.status().code() == Code::kNotFound) return NotFoundError(SubjectOf(name));
    return InternalError(kv.status());
  }
  return Decode(*kv);
}

Result<ListResult> Storage::List(const std::string& name_space, const ListOptions& options) {
  auto parsed_version = meta::ParseResourceVersion(options.resource_version);
  if (!parsed_version.ok()) return BadRequestError(parsed_version.status().message());
  const meta::ResourceVersion version = *parsed_version;
  auto match = meta::ParseResourceVersionMatch(options.resource_version_match, version,
                                               !options.continue_token.empty(), false);
  if (!match.ok()) return BadRequestError(match.status().message());

  const std::string prefix = Prefix(name_space);
  store::RangeRequest request;
  request.key = prefix;
  request.prefix = true;
  if (!options.continue_token.empty()) {
    auto token = meta::DecodeContinue(options.continue_token);
    if (!token.ok()) return BadRequestError(token.status().message());
    request.revision = token->revision;
    request.start_key = prefix + token->start_key;
  } else if (version.kind == meta::ResourceVersion::Kind::kRevision &&
             *match == meta::ResourceVersionMatch::kExact) {
    request.revision = version.revision;
  }

  const bool filtered = !options.labels.Empty() || !options.fields.Empty();
  ListResult result;
  for (;;) {
    // Without selectors one read of `limit` keys is the page; with them, read in batches
    // until the page is full or the keys run out.
    request.limit =
        options.limit > 0 ? options.limit - static_cast<int64_t>(result.items.size()) : 0;
    if (filtered && request.limit > 0) request.limit = std::max<int64_t>(request.limit, 256);
    auto range = backend_.Range(request);
    if (!range.ok()) {
      if (range.status().reason() == store::kReasonCompacted) {
        return ExpiredError(
            options.continue_token.empty()
                ? fmt::format("too old resource version: {}", options.resource_version)
                : "The provided continue parameter is too old to display a consistent list "
                  "result. You can start a new list without the continue parameter.");
      }
      if (range.status().reason() == store::kReasonFutureRevision) {
        return Status(Code::kDeadlineExceeded,
                      fmt::format("Too large resource version: {}", options.resource_version))
            .WithReason("Timeout");
      }
      return InternalError(range.status());
    }
    result.revision = range->revision;
    request.revision = range->revision;  // later batches read the same snapshot
    const size_t count = range->kvs.size();
    for (size_t i = 0; i < count; ++i) {
      store::KeyValue& kv = range->kvs[i];
      MINI_ASSIGN_OR_RETURN(json::object object, Decode(kv));
      if (filtered && !Selected(object, options)) continue;
      result.items.push_back(std::move(object));
      if (options.limit > 0 && static_cast<int64_t>(result.items.size()) >= options.limit) {
        if (i + 1 < count || range->more) {
          std::string next = kv.key + '\0';
          result.continue_token = meta::EncodeContinue(result.revision, next.substr(prefix.size()));
          if (!filtered) result.remaining = range->count - static_cast<int64_t>(i + 1);
        }
        return result;
      }
    }
    if (!range->more || count == 0) break;
    request.start_key = range->kvs.back().key + '\0';
  }
  return result;
}

Result<ListResult> Storage::DeleteCollection(const std::string& name_space,
                                             const ListOptions& options,
                                             const DeleteOptions& delete_options) {
  ListOptions all = options;
  all.limit = 0;
  all.continue_token.clear();
  MINI_ASSIGN_OR_RETURN(ListResult listed, List(name_space, all));
  ListResult deleted;
  deleted.revision = listed.revision;
  for (const json::object& object : listed.items) {
    auto gone = Delete(StringAt(object, "metadata.namespace"), Name(object), delete_options);
    if (gone.ok()) {
      deleted.items.push_back(std::move(*gone));
    } else if (gone.status().code() != Code::kNotFound) {
      return gone.status();
    }
  }
  return deleted;
}

}  // namespace mini::cluster::registry
