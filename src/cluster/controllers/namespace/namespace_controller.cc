#include "cluster/controllers/namespace/namespace_controller.h"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/client/informer.h"

namespace mini::cluster::controllers {
namespace json = boost::json;

namespace {

using Clock = std::chrono::steady_clock;
// How soon a namespace whose pods are still terminating is looked at again.
constexpr auto kRecheck = std::chrono::seconds(1);
constexpr std::string_view kFinalizer = "kubernetes";

const json::object* ObjectIn(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

std::string StringIn(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

std::string NameOf(const json::object& object) {
  const json::object* metadata = ObjectIn(object, "metadata");
  return metadata != nullptr ? StringIn(*metadata, "name") : "";
}

bool Deleting(const json::object& ns) {
  const json::object* metadata = ObjectIn(ns, "metadata");
  return metadata != nullptr && metadata->contains("deletionTimestamp");
}

const json::array* Finalizers(const json::object& ns) {
  const json::object* spec = ObjectIn(ns, "spec");
  const json::value* finalizers = spec != nullptr ? spec->if_contains("finalizers") : nullptr;
  return finalizers != nullptr && finalizers->is_array() ? &finalizers->get_array() : nullptr;
}

bool HoldsOurFinalizer(const json::object& ns) {
  const json::array* finalizers = Finalizers(ns);
  return finalizers != nullptr &&
         std::find(finalizers->begin(), finalizers->end(), json::value(kFinalizer)) !=
             finalizers->end();
}

bool HasVerb(const json::object& resource, std::string_view verb) {
  const json::value* verbs = resource.if_contains("verbs");
  if (verbs == nullptr || !verbs->is_array()) return false;
  const json::array& list = verbs->get_array();
  return std::find(list.begin(), list.end(), json::value(verb)) != list.end();
}

class NamespaceController final : public Controller {
 public:
  explicit NamespaceController(client::Client& client) : client_(client) {}
  ~NamespaceController() override { Stop(); }

  Status Start(std::chrono::milliseconds sync_timeout) override {
    auto changed = [this](const json::object& ns) {
      if (Deleting(ns)) Enqueue(NameOf(ns), Clock::now());
    };
    informer_ = std::make_unique<client::Informer>(
        client_, client::resources::kNamespaces, "", client::ListOptions{},
        client::InformerHandlers{changed,
                                 [changed](const json::object&, const json::object& now) {
                                   changed(now);
                                 },
                                 nullptr});
    informer_->Start();
    if (!informer_->WaitForSync(sync_timeout)) {
      Stop();
      return Status(Code::kDeadlineExceeded,
                    "namespace controller: the first list of namespaces did not arrive in time");
    }
    thread_ = std::thread([this] { Run(); });
    return Status::Ok();
  }

  void Stop() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (informer_) informer_->Stop();
  }

 private:
  // Keeps the earlier time when a namespace is already due.
  void Enqueue(const std::string& name, Clock::time_point when) {
    if (name.empty()) return;
    std::lock_guard lock(mu_);
    auto [it, inserted] = due_.emplace(name, when);
    if (!inserted) it->second = std::min(it->second, when);
    wake_.notify_all();
  }

  void Run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      auto next = std::min_element(due_.begin(), due_.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      });
      if (next == due_.end()) {
        wake_.wait(lock);
        continue;
      }
      if (next->second > Clock::now()) {
        wake_.wait_until(lock, next->second);
        continue;
      }
      std::string name = next->first;
      due_.erase(next);
      lock.unlock();
      auto finished = Reconcile(name);
      if (!finished.ok()) {
        spdlog::warn("namespace controller: namespace {}: {}", name, finished.status().message());
      }
      lock.lock();
      if (!finished.ok() || !*finished) {
        auto [it, inserted] = due_.emplace(name, Clock::now() + kRecheck);
        (void)it;
        (void)inserted;
      }
    }
  }

  // True when the namespace needs nothing more from this controller; false while content
  // remains (pods still terminating).
  Result<bool> Reconcile(const std::string& name) {
    std::optional<json::object> ns = informer_->Get("", name);
    if (!ns || !Deleting(*ns) || !HoldsOurFinalizer(*ns)) return true;
    MINI_ASSIGN_OR_RETURN(std::vector<client::Resource> resources, NamespacedResources());
    std::vector<std::string> remaining;
    for (const client::Resource& resource : resources) {
      Status deleted = client_.DeleteCollection(resource, name);
      if (!deleted.ok() && deleted.code() != Code::kNotFound) {
        return deleted.WithContext("deleting the {} of namespace {}", resource.plural, name);
      }
      client::ListOptions one;
      one.limit = 1;
      auto left = client_.List(resource, name, one);
      if (!left.ok()) return left.status();
      const json::value* items = left->if_contains("items");
      if (items != nullptr && items->is_array() && !items->get_array().empty()) {
        remaining.push_back(resource.plural);
      }
    }
    if (!remaining.empty()) {
      spdlog::debug("namespace controller: namespace {} still holds {}", name,
                    fmt::join(remaining, ", "));
      return false;
    }
    json::object finalized = *ns;
    json::array kept;
    for (const json::value& finalizer : *Finalizers(finalized)) {
      if (finalizer != json::value(kFinalizer)) kept.push_back(finalizer);
    }
    finalized["spec"].as_object()["finalizers"] = std::move(kept);
    auto written = client_.Update(client::resources::kNamespaces, "", finalized, "finalize");
    if (written.ok() || written.status().code() == Code::kNotFound) return true;
    if (written.status().code() == Code::kConflict) return false;  // changed meanwhile: again
    return written.status();
  }

  // Every namespaced resource that can be listed and deleted as a collection, in each API
  // group's preferred version.
  Result<std::vector<client::Resource>> NamespacedResources() {
    std::vector<std::pair<std::string, std::string>> group_versions{{"", "v1"}};
    MINI_ASSIGN_OR_RETURN(json::object groups, client_.GetPath("/apis"));
    if (const json::value* list = groups.if_contains("groups"); list && list->is_array()) {
      for (const json::value& group : list->get_array()) {
        if (!group.is_object()) continue;
        const json::object* preferred = ObjectIn(group.get_object(), "preferredVersion");
        if (preferred == nullptr) continue;
        group_versions.emplace_back(StringIn(group.get_object(), "name"),
                                    StringIn(*preferred, "version"));
      }
    }
    std::vector<client::Resource> resources;
    for (const auto& [group, version] : group_versions) {
      std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
      MINI_ASSIGN_OR_RETURN(json::object list, client_.GetPath(path));
      const json::value* entries = list.if_contains("resources");
      if (entries == nullptr || !entries->is_array()) continue;
      for (const json::value& entry : entries->get_array()) {
        if (!entry.is_object()) continue;
        const json::object& resource = entry.get_object();
        std::string plural = StringIn(resource, "name");
        const json::value* namespaced = resource.if_contains("namespaced");
        if (plural.find('/') != std::string::npos || namespaced == nullptr ||
            namespaced->kind() != json::kind::bool_ || !namespaced->get_bool() ||
            !HasVerb(resource, "deletecollection") || !HasVerb(resource, "list")) {
          continue;
        }
        resources.push_back(client::Resource{group, version, plural});
      }
    }
    return resources;
  }

  client::Client& client_;
  std::unique_ptr<client::Informer> informer_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Clock::time_point> due_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Controller> NewNamespaceController(client::Client& client) {
  return std::make_unique<NamespaceController>(client);
}

}  // namespace mini::cluster::controllers
