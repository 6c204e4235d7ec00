#include "cluster/api/openapi/operations.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <cctype>
#include <string>
#include <vector>

namespace mini::cluster::api::openapi {
namespace {

namespace json = boost::json;
using schema::Resource;

enum class Action { kGet, kList, kCreate, kUpdate, kPatch, kDelete, kDeleteCollection };

struct Param {
  std::string_view name;
  std::string_view type;
  std::string_view description;
};

constexpr Param kListParams[] = {
    {"allowWatchBookmarks", "boolean",
     "Ask a watch for BOOKMARK events; the server may ignore it."},
    {"continue", "string", "The token from a previous partial list, to fetch the next part."},
    {"fieldSelector", "string", "Only objects whose fields match, such as metadata.name=web."},
    {"labelSelector", "string", "Only objects whose labels match, such as app=web,tier!=db."},
    {"limit", "integer", "At most this many objects; metadata.continue then names the rest."},
    {"resourceVersion", "string", "The resource version to list at or to watch from."},
    {"resourceVersionMatch", "string",
     "How resourceVersion constrains a list: Exact or NotOlderThan."},
    {"sendInitialEvents", "boolean", "Start a watch with the current objects, then a BOOKMARK."},
    {"timeoutSeconds", "integer", "End the list or watch after this many seconds."},
    {"watch", "boolean", "Stream changes instead of returning the objects once."},
};
constexpr Param kDryRun = {"dryRun", "string",
                           "All: check and default the request but store nothing."};
constexpr Param kFieldManager = {
    "fieldManager", "string",
    "Who makes the change, recorded in managedFields; required for apply patches."};
constexpr Param kFieldValidation = {
    "fieldValidation", "string",
    "What to do with unknown or duplicate fields: Ignore drops them, Warn drops them and says "
    "so in a Warning header (the default), Strict rejects the request."};
constexpr Param kPretty = {"pretty", "string", "Indent the JSON reply for people when 'true'."};
constexpr Param kForce = {"force", "boolean",
                          "Take over fields that other managers own; only for apply patches."};
constexpr Param kDeleteParams[] = {
    kDryRun,
    {"gracePeriodSeconds", "integer", "Seconds the object may take to shut down; 0 is at once."},
    {"orphanDependents", "boolean", "Deprecated: use propagationPolicy=Orphan."},
    {"propagationPolicy", "string",
     "What happens to dependents: Orphan, Background or Foreground."},
};

constexpr std::string_view kPatchTypes[] = {
    "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
    "application/strategic-merge-patch+json"};

struct Spec {
  Action action;
  Gvk gvk;               // what the operation reads or writes
  std::string body;      // definition name of the request body; empty for none
  std::string response;  // definition name of the success responses; empty for none
  std::string id;        // operationId
  std::string description;
};

std::string_view Method(Action action) {
  switch (action) {
    case Action::kGet:
    case Action::kList:
      return "get";
    case Action::kCreate:
      return "post";
    case Action::kUpdate:
      return "put";
    case Action::kPatch:
      return "patch";
    case Action::kDelete:
    case Action::kDeleteCollection:
      return "delete";
  }
  return "get";
}

// Kubernetes' x-kubernetes-action names, which differ from both verbs and methods.
std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kGet:
      return "get";
    case Action::kList:
      return "list";
    case Action::kCreate:
      return "post";
    case Action::kUpdate:
      return "put";
    case Action::kPatch:
      return "patch";
    case Action::kDelete:
      return "delete";
    case Action::kDeleteCollection:
      return "deletecollection";
  }
  return "get";
}

std::string_view IdVerb(Action action) {
  switch (action) {
    case Action::kGet:
      return "read";
    case Action::kList:
      return "list";
    case Action::kCreate:
      return "create";
    case Action::kUpdate:
      return "replace";
    case Action::kPatch:
      return "patch";
    case Action::kDelete:
      return "delete";
    case Action::kDeleteCollection:
      return "deleteCollection";
  }
  return "read";
}

std::string Capitalized(std::string_view word) {
  std::string out(word);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// "" -> "CoreV1", "rbac.authorization.k8s.io" -> "RbacAuthorizationV1": the group-version part
// of operation ids, as client generators expect it.
std::string GroupVersionId(const Resource& resource) {
  std::string_view group = resource.group;
  if (group.empty()) group = "core";
  if (group.ends_with(".k8s.io")) group.remove_suffix(7);
  std::string id;
  size_t start = 0;
  while (start <= group.size()) {
    size_t dot = std::min(group.find('.', start), group.size());
    id += Capitalized(group.substr(start, dot - start));
    start = dot + 1;
  }
  return id + Capitalized(resource.version);
}

json::object QueryParam(Dialect dialect, const Param& param) {
  json::object out{{"name", param.name}, {"in", "query"}, {"description", param.description}};
  if (dialect == Dialect::kV3) {
    out["schema"] = {{"type", param.type}, {"uniqueItems", true}};
  } else {
    out["type"] = param.type;
    out["uniqueItems"] = true;
  }
  return out;
}

json::object PathParam(Dialect dialect, std::string_view name, std::string_view description) {
  json::object out{
      {"name", name}, {"in", "path"}, {"required", true}, {"description", description}};
  if (dialect == Dialect::kV3) {
    out["schema"] = {{"type", "string"}, {"uniqueItems", true}};
  } else {
    out["type"] = "string";
    out["uniqueItems"] = true;
  }
  return out;
}

std::vector<Param> QueryParams(Action action) {
  std::vector<Param> params;
  switch (action) {
    case Action::kGet:
      break;
    case Action::kList:
      params.assign(std::begin(kListParams), std::end(kListParams));
      break;
    case Action::kCreate:
    case Action::kUpdate:
      params = {kDryRun, kFieldManager, kFieldValidation};
      break;
    case Action::kPatch:
      params = {kDryRun, kFieldManager, kFieldValidation, kForce};
      break;
    case Action::kDeleteCollection:
      params.assign(std::begin(kListParams), std::end(kListParams));
      [[fallthrough]];
    case Action::kDelete:
      params.insert(params.end(), std::begin(kDeleteParams), std::end(kDeleteParams));
      break;
  }
  std::sort(params.begin(), params.end(),
            [](const Param& a, const Param& b) { return a.name < b.name; });
  return params;
}

std::vector<std::string_view> BodyTypes(Action action) {
  if (action == Action::kPatch) return {std::begin(kPatchTypes), std::end(kPatchTypes)};
  return {"*/*"};
}

std::vector<std::string_view> ResponseCodes(Action action) {
  switch (action) {
    case Action::kCreate:
      return {"200", "201", "202"};
    case Action::kUpdate:
    case Action::kPatch:
      return {"200", "201"};
    case Action::kDelete:
      return {"200", "202"};
    default:
      return {"200"};
  }
}

std::string_view CodeText(std::string_view code) {
  if (code == "201") return "Created";
  if (code == "202") return "Accepted";
  return "OK";
}

std::vector<std::string_view> ResponseTypes(Action action) {
  if (action == Action::kList) return {"application/json", "application/json;stream=watch"};
  return {"application/json"};
}

void AddBody(Dialect dialect, const Spec& spec, json::object& operation) {
  if (spec.body.empty()) return;
  // A DELETE may come without DeleteOptions; every other body is the point of the request.
  bool required = spec.action != Action::kDelete && spec.action != Action::kDeleteCollection;
  std::vector<std::string_view> types = BodyTypes(spec.action);
  if (dialect == Dialect::kV3) {
    json::object content;
    for (std::string_view type : types) content[type] = {{"schema", Ref(dialect, spec.body)}};
    json::object body{{"content", std::move(content)}};
    if (required) body["required"] = true;
    operation["requestBody"] = std::move(body);
    return;
  }
  json::array consumes;
  for (std::string_view type : types) consumes.emplace_back(type);
  operation["consumes"] = std::move(consumes);
  operation["parameters"].as_array().push_back(json::object{{"name", "body"},
                                                            {"in", "body"},
                                                            {"required", required},
                                                            {"schema", Ref(dialect, spec.body)}});
}

void AddResponses(Dialect dialect, const Spec& spec, json::object& operation) {
  json::object responses;
  for (std::string_view code : ResponseCodes(spec.action)) {
    json::object response{{"description", CodeText(code)}};
    if (!spec.response.empty()) {
      if (dialect == Dialect::kV3) {
        json::object content;
        for (std::string_view type : ResponseTypes(spec.action)) {
          content[type] = {{"schema", Ref(dialect, spec.response)}};
        }
        response["content"] = std::move(content);
      } else {
        response["schema"] = Ref(dialect, spec.response);
      }
    }
    responses[code] = std::move(response);
  }
  responses["401"] = {{"description", "Unauthorized"}};
  operation["responses"] = std::move(responses);
  if (dialect == Dialect::kV2) {
    json::array produces;
    for (std::string_view type : ResponseTypes(spec.action)) produces.emplace_back(type);
    operation["produces"] = std::move(produces);
  }
}

json::object Operation(Dialect dialect, const Spec& spec) {
  json::array params;
  for (const Param& param : QueryParams(spec.action)) params.push_back(QueryParam(dialect, param));
  json::object operation{
      {"operationId", spec.id},
      {"description", spec.description},
      {"parameters", std::move(params)},
      {"x-kubernetes-action", ActionName(spec.action)},
      {"x-kubernetes-group-version-kind",
       {{"group", spec.gvk.group}, {"kind", spec.gvk.kind}, {"version", spec.gvk.version}}}};
  AddBody(dialect, spec, operation);
  AddResponses(dialect, spec, operation);
  if (operation["parameters"].as_array().empty()) operation.erase("parameters");
  return operation;
}

// Builds the path items of one resource; names follow Kubernetes' URL layout.
class ResourcePaths {
 public:
  ResourcePaths(const Model& model, Dialect dialect, const Resource& resource)
      : model_(model), dialect_(dialect), resource_(resource) {
    prefix_ = resource.group.empty() ? "/api/" + resource.version
                                     : "/apis/" + resource.group + "/" + resource.version;
    collection_ =
        prefix_ + (resource.namespaced ? "/namespaces/{namespace}/" : "/") + resource.plural;
    kind_ = {resource.group, resource.version, resource.kind};
    kind_name_ = resource.type->OpenApiName();
  }

  void AddTo(json::object& paths) const {
    AddCollection(paths);
    AddItem(paths);
    AddAllNamespaces(paths);
    for (const schema::Subresource& sub : resource_.subresources) AddSubresource(sub, paths);
  }

 private:
  bool Allows(std::string_view verb) const { return HasVerb(resource_, verb); }

  // "listAppsV1NamespacedDeployment", "patchCoreV1NamespacedPodStatus": the ids Kubernetes'
  // client generators name methods after.
  std::string Id(Action action, std::string_view suffix = {}, bool all_namespaces = false) const {
    std::string_view scope = resource_.namespaced && !all_namespaces ? "Namespaced" : "";
    return fmt::format("{}{}{}{}{}", IdVerb(action), GroupVersionId(resource_), scope,
                       resource_.kind, suffix);
  }

  json::object PathItem(bool named) const {
    json::array params;
    if (named) params.push_back(PathParam(dialect_, "name", "The object's name."));
    if (resource_.namespaced) {
      params.push_back(PathParam(dialect_, "namespace", "The namespace the object lives in."));
    }
    params.push_back(QueryParam(dialect_, kPretty));
    return {{"parameters", std::move(params)}};
  }

  Spec Make(Action action, std::string description) const {
    Spec spec{action, kind_, "", kind_name_, Id(action), std::move(description)};
    switch (action) {
      case Action::kGet:
        spec.body.clear();
        break;
      case Action::kList:
        spec.body.clear();
        spec.response = Model::ListName(resource_);
        break;
      case Action::kPatch:
        spec.body = kPatchName;
        break;
      case Action::kDelete:
      case Action::kDeleteCollection:
        spec.body = model_.delete_options_name();
        spec.response = model_.status_name();
        break;
      default:
        break;
    }
    return spec;
  }

  void Put(json::object& item, const Spec& spec) const {
    item[Method(spec.action)] = Operation(dialect_, spec);
  }

  static void Keep(json::object item, const std::string& path, json::object& paths) {
    if (item.size() > 1) paths[path] = std::move(item);  // more than the shared parameters
  }

  void AddCollection(json::object& paths) const {
    const std::string& kind = resource_.kind;
    json::object item = PathItem(false);
    if (Allows("list")) Put(item, Make(Action::kList, "Lists or watches " + kind + " objects."));
    if (Allows("create")) Put(item, Make(Action::kCreate, "Creates a " + kind + "."));
    if (Allows("deletecollection")) {
      Put(item, Make(Action::kDeleteCollection, "Deletes the " + kind + " objects that match."));
    }
    Keep(std::move(item), collection_, paths);
  }

  void AddItem(json::object& paths) const {
    const std::string& kind = resource_.kind;
    json::object item = PathItem(true);
    if (Allows("get")) Put(item, Make(Action::kGet, "Reads one " + kind + "."));
    if (Allows("update")) Put(item, Make(Action::kUpdate, "Replaces one " + kind + "."));
    if (Allows("patch")) Put(item, Make(Action::kPatch, "Patches one " + kind + "."));
    if (Allows("delete")) Put(item, Make(Action::kDelete, "Deletes one " + kind + "."));
    Keep(std::move(item), collection_ + "/{name}", paths);
  }

  void AddAllNamespaces(json::object& paths) const {
    if (!resource_.namespaced || !Allows("list")) return;
    Spec spec =
        Make(Action::kList, "Lists or watches " + resource_.kind + " objects of every namespace.");
    spec.id = Id(Action::kList, "ForAllNamespaces", /*all_namespaces=*/true);
    json::object item{{"parameters", json::array{QueryParam(dialect_, kPretty)}}};
    Put(item, spec);
    paths[prefix_ + "/" + resource_.plural] = std::move(item);
  }

  void AddSubresource(const schema::Subresource& sub, json::object& paths) const {
    // A log is text, not an object of the schema; no client reads its operation.
    if (sub.type == nullptr || sub.name == "log") return;
    std::string type_name = sub.type->OpenApiName();
    Gvk gvk{sub.group, sub.version, sub.type->name};
    std::string suffix = Capitalized(sub.name);
    auto spec = [&](Action action, std::string description) {
      Spec out{action, gvk, type_name, type_name, Id(action, suffix), std::move(description)};
      if (action == Action::kGet) out.body.clear();
      if (action == Action::kPatch) out.body = kPatchName;
      return out;
    };
    std::string of = " of one " + resource_.kind + ".";
    json::object item = PathItem(true);
    if (IsReadWriteSubresource(sub.name)) {
      Put(item, spec(Action::kGet, "Reads the " + sub.name + of));
      Put(item, spec(Action::kUpdate, "Replaces the " + sub.name + of));
      Put(item, spec(Action::kPatch, "Patches the " + sub.name + of));
    } else if (sub.name == "finalize") {
      Put(item, spec(Action::kUpdate, "Replaces the finalizers that hold a deleted " +
                                          resource_.kind + "'s removal."));
    } else {
      Put(item, spec(Action::kCreate,
                     "Creates a " + sub.type->name + " for one " + resource_.kind + "."));
    }
    paths[collection_ + "/{name}/" + sub.name] = std::move(item);
  }

  const Model& model_;
  Dialect dialect_;
  const Resource& resource_;
  std::string prefix_;
  std::string collection_;
  Gvk kind_;
  std::string kind_name_;
};

}  // namespace

void AddResourcePaths(const Model& model, Dialect dialect, const Resource& resource,
                      json::object& paths) {
  ResourcePaths(model, dialect, resource).AddTo(paths);
}

}  // namespace mini::cluster::api::openapi
