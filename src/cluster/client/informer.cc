#include "cluster/client/informer.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace mini::cluster::client {
namespace json = boost::json;

namespace {

// Pause before watching again after a failure, so a broken server is not hammered.
constexpr std::chrono::seconds kRetryDelay{1};
// Pages of the initial list, so a large collection does not arrive as one huge reply.
constexpr int64_t kListPage = 500;

std::string MetaString(const json::object& object, std::string_view key) {
  const json::value* metadata = object.if_contains("metadata");
  if (metadata == nullptr || !metadata->is_object()) return "";
  const json::value* value = metadata->get_object().if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

std::string KeyOf(const json::object& object) {
  return MetaString(object, "namespace") + "/" + MetaString(object, "name");
}

}  // namespace

// What the watch's thread hands over: an event, or the end of the watch with its status.
struct Informer::Change {
  std::optional<WatchEvent> event;
  Status end;
};

Informer::Informer(Client& client, Resource resource, std::string name_space,
                   ListOptions selectors, InformerHandlers handlers)
    : client_(client),
      resource_(std::move(resource)),
      name_space_(std::move(name_space)),
      selectors_(std::move(selectors)),
      handlers_(std::move(handlers)) {}

Informer::~Informer() { Stop(); }

void Informer::Start() { thread_ = std::thread([this] { Run(); }); }

void Informer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Informer::WaitForSync(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return synced_ || stopping_; }) && synced_;
}

std::optional<json::object> Informer::Get(const std::string& name_space,
                                          const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(name_space + "/" + name);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<json::object> Informer::Objects() const {
  std::lock_guard lock(mutex_);
  std::vector<json::object> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

void Informer::ForEach(const std::function<void(const json::object&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, object] : objects_) visit(object);
}

void Informer::Run() {
  bool need_list = true;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (need_list && !Relist()) {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, kRetryDelay, [this] { return stopping_; });
      continue;
    }
    need_list = false;
    Watch();
    std::unique_lock lock(mutex_);
    // The watch ended; its last change says whether history is gone (list again).
    while (!queue_.empty()) queue_.pop_front();
    need_list = resource_version_.empty();
  }
}

bool Informer::Relist() {
  std::map<std::string, json::object> fresh;
  ListOptions options = selectors_;
  options.limit = kListPage;
  std::string version;
  do {
    auto page = client_.List(resource_, name_space_, options);
    if (!page.ok()) {
      spdlog::warn("listing {}: {}", resource_.plural, page.status().message());
      return false;
    }
    if (const json::value* items = page->if_contains("items"); items && items->is_array()) {
      for (const json::value& item : items->get_array()) {
        if (item.is_object()) fresh[KeyOf(item.get_object())] = item.get_object();
      }
    }
    version = MetaString(*page, "resourceVersion");
    options.continue_token = MetaString(*page, "continue");
  } while (!options.continue_token.empty());

  // Reconcile: what vanished while unwatched is deleted, the rest added or updated.
  std::vector<std::string> gone;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, object] : objects_) {
      if (!fresh.contains(key)) gone.push_back(key);
    }
  }
  for (const std::string& key : gone) Erase(key);
  for (auto& [key, object] : fresh) Set(key, std::move(object));
  std::lock_guard lock(mutex_);
  resource_version_ = version;
  synced_ = true;
  changed_.notify_all();
  return true;
}

void Informer::Watch() {
  ListOptions options = selectors_;
  {
    std::lock_guard lock(mutex_);
    options.resource_version = resource_version_;
  }
  auto push = [this](Change change) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(change));
    changed_.notify_all();
  };
  auto stream = client_.Watch(
      resource_, name_space_, options, [push](WatchEvent event) { push(Change{std::move(event), {}}); },
      [push](Status status) {
        push(Change{std::nullopt, status.ok() ? Status(Code::kCancelled, "watch ended") : status});
      });
  if (!stream.ok()) {
    spdlog::warn("watching {}: {}", resource_.plural, stream.status().message());
    std::unique_lock lock(mutex_);
    if (stream.status().code() == Code::kOutOfRange) resource_version_.clear();
    changed_.wait_for(lock, kRetryDelay, [this] { return stopping_; });
    return;
  }
  for (;;) {
    Change change;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      change = std::move(queue_.front());
      queue_.pop_front();
    }
    if (!change.event) {
      if (change.end.code() == Code::kOutOfRange) {
        std::lock_guard lock(mutex_);
        resource_version_.clear();  // history is gone: list again
      } else if (change.end.code() != Code::kCancelled) {
        spdlog::warn("watch of {} failed: {}", resource_.plural, change.end.message());
      }
      break;
    }
    Apply(*change.event);
  }
  (*stream)->Stop();
}

void Informer::Apply(const WatchEvent& event) {
  std::string version = MetaString(event.object, "resourceVersion");
  if (event.type == WatchEvent::Type::kDeleted) {
    Erase(KeyOf(event.object));
  } else if (event.type != WatchEvent::Type::kBookmark) {
    Set(KeyOf(event.object), event.object);
  }
  std::lock_guard lock(mutex_);
  if (!version.empty()) resource_version_ = version;
}

void Informer::Set(const std::string& key, json::object object) {
  std::optional<json::object> old;
  {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it != objects_.end()) {
      if (MetaString(it->second, "resourceVersion") == MetaString(object, "resourceVersion")) {
        return;  // a relist repeating what is known
      }
      old = std::move(it->second);
    }
    objects_[key] = object;
  }
  if (old) {
    if (handlers_.on_update) handlers_.on_update(*old, object);
  } else if (handlers_.on_add) {
    handlers_.on_add(object);
  }
}

void Informer::Erase(const std::string& key) {
  std::optional<json::object> old;
  {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return;
    old = std::move(it->second);
    objects_.erase(it);
  }
  if (handlers_.on_delete) handlers_.on_delete(*old);
}

}  // namespace mini::cluster::client
