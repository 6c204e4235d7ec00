#include "cluster/controllers/namespace_fanout/namespace_fanout.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace mini::cluster::controllers {
namespace json = boost::json;

namespace {

constexpr auto kRetryDelay = std::chrono::seconds(1);

std::string Field(const json::object& object, std::string_view section, std::string_view key) {
  const json::value* outer = object.if_contains(section);
  const json::value* value =
      outer != nullptr && outer->is_object() ? outer->get_object().if_contains(key) : nullptr;
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

}  // namespace

NamespaceFanout::NamespaceFanout(client::Client& client, FanoutSpec spec)
    : client_(client), spec_(std::move(spec)) {}

NamespaceFanout::~NamespaceFanout() { Stop(); }

Status NamespaceFanout::Start(std::chrono::milliseconds sync_timeout) {
  auto by_namespace = [this](const json::object& object) {
    Enqueue(Field(object, "metadata", "name"));
  };
  auto by_object = [this](const json::object& object) {
    Enqueue(Field(object, "metadata", "namespace"));
  };
  namespaces_ = std::make_unique<client::Informer>(
      client_, client::resources::kNamespaces, "", client::ListOptions{},
      client::InformerHandlers{by_namespace,
                               [by_namespace](const json::object&, const json::object& now) {
                                 by_namespace(now);
                               },
                               nullptr});
  client::ListOptions named;
  named.field_selector = "metadata.name=" + spec_.name;
  objects_ = std::make_unique<client::Informer>(
      client_, spec_.resource, "", named,
      client::InformerHandlers{nullptr,
                               [by_object](const json::object&, const json::object& now) {
                                 by_object(now);
                               },
                               by_object});
  namespaces_->Start();
  objects_->Start();
  if (!namespaces_->WaitForSync(sync_timeout) || !objects_->WaitForSync(sync_timeout)) {
    Stop();
    return Status(Code::kDeadlineExceeded,
                  spec_.controller + " controller: the first lists did not arrive in time");
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void NamespaceFanout::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (objects_) objects_->Stop();
  if (namespaces_) namespaces_->Stop();
}

void NamespaceFanout::Enqueue(const std::string& name_space) {
  if (name_space.empty()) return;
  std::lock_guard lock(mu_);
  pending_.insert(name_space);
  wake_.notify_all();
}

void NamespaceFanout::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    std::set<std::string> batch = std::exchange(pending_, {});
    lock.unlock();
    std::set<std::string> failed;
    for (const std::string& name_space : batch) {
      if (Status done = Reconcile(name_space); !done.ok()) {
        spdlog::warn("{} controller: namespace {}: {}", spec_.controller, name_space,
                     done.message());
        failed.insert(name_space);
      }
    }
    lock.lock();
    if (!failed.empty()) {
      pending_.insert(failed.begin(), failed.end());
      wake_.wait_for(lock, kRetryDelay, [this] { return stopping_; });
    }
  }
}

Status NamespaceFanout::Reconcile(const std::string& name_space) {
  std::optional<json::object> ns = namespaces_->Get("", name_space);
  if (!ns || Field(*ns, "status", "phase") == "Terminating" ||
      ns->at("metadata").as_object().contains("deletionTimestamp")) {
    return Status::Ok();  // nothing may be created in a namespace that is going away
  }
  json::object desired = spec_.desired(name_space);
  std::optional<json::object> current = objects_->Get(name_space, spec_.name);
  if (!current) {
    auto created = client_.Create(spec_.resource, name_space, desired);
    if (created.ok() || created.status().code() == Code::kAlreadyExists) return Status::Ok();
    // A namespace being deleted refuses new objects: its informer event comes next.
    if (created.status().code() == Code::kPermissionDenied) return Status::Ok();
    return created.status();
  }
  if (!spec_.differs || !spec_.differs(*current, desired)) return Status::Ok();
  desired["metadata"].as_object()["resourceVersion"] = current->at("metadata").at("resourceVersion");
  auto updated = client_.Update(spec_.resource, name_space, desired);
  if (updated.ok() || updated.status().code() == Code::kNotFound) return Status::Ok();
  return updated.status();
}

}  // namespace mini::cluster::controllers
