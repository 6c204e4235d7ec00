#include "cluster/registry/core/event.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "cluster/registry/core/checks.h"
#include "cluster/registry/printing.h"

namespace mini::cluster::registry::core {
namespace json = boost::json;

namespace {

constexpr size_t kMaxNameLength = 128;
constexpr size_t kMaxNoteLength = 1024;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(std::string_view text) {
  size_t first = text.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos) return "";
  size_t last = text.find_last_not_of(" \t\r\n\v\f");
  return std::string(text.substr(first, last - first + 1));
}

class EventStrategy : public Strategy {
 public:
  FieldErrors Validate(const json::object& object) const override {
    FieldErrors errors;
    static const json::object kEmpty;
    const json::object* involved_ptr = ObjectField(object, "involvedObject");
    const json::object& involved = involved_ptr ? *involved_ptr : kEmpty;
    std::string event_namespace = StringAt(object, "metadata.namespace");
    std::string object_namespace = StringField(involved, "namespace");
    bool legacy = StringField(object, "eventTime").empty();
    if (legacy) {
      // Old clients file events about cluster-scoped objects in "default".
      bool matches = object_namespace.empty()
                         ? event_namespace.empty() || event_namespace == "default"
                         : event_namespace == object_namespace;
      if (!matches) {
        errors.push_back(Invalid("involvedObject.namespace", json::string(object_namespace),
                                 "does not match event.namespace"));
      }
      return errors;
    }
    if (object_namespace.empty() && event_namespace != "kube-system" &&
        event_namespace != "default") {
      errors.push_back(Invalid("involvedObject.namespace", json::string(object_namespace),
                               "does not match event.namespace"));
    } else if (!object_namespace.empty() && event_namespace != object_namespace) {
      errors.push_back(Invalid("involvedObject.namespace", json::string(object_namespace),
                               "does not match event.namespace"));
    }
    std::string controller = StringField(object, "reportingComponent");
    if (controller.empty()) {
      errors.push_back(Required("reportingController"));
    } else {
      ValidateQualifiedName(controller, "reportingController", errors);
    }
    for (const auto& [field, label] :
         {std::pair{"reportingInstance", "reportingInstance"}, std::pair{"action", "action"},
          std::pair{"reason", "reason"}}) {
      std::string value = StringField(object, field);
      if (value.empty()) {
        errors.push_back(Required(label));
      } else if (value.size() > kMaxNameLength) {
        errors.push_back(Invalid(label, json::string(value),
                                 fmt::format("can have at most {} characters", kMaxNameLength)));
      }
    }
    if (StringField(object, "message").size() > kMaxNoteLength) {
      errors.push_back(Invalid("message", json::string(""),
                               fmt::format("can have at most {} characters", kMaxNoteLength)));
    }
    return errors;
  }

  std::map<std::string, std::string> SelectableFields(const json::object& object) const override {
    std::string source = StringAt(object, "source.component");
    if (source.empty()) source = StringField(object, "reportingComponent");
    return {{"involvedObject.kind", StringAt(object, "involvedObject.kind")},
            {"involvedObject.namespace", StringAt(object, "involvedObject.namespace")},
            {"involvedObject.name", StringAt(object, "involvedObject.name")},
            {"involvedObject.uid", StringAt(object, "involvedObject.uid")},
            {"involvedObject.apiVersion", StringAt(object, "involvedObject.apiVersion")},
            {"involvedObject.resourceVersion", StringAt(object, "involvedObject.resourceVersion")},
            {"involvedObject.fieldPath", StringAt(object, "involvedObject.fieldPath")},
            {"reason", StringField(object, "reason")},
            {"reportingComponent", StringField(object, "reportingComponent")},
            {"source", source},
            {"type", StringField(object, "type")}};
  }

  std::vector<Column> Columns() const override {
    return {{"Last Seen", "string", "", "When the event was last observed.", 0},
            {"Type", "string", "", "Normal or Warning.", 0},
            {"Reason", "string", "", "Why the event happened, in CamelCase.", 0},
            {"Object", "string", "", "The object the event is about.", 0},
            {"Subobject", "string", "", "The part of the object, such as a container.", 1},
            {"Source", "string", "", "The component that reported the event.", 1},
            {"Message", "string", "", "What happened, for humans.", 0},
            {"First Seen", "string", "", "When the event was first observed.", 1},
            {"Count", "string", "", "How many times the event happened.", 1},
            {"Name", "string", "name", "Name must be unique within a namespace.", 1}};
  }

  json::array Cells(const json::object& object,
                    std::chrono::system_clock::time_point now) const override {
    std::string first = StringField(object, "firstTimestamp");
    std::string first_seen =
        first.empty() ? Since(StringField(object, "eventTime"), now) : Since(first, now);
    std::string last = StringField(object, "lastTimestamp");
    std::string last_seen = last.empty() ? first_seen : Since(last, now);
    int64_t count = 0;
    IntField(object, "count", count);
    if (const json::object* series = ObjectField(object, "series")) {
      last_seen = Since(StringField(*series, "lastObservedTime"), now);
      count = 0;
      IntField(*series, "count", count);
    } else if (count == 0) {
      count = 1;  // events.k8s.io singletons leave count unset
    }
    std::string kind = Lower(StringAt(object, "involvedObject.kind"));
    std::string name = StringAt(object, "involvedObject.name");
    std::string target = name.empty() ? kind : kind + "/" + name;
    std::string component = StringAt(object, "source.component");
    if (component.empty()) component = StringField(object, "reportingComponent");
    std::string host = StringAt(object, "source.host");
    if (host.empty()) host = StringField(object, "reportingInstance");
    std::string source = host.empty() ? component : component + ", " + host;
    return {json::string(last_seen),
            json::string(StringField(object, "type")),
            json::string(StringField(object, "reason")),
            json::string(target),
            json::string(StringAt(object, "involvedObject.fieldPath")),
            json::string(source),
            json::string(Trim(StringField(object, "message"))),
            json::string(first_seen),
            count,
            json::string(StringAt(object, "metadata.name"))};
  }
};

}  // namespace

std::unique_ptr<Strategy> NewEventStrategy(const StrategyContext&) {
  return std::make_unique<EventStrategy>();
}

}  // namespace mini::cluster::registry::core
